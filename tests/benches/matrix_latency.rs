//! Chat latency on Matrix: the time from a person's client sending `!ask`
//! to the bot's reply being visible in that client, over a real Synapse on
//! loopback, answering from the bundled reports. Prints p50/p90/p99.
//!
//! `cargo bench --features matrix --bench matrix_latency [-- QUESTIONS]`

#![recursion_limit = "256"]

#[path = "../common/mod.rs"]
mod common;
#[path = "../support/matrix_user.rs"]
mod matrix_user;
#[path = "../support/synapse.rs"]
mod synapse;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chipbot::chat::ChatService;
use chipbot::config::Secret;
use chipbot::engine::Engine;
use matrix_sdk::ruma::events::room::member::MembershipState;
use matrix_sdk::ruma::UserId;
use tokio_util::sync::CancellationToken;

const PASSWORD: &str = "latency bench password";
const QUESTIONS: [&str; 8] = [
    "What share of China's AI chip market will Huawei hold?",
    "HBM market share SK hynix Samsung Micron",
    "TSMC CoWoS capacity",
    "H20 export controls",
    "SMIC 7nm capacity",
    "NVIDIA data center revenue China",
    "Ascend 910C output",
    "AMD MI300 HBM capacity",
];

fn main() {
    let count: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(200);
    let synapse = synapse::Synapse::start().expect("Synapse starts");
    for user in ["chipbot", "alice"] {
        synapse.register(user, PASSWORD).expect("register");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let samples = runtime.block_on(measure(&synapse, count));
    report(samples);
}

async fn measure(synapse: &synapse::Synapse, count: usize) -> Vec<Duration> {
    let data = tempfile::tempdir().expect("tempdir");
    let mut settings = common::settings(&common::root().join("index/reports"), data.path());
    let bot_id = UserId::parse("@chipbot:localhost").expect("id");
    settings.matrix.homeserver_url = Some(synapse.url());
    settings.matrix.user_id = Some(bot_id.to_string());
    settings.chat.rate_limit_count = 0;
    settings.secrets.matrix_password = Some(Secret::new(PASSWORD));
    settings.secrets.matrix_store_passphrase = Some(Secret::new("bench"));
    let engine = tokio::task::spawn_blocking(move || Engine::open(settings)).await.expect("join").expect("engine");
    let stop = CancellationToken::new();
    let bot = tokio::spawn(chipbot::adapters::matrix::run(Arc::new(ChatService::new(engine)), stop.clone()));
    let alice = matrix_user::User::login(&synapse.url(), "alice", PASSWORD).await;
    let room = alice.create_room(false, &[&bot_id]).await;
    alice.wait_membership(&room, &bot_id, MembershipState::Join, Duration::from_secs(30)).await;
    let mut samples = Vec::with_capacity(count);
    for i in 0..count {
        let question = format!("!ask {}", QUESTIONS[i % QUESTIONS.len()]);
        let sent = Instant::now();
        let event = alice.send(&room, &question).await;
        alice.wait_reply(&room, &bot_id, &event, Duration::from_secs(60)).await;
        samples.push(sent.elapsed());
    }
    stop.cancel();
    let _ = bot.await;
    samples
}

fn report(mut samples: Vec<Duration>) {
    samples.sort();
    let pick = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("matrix chat latency over {} questions (send -> reply visible to the asker)", samples.len());
    println!("  p50 {:.1} ms   p90 {:.1} ms   p99 {:.1} ms   max {:.1} ms",
        ms(pick(0.5)), ms(pick(0.9)), ms(pick(0.99)), ms(pick(1.0)));
}
