//! Chat latency on Matrix: the time from a person's client sending `!ask`
//! to the bot's reply being visible in that client, over a real Synapse on
//! loopback, answering from the bundled reports. Prints p50/p90/p99.
//!
//! `cargo bench --features matrix --bench matrix_latency [-- QUESTIONS]`

#![recursion_limit = "256"]

#[path = "../it/support/mod.rs"]
mod common;
#[path = "../it/support/matrix_user.rs"]
mod matrix_user;
#[path = "../it/support/synapse.rs"]
mod synapse;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chipbot::core::{Core, Refresh};
use chipbot::digest::PosterRegistry;
use chipbot::config::Secret;
use matrix_sdk::ruma::events::room::member::MembershipState;
use matrix_sdk::ruma::UserId;
use tokio_util::sync::CancellationToken;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

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
    let shares = BotShares::default();
    // Only the bot's own INFO events: matrix-sdk's trace events would slow it down.
    let only_bot = tracing_subscriber::filter::Targets::new().with_target("chipbot", tracing::Level::INFO);
    let subscriber = tracing_subscriber::registry().with(shares.clone().with_filter(only_bot));
    tracing::subscriber::set_global_default(subscriber).expect("subscriber");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let (samples, asker_sends): (Vec<Duration>, Vec<Duration>) = runtime.block_on(measure(&synapse, count)).into_iter().unzip();
    report("send -> reply visible to the asker", samples);
    report("the asker's own send request to Synapse", asker_sends);
    let shares = shares.take();
    report("question's server timestamp -> the bot's handler (sync delivery)", shares.iter().map(|s| s.0).collect());
    report("chipbot's share: message handed to the bot -> reply ready (answer + rendering)", shares.iter().map(|s| s.1).collect());
    report("the bot's send request to Synapse", shares.iter().map(|s| s.2).collect());
}

/// Collects the `delivery_ms`, `prepare_us` and `send_us` fields of the adapter's
/// `reply sent` log events: the bot's own share of each reply.
#[derive(Clone, Default)]
struct BotShares(Arc<Mutex<Vec<(Duration, Duration, Duration)>>>);

impl BotShares {
    fn take(&self) -> Vec<(Duration, Duration, Duration)> {
        std::mem::take(&mut *self.0.lock().expect("shares"))
    }
}

impl<S: tracing::Subscriber> Layer<S> for BotShares {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        #[derive(Default)]
        struct Fields {
            delivery_ms: Option<u64>,
            prepare_us: Option<u64>,
            send_us: Option<u64>,
        }
        impl Visit for Fields {
            fn record_u64(&mut self, field: &Field, value: u64) {
                match field.name() {
                    "delivery_ms" => self.delivery_ms = Some(value),
                    "prepare_us" => self.prepare_us = Some(value),
                    "send_us" => self.send_us = Some(value),
                    _ => {}
                }
            }
            fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        if let (Some(delivery), Some(prepare), Some(send)) = (fields.delivery_ms, fields.prepare_us, fields.send_us) {
            let mut shares = self.0.lock().expect("shares");
            shares.push((Duration::from_millis(delivery), Duration::from_micros(prepare), Duration::from_micros(send)));
        }
    }
}

async fn measure(synapse: &synapse::Synapse, count: usize) -> Vec<(Duration, Duration)> {
    let data = tempfile::tempdir().expect("tempdir");
    let mut settings = common::settings(&common::root().join("index/reports"), data.path());
    let bot_id = UserId::parse("@chipbot:localhost").expect("id");
    settings.matrix.homeserver_url = Some(synapse.url());
    settings.matrix.user_id = Some(bot_id.to_string());
    settings.chat.rate_limit_count = 0;
    settings.secrets.matrix_password = Some(Secret::new(PASSWORD));
    settings.secrets.matrix_store_passphrase = Some(Secret::new("bench"));
    let own = settings.matrix.clone();
    let core = Core::start(settings, Refresh::OnOpen).await.expect("core");
    let stop = CancellationToken::new();
    let bot = tokio::spawn(chipbot::adapters::matrix::run(core, own, PosterRegistry::default(), stop.clone()));
    let alice = matrix_user::User::login(&synapse.url(), "alice", PASSWORD).await;
    let room = alice.create_room(false, &[&bot_id]).await;
    alice.wait_membership(&room, &bot_id, MembershipState::Join, Duration::from_secs(30)).await;
    let mut samples = Vec::with_capacity(count);
    for i in 0..count {
        let question = format!("!ask {}", QUESTIONS[i % QUESTIONS.len()]);
        let sent = Instant::now();
        let event = alice.send(&room, &question).await;
        let send_returned = sent.elapsed();
        alice.wait_reply(&room, &bot_id, &event, Duration::from_secs(60)).await;
        samples.push((sent.elapsed(), send_returned));
    }
    stop.cancel();
    let _ = bot.await;
    samples
}

fn report(what: &str, mut samples: Vec<Duration>) {
    if samples.is_empty() {
        println!("{what}: no samples");
        return;
    }
    samples.sort();
    let pick = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("matrix, {} replies, {what}", samples.len());
    println!("  p50 {:.1} ms   p90 {:.1} ms   p99 {:.1} ms   max {:.1} ms",
        ms(pick(0.5)), ms(pick(0.9)), ms(pick(0.99)), ms(pick(1.0)));
}
