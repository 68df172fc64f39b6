//! Chat platform adapters. Each one is the only module that imports its
//! platform's crates: it turns platform events into requests to the core's
//! one door ([`crate::core::Core`]) and renders the platform-neutral replies
//! in the platform's format.

#[cfg(feature = "discord")]
pub mod discord;
#[cfg(feature = "matrix")]
pub mod matrix;
