//! Helpers shared by the integration tests: engines and cores over fixture
//! folders or the bundled corpus, each with its own temporary data
//! directory. `discord_standin` speaks Discord's v10 REST and gateway on
//! loopback; `synapse` and `matrix_user` serve the Matrix runner
//! (`tests/matrix.rs`) and the Matrix latency bench; `serve_process` runs
//! `chipbot serve` as an operator would; `stop` stops a digest send at a
//! chosen step; `fuzz` is the mutation fuzzer and its targets.

#![allow(dead_code)]

#[cfg(feature = "discord")]
pub mod discord_standin;
pub mod fuzz;
pub mod serve_process;
pub mod stop;
pub mod tiny_pdf;

use std::path::{Path, PathBuf};

use chipbot::config::Settings;
use chipbot::answer::Engine;

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One engine over the bundled reports (`index/reports`) for every test
/// that only asks questions of them, built once per test run.
pub fn bundled_engine() -> &'static Engine {
    static ENGINE: std::sync::OnceLock<(Engine, tempfile::TempDir)> = std::sync::OnceLock::new();
    let (engine, _) = ENGINE.get_or_init(|| {
        let data = tempfile::tempdir().expect("tempdir");
        let settings = settings(&root().join("index/reports"), data.path());
        (Engine::open(settings).expect("the bundled reports index"), data)
    });
    engine
}

/// Settings that read `reports` and keep the index in `data`.
pub fn settings(reports: &Path, data: &Path) -> Settings {
    let mut s = Settings::default();
    s.index.reports_dir = reports.to_path_buf();
    s.index.data_dir = data.to_path_buf();
    s.figures.gazetteer = root().join("config/gazetteer.toml");
    s.index.publishers = root().join("config/publishers.toml");
    s
}

/// Sets the format version in the header of the index metadata under
/// `data` (magic, header length, header JSON, then the file table), as an
/// index written by another chipbot version would have it.
pub fn set_index_format(data: &Path, version: u32) {
    let path = data.join("index/chipbot-meta.bin");
    let bytes = std::fs::read(&path).expect("index metadata");
    let start = b"chipbot-meta".len();
    let len = u32::from_le_bytes(bytes[start..start + 4].try_into().expect("length")) as usize;
    let mut header: serde_json::Value = serde_json::from_slice(&bytes[start + 4..start + 4 + len]).expect("header");
    header["format_version"] = serde_json::json!(version);
    let header = serde_json::to_vec(&header).expect("json");
    let mut out = bytes[..start].to_vec();
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&bytes[start + 4 + len..]);
    std::fs::write(&path, out).expect("write");
}

/// Copies the fixture folder `name` into a fresh temporary directory.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let from = root().join("tests/fixtures").join(name);
    for entry in std::fs::read_dir(&from).expect("fixture exists") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    dir
}

/// An engine over a private copy of fixture `name`; keep the guards alive.
pub fn fixture_engine(name: &str) -> (Engine, tempfile::TempDir, tempfile::TempDir) {
    let reports = copy_fixture(name);
    let data = tempfile::tempdir().expect("tempdir");
    let engine = Engine::open(settings(reports.path(), data.path())).expect("engine opens");
    (engine, reports, data)
}

/// A core (the one door) over a private copy of fixture `name`.
pub fn fixture_core(name: &str) -> (chipbot::core::Core, tempfile::TempDir, tempfile::TempDir) {
    let (engine, reports, data) = fixture_engine(name);
    (chipbot::core::Core::new(engine), reports, data)
}

/// Runs `command` through `core` as the command line's user would.
pub async fn cli(core: &chipbot::core::Core, command: chipbot::core::Command) -> chipbot::Result<chipbot::reply::Reply> {
    core.handle(chipbot::core::Request::cli(command)).await
}

/// Asserts what a reader of an `ask` answer relies on besides the citation
/// contract: every listed figure can be read in the snippet of its citation.
pub fn assert_figures_shown(answer: &chipbot::reply::Answer) {
    assert_citations_consistent(answer);
    for f in &answer.figures {
        let snippet = &answer.citations[f.citation - 1].snippet.text;
        assert!(snippet.contains(&f.figure.text), "figure `{}` not shown in snippet [{}]: {snippet}", f.figure.text, f.citation);
    }
}

/// Asserts the citation contract of an answer: citations are numbered 1..=n,
/// every figure points at an existing citation whose passage states it, and
/// every `[n]` in the rendered text names an existing citation.
pub fn assert_citations_consistent(answer: &chipbot::reply::Answer) {
    for (i, c) in answer.citations.iter().enumerate() {
        assert_eq!(c.n, i + 1, "citations must be numbered in order");
        for piece in c.snippet.text.trim_start_matches("… ").trim_end_matches(" …").split(" … ") {
            assert!(c.passage.contains(piece), "snippet must come from its passage: {}", c.snippet.text);
        }
    }
    for f in &answer.figures {
        assert!(f.citation >= 1 && f.citation <= answer.citations.len(), "dangling citation {}", f.citation);
        let passage = &answer.citations[f.citation - 1].passage;
        assert!(passage.contains(&f.figure.text), "figure `{}` not in passage [{}]", f.figure.text, f.citation);
    }
    let rendered = chipbot::render::text::answer_text(answer, chipbot::render::text::Highlight::Stars);
    let marker = regex::Regex::new(r"\[(\d+)\]").expect("regex");
    for cap in marker.captures_iter(&rendered) {
        let n: usize = cap[1].parse().expect("number");
        assert!(n >= 1 && n <= answer.citations.len(), "rendered [{n}] has no citation");
    }
}
