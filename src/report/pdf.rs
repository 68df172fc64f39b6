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

/// Writes a minimal one-page PDF showing `lines`; used by tests to create fixtures.
#[cfg(test)]
pub(crate) fn tiny_pdf(lines: &[&str]) -> Vec<u8> {
    tiny_pdf_with_media_box("[0 0 612 792]", lines)
}

/// [`tiny_pdf`] with the page's `/MediaBox` value given.
#[cfg(test)]
fn tiny_pdf_with_media_box(media_box: &str, lines: &[&str]) -> Vec<u8> {
    let mut content = String::from("BT /F1 12 Tf 72 720 Td 14 TL\n");
    for line in lines {
        let escaped = line.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)");
        content.push_str(&format!("({escaped}) Tj T*\n"));
    }
    content.push_str("ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox {media_box} /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
    ];
    let mut pdf = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.push_str(&format!("{} 0 obj\n{body}\nendobj\n", i + 1));
    }
    let xref = pdf.len();
    pdf.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1));
    for offset in offsets {
        pdf.push_str(&format!("{offset:010} 00000 n \n"));
    }
    pdf.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    pdf.into_bytes()
}

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
