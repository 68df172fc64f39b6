//! Chat platform adapters. Each one is the only module that imports its
//! platform's crates: it turns platform events into [`crate::chat`] calls and
//! renders the platform-neutral replies in the platform's format.

#[cfg(feature = "discord")]
pub mod discord;
#[cfg(feature = "matrix")]
pub mod matrix;
