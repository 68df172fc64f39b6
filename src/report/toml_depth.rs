//! A guard in front of the TOML parser: it recurses into nested arrays and
//! inline tables, so front matter nesting them thousands deep would overflow
//! the stack and abort the process. Such text is refused before parsing.

/// Deepest nesting of `[` and `{` that front matter or a sidecar may have;
/// real metadata stays at one or two.
pub(super) const MAX_DEPTH: usize = 64;

/// The 1-based line where `text` first nests arrays or inline tables deeper
/// than [`MAX_DEPTH`], outside strings and comments; None when it never does.
pub(super) fn too_deep(text: &str) -> Option<usize> {
    let (mut depth, mut line) = (0usize, 1usize);
    let mut quote: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' {
            line += 1;
        }
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' => quote = Some(c),
                '#' => {
                    while chars.peek().is_some_and(|&n| n != '\n') {
                        chars.next();
                    }
                }
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Some(line);
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_is_found_outside_strings_and_comments() {
        assert_eq!(too_deep("id = \"a\"\ncompanies = [\"A\", \"B\"]\n[[x]]\ny = { z = [1] }\n"), None);
        let deep = format!("id = \"a\"\nv = {}1{}\n", "[".repeat(100), "]".repeat(100));
        assert_eq!(too_deep(&deep), Some(2));
        let quoted = format!("t = \"{}\" # {}\n", "[".repeat(100), "{".repeat(100));
        assert_eq!(too_deep(&quoted), None);
    }
}
