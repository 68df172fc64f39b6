//! Making report and user text safe to show on Discord: markdown escaping,
//! mention neutralising and markdown links. This is defence in depth: every
//! message also goes out with empty `allowed_mentions`, so even text that
//! slipped through could not ping anyone.

/// Zero-width space: breaks mention syntax without changing what people read.
const ZWSP: char = '\u{200B}';

/// Escapes markdown and neutralises mentions in text from reports or users.
pub fn escape(text: &str) -> String {
    escape_markdown(&neutralise_mentions(text))
}

/// Breaks `@everyone`, `@here`, `<@id>`, `<@!id>`, `<@&id>`, `<#id>` and
/// `</command:id>` so Discord shows them as text instead of mentions.
pub fn neutralise_mentions(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        out.push(c);
        match c {
            '@' if starts_with_ignore_case(after, "everyone") || starts_with_ignore_case(after, "here") => {
                out.push(ZWSP)
            }
            '<' if after.starts_with(['@', '#', '/']) => out.push(ZWSP),
            _ => {}
        }
        rest = after;
    }
    out
}

fn starts_with_ignore_case(s: &str, word: &str) -> bool {
    s.get(..word.len()).is_some_and(|head| head.eq_ignore_ascii_case(word))
}

/// Backslash-escapes the characters Discord reads as markdown, plus list and
/// heading markers at line starts.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut line_start = true;
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '<' | '[' | ']' | '(' | ')' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' if line_start => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        if c == '\n' {
            line_start = true;
        } else if !c.is_whitespace() {
            line_start = false;
        }
    }
    out
}

/// A markdown link `[title](url)` when `url` is an http(s) URL, else the
/// escaped title alone.
pub fn link(title: &str, url: Option<&str>) -> String {
    let title = escape(title);
    match url.and_then(safe_url) {
        Some(url) => format!("[{title}]({url})"),
        None => title,
    }
}

/// `url` with the characters that would end a markdown link target
/// percent-encoded; `None` unless it is an http(s) URL.
pub fn safe_url(url: &str) -> Option<String> {
    let url = url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 2_000 {
        return None;
    }
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '[' => out.push_str("%5B"),
            ']' => out.push_str("%5D"),
            '"' => out.push_str("%22"),
            '\\' => out.push_str("%5C"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

/// Text for inside a fenced code block: no fence can be closed early.
pub fn code_block_safe(text: &str) -> String {
    text.replace('`', "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_broken() {
        let out = neutralise_mentions("hi @everyone and @Here, <@123> <@!4> <@&5> <#6> </ask:7>");
        for bad in ["@everyone", "@Here", "<@123>", "<@!4>", "<@&5>", "<#6>", "</ask:7>"] {
            assert!(!out.contains(bad), "{bad} survived in {out}");
        }
        assert_eq!(out.replace(ZWSP, ""), "hi @everyone and @Here, <@123> <@!4> <@&5> <#6> </ask:7>");
    }

    #[test]
    fn markdown_is_escaped() {
        assert_eq!(escape_markdown("**a** _b_ `c` [d](e) # f"), r"\*\*a\*\* \_b\_ \`c\` \[d\]\(e\) \# f");
        assert_eq!(escape_markdown("- item\n  + x 45-50%"), "\\- item\n  \\+ x 45-50%");
        assert_eq!(escape("<script>"), "\\<script\\>");
    }

    #[test]
    fn links_keep_their_url_and_escape_the_title() {
        assert_eq!(
            link("A [draft] *report*", Some("https://ex.com/a (1)")),
            r"[A \[draft\] \*report\*](https://ex.com/a%20%281%29)"
        );
        assert_eq!(link("Plain", Some("javascript:alert(1)")), "Plain");
        assert_eq!(link("Plain", None), "Plain");
    }
}
