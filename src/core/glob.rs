//! Glob patterns for user IDs (`@*:example.org`): `*` matches any run of
//! characters, `?` exactly one, everything else itself (case-sensitive, as
//! Matrix IDs are).

/// Whether `text` matches `pattern`.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative matcher with one backtrack point: linear in practice, never
    // exponential on patterns with many stars.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((star_p, star_t)) = star {
            pi = star_p + 1;
            ti = star_t + 1;
            star = Some((star_p, star_t + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Whether `text` matches any of `patterns`.
pub fn any_match(patterns: &[String], text: &str) -> bool {
    patterns.iter().any(|p| glob_match(p, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_server_wildcards() {
        assert!(glob_match("@*:example.org", "@alice:example.org"));
        assert!(!glob_match("@*:example.org", "@alice:example.org.evil"));
        assert!(!glob_match("@*:example.org", "@alice:evil.org"));
        assert!(glob_match("@alice:*", "@alice:x"));
        assert!(glob_match("@a?ice:hs", "@alice:hs"));
        assert!(!glob_match("@a?ice:hs", "@aice:hs"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("", "x"));
    }

    #[test]
    fn exact_patterns_match_only_themselves() {
        assert!(glob_match("@bob:hs", "@bob:hs"));
        assert!(!glob_match("@bob:hs", "@Bob:hs"));
        assert!(!glob_match("@bob:hs", "@bob:hs2"));
    }

    #[test]
    fn many_stars_stay_fast() {
        let pattern = "*a".repeat(30) + "b";
        assert!(!glob_match(&pattern, &"a".repeat(200)));
    }
}
