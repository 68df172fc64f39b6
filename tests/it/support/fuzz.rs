//! A small coverage-free mutation fuzzer for chipbot's input parsers (cargo-fuzz
//! needs a nightly compiler). Inputs start from seeds (the bundled reports, test
//! questions, chat commands) and are changed by stacked random mutations: bit
//! flips, byte inserts and deletes, duplicated slices (to provoke quadratic
//! work), splices of two seeds, dictionary tokens and long runs of one token.
//! Each input runs under `catch_unwind` and is timed; a panic or an input over
//! the time limit (twice: a second run rules out warm-up and scheduling) is a
//! [`Finding`] saved to a file. A watchdog thread stops the
//! process on an input that never finishes, saving it first. [`scaling`]
//! compares the time of an input grown to n and to 4n bytes.
//!
//! The targets and their seeds are in [`targets`]; `tests/it/fuzz.rs` runs a
//! short deterministic campaign per target, `tests/benches/fuzz.rs` a long one.

pub mod targets;

use std::cell::RefCell;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

/// SplitMix64: one seed always gives the same sequence of inputs.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True one time in `n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Tokens worth inserting whole: the syntax of the formats and of the query
/// language, figure notations, and awkward Unicode.
pub const DICTIONARY: &[&str] = &[
    // Front matter and Markdown.
    "---", "+++", "\n+++\n", "\n---\n", "\"", "'", "\"\"\"", "'''", "title = ", "id = \"x\"", "published = ",
    "2025-12-04", "url = \"https://x.test/a\"", "[", "]", "[[entity]]", "= ", "#", "```", "\\", "\\u", "\\U0010FFFF",
    "companies = [", "\r\n", "\n\n", "Title: ", "Published: ", "Id: ", ": ",
    // HTML.
    "<script>", "</script>", "<style>", "<!--", "-->", "<title>", "</title>", "<p>", "<br/>", "<meta name=\"date\" content=\"",
    "<link rel=canonical href=", "&amp;", "&中国", "&é", "&#x20AC;", "&#1114112;", "&#xD800;", "&#99999999999;", "&nbsp;", "&", ";", "<", ">",
    // PDF.
    "%PDF-1.4\n", "%PDF-", " 0 obj\n", "endobj\n", "stream\n", "\nendstream", "<< /Length 99999 >>", "/Filter /FlateDecode",
    "xref\n", "trailer\n", "startxref\n", "%%EOF", " 0 R", "/Type /Page", "(", ")", "Tj", "BT", "ET", "/F1 12 Tf",
    // Figures.
    "US$1.2 billion", "$", "€", "¥", "RMB", "50%", "45–50%", "2025E", "FY25", "Q3", "Q3 2024", "H1", "1.5x", "doubled",
    "half of", "second-largest", "3nm", "HBM3E", "12-Hi", "36GB", "1.2 TB/s", "700W", "wafers per month", "million",
    "billion", " and ", ", ", " of them", "in 2026", "by 2030", "yoy", "-", "–", "—", "~", "+", "0.", ".5", "1,000,000",
    "99999999999999999999", "1e308", "NaN", "-0",
    // Query and chat syntax.
    "publisher:", "company:", "topic:", "year:", "after:", "before:", "region:", "lang:", ":", "(", ")", " AND ", " OR ",
    "*", "\"hbm market\"", "“", "”", "!", "!ask ", "!figures ", "!digest ", "!reindex --full", "/", "@everyone",
    // Unicode.
    "中国人工智能芯片", "华为", "\u{200F}", "\u{202E}", "\u{0301}", "e\u{0301}\u{0301}\u{0301}", "\0", "\u{FEFF}",
    "\u{2028}", "\u{00A0}", "１２３", "٣٤٥", "…", "\u{FFFD}", "😀", "ﬁ", "İ",
];

/// Characters repeated into long runs.
const RUNS: &[&str] = &["[", "{a=", "9", "0", ",", ".", "%", "-", "<", ">", "\"", "(", ")", ":", " ", "\n", "+", "1,", "$1 ", "a", "中", "&"];

/// How inputs are made and how long one may take.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Largest input made, in bytes.
    pub max_len: usize,
    /// An input taking longer than this is a finding.
    pub time_limit: Duration,
    /// An input taking longer than this stops the process (after saving it).
    pub hang_limit: Duration,
    /// Whether a target reads text: then almost every input is made valid UTF-8.
    pub text: bool,
    /// Where findings are saved.
    pub out_dir: PathBuf,
    /// Also mutate the slowest inputs found so far. Which inputs are slowest
    /// depends on the machine's load, so a run that must reproduce from its
    /// seed alone (the one in `cargo test`) leaves this off.
    pub slow_pool: bool,
}

/// A panic or a slow input, saved to `path`.
#[derive(Debug, Clone)]
pub struct Finding {
    pub kind: &'static str,
    pub message: String,
    pub path: PathBuf,
    pub elapsed: Duration,
}

/// What a campaign did.
#[derive(Debug, Default)]
pub struct Stats {
    pub execs: u64,
    pub elapsed: Duration,
    pub findings: Vec<Finding>,
    /// The slowest inputs per byte (a pool mutations also start from).
    pub slowest: Vec<(f64, Vec<u8>)>,
    pub max_time: Duration,
}

impl Stats {
    pub fn execs_per_sec(&self) -> f64 {
        self.execs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// One mutated input from `parent`, with `seeds` for splicing.
pub fn mutate(rng: &mut Rng, parent: &[u8], seeds: &[Vec<u8>], settings: &Settings) -> Vec<u8> {
    let mut data = parent.to_vec();
    for _ in 0..1 + rng.below(4) {
        mutate_once(rng, &mut data, seeds, settings.max_len);
    }
    data.truncate(settings.max_len);
    if settings.text && !rng.one_in(16) {
        data = String::from_utf8_lossy(&data).into_owned().into_bytes();
    }
    data
}

fn mutate_once(rng: &mut Rng, data: &mut Vec<u8>, seeds: &[Vec<u8>], max_len: usize) {
    let at = rng.below(data.len() + 1);
    let room = max_len.saturating_sub(data.len());
    match rng.below(10) {
        0 if !data.is_empty() => {
            let i = rng.below(data.len());
            data[i] ^= 1 << rng.below(8);
        }
        1 if !data.is_empty() => {
            let i = rng.below(data.len());
            data[i] = *rng.pick(&[0u8, 0xff, 0x80, b'\n', b' ', b'"', b':', b'<', b'%', b'.', b'9']);
        }
        2 => {
            let bytes: Vec<u8> = (0..1 + rng.below(8)).map(|_| rng.next_u64() as u8).collect();
            data.splice(at..at, bytes);
        }
        3 if !data.is_empty() => {
            let end = (at + 1 + rng.below(64)).min(data.len());
            data.drain(at.min(end)..end);
        }
        4 if !data.is_empty() => {
            // Duplicate a slice many times over, to provoke quadratic work.
            let start = rng.below(data.len());
            let end = (start + 1 + rng.below(256)).min(data.len());
            let slice = data[start..end].to_vec();
            let copies = (1 + rng.below(64)).min(room / slice.len().max(1));
            let repeated = slice.repeat(copies);
            data.splice(end..end, repeated);
        }
        5 => {
            let other = rng.pick(seeds);
            let from = rng.below(other.len() + 1);
            let to = (from + rng.below(4096)).min(other.len());
            data.truncate(at);
            data.extend_from_slice(&other[from..to]);
        }
        6 | 7 => {
            let token = rng.pick(DICTIONARY).as_bytes();
            if rng.one_in(3) && !data.is_empty() {
                let end = (at + rng.below(16)).min(data.len());
                data.splice(at..end, token.iter().copied());
            } else {
                data.splice(at..at, token.iter().copied());
            }
        }
        8 => {
            let run = rng.pick(RUNS).as_bytes();
            let copies = (1 + rng.below(4000)).min(room / run.len());
            data.splice(at..at, run.repeat(copies));
        }
        _ => data.truncate(at),
    }
}

thread_local! {
    static FUZZING: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that, on a thread running a fuzz input, keeps
/// the message instead of printing it; other threads keep the usual output.
fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let captured = FUZZING.with(|slot| {
                let mut slot = slot.borrow_mut();
                match slot.as_mut() {
                    Some(last) => {
                        *last = info.to_string();
                        true
                    }
                    None => false,
                }
            });
            if !captured {
                previous(info);
            }
        }));
    });
}

/// Runs `input` once under `catch_unwind`: the panic message, if it panicked.
pub fn run_one(target: &dyn Fn(&[u8]), input: &[u8]) -> Option<String> {
    install_quiet_hook();
    FUZZING.with(|slot| *slot.borrow_mut() = Some(String::new()));
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| target(input)));
    let message = FUZZING.with(|slot| slot.borrow_mut().take()).unwrap_or_default();
    outcome.err().map(|_| message)
}

/// Stops the process when one input runs past the hang limit, saving it first.
struct Watchdog {
    current: Arc<Mutex<(Instant, Vec<u8>)>>,
    done: Arc<AtomicBool>,
}

impl Watchdog {
    fn start(name: &str, settings: &Settings) -> Watchdog {
        let current = Arc::new(Mutex::new((Instant::now(), Vec::new())));
        let done = Arc::new(AtomicBool::new(false));
        let (watched, finished) = (current.clone(), done.clone());
        let (limit, dir, name) = (settings.hang_limit, settings.out_dir.clone(), name.to_string());
        std::thread::spawn(move || {
            while !finished.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(200));
                let Ok(guard) = watched.lock() else { return };
                if guard.0.elapsed() > limit {
                    let path = save(&dir, &name, "hang", &guard.1);
                    eprintln!("fuzz {name}: an input ran over {limit:?}; saved to {}", path.display());
                    std::process::exit(3);
                }
            }
        });
        Watchdog { current, done }
    }

    fn arm(&self, input: &[u8]) {
        if let Ok(mut guard) = self.current.lock() {
            guard.0 = Instant::now();
            guard.1.clear();
            guard.1.extend_from_slice(input);
        }
    }

    fn disarm(&self) {
        if let Ok(mut guard) = self.current.lock() {
            guard.0 = Instant::now() + Duration::from_secs(3600 * 24 * 365);
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
    }
}

/// Saves `input` as `<dir>/<target>/<kind>-<hash>`; returns the path.
pub fn save(dir: &Path, target: &str, kind: &str, input: &[u8]) -> PathBuf {
    let hash = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3));
    let folder = dir.join(target);
    let path = folder.join(format!("{kind}-{hash:016x}"));
    if let Err(e) = std::fs::create_dir_all(&folder).and_then(|()| std::fs::write(&path, input)) {
        eprintln!("fuzz: cannot save {}: {e}", path.display());
    }
    path
}

/// Runs `target` on mutated inputs until `budget` says stop; the input of each
/// run is built from its seeds or from the slow-input pool.
pub fn campaign(target: &targets::Target, seed: u64, budget: Budget, settings: &Settings) -> Stats {
    let mut rng = Rng::new(seed);
    let mut stats = Stats::default();
    let watchdog = Watchdog::start(target.name, settings);
    let started = Instant::now();
    while !budget.spent(stats.execs, started.elapsed()) {
        let from_pool = settings.slow_pool && !stats.slowest.is_empty() && rng.one_in(5);
        let parent = if from_pool { rng.pick(&stats.slowest).1.clone() } else { rng.pick(&target.seeds).clone() };
        let input = if stats.execs < target.seeds.len() as u64 {
            target.seeds[stats.execs as usize].clone()
        } else {
            mutate(&mut rng, &parent, &target.seeds, settings)
        };
        watchdog.arm(&input);
        let began = Instant::now();
        let panicked = run_one(&*target.run, &input);
        let mut elapsed = began.elapsed();
        if panicked.is_none() && elapsed > settings.time_limit {
            // Timed again: the first run may have built lazily compiled
            // regexes or lost the processor to another one.
            let again = Instant::now();
            let _ = run_one(&*target.run, &input);
            elapsed = elapsed.min(again.elapsed());
        }
        watchdog.disarm();
        stats.execs += 1;
        stats.max_time = stats.max_time.max(elapsed);
        if let Some(message) = panicked {
            let path = save(&settings.out_dir, target.name, "panic", &input);
            stats.findings.push(Finding { kind: "panic", message, path, elapsed });
        } else if elapsed > settings.time_limit {
            let path = save(&settings.out_dir, target.name, "slow", &input);
            let message = format!("{} bytes took {elapsed:?}", input.len());
            stats.findings.push(Finding { kind: "slow", message, path, elapsed });
        }
        remember_slow(&mut stats.slowest, elapsed, input);
    }
    stats.elapsed = started.elapsed();
    stats
}

/// Keeps the 16 inputs with the most time per byte.
fn remember_slow(pool: &mut Vec<(f64, Vec<u8>)>, elapsed: Duration, input: Vec<u8>) {
    let score = elapsed.as_secs_f64() / (input.len() as f64 + 64.0);
    if pool.len() < 16 {
        pool.push((score, input));
    } else if let Some(weakest) = pool.iter_mut().min_by(|a, b| a.0.total_cmp(&b.0)) {
        if score > weakest.0 {
            *weakest = (score, input);
        }
    }
}

/// When a campaign stops.
#[derive(Debug, Clone, Copy)]
pub enum Budget {
    Execs(u64),
    Time(Duration),
}

impl Budget {
    fn spent(self, execs: u64, elapsed: Duration) -> bool {
        match self {
            Budget::Execs(n) => execs >= n,
            Budget::Time(t) => elapsed >= t,
        }
    }
}

/// Whether a time ratio from [`scaling`] means quadratic-or-worse work: over
/// 12 (linear gives about 4, quadratic 16) and the larger input taking over
/// 10 ms, since below that a step in the cost of writing the loaders' temporary
/// file (a 64 KiB write takes 4 ms, a 16 KiB one 0.1 ms) looks like a blow-up.
pub fn superlinear(ratio: f64, large: Duration) -> bool {
    ratio > 12.0 && large > Duration::from_millis(10)
}

/// `input` grown to at least `len` bytes by repeating its second half (so a
/// header or front matter stays in front).
pub fn grow(input: &[u8], len: usize) -> Vec<u8> {
    let keep = input.len() / 2;
    let tail = &input[keep..];
    let mut out = input.to_vec();
    while out.len() < len && !tail.is_empty() {
        out.extend_from_slice(tail);
    }
    out
}

/// How much longer `input` grown to `4n` bytes takes than grown to `n`: about 4
/// for linear work, 16 for quadratic. The best of `repeats` runs of each.
pub fn scaling(target: &targets::Target, input: &[u8], n: usize, repeats: usize) -> (f64, Duration, Duration) {
    let time = |data: &[u8]| {
        (0..repeats.max(1))
            .map(|_| {
                let began = Instant::now();
                let _ = run_one(&*target.run, data);
                began.elapsed()
            })
            .min()
            .unwrap_or_default()
    };
    let n = n.max(input.len());
    let small = time(&grow(input, n));
    let large = time(&grow(input, 4 * n));
    (large.as_secs_f64() / small.as_secs_f64().max(1e-9), small, large)
}
