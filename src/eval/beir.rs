//! Reading BEIR data: `corpus.jsonl` (`_id`, `title`, `text`),
//! `queries.jsonl` (`_id`, `text`) and `qrels/<split>.tsv` (a header line,
//! then `query-id TAB corpus-id TAB score`, often with CRLF line endings).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::report::{Report, ReportMeta};

/// A loaded data set: documents as reports, judged queries and their qrels.
pub(super) struct BeirData {
    pub reports: Vec<Report>,
    /// Internal report id -> the data set's document id.
    pub original_ids: HashMap<String, String>,
    /// Judged queries in id order: (query id, text).
    pub queries: Vec<(String, String)>,
    /// Query id -> (document id -> relevance grade).
    pub qrels: HashMap<String, HashMap<String, u32>>,
}

#[derive(Deserialize)]
struct CorpusLine {
    #[serde(rename = "_id")]
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    text: String,
}

#[derive(Deserialize)]
struct QueryLine {
    #[serde(rename = "_id")]
    id: String,
    text: String,
}

pub(super) fn load(dir: &Path, split: &str) -> Result<BeirData> {
    let qrels = read_qrels(&dir.join("qrels").join(format!("{split}.tsv")))?;
    let mut reports = Vec::new();
    let mut original_ids = HashMap::new();
    for (i, line) in read_jsonl::<CorpusLine>(&dir.join("corpus.jsonl"))?.into_iter().enumerate() {
        let internal = format!("d{i}");
        original_ids.insert(internal.clone(), line.id);
        let meta = ReportMeta { id: internal, title: line.title, publisher: "BEIR".into(), ..ReportMeta::default() };
        reports.push(Report { meta, body: line.text, source: String::new(), hash: String::new() });
    }
    let mut queries: BTreeMap<String, String> = BTreeMap::new();
    for line in read_jsonl::<QueryLine>(&dir.join("queries.jsonl"))? {
        if qrels.contains_key(&line.id) {
            queries.insert(line.id, line.text);
        }
    }
    if queries.is_empty() {
        return Err(Error::Report { path: dir.join("queries.jsonl"), line: 1, reason: "no judged queries".into() });
    }
    Ok(BeirData { reports, original_ids, queries: queries.into_iter().collect(), qrels })
}

fn read_jsonl<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| {
            serde_json::from_str(line).map_err(|e| Error::Report {
                path: path.to_path_buf(),
                line: n + 1,
                reason: e.to_string(),
            })
        })
        .collect()
}

/// Parses qrels text; grades of 0 are kept (they are judged non-relevant).
pub(super) fn parse_qrels(text: &str) -> std::result::Result<HashMap<String, HashMap<String, u32>>, (usize, String)> {
    let mut qrels: HashMap<String, HashMap<String, u32>> = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || (n == 0 && line.starts_with("query-id")) {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [query, doc, grade] = fields.as_slice() else {
            return Err((n + 1, format!("expected 3 tab-separated fields, got {}", fields.len())));
        };
        let grade: u32 = grade.trim().parse().map_err(|_| (n + 1, format!("bad relevance `{grade}`")))?;
        qrels.entry(query.to_string()).or_default().insert(doc.to_string(), grade);
    }
    Ok(qrels)
}

fn read_qrels(path: &Path) -> Result<HashMap<String, HashMap<String, u32>>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_qrels(&text).map_err(|(line, reason)| Error::Report { path: path.to_path_buf(), line, reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qrels_with_header_and_crlf() {
        let qrels = parse_qrels("query-id\tcorpus-id\tscore\r\n1\t31715818\t1\r\n3\t14717500\t2\r\n").expect("parse");
        assert_eq!(qrels["1"]["31715818"], 1);
        assert_eq!(qrels["3"]["14717500"], 2);
    }

    #[test]
    fn malformed_qrels_name_the_line() {
        let (line, reason) = parse_qrels("query-id\tcorpus-id\tscore\n1\t2\n").unwrap_err();
        assert_eq!(line, 2);
        assert!(reason.contains("3 tab-separated"));
    }
}
