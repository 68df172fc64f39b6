//! Latency of the Discord bot end to end: the time from the stand-in
//! dispatching MESSAGE_CREATE on the gateway to it receiving the bot's reply
//! over REST, for 200 `!ask` questions sent one after another, answered from
//! the `mini` fixture by the real serenity/poise client. Prints p50, p99, mean
//! and max. Run with `cargo bench --features discord --bench discord_latency`.

#[path = "../it/support/mod.rs"]
mod common;


use std::time::{Duration, Instant};

use chipbot::core::{Core, Refresh};
use chipbot::digest::PosterRegistry;
use chipbot::config::Secret;
use common::discord_standin::{StandIn, CHANNEL, GUILD, TOKEN};
use tokio_util::sync::CancellationToken;

const QUESTIONS: usize = 200;
const WARM_UP: usize = 10;
const ASKS: [&str; 5] = [
    "!ask SK hynix HBM market share",
    "!ask CoWoS capacity wafers per month",
    "!ask export rules accelerators",
    "!ask advanced packaging revenue 2024",
    "!ask HBM supply demand 2025",
];

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(measure());
}

async fn measure() {
    let discord = StandIn::start().await;
    let reports = common::copy_fixture("mini");
    let data = tempfile::tempdir().expect("tempdir");
    let mut settings = common::settings(reports.path(), data.path());
    settings.discord.api_base = discord.api_base();
    settings.secrets.discord_token = Some(Secret::new(TOKEN));
    settings.chat.rate_limit_count = 0;
    let own = settings.discord.clone();
    let core = Core::start(settings, Refresh::OnOpen).await.expect("core");
    let shutdown = CancellationToken::new();
    let bot = tokio::spawn(chipbot::adapters::discord::run(core, own, PosterRegistry::default(), shutdown.clone()));
    discord.wait_ready().await;

    let mut samples = Vec::with_capacity(QUESTIONS);
    for i in 0..WARM_UP + QUESTIONS {
        let since = discord.requests().len();
        let sent = Instant::now();
        discord.message(Some(GUILD), CHANNEL, 500 + i as u64, &[], ASKS[i % ASKS.len()]);
        let log = discord
            .wait_for(Duration::from_secs(30), "reply", |log| log.iter().skip(since).any(|r| r.is_message()))
            .await;
        let reply = log.iter().skip(since).find(|r| r.is_message()).expect("reply");
        if i >= WARM_UP {
            samples.push(reply.at.duration_since(sent));
        }
    }
    assert!(discord.failures().is_empty(), "stand-in refused: {:?}", discord.failures());
    shutdown.cancel();
    let _ = bot.await;

    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1_000.0;
    let at = |q: f64| samples[((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1];
    let mean = samples.iter().map(|d| ms(*d)).sum::<f64>() / samples.len() as f64;
    println!("Discord MESSAGE_CREATE -> reply POST, {} questions (after {WARM_UP} warm-up), mini fixture:", samples.len());
    println!("  p50  {:>8.2} ms", ms(at(0.50)));
    println!("  p99  {:>8.2} ms", ms(at(0.99)));
    println!("  mean {:>8.2} ms", mean);
    println!("  max  {:>8.2} ms", ms(*samples.last().expect("samples")));
}
