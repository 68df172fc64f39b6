//! The long fuzz run: `cargo bench --bench fuzz -- <target|all> [--seconds N]
//! [--seed N] [--out DIR]` runs the mutation fuzzer of
//! `tests/it/support/fuzz.rs` on one target (query, loaders, figures, command)
//! or on each in turn for N seconds (default 600), then prints executions,
//! executions per second, the slowest input and every finding, and checks how
//! the slowest inputs scale from 16 to 64 KiB. Findings are saved under
//! `--out` (default `target/tmp/fuzz-findings`). Exits 1 when anything was found.

#[path = "../it/support/mod.rs"]
mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::fuzz::{self, targets, Budget, Settings};

struct Args {
    targets: Vec<String>,
    seconds: u64,
    seed: u64,
    out: PathBuf,
    /// Saved inputs to run once each (with a scaling check) instead of fuzzing.
    replay: Vec<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        targets: Vec::new(),
        seconds: 600,
        seed: 1,
        out: PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-findings"),
        replay: Vec::new(),
    };
    let mut words = std::env::args().skip(1);
    while let Some(word) = words.next() {
        let mut value = |flag: &str| words.next().ok_or(format!("{flag} needs a value"));
        match word.as_str() {
            "--seconds" => args.seconds = value("--seconds")?.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--seed" => args.seed = value("--seed")?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--out" => args.out = PathBuf::from(value("--out")?),
            "--replay" => args.replay.push(PathBuf::from(value("--replay")?)),
            "--bench" => {} // added by `cargo bench`
            "all" => args.targets.extend(targets::NAMES.iter().map(|n| n.to_string())),
            name if targets::by_name(name).is_some() => args.targets.push(name.to_string()),
            other => return Err(format!("unknown argument `{other}` (targets: all, {})", targets::NAMES.join(", "))),
        }
    }
    if args.targets.is_empty() {
        return Err(format!("name a target: all, {}", targets::NAMES.join(", ")));
    }
    Ok(args)
}

/// Runs each `--replay` file once on the first named target, then grown
/// from its own size to 4 times that.
fn replay(args: &Args) {
    let Some(target) = args.targets.first().and_then(|name| targets::by_name(name)) else { return };
    for path in &args.replay {
        let input = match std::fs::read(path) {
            Ok(input) => input,
            Err(e) => {
                eprintln!("fuzz: {}: {e}", path.display());
                continue;
            }
        };
        let began = std::time::Instant::now();
        let panicked = fuzz::run_one(&*target.run, &input);
        println!("{}: {} bytes, {:?}, {}", path.display(), input.len(), began.elapsed(), panicked.unwrap_or("no panic".into()));
        let (ratio, small, large) = fuzz::scaling(&target, &input, input.len() / 4, 3);
        println!("  n -> 4n: {small:?} -> {large:?} ({ratio:.1}x)");
    }
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("fuzz: {message}");
            std::process::exit(2);
        }
    };
    if !args.replay.is_empty() {
        replay(&args);
        return;
    }
    let mut found = 0;
    for name in &args.targets {
        let Some(target) = targets::by_name(name) else { continue };
        let settings = Settings {
            max_len: 64 * 1024,
            time_limit: Duration::from_secs(1),
            hang_limit: Duration::from_secs(30),
            text: target.text,
            out_dir: args.out.clone(),
            slow_pool: true,
        };
        println!("fuzz {name}: {} seeds, {} s, seed {}", target.seeds.len(), args.seconds, args.seed);
        let stats = fuzz::campaign(&target, args.seed, Budget::Time(Duration::from_secs(args.seconds)), &settings);
        println!(
            "fuzz {name}: {} executions in {:.0} s, {:.0} execs/s, slowest input {:?}, {} findings",
            stats.execs,
            stats.elapsed.as_secs_f64(),
            stats.execs_per_sec(),
            stats.max_time,
            stats.findings.len()
        );
        for finding in &stats.findings {
            let first_line = finding.message.lines().next().unwrap_or_default();
            println!("  {} after {:?}: {first_line} -> {}", finding.kind, finding.elapsed, finding.path.display());
        }
        let mut worst: f64 = 0.0;
        for (_, input) in stats.slowest.iter().take(8) {
            let (ratio, small, large) = fuzz::scaling(&target, input, 16 * 1024, 3);
            if fuzz::superlinear(ratio, large) {
                let path = fuzz::save(&args.out, name, "quadratic", input);
                println!("  quadratic? {small:?} -> {large:?} for 4x the bytes ({ratio:.1}x) -> {}", path.display());
                found += 1;
            }
            worst = worst.max(ratio);
        }
        println!("fuzz {name}: worst n -> 4n time ratio of the slowest inputs {worst:.1}x");
        found += stats.findings.len();
    }
    if found > 0 {
        std::process::exit(1);
    }
}
