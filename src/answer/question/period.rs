//! The period a question names, in the many ways users write it: years
//! ("2024", "FY25", "fiscal 2026", "'25"), quarters and halves ("Q3",
//! "3Q25", "Q4 25", "FQ3 26", "Q3 FY26", "the third quarter", "H1",
//! "1H25"), and the report wording to search for them ("fiscal 2025",
//! "third quarter of fiscal 2026", "fourth quarter of 2025").

use std::sync::LazyLock;

use regex::Regex;

// ASCII word boundaries: "2025年" is a year, Han characters being letters to Unicode.
static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)(?:fy|fiscal\s+(?:year\s+)?)?'?((?:19|20)\d\d|\d\d)(?-u:\b)").expect("static year pattern"));

/// A quarter or half marker written right before a two-digit year:
/// "Q4 25", "FQ3 26", "3Q25", "1H25", "Q3'25", "H1 25".
static PART_BEFORE_YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?:\bf?q[1-4]|\b[1-4]q|\b[12]h|\bh[12])\s?'?$").expect("static part-before-year pattern"));

/// A quarter or half, with an optional fiscal mark and year after it:
/// "q3", "fq3 26", "q3 fy26", "q3fy26", "3q25", "3qfy26", "1h25", "h2 2025".
/// A letter-first marker takes a year only after a space, an apostrophe or
/// "fy", so "H100" and "H20" are chips, not halves.
static PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b(?:(?P<fq>f)?q(?P<q>[1-4])|h(?P<h>[12])",
        r"|(?P<wq>first|second|third|fourth)[ -](?:fiscal[ -])?quarter|(?P<wh>first|second)[ -]half)",
        r"(?:[\s']+(?P<fy>fy\s?|fiscal\s+)?'?(?P<y>\d{4}|\d{2})|\s?(?P<fy3>fy)\s?'?(?P<y3>\d{4}|\d{2}))?\b",
        r"|\b(?:(?P<q2>[1-4])q|(?P<h2>[12])h)(?P<fy2>fy)?(?P<y2>\d{4}|\d{2})?\b",
    ))
    .expect("static quarter pattern")
});

/// The year written with a quarter or half, and whether it is fiscal.
fn part_year<'t>(caps: &regex::Captures<'t>) -> Option<(regex::Match<'t>, bool)> {
    let year = caps.name("y").or(caps.name("y2")).or(caps.name("y3"))?;
    let fiscal = ["fq", "fy", "fy2", "fy3"].iter().any(|n| caps.name(n).is_some());
    Some((year, fiscal))
}

/// The quarter (1-4), half (5 = H1, 6 = H2) or full year (7) a question names.
pub(super) fn part_of_year(lower: &str) -> Option<u8> {
    static FULL_YEAR: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b(?:full|whole|entire)[ -](?:fiscal[ -])?year\b|\ball of (?:fy|fiscal|20\d\d)").expect("static full-year pattern"));
    PART.captures(lower)
        .and_then(|caps| part_number(&caps))
        .or_else(|| chinese_part(lower))
        .or_else(|| FULL_YEAR.is_match(lower).then_some(7))
}

/// A quarter, half or full year named in Chinese: 第三季度, 三季度, 第四季, 上半年, 全年.
fn chinese_part(text: &str) -> Option<u8> {
    static PART_ZH: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"第?(?P<q>[一二三四1-4])季|(?P<h>上|下)半年|(?P<fy>全年|年度)").expect("static Chinese part pattern"));
    let caps = PART_ZH.captures(text)?;
    if let Some(q) = caps.name("q") {
        return Some(match q.as_str() {
            "一" | "1" => 1,
            "二" | "2" => 2,
            "三" | "3" => 3,
            _ => 4,
        });
    }
    if let Some(h) = caps.name("h") {
        return Some(if h.as_str() == "上" { 5 } else { 6 });
    }
    Some(7)
}

fn part_number(caps: &regex::Captures<'_>) -> Option<u8> {
    let ordinal = |w: &str| match w.to_ascii_lowercase().as_str() {
        "first" | "1" => 1,
        "second" | "2" => 2,
        "third" | "3" => 3,
        _ => 4,
    };
    if let Some(q) = caps.name("q").or(caps.name("q2")).or(caps.name("wq")) {
        return Some(ordinal(q.as_str()));
    }
    caps.name("h").or(caps.name("h2")).or(caps.name("wh")).map(|h| 4 + ordinal(h.as_str()))
}

/// Years named in the question: "2024", "FY25", "fiscal 2026", "'25", and
/// the two-digit year after a quarter or half ("Q4 25", "3Q25").
pub(super) fn years_in(raw: &str) -> Vec<i32> {
    let mut found: Vec<(usize, i32)> = Vec::new();
    let to_year = |digits: &str| digits.parse::<i32>().ok().map(|n| if digits.len() == 2 { 2000 + n } else { n });
    for caps in YEAR.captures_iter(raw) {
        let (Some(whole), Some(digits)) = (caps.get(0), caps.get(1)) else { continue };
        let lower = whole.as_str().to_lowercase();
        // A bare two-digit number is a year only when written FY25, '25 or after a quarter.
        let marked = lower.starts_with("fy") || lower.starts_with('\'') || lower.starts_with("fiscal");
        if digits.as_str().len() == 2 && !marked && !PART_BEFORE_YEAR.is_match(&raw[..whole.start()]) {
            continue;
        }
        found.extend(to_year(digits.as_str()).map(|y| (whole.start(), y)));
    }
    // Glued to its quarter: "3Q25", "1H24", "3QFY26".
    for caps in PART.captures_iter(raw) {
        if let (Some(whole), Some((digits, _))) = (caps.get(0), part_year(&caps)) {
            found.extend(to_year(digits.as_str()).map(|y| (whole.start(), y)));
        }
    }
    found.sort_by_key(|&(at, _)| at);
    let mut out = Vec::new();
    for (_, year) in found {
        if (1990..=2100).contains(&year) && !out.contains(&year) {
            out.push(year);
        }
    }
    out
}

/// The question's periods as reports write them, searched with full weight:
/// "FY25" as "fiscal 2025", "Q4 25" as "fourth quarter of 2025", "FQ3 26"
/// and "Q3 FY26" as "third quarter of fiscal 2026".
pub(super) fn period_rewrites(raw: &str) -> Vec<String> {
    static FY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\bfy\s?'?(\d{2}|\d{4})\b").expect("static fiscal-year pattern"));
    let full = |y: &str| if y.len() == 2 { format!("20{y}") } else { y.to_string() };
    let mut out: Vec<String> = Vec::new();
    for caps in PART.captures_iter(raw) {
        let (Some(part), Some((year, fiscal))) = (part_number(&caps), part_year(&caps)) else { continue };
        let name = ["first quarter", "second quarter", "third quarter", "fourth quarter", "first half", "second half"][usize::from(part) - 1];
        let year = full(year.as_str());
        out.push(if fiscal { format!("{name} of fiscal {year}") } else { format!("{name} of {year}") });
    }
    for caps in FY.captures_iter(raw) {
        if let Some(y) = caps.get(1) {
            let form = format!("fiscal {}", full(y.as_str()));
            if !out.iter().any(|o| o.ends_with(&form)) {
                out.push(form);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_are_read() {
        assert_eq!(years_in("Nvidia FY25 data center sales"), vec![2025]);
        assert_eq!(years_in("fiscal 2026 revenue vs 2025"), vec![2026, 2025]);
        assert_eq!(years_in("384 chips in 12 racks"), Vec::<i32>::new());
        assert_eq!(years_in("ASML order intake in Q4 25"), vec![2025]);
        assert_eq!(years_in("Micron FQ3 26 revenue, 3Q25 and 1H24"), vec![2026, 2025, 2024]);
        assert_eq!(years_in("the Q3 plan for 12 fabs"), Vec::<i32>::new());
        assert_eq!(years_in("H100 vs H200 vs H20 power"), Vec::<i32>::new());
        assert_eq!(years_in("华虹半导体2025年第三季度"), vec![2025]);
        assert_eq!(years_in("Samsung's share in 4Q25, Q3FY26"), vec![2025, 2026]);
    }

    #[test]
    fn parts_are_read() {
        assert_eq!(part_of_year("micron fq3 26 revenue"), Some(3));
        assert_eq!(part_of_year("q4 fy25 margin"), Some(4));
        assert_eq!(part_of_year("second half of 2025"), Some(6));
        assert_eq!(part_of_year("1h25 revenue"), Some(5));
        assert_eq!(part_of_year("h20 sales in 2025"), None, "H20 is a chip");
        assert_eq!(part_of_year("the h100 and h200"), None);
        assert_eq!(part_of_year("nvidia q3fy26 revenue"), Some(3));
        assert_eq!(part_of_year("中芯国际三季度产能利用率"), Some(3));
        assert_eq!(part_of_year("寒武纪2025年上半年营收"), Some(5));
        assert_eq!(part_of_year("gf's full-year 2025 revenue"), Some(7));
        assert_eq!(part_of_year("what did synopsys pull in for all of fy25"), Some(7));
    }

    #[test]
    fn periods_are_rewritten_as_reports_write_them() {
        assert_eq!(period_rewrites("Micron FQ3 26 revenue?"), ["third quarter of fiscal 2026"]);
        assert_eq!(period_rewrites("ASML orders in Q4 25"), ["fourth quarter of 2025"]);
        assert_eq!(period_rewrites("NVIDIA Q3 FY26 and FY25"), ["third quarter of fiscal 2026", "fiscal 2025"]);
        assert_eq!(period_rewrites("Nvidia FY25 data center sales"), ["fiscal 2025"]);
        assert_eq!(period_rewrites("Q3 revenue"), Vec::<String>::new());
        assert_eq!(period_rewrites("Samsung in 4Q25 and 3QFY26"), ["fourth quarter of 2025", "third quarter of fiscal 2026"]);
    }
}
