//! The corpus check (`chipbot index --check`): what a team's reports folder
//! must hold before it is trusted. Every file loads; every report has a
//! title, a canonical publisher, a well-formed URL no other report uses and a
//! publication date that is not in the future; and no two reports share a
//! long run of identical words (a copied passage, or one source summarised
//! twice). Where the team keeps the texts of its sources (a folder of
//! `<report id>.txt`, `.md`, `.html` or `.pdf` files), no report may share
//! such a run with any of them either: a report is a summary in the team's
//! own words, not a copy. Each problem names the file and line.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;

use super::{html, load_file, pdf, scan_dir, Publishers, Report};
use crate::error::{Error, Result};

/// Words in a row two reports may not share.
pub const SHARED_RUN_WORDS: usize = 12;

/// One thing wrong with a report file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Path relative to the reports folder.
    pub file: String,
    /// 1-based line in that file.
    pub line: usize,
    pub message: String,
}

/// What the check found in a folder.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CheckOutcome {
    /// Report files read.
    pub files: usize,
    pub problems: Vec<Problem>,
}

/// Checks every report under `dir`; `today` bounds publication dates;
/// `sources`, where given, is a folder of source texts to compare the
/// reports with.
pub fn check_dir(dir: &Path, publishers: &Publishers, today: NaiveDate, sources: Option<&Path>) -> Result<CheckOutcome> {
    let files = scan_dir(dir)?;
    let mut outcome = CheckOutcome { files: files.len(), problems: Vec::new() };
    let mut loaded: Vec<(Report, String)> = Vec::new();
    for file in &files {
        match load_file(dir, &file.rel) {
            Ok(report) => {
                let text = std::fs::read_to_string(dir.join(&file.rel)).unwrap_or_default();
                loaded.push((report, text));
            }
            Err(Error::Report { line, reason, .. }) => outcome.problems.push(Problem { file: file.rel.clone(), line, message: reason }),
            Err(e) => outcome.problems.push(Problem { file: file.rel.clone(), line: 1, message: e.to_string() }),
        }
    }
    let mut urls: HashMap<&str, &str> = HashMap::new();
    for (report, text) in &loaded {
        let problem = |key: &str, message: String| Problem { file: report.source.clone(), line: line_of_key(text, key), message };
        let meta = &report.meta;
        if meta.title.trim().is_empty() {
            outcome.problems.push(problem("title", "no title".into()));
        }
        if meta.publisher == "unknown publisher" || meta.publisher.trim().is_empty() {
            outcome.problems.push(problem("publisher", "no publisher".into()));
        } else if !publishers.is_canonical(&meta.publisher) {
            let canonical = publishers.canonical(&meta.publisher);
            let hint = if canonical != meta.publisher { format!("; write `{canonical}`") } else { "; add it to the publisher table".into() };
            outcome.problems.push(problem("publisher", format!("publisher `{}` is not a canonical name{hint}", meta.publisher)));
        }
        match meta.url.as_deref() {
            None => outcome.problems.push(problem("url", "no url".into())),
            Some(url) if !well_formed(url) => outcome.problems.push(problem("url", format!("url `{url}` is not a well-formed http(s) address"))),
            Some(url) => {
                if let Some(first) = urls.insert(url, &report.source) {
                    outcome.problems.push(problem("url", format!("url `{url}` is also the source of {first}")));
                }
            }
        }
        match meta.published {
            None => outcome.problems.push(problem("published", "no publication date".into())),
            Some(date) if date > today => outcome.problems.push(problem("published", format!("published {date} is in the future"))),
            Some(_) => {}
        }
    }
    outcome.problems.extend(shared_runs(&loaded));
    if let Some(sources) = sources {
        let (texts, unreadable) = source_texts(sources)?;
        outcome.problems.extend(unreadable);
        outcome.problems.extend(copied_from_sources(&loaded, &texts));
    }
    outcome.problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    Ok(outcome)
}

/// Whether `url` is an absolute http(s) address with a host.
fn well_formed(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !url.chars().any(char::is_whitespace) && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
}

/// The line of `key = ...` in a file's front matter or sidecar, else 1.
fn line_of_key(text: &str, key: &str) -> usize {
    text.lines().position(|l| l.trim_start().starts_with(key) && l[l.find(key).unwrap_or(0) + key.len()..].trim_start().starts_with('=')).map_or(1, |i| i + 1)
}

/// Lowercase words of a text, letters and digits only.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// Pairs of reports whose bodies share [`SHARED_RUN_WORDS`] words in a row;
/// one problem for each report of a pair, at the run's line.
fn shared_runs(loaded: &[(Report, String)]) -> Vec<Problem> {
    let mut first_seen: HashMap<&[String], usize> = HashMap::new();
    let bodies: Vec<Vec<String>> = loaded.iter().map(|(r, _)| words(&r.body)).collect();
    let mut reported: HashSet<(usize, usize)> = HashSet::new();
    let mut problems = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        for run in body.windows(SHARED_RUN_WORDS) {
            match first_seen.get(run) {
                Some(&j) if j != i && reported.insert((j, i)) => {
                    let phrase = run.join(" ");
                    for (this, other) in [(i, j), (j, i)] {
                        let (report, text) = &loaded[this];
                        problems.push(Problem {
                            file: report.source.clone(),
                            line: line_of_run(text, run),
                            message: format!("shares {SHARED_RUN_WORDS} words in a row with {}: \"{phrase}\"", loaded[other].0.source),
                        });
                    }
                }
                Some(_) => {}
                None => {
                    first_seen.insert(run, i);
                }
            }
        }
    }
    problems
}

/// A source text: the file it came from and its words.
struct SourceText {
    file: String,
    words: Vec<String>,
}

/// The texts in the sources folder (not recursive); a file that cannot be
/// read becomes a problem of its own, never a silent pass.
fn source_texts(dir: &Path) -> Result<(Vec<SourceText>, Vec<Problem>)> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut paths: Vec<std::path::PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect();
    paths.sort();
    let (mut texts, mut problems) = (Vec::new(), Vec::new());
    for path in paths {
        let file = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        let text = match ext.as_str() {
            "txt" | "md" | "markdown" => std::fs::read_to_string(&path).map_err(|e| e.to_string()),
            "html" | "htm" => std::fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|b| html::parse(&String::from_utf8_lossy(&b), "source").map(|(_, t)| t).map_err(|(_, why)| why)),
            "pdf" => std::fs::read(&path).map_err(|e| e.to_string()).and_then(|b| pdf::parse(&b, "source").map(|(_, t)| t).map_err(|(_, why)| why)),
            _ => continue,
        };
        match text {
            Ok(text) => texts.push(SourceText { file, words: words(&text) }),
            Err(why) => problems.push(Problem { file: format!("{}/{file}", dir.display()), line: 1, message: format!("source text unreadable: {why}") }),
        }
    }
    Ok((texts, problems))
}

/// Reports whose bodies share [`SHARED_RUN_WORDS`] words in a row with a
/// source text; one problem per report and source, at the run's line.
fn copied_from_sources(loaded: &[(Report, String)], sources: &[SourceText]) -> Vec<Problem> {
    let mut runs: HashMap<&[String], usize> = HashMap::new();
    for (i, source) in sources.iter().enumerate() {
        for run in source.words.windows(SHARED_RUN_WORDS) {
            runs.entry(run).or_insert(i);
        }
    }
    let mut problems = Vec::new();
    for (report, text) in loaded {
        let mut reported: HashSet<usize> = HashSet::new();
        for run in words(&report.body).windows(SHARED_RUN_WORDS) {
            if let Some(&i) = runs.get(run) {
                if reported.insert(i) {
                    problems.push(Problem {
                        file: report.source.clone(),
                        line: line_of_run(text, run),
                        message: format!("copies {SHARED_RUN_WORDS} words in a row from the source text {}: \"{}\"", sources[i].file, run.join(" ")),
                    });
                }
            }
        }
    }
    problems
}

/// The line where `run` starts in a file's text, else 1.
fn line_of_run(text: &str, run: &[String]) -> usize {
    let lower = text.to_lowercase();
    let mut from = 0;
    while let Some(found) = lower[from..].find(run[0].as_str()).map(|at| at + from) {
        if words(&lower[found..]).iter().take(run.len()).eq(run.iter()) {
            return 1 + lower[..found].matches('\n').count();
        }
        from = found + run[0].len();
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, publisher: &str, url: &str, published: &str, body: &str) {
        let text = format!(
            "+++\nid = \"{}\"\ntitle = \"T\"\npublisher = \"{publisher}\"\nurl = \"{url}\"\npublished = {published}\n+++\n\n{body}\n",
            name.trim_end_matches(".md")
        );
        std::fs::write(dir.join(name), text).expect("write");
    }

    fn table() -> Publishers {
        Publishers::parse("[[publisher]]\nname = \"TrendForce\"\naliases = [\"Trendforce\"]\n").expect("table")
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 5).expect("date")
    }

    #[test]
    fn a_clean_folder_has_no_problems() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "a.md", "TrendForce", "https://example.com/a", "2026-01-02", "HBM prices rose in the quarter.");
        write(dir.path(), "b.md", "TrendForce", "https://example.com/b", "2026-02-03", "DRAM contract prices fell.");
        let outcome = check_dir(dir.path(), &table(), today(), None).expect("check");
        assert_eq!((outcome.files, outcome.problems), (2, Vec::new()));
    }

    #[test]
    fn each_problem_names_its_file_and_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let shared = "the quick survey of memory makers found that contract prices for server modules rose again";
        write(dir.path(), "a.md", "Trendforce", "https://example.com/a", "2027-01-02", &format!("First. {shared} in March."));
        write(dir.path(), "b.md", "Some Blog", "https://examplecom/b", "2026-02-03", &format!("Second:\n{shared}."));
        write(dir.path(), "c.md", "TrendForce", "https://example.com/a", "2026-02-03", "Unrelated text.");
        std::fs::write(dir.path().join("d.md"), "+++\nid = \"d\"\n").expect("write");
        let outcome = check_dir(dir.path(), &table(), today(), None).expect("check");
        let found: Vec<(String, usize, String)> =
            outcome.problems.iter().map(|p| (p.file.clone(), p.line, p.message.chars().take(40).collect())).collect();
        let has = |file: &str, line: usize, start: &str| found.iter().any(|(f, l, m)| f == file && *l == line && m.starts_with(start));
        assert!(has("a.md", 4, "publisher `Trendforce` is not a canonica"), "{found:?}");
        assert!(has("a.md", 6, "published 2027-01-02 is in the future"), "{found:?}");
        assert!(has("a.md", 9, "shares 12 words in a row with b.md"), "{found:?}");
        assert!(has("b.md", 4, "publisher `Some Blog` is not a canonical"), "{found:?}");
        assert!(has("b.md", 5, "url `https://examplecom/b` is not a well"), "{found:?}");
        assert!(has("b.md", 10, "shares 12 words in a row with a.md"), "{found:?}");
        assert!(has("c.md", 5, "url `https://example.com/a` is also the"), "{found:?}");
        assert!(found.iter().any(|(f, _, _)| f == "d.md"), "a file that does not load: {found:?}");
    }

    #[test]
    fn a_report_copying_a_source_text_is_flagged() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sources = tempfile::tempdir().expect("tempdir");
        let copied = "the memory maker said its server module shipments more than doubled in the second quarter";
        write(dir.path(), "a.md", "TrendForce", "https://example.com/a", "2026-01-02", &format!("Intro.\n\nAs reported, {copied}."));
        write(dir.path(), "b.md", "TrendForce", "https://example.com/b", "2026-01-03", "Shipments of server modules doubled, the company said.");
        std::fs::write(sources.path().join("a.html"), format!("<html><body><nav>Menu</nav><p>News: {copied}, it said.</p></body></html>")).expect("write");
        std::fs::write(sources.path().join("broken.pdf"), b"not a pdf").expect("write");
        std::fs::write(sources.path().join("notes.json"), b"{}").expect("write");
        let outcome = check_dir(dir.path(), &table(), today(), Some(sources.path())).expect("check");
        let found: Vec<(String, usize, String)> = outcome.problems.iter().map(|p| (p.file.clone(), p.line, p.message.clone())).collect();
        assert!(found.iter().any(|(f, l, m)| f == "a.md" && *l == 11 && m.starts_with("copies 12 words in a row from the source text a.html")), "{found:?}");
        assert!(!found.iter().any(|(f, _, _)| f == "b.md"), "a paraphrase is not a copy: {found:?}");
        assert!(found.iter().any(|(f, _, m)| f.ends_with("broken.pdf") && m.starts_with("source text unreadable")), "{found:?}");
        assert_eq!(found.len(), 2, "{found:?}");
        let missing = check_dir(dir.path(), &table(), today(), Some(&dir.path().join("nope")));
        assert!(missing.is_err(), "a sources folder that does not exist is an error");
    }
}
