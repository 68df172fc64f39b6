//! Load: simulated users ask the real `chipbot serve` for a minute, on the
//! Discord stand-in and in a Synapse room, over the bundled reports, with a
//! full reindex by an admin half way. Every question must get exactly one
//! reply (an answer, or the rate-limit notice once a user has used up
//! `chat.rate_limit_count`), none an error. Prints reply latency p50/p99 and
//! the bot's resident memory before and after; exits non-zero when a check
//! fails.
//!
//! `cargo bench --all-features --bench load -- [discord|matrix] [--users N] [--seconds S]`

#![recursion_limit = "256"]

#[path = "../../it/support/mod.rs"]
mod common;
#[cfg(feature = "discord")]
mod discord;
#[cfg(feature = "matrix")]
#[path = "../../it/support/matrix_user.rs"]
mod matrix_user;
#[cfg(feature = "matrix")]
mod matrix;
mod plan;
#[cfg(feature = "matrix")]
#[path = "../../it/support/synapse.rs"]
mod synapse;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let value = |flag: &str, default: u64| {
        args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
    };
    let load = plan::Load { users: value("--users", 50) as usize, seconds: value("--seconds", 60) };
    let wanted = |name: &str| !args.iter().any(|a| a == "discord" || a == "matrix") || args.iter().any(|a| a == name);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let mut ok = true;
    #[cfg(feature = "discord")]
    if wanted("discord") {
        ok &= runtime.block_on(discord::run(&load)).print("Discord stand-in");
    }
    #[cfg(feature = "matrix")]
    if wanted("matrix") {
        ok &= runtime.block_on(matrix::run(&load)).print("Synapse");
    }
    let _ = wanted;
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
