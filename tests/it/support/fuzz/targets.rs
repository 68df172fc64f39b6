//! The fuzz targets: each calls one public entry point of chipbot on the bytes
//! of an input, checks a few properties of what comes back (a violation panics
//! and so becomes a finding), and brings its seeds: the bundled reports in
//! `index/reports`, the questions of `tests/fixtures/headlines` and the chat
//! command words.

use std::path::Path;

use chipbot::core::{Command, UnknownCommand};
use chipbot::error::Error;
use chipbot::figures::Gazetteer;

use super::super::root;

/// Runs one input through an entry point; panics on a broken property.
pub type Run = Box<dyn Fn(&[u8])>;

/// A named entry point with its seeds.
pub struct Target {
    pub name: &'static str,
    pub seeds: Vec<Vec<u8>>,
    pub run: Run,
    /// The target reads text, so most inputs are made valid UTF-8.
    pub text: bool,
}

/// Every target's name, in the order the long run takes them.
pub const NAMES: [&str; 4] = ["query", "loaders", "figures", "command"];

/// The target called `name`.
pub fn by_name(name: &str) -> Option<Target> {
    match name {
        "query" => Some(query()),
        "loaders" => Some(loaders()),
        "figures" => Some(figures()),
        "command" => Some(command()),
        _ => None,
    }
}

/// The longest question the bot accepts by default (`answer.max_query_chars`).
const MAX_QUERY_CHARS: usize = 500;

/// `chipbot::query::parse`, at the default limit and with no limit.
pub fn query() -> Target {
    let mut seeds: Vec<Vec<u8>> = questions().into_iter().map(String::into_bytes).collect();
    for extra in [
        r#"HBM "market share" company:"SK hynix" after:2024-01 before:2025-06-30"#,
        "publisher:trendforce topic:hbm year:2025 latest",
        r#"(nvidia AND amd) -china "unclosed * region:china lang:zh"#,
        "year:99999 after:2025-13-01 before:0000-00 colour:red since: until:2024-02",
    ] {
        seeds.push(extra.as_bytes().to_vec());
    }
    let run = |input: &[u8]| {
        let text = String::from_utf8_lossy(input);
        for max in [MAX_QUERY_CHARS, usize::MAX] {
            match chipbot::query::parse(&text, max) {
                Ok(q) => assert!(!q.is_empty(), "an accepted query carries something to search"),
                Err(Error::EmptyQuery | Error::QueryTooLong { .. }) => {}
                Err(other) => panic!("unexpected query error: {other}"),
            }
        }
    };
    Target { name: "query", seeds, run: Box::new(run), text: true }
}

/// `Command::from_chat` with the default prefix `!` and a word prefix.
pub fn command() -> Target {
    let mut seeds: Vec<Vec<u8>> = questions().iter().take(20).map(|q| format!("!ask {q}").into_bytes()).collect();
    for extra in [
        "!figures HBM market share 2025", "!figs cowos", "!sources", "!help", "!reindex --full", "!reindex",
        "!digest weekly 2025-01-31", "!digest", "!a what is new", "!unknown words here", "  !ASK\tspaced\nquestion",
        "hello there", "!", "@chipbot ask hbm",
    ] {
        seeds.push(extra.as_bytes().to_vec());
    }
    let run = |input: &[u8]| {
        let text = String::from_utf8_lossy(input);
        for prefix in ["!", "@chipbot "] {
            if let Some(Err(UnknownCommand(word))) = Command::from_chat(&text, prefix) {
                assert!(word.chars().count() <= 40, "an unknown command word is shortened");
            }
        }
    };
    Target { name: "command", seeds, run: Box::new(run), text: true }
}

/// `chipbot::figures::extract` with the bundled gazetteer, on report paragraphs.
pub fn figures() -> Target {
    let gazetteer = Gazetteer::load(&root().join("config/gazetteer.toml")).expect("bundled gazetteer loads");
    let seeds = reports()
        .iter()
        .flat_map(|(_, text)| body_of(text).split("\n\n").map(|p| p.trim().as_bytes().to_vec()).collect::<Vec<_>>())
        .filter(|p| p.len() > 40)
        .collect();
    let run = move |input: &[u8]| {
        let text = String::from_utf8_lossy(input);
        let figures = chipbot::figures::extract(&text, &gazetteer);
        // Checked on the first figures only: a check per figure of a long
        // sentence would itself be quadratic.
        for figure in figures.iter().take(64) {
            assert!(figure.sentence.contains(&figure.text), "a figure's text is in its sentence");
            assert!(text.contains(&figure.sentence), "a figure's sentence is in the passage");
        }
    };
    Target { name: "figures", seeds, run: Box::new(run), text: true }
}

/// The report formats the loader target writes, picked by an input's first
/// byte modulo 4 (seeds use `0`..`3`).
pub const FORMATS: [&str; 4] = ["txt", "md", "html", "pdf"];

/// The file extension and content an input of the loader target stands for.
pub fn loader_file(input: &[u8]) -> (&'static str, &[u8]) {
    match input.split_first() {
        Some((tag, content)) => (FORMATS[*tag as usize % FORMATS.len()], content),
        None => ("txt", input),
    }
}

/// `chipbot::report::load_file` on a file written to a temporary folder (the
/// per-format parsers are private): Markdown, text, HTML and PDF.
pub fn loaders() -> Target {
    let mut seeds = Vec::new();
    for (name, text) in reports() {
        let (title, body) = (title_of(&text), body_of(&text));
        let tagged = |tag: u8, content: &[u8]| [&[tag][..], content].concat();
        if name.ends_with(".txt") {
            seeds.push(tagged(b'0', text.as_bytes()));
        } else {
            seeds.push(tagged(b'1', text.as_bytes()));
            seeds.push(tagged(b'0', format!("Title: {title}\nPublisher: P\nPublished: 2025-01-02\n\n{body}").as_bytes()));
        }
        let paragraphs: String = body.split("\n\n").map(|p| format!("<p>{p}</p>\n")).collect();
        let html = format!(
            "<!doctype html><html><head><title>{title}</title><meta name=\"date\" content=\"2024-07-02\">\
             <link rel=\"canonical\" href=\"https://x.test/a\"><style>p {{}}</style></head><body>{paragraphs}</body></html>"
        );
        seeds.push(tagged(b'2', html.as_bytes()));
        let lines: Vec<String> = body
            .split(". ")
            .take(6)
            .map(|s| s.chars().filter(char::is_ascii).take(90).collect())
            .collect();
        seeds.push(tagged(b'3', &pdf(&lines)));
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let run = move |input: &[u8]| {
        let (ext, content) = loader_file(input);
        let rel = format!("fuzz.{ext}");
        std::fs::write(dir.path().join(&rel), content).expect("write the input");
        match chipbot::report::load_file(dir.path(), &rel) {
            Ok(report) => {
                assert!(!report.body.trim().is_empty(), "a loaded report has text");
                assert!(chipbot::report::is_valid_id(&report.meta.id), "a loaded report has a valid id");
            }
            Err(Error::Report { .. }) => {}
            Err(other) => panic!("unexpected loader error: {other}"),
        }
    };
    Target { name: "loaders", seeds, run: Box::new(run), text: false }
}

/// The bundled reports: (file name, text).
pub fn reports() -> Vec<(String, String)> {
    let dir = root().join("index/reports");
    let mut found: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("index/reports")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md" || x == "txt"))
        .map(|p| (file_name(&p), std::fs::read_to_string(&p).expect("report text")))
        .collect();
    found.sort();
    found
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The text after a `+++` front matter, or all of it.
fn body_of(text: &str) -> &str {
    text.strip_prefix("+++").and_then(|rest| rest.split_once("\n+++").map(|(_, body)| body)).unwrap_or(text)
}

fn title_of(text: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix("title = ").or_else(|| l.strip_prefix("Title: ")))
        .unwrap_or("Report")
        .trim_matches('"')
        .to_string()
}

/// The questions of the headline test set.
pub fn questions() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/headlines/questions.toml")).expect("questions");
    let ask = regex::Regex::new(r#"(?m)^ask\s*=\s*"([^"]*)""#).expect("pattern");
    ask.captures_iter(&text).map(|c| c[1].to_string()).collect()
}

/// A minimal one-page PDF showing `lines` (ASCII).
pub fn pdf(lines: &[String]) -> Vec<u8> {
    super::super::tiny_pdf::tiny_pdf(&lines.iter().map(String::as_str).collect::<Vec<_>>())
}
