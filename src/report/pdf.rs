//! PDF reports: text is extracted with the pure-Rust `pdf-extract` crate.
//! Broken PDFs can make that crate panic, so extraction runs under
//! `catch_unwind` and a panic becomes an ordinary per-file error.

use super::{normalize_body, plain::first_line_title, ReportMeta};

/// Extracts the text of a PDF held in memory.
pub(super) fn parse(bytes: &[u8], stem_id: &str) -> Result<(ReportMeta, String), (usize, String)> {
    if !bytes.starts_with(b"%PDF-") {
        return Err((1, "not a PDF file (missing %PDF- header)".into()));
    }
    // The PDF parser recurses into nested arrays and dictionaries; a file
    // nesting them thousands deep would overflow the stack and abort the
    // process, which no `catch_unwind` can stop.
    if nesting_depth(bytes) > MAX_NESTING {
        return Err((1, format!("cannot extract PDF text: objects nested more than {MAX_NESTING} deep")));
    }
    let extracted = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes));
    let text = match extracted {
        Ok(Ok(text)) => text,
        Ok(Err(e)) => return Err((1, format!("cannot extract PDF text: {e}"))),
        Err(_) => return Err((1, "cannot extract PDF text: the file is malformed".into())),
    };
    let body = normalize_body(&text);
    if body.is_empty() {
        return Err((1, "the PDF contains no extractable text (scanned image?)".into()));
    }
    let meta = ReportMeta {
        id: stem_id.to_string(),
        title: first_line_title(&body),
        ..ReportMeta::default()
    };
    Ok((meta, body))
}

/// Deepest nesting of arrays and dictionaries a PDF may have; real files
/// stay in single digits.
const MAX_NESTING: usize = 256;

/// The deepest nesting of `[` and `<<` in a PDF's bytes, outside literal
/// strings and comments (streams are not skipped, so binary content can
/// only make the count higher, never hide a deep nesting).
fn nesting_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest, mut string, mut i) = (0usize, 0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if string > 0 => i += 1,
            b'(' => string += 1,
            b')' if string > 0 => string -= 1,
            _ if string > 0 => {}
            b'%' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'[' => depth += 1,
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                depth += 1;
                i += 1;
            }
            b']' => depth = depth.saturating_sub(1),
            b'>' if bytes.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => {}
        }
        deepest = deepest.max(depth);
        i += 1;
    }
    deepest
}

/// The minimal PDFs the tests build, shared with the integration tests.
#[cfg(test)]
#[path = "../../tests/it/support/tiny_pdf.rs"]
mod tiny_pdf_fixture;
#[cfg(test)]
pub(crate) use tiny_pdf_fixture::tiny_pdf;
#[cfg(test)]
use tiny_pdf_fixture::tiny_pdf_with_media_box;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deeply_nested_objects_are_refused_without_overflowing_the_stack() {
        let deep = format!("{}0 0 612 792{}", "[".repeat(100_000), "]".repeat(100_000));
        let pdf = tiny_pdf_with_media_box(&deep, &["Nested"]);
        // A small stack, as on a test or worker thread: the parser must not be reached.
        let outcome = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || parse(&pdf, "deep"))
            .expect("thread")
            .join()
            .expect("no overflow");
        let (line, why) = outcome.expect_err("refused");
        assert_eq!(line, 1);
        assert!(why.contains("nested more than 256 deep"), "{why}");
        assert_eq!(nesting_depth(b"<< /A [1 2 (a [[[ string ) << /B 3 >> ] >> % [[[[ comment"), 3);
    }

    #[test]
    fn extracts_text_from_a_generated_pdf() {
        let pdf = tiny_pdf(&["SMIC capacity report", "Capacity reached 45,000 wafers per month."]);
        let (meta, body) = parse(&pdf, "smic").expect("parse");
        assert!(body.contains("45,000 wafers per month"), "{body}");
        assert!(meta.title.contains("SMIC capacity report"), "{}", meta.title);
    }

    #[test]
    fn garbage_is_a_clear_error() {
        let (_, reason) = parse(b"%PDF-1.4 garbage garbage", "x").unwrap_err();
        assert!(reason.contains("PDF"), "{reason}");
        let (_, reason) = parse(b"hello", "x").unwrap_err();
        assert!(reason.contains("not a PDF"));
    }
}
