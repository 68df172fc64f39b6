//! chipbot answers chip-industry questions from curated reports, with cited
//! snippets and summary figures.
//!
//! Data flows one way: entry points (the CLI, the chat [`adapters`], watch
//! mode, the [`digest`] scheduler) build a [`core::Request`] (who asks, and a
//! [`core::Command`]) and hand it to [`core::Core::handle`], the one door.
//! The core applies the rules about who asks and runs the command on the
//! [`answer::Engine`], which answers from the [`search`] index with a
//! platform-neutral [`reply::Reply`] that each entry point renders. Only
//! [`search`] imports tantivy; only [`adapters`] import serenity, poise or
//! matrix-sdk; [`config`] imports nothing of the crate.

// matrix-sdk's sync future needs a deeper trait-resolution limit to be spawned.
#![recursion_limit = "256"]

pub mod adapters;
pub mod answer;
#[cfg(feature = "bench")]
pub mod bench;
pub mod cli;
pub mod config;
pub mod core;
pub mod curate;
pub mod digest;
pub mod error;
pub mod eval;
pub mod figures;
pub mod query;
pub mod render;
pub mod reply;
pub mod report;
pub mod search;
pub mod serve;
pub mod segment;
pub mod store;
pub mod task;
pub mod watch;

pub use error::{Error, Result};
