//! chipbot answers chip-industry questions from curated reports, with cited
//! snippets and summary figures.
//!
//! Data flows one way: entry points (CLI, chat adapters) parse a
//! [`command::Command`], the [`engine::Engine`] answers it with a
//! platform-neutral [`reply::Reply`], and only [`search`] touches tantivy.
//! Chat platforms go through the shared [`chat`] layer; only
//! [`adapters`] import serenity, poise or matrix-sdk.

// matrix-sdk's sync future needs a deeper trait-resolution limit to be spawned.
#![recursion_limit = "256"]

pub mod adapters;
pub mod answer;
#[cfg(feature = "bench")]
pub mod bench;
pub mod chart;
pub mod chat;
pub mod cli;
pub mod command;
pub mod config;
pub mod digest;
pub mod engine;
pub mod error;
pub mod eval;
pub mod figures;
pub mod query;
pub mod render;
pub mod reply;
pub mod report;
pub mod search;
pub mod serve;
pub mod store;
pub mod text;
pub mod watch;

pub use error::{Error, Result};
