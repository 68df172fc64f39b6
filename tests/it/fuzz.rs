//! The short fuzz run kept in `cargo test`: each target of
//! `support::fuzz::targets` gets a deterministic campaign of a few thousand
//! mutated inputs (fixed seed) and must neither panic nor take over a second
//! on any input; each target's largest seed, grown from n to 4n bytes, must
//! not take quadratically longer. The long run is `cargo bench --bench fuzz`
//! (docs/fuzzing.md).

use std::path::PathBuf;
use std::time::Duration;

use crate::support::fuzz::{self, targets, Budget, Settings};

/// The seed of every short run, so a failure here reproduces.
const SEED: u64 = 0x5EED_F022;

fn settings(text: bool) -> Settings {
    Settings {
        max_len: 16 * 1024,
        time_limit: Duration::from_secs(1),
        hang_limit: Duration::from_secs(60),
        text,
        out_dir: PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-findings"),
        slow_pool: false,
    }
}

/// Runs `execs` inputs on the target `name` and fails on any finding.
fn short_run(name: &str, execs: u64) {
    let target = targets::by_name(name).expect("known target");
    let stats = fuzz::campaign(&target, SEED, Budget::Execs(execs), &settings(target.text));
    assert_eq!(stats.execs, execs);
    let findings: Vec<String> = stats
        .findings
        .iter()
        .map(|f| format!("{} after {:?}: {} (input saved to {})", f.kind, f.elapsed, f.message, f.path.display()))
        .collect();
    assert!(findings.is_empty(), "fuzz target {name}: {} findings:\n{}", findings.len(), findings.join("\n"));
}

/// Fails when the largest seed of `name`, grown from `n` to `4n` bytes, takes
/// over 12 times as long (linear work gives about 4, quadratic 16) and over 10 ms.
fn scales_linearly(name: &str, n: usize) {
    let target = targets::by_name(name).expect("known target");
    let seed = target.seeds.iter().max_by_key(|s| s.len()).expect("seeds");
    let (ratio, small, large) = fuzz::scaling(&target, seed, n, 3);
    assert!(!fuzz::superlinear(ratio, large), "{name}: {n} bytes took {small:?}, {} bytes {large:?} ({ratio:.1}x)", 4 * n);
}

#[test]
fn query_parser_survives_mutated_questions() {
    short_run("query", 4000);
    scales_linearly("query", 16 * 1024);
}

#[test]
fn chat_command_parser_survives_mutated_messages() {
    short_run("command", 4000);
    scales_linearly("command", 16 * 1024);
}

#[test]
fn figure_extractor_survives_mutated_paragraphs() {
    short_run("figures", 1500);
    scales_linearly("figures", 8 * 1024);
}

#[test]
fn report_loaders_survive_mutated_files() {
    short_run("loaders", 1500);
    scales_linearly("loaders", 16 * 1024);
}

#[test]
fn figure_extractor_scales_on_a_sentence_without_an_end() {
    // Finding 1 (docs/fuzzing.md): thousands of figures in one "sentence"
    // took time and memory growing with the square of its length.
    let target = targets::by_name("figures").expect("known target");
    let input = format!("Revenue was {}", "$1 ".repeat(1_000));
    let (ratio, small, large) = fuzz::scaling(&target, input.as_bytes(), 16 * 1024, 3);
    assert!(!fuzz::superlinear(ratio, large), "16 KiB took {small:?}, 64 KiB {large:?} ({ratio:.1}x)");
}

#[test]
fn html_loader_keeps_an_ampersand_before_multibyte_text() {
    // Finding 2 (docs/fuzzing.md): the entity decoder sliced inside "中" and panicked.
    let target = targets::by_name("loaders").expect("known target");
    let input = "2<title>R&D</title><p>R&中国人工智能芯片 and R&ééééééé</p>";
    assert_eq!(targets::loader_file(input.as_bytes()).0, "html");
    assert_eq!(fuzz::run_one(&*target.run, input.as_bytes()), None);
}
