//! The integration tests, one crate so that they link once: each module
//! tests one capability from the outside (the CLI binary, the core's door,
//! the Discord client against a loopback stand-in), with fixtures from
//! `tests/fixtures` and helpers in [`support`]. The Matrix end-to-end tests
//! against Synapse keep their own runner (`tests/matrix.rs`).

mod support;

mod answers;
mod chinese;
mod bench;
mod cli;
mod cli_digest;
mod corpus;
#[cfg(feature = "curation")]
mod curation;
mod digest_content;
mod digest_once;
mod digest_service;
#[cfg(feature = "discord")]
mod discord;
#[cfg(feature = "discord")]
mod discord_rate_limits;
#[cfg(feature = "discord")]
mod discord_serve;
mod eval;
mod freshness;
mod fuzz;
mod headlines;
mod index_lifecycle;
mod matrix_render;
mod matrix_serve;
mod queries;
mod reindex;
mod watch;
