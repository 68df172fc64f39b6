//! Figures in Chinese sentences, typed like English ones:
//! - money with 万/亿/万亿 scales and 元, 人民币, 美元, 港元, 新台币 (28.81亿元 is
//!   2,881,000,000 CNY);
//! - percentages written 4347.82% or 百分之四十;
//! - changes (同比增长, 环比下降, 增加, 减少);
//! - wafer capacity (万片/月, 月产能10万片);
//! - 纳米 nodes;
//! - counts of 颗, 片, 台, 张 and 套;
//! - years (2025年) and dates (2025年8月26日), quarters (第三季度, Q3) and
//!   halves (上半年, 下半年);
//! - forecasts (预计, 有望, 将);
//! - subjects from the gazetteer's Chinese aliases.
//!
//! [`super::extract`] sends a sentence here when it holds Han characters.

use std::sync::LazyLock;

use regex::Regex;

use super::gazetteer::Gazetteer;
use super::period::{Period, YearPart};
use super::{keep_longest, Candidate, Figure, FigureKind};

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("static Chinese figure pattern")
}

const NUM: &str = r"(?P<n>\d+(?:,\d{3})*(?:\.\d+)?)";

static MONEY: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?P<pre>人民币|美元|港元|港币|新台币|US\$|\$)?\s*{NUM}\s*(?:(?:至|到|-|–|~)\s*(?P<hi>\d+(?:\.\d+)?))?\s*(?P<scale>万亿|千亿|百亿|十亿|亿|千万|百万|万|千|兆)?\s*(?P<cur>元人民币|人民币|美元|港元|港币|新台币|日元|韩元|欧元|元)"
    ))
});
static MONEY_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?P<pre>人民币|美元|港元|港币|新台币)?\s*{NUM}\s*(?P<s1>万亿|千亿|百亿|亿|千万|百万|万|千|兆)(?:元|美元|港元)?\s*(?:至|到|-|–|~)\s*(?P<hi>\d+(?:,\d{{3}})*(?:\.\d+)?)\s*(?P<s2>万亿|千亿|百亿|亿|千万|百万|万|千|兆)\s*(?P<cur>元人民币|人民币|美元|港元|港币|新台币|元)"
    ))
});
static MONEY_PREFIXED: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(r"(?P<pre>人民币|美元|港元|港币|新台币)\s*{NUM}\s*(?P<scale>万亿|千亿|百亿|十亿|亿|千万|百万|万|千)"))
});
static PERCENT: LazyLock<Regex> =
    LazyLock::new(|| regex(&format!(r"{NUM}\s*%?\s*(?:(?:至|到|-|–|~)\s*(?P<hi>\d+(?:\.\d+)?))?\s*%")));
static POINTS: LazyLock<Regex> = LazyLock::new(|| regex(&format!(r"{NUM}\s*个百分点")));
static UNITS: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(r"{NUM}\s*(?P<u>TFLOPS|PFLOPS|EFLOPS|TOPS|TB/s|GB/s|TB|GB|千瓦|兆瓦|瓦|kW|MW|W|倍|层|个月|年时间)"))
});
static MULTIPLE_WORDS: LazyLock<Regex> = LazyLock::new(|| regex(r"(?P<w>[一二两三四五六七八九十]+)倍|翻了?一番|翻番"));
static RANK: LazyLock<Regex> = LazyLock::new(|| regex(r"第(?P<w>[一二三四五六七八九十])大"));
static PERCENT_WORDS: LazyLock<Regex> = LazyLock::new(|| regex(r"百分之(?P<w>[零一二两三四五六七八九十百点]+)"));
static WAFERS: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(r"(?:月产能(?:（[^）]*）|\([^)]*\))?[^0-9，。；,;]{{0,6}}?{NUM}\s*(?P<scale>万|千)?\s*片|{NUM2}\s*(?P<scale2>万|千)?\s*片\s*(?:/|每)\s*月)", NUM2 = r"(?P<n2>\d+(?:\.\d+)?)"))
});
static NODE: LazyLock<Regex> = LazyLock::new(|| regex(r"(?P<n>\d+(?:\.\d+)?)\s*(?:纳米|nm)"));
static COUNT: LazyLock<Regex> = LazyLock::new(|| regex(&format!(r"{NUM}\s*(?P<scale>万|亿)?\s*(?P<unit>颗|枚|片|台|张|块|套)")));
static DATE: LazyLock<Regex> = LazyLock::new(|| regex(r"(?P<y>(?:19|20)\d{2})\s*(?P<fy>财)?年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?"));
static PART: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"第(?P<q>[一二三四1-4])季度?|(?P<q2>[一二三四1-4])季度|Q(?P<q3>[1-4])|(?P<h>上|下)半年|(?P<fy>全年)|前[二三]季度")
});
static CHANGE_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?:同比|环比|较上年同期|较去年同期)?(?:增长|增加|上升|提升|提高|上涨|下降|下滑|减少|下跌|降低)了?(?:约|近|超过|逾)?\s*$"));
static FORECAST: LazyLock<Regex> = LazyLock::new(|| regex(r"预计|预期|预测|有望|将|计划|目标|力争|或将"));
/// Words that refer to the period of the sentence before: "the same quarter", "that quarter".
static BACK_REFERENCE: LazyLock<Regex> = LazyLock::new(|| regex(r"同一季度|同季|当季|该季度|本季度|当期|同一时期|同年|当年"));
/// Words that introduce the period a figure is compared with: 比2024年, 较2024年, 与2024年相比.
static COMPARED_WITH: LazyLock<Regex> = LazyLock::new(|| regex(r"(?:比|较|与|相比|相较于?|较之)\s*$"));
static BASELINE_BEFORE: LazyLock<Regex> = LazyLock::new(|| regex(r"(?:上年同期|去年同期|上年|去年)则?(?:的|为|是)?(?:净亏损|亏损|盈利)?\s*$"));

/// All figures of one sentence that holds Han characters. Traditional
/// characters are read as simplified ones (億 as 亿, 幣 as 币); the figures'
/// texts are the sentence's own.
/// `carried` is the period of the previous sentence, for a sentence that
/// refers back to it ("同一季度", "当季").
pub(super) fn extract_sentence(sentence: &str, gazetteer: &Gazetteer, carried: Option<Period>) -> Vec<Figure> {
    let simplified = fast2s::convert(sentence);
    // The conversion maps each character to one of the same UTF-8 length, so
    // byte offsets carry over; should one not, the sentence is read as written.
    let read = if simplified.len() == sentence.len() { simplified.as_str() } else { sentence };
    let mut figures = extract_read(read, gazetteer);
    if let Some(period) = carried.filter(|_| BACK_REFERENCE.is_match(read)) {
        for f in figures.iter_mut().filter(|f| f.year.is_none() && f.kind != FigureKind::Year && !f.baseline) {
            f.year = Some(period.year);
            f.part = period.part;
            f.fiscal = period.fiscal;
        }
    }
    if read != sentence {
        for f in &mut figures {
            if let Some(at) = read.find(&f.text) {
                if let Some(original) = sentence.get(at..at + f.text.len()) {
                    f.text = original.to_string();
                }
            }
            f.sentence = sentence.to_string();
        }
    }
    figures
}

fn extract_read(sentence: &str, gazetteer: &Gazetteer) -> Vec<Figure> {
    let mut found = candidates(sentence);
    let dates = dates(sentence);
    found.retain(|c| !dates.iter().any(|d| c.start >= d.0 && c.end <= d.1 && !(c.start == d.0 && c.end == d.1)));
    let mut all = keep_longest(found, |c| (c.start, c.end));
    let mentions = gazetteer.locate(sentence);
    all.retain(|c| !mentions.iter().any(|m| m.start <= c.start && c.start < m.end));
    let parts = parts(sentence);
    // "比2024年提高8个百分点": a year compared with is no figure's period.
    let periods: Vec<(usize, usize, i32)> = dates.iter().copied().filter(|d| !COMPARED_WITH.is_match(&sentence[..d.0])).collect();
    let mut figures: Vec<Figure> = all.iter().map(|c| build(c, sentence, &periods, &parts, &mentions)).collect();
    for (start, end, year) in &dates {
        if !all.iter().any(|c| c.start < *end && *start < c.end) && standalone_year(sentence, *end, &parts) {
            let candidate = Candidate::single(*start, *end, FigureKind::Year, "year", f64::from(*year));
            // A year compared with ("比2024年") is a baseline: no period to carry on.
            let baseline = COMPARED_WITH.is_match(&sentence[..*start]);
            figures.push(Figure { year: Some(*year), baseline, ..build(&candidate, sentence, &periods, &parts, &mentions) });
        }
    }
    figures.sort_by_key(|f| sentence.find(&f.text).unwrap_or(0));
    figures
}

/// Number candidates of every kind.
fn candidates(s: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    for caps in MONEY.captures_iter(s) {
        let (Some(whole), Some(n)) = (caps.get(0), caps.name("n")) else { continue };
        let scale = caps.name("scale").map_or(1.0, |m| scale_of(m.as_str()));
        let currency = caps.name("pre").map(|m| m.as_str()).filter(|p| !p.is_empty()).map_or_else(|| currency_of(&caps["cur"]), currency_of);
        let Some(value) = number(n.as_str()).map(|v| v * scale) else { continue };
        let start = whole.start() + whole.as_str().len() - whole.as_str().trim_start().len();
        match caps.name("hi").and_then(|h| number(h.as_str())) {
            Some(hi) => out.push(Candidate::range((start, whole.end()), FigureKind::Money, currency, value, hi * scale)),
            None => out.push(Candidate::single(start, whole.end(), FigureKind::Money, currency, value)),
        }
    }
    for caps in MONEY_PREFIXED.captures_iter(s) {
        let (Some(whole), Some(n)) = (caps.get(0), caps.name("n")) else { continue };
        let Some(value) = number(n.as_str()).map(|v| v * scale_of(&caps["scale"])) else { continue };
        out.push(Candidate::single(whole.start(), whole.end(), FigureKind::Money, currency_of(&caps["pre"]), value));
    }
    for caps in PERCENT.captures_iter(s) {
        let (Some(whole), Some(n)) = (caps.get(0), caps.name("n")) else { continue };
        let Some(value) = number(n.as_str()) else { continue };
        match caps.name("hi").and_then(|h| number(h.as_str())) {
            Some(hi) => out.push(Candidate::range((whole.start(), whole.end()), FigureKind::Percent, "%", value, hi)),
            None => out.push(Candidate::single(whole.start(), whole.end(), FigureKind::Percent, "%", value)),
        }
    }
    for caps in PERCENT_WORDS.captures_iter(s) {
        let (Some(whole), Some(w)) = (caps.get(0), caps.name("w")) else { continue };
        if let Some(value) = chinese_number(w.as_str()) {
            out.push(Candidate::single(whole.start(), whole.end(), FigureKind::Percent, "%", value));
        }
    }
    for caps in WAFERS.captures_iter(s) {
        let Some(whole) = caps.get(0) else { continue };
        let n = caps.name("n").or(caps.name("n2")).and_then(|m| number(m.as_str()));
        let scale = caps.name("scale").or(caps.name("scale2")).map_or(1.0, |m| scale_of(m.as_str()));
        if let Some(value) = n {
            // "月产能（折合8英寸）为99.1万片" is quoted from its number on.
            let start = caps.name("n").map_or(whole.start(), |m| m.start());
            out.push(Candidate::single(start, whole.end(), FigureKind::Count, "wafers/month", value * scale));
        }
    }
    for caps in NODE.captures_iter(s) {
        let (Some(whole), Some(value)) = (caps.get(0), caps.name("n").and_then(|m| number(m.as_str()))) else { continue };
        out.push(Candidate::single(whole.start(), whole.end(), FigureKind::Node, "nm", value));
    }
    for caps in COUNT.captures_iter(s) {
        let (Some(whole), Some(n)) = (caps.get(0), caps.name("n")) else { continue };
        let scale = caps.name("scale").map_or(1.0, |m| scale_of(m.as_str()));
        let (unit, end) = match noun_after(s, whole.end()) {
            Some((unit, end)) => (unit, end),
            None => (
                match &caps["unit"] {
                    "颗" | "枚" | "块" => "chips",
                    "片" => "wafers",
                    "张" => "cards",
                    "套" => "systems",
                    _ => "units",
                },
                whole.end(),
            ),
        };
        if let Some(value) = number(n.as_str()) {
            out.push(Candidate::single(whole.start(), end, FigureKind::Count, unit, value * scale));
        }
    }
    for caps in MONEY_RANGE.captures_iter(s) {
        let (Some(whole), Some(n), Some(hi)) = (caps.get(0), caps.name("n"), caps.name("hi")) else { continue };
        let currency = caps.name("pre").map_or_else(|| currency_of(&caps["cur"]), |m| currency_of(m.as_str()));
        let (Some(low), Some(high)) = (number(n.as_str()), number(hi.as_str())) else { continue };
        let start = whole.start() + whole.as_str().len() - whole.as_str().trim_start().len();
        out.push(Candidate::range((start, whole.end()), FigureKind::Money, currency, low * scale_of(&caps["s1"]), high * scale_of(&caps["s2"])));
    }
    for caps in POINTS.captures_iter(s) {
        let (Some(whole), Some(value)) = (caps.get(0), caps.name("n").and_then(|m| number(m.as_str()))) else { continue };
        out.push(Candidate::single(whole.start(), whole.end(), FigureKind::Percent, "pp", value));
    }
    for caps in UNITS.captures_iter(s) {
        let (Some(whole), Some(value)) = (caps.get(0), caps.name("n").and_then(|m| number(m.as_str()))) else { continue };
        let (kind, unit, factor) = match &caps["u"] {
            "TFLOPS" => (FigureKind::Compute, "TFLOPS", 1.0),
            "PFLOPS" => (FigureKind::Compute, "PFLOPS", 1.0),
            "EFLOPS" => (FigureKind::Compute, "EFLOPS", 1.0),
            "TOPS" => (FigureKind::Compute, "TOPS", 1.0),
            "TB/s" => (FigureKind::Bandwidth, "TB/s", 1.0),
            "GB/s" => (FigureKind::Bandwidth, "GB/s", 1.0),
            "TB" => (FigureKind::Memory, "TB", 1.0),
            "GB" => (FigureKind::Memory, "GB", 1.0),
            "千瓦" | "kW" => (FigureKind::Power, "W", 1e3),
            "兆瓦" | "MW" => (FigureKind::Power, "W", 1e6),
            "瓦" | "W" => (FigureKind::Power, "W", 1.0),
            "倍" => (FigureKind::Multiple, "x", 1.0),
            "层" => (FigureKind::Count, "layers", 1.0),
            _ => (FigureKind::Duration, if &caps["u"] == "个月" { "months" } else { "years" }, 1.0),
        };
        out.push(Candidate::single(whole.start(), whole.end(), kind, unit, value * factor));
    }
    for caps in MULTIPLE_WORDS.captures_iter(s) {
        let Some(whole) = caps.get(0) else { continue };
        let value = match caps.name("w") {
            Some(w) => chinese_number(w.as_str()),
            None => Some(2.0),
        };
        if let Some(value) = value {
            let mut c = Candidate::single(whole.start(), whole.end(), FigureKind::Multiple, "x", value);
            if caps.name("w").is_none() {
                c = c.into_change();
            }
            out.push(c);
        }
    }
    for caps in RANK.captures_iter(s) {
        let (Some(whole), Some(value)) = (caps.get(0), caps.name("w").and_then(|w| chinese_number(w.as_str()))) else { continue };
        out.push(Candidate::single(whole.start(), whole.end(), FigureKind::Rank, "rank", value));
    }
    out
}

/// The noun a count is of, when it follows its classifier (with a product
/// or maker name between): "10万台AI服务器" counts servers.
fn noun_after(s: &str, at: usize) -> Option<(&'static str, usize)> {
    const NOUNS: [(&str, &str); 8] = [
        ("服务器", "servers"),
        ("GPU", "GPUs"),
        ("光刻机", "machines"),
        ("加速卡", "cards"),
        ("芯片", "chips"),
        ("晶圆", "wafers"),
        ("显卡", "cards"),
        ("设备", "machines"),
    ];
    let rest = s.get(at..)?;
    let window: String = rest.chars().take(10).collect();
    let clause_end = window.find(['，', '。', '；', ',', '、']).unwrap_or(window.len());
    NOUNS
        .iter()
        .filter_map(|(word, unit)| window[..clause_end].find(word).map(|i| (i, word, unit)))
        .min_by_key(|(i, _, _)| *i)
        .map(|(i, word, unit)| (*unit, at + i + word.len()))
}

/// Year mentions and dates: (start, end, year).
fn dates(s: &str) -> Vec<(usize, usize, i32)> {
    DATE.captures_iter(s)
        .filter_map(|c| Some((c.get(0)?.start(), c.get(0)?.end(), c["y"].parse().ok()?)))
        .filter(|&(start, _, _)| !s[..start].ends_with(|c: char| c.is_ascii_digit() || c == '.'))
        .collect()
}

/// Quarters and halves named in the sentence: (start, end, part; None for 全年).
fn parts(s: &str) -> Vec<(usize, usize, Option<YearPart>)> {
    PART.captures_iter(s)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let part = if let Some(q) = c.name("q").or(c.name("q2")).or(c.name("q3")) {
                YearPart::quarter(chinese_digit(q.as_str())?)
            } else if let Some(h) = c.name("h") {
                YearPart::half(if h.as_str() == "上" { 1 } else { 2 })
            } else {
                None
            };
            Some((whole.start(), whole.end(), part))
        })
        .collect()
}

/// A year that is not the start of a period phrase ("2025年上半年", "2025年第三季度").
fn standalone_year(s: &str, end: usize, parts: &[(usize, usize, Option<YearPart>)]) -> bool {
    let rest = s[end..].trim_start();
    !parts.iter().any(|p| p.0 >= end && s[end..p.0].trim().is_empty()) && !rest.starts_with("年")
}

fn build(c: &Candidate, s: &str, periods: &[(usize, usize, i32)], parts: &[(usize, usize, Option<YearPart>)], mentions: &[super::gazetteer::Mention<'_>]) -> Figure {
    let head = &s[..c.start];
    let change = c.kind != FigureKind::Year && CHANGE_BEFORE.is_match(head);
    let baseline = BASELINE_BEFORE.is_match(head);
    // The period: the nearest year before the figure in its clause, else the first year after it.
    let clause_start = head.rfind(['，', '。', '；', ',', ';']).map_or(0, |i| i + head[i..].chars().next().map_or(1, char::len_utf8));
    let year = periods
        .iter()
        .filter(|d| d.1 <= c.start)
        .max_by_key(|d| d.1)
        .or_else(|| periods.iter().find(|d| d.0 >= c.end))
        .map(|d| d.2);
    let year = if c.kind == FigureKind::Year { Some(c.value as i32) } else { year };
    let part = if c.kind == FigureKind::Year {
        None
    } else {
        parts.iter().filter(|p| p.1 <= c.start).max_by_key(|p| p.1).or_else(|| parts.iter().find(|p| p.0 >= c.end)).and_then(|p| p.2)
    };
    let forecast = !baseline && FORECAST.is_match(&s[clause_start..c.start]);
    let subject = mentions
        .iter()
        .filter(|m| m.end <= c.start)
        .max_by_key(|m| m.end)
        .or_else(|| mentions.first())
        .map(|m| m.name.to_string());
    Figure {
        value: c.value,
        unit: c.unit.to_string(),
        low: c.low,
        high: c.high,
        year: year.filter(|_| !baseline),
        part: part.filter(|_| !baseline),
        fiscal: false,
        forecast,
        subject,
        of: None,
        change,
        baseline,
        kind: c.kind,
        text: s[c.start..c.end].to_string(),
        sentence: s.to_string(),
    }
}

fn number(text: &str) -> Option<f64> {
    text.replace(',', "").parse().ok()
}

fn scale_of(scale: &str) -> f64 {
    match scale {
        "万亿" => 1e12,
        "千亿" => 1e11,
        "百亿" => 1e10,
        "十亿" => 1e9,
        "亿" => 1e8,
        "千万" => 1e7,
        "百万" => 1e6,
        "万" => 1e4,
        "千" => 1e3,
        "兆" => 1e12,
        _ => 1.0,
    }
}

fn currency_of(word: &str) -> &'static str {
    match word {
        "美元" | "US$" | "$" => "USD",
        "港元" | "港币" => "HKD",
        "新台币" => "TWD",
        "日元" => "JPY",
        "韩元" => "KRW",
        "欧元" => "EUR",
        _ => "CNY",
    }
}

fn chinese_digit(text: &str) -> Option<u8> {
    match text {
        "一" | "1" => Some(1),
        "二" | "2" => Some(2),
        "三" | "3" => Some(3),
        "四" | "4" => Some(4),
        _ => None,
    }
}

/// A number written in Chinese numerals up to the hundreds, with an
/// optional decimal part: 四十 → 40, 十五 → 15, 一百 → 100, 三点五 → 3.5.
fn chinese_number(text: &str) -> Option<f64> {
    let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c).or((c == '两').then_some(2)).map(|d| d as f64);
    let (whole, fraction) = match text.split_once('点') {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    let mut total = 0.0;
    let mut current: f64 = 0.0;
    for c in whole.chars() {
        match c {
            '十' => {
                total += if current == 0.0 { 10.0 } else { current * 10.0 };
                current = 0.0;
            }
            '百' => {
                total += current.max(1.0) * 100.0;
                current = 0.0;
            }
            c => current = digit(c)?,
        }
    }
    total += current;
    if let Some(fraction) = fraction {
        let mut scale = 0.1;
        for c in fraction.chars() {
            total += digit(c)? * scale;
            scale /= 10.0;
        }
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gazetteer() -> Gazetteer {
        Gazetteer::from_toml_str("[[entity]]\nname = \"Cambricon\"\naliases = [\"寒武纪\"]\n[[entity]]\nname = \"SMIC\"\naliases = [\"中芯国际\", \"中芯國際\"]\n").expect("gazetteer")
    }

    /// text, value, unit, year, part, change, forecast.
    type Row = (String, f64, String, Option<i32>, Option<YearPart>, bool, bool);

    fn figures(text: &str) -> Vec<Row> {
        extract_sentence(text, &gazetteer(), None)
            .into_iter()
            .map(|f| (f.text, f.value, f.unit, f.year, f.part, f.change, f.forecast))
            .collect()
    }

    #[test]
    fn money_scales_currencies_changes_and_periods() {
        let got = figures("寒武纪2025年上半年实现营业收入28.81亿元，同比增长4347.82%。");
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!((got[0].0.as_str(), got[0].1, got[0].2.as_str(), got[0].3, got[0].4), ("28.81亿元", 2_881_000_000.0, "CNY", Some(2025), Some(YearPart::H1)));
        assert_eq!((got[1].0.as_str(), got[1].1, got[1].5), ("4347.82%", 4347.82, true));
        let subject = extract_sentence("寒武纪2025年上半年实现营业收入28.81亿元。", &gazetteer(), None)[0].subject.clone();
        assert_eq!(subject.as_deref(), Some("Cambricon"));
    }

    #[test]
    fn capacity_nodes_counts_quarters_and_forecasts() {
        let got = figures("中芯国际预计2026年第三季度月产能将达到10万片，7纳米工艺良率提升至百分之四十。");
        let texts: Vec<&str> = got.iter().map(|f| f.0.as_str()).collect();
        assert!(texts.contains(&"月产能将达到10万片") || texts.iter().any(|t| t.contains("10万片")), "{got:?}");
        let wafers = got.iter().find(|f| f.2 == "wafers/month").expect("capacity");
        assert_eq!((wafers.1, wafers.3, wafers.4, wafers.6), (100_000.0, Some(2026), Some(YearPart::Q3), true));
        assert!(got.iter().any(|f| f.2 == "nm" && f.1 == 7.0), "{got:?}");
        assert!(got.iter().any(|f| f.0 == "百分之四十" && f.1 == 40.0), "{got:?}");
        let chips = figures("公司2025年出货80万颗芯片，销售额为5亿美元。");
        assert!(chips.iter().any(|f| f.2 == "chips" && f.1 == 800_000.0), "{chips:?}");
        assert!(chips.iter().any(|f| f.2 == "USD" && f.1 == 500_000_000.0), "{chips:?}");
    }

    #[test]
    fn traditional_characters_are_read_as_simplified() {
        let got = figures("中芯國際去年營收為新台幣9,899.2億元。");
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].0.as_str(), got[0].2.as_str()), ("新台幣9,899.2億元", "TWD"), "{got:?}");
        assert!((got[0].1 - 989_920_000_000.0).abs() < 1.0, "{got:?}");
    }

    #[test]
    fn a_sentence_about_the_same_quarter_takes_the_period_before() {
        let text = "中芯国际2025年第四季度销售收入为24.89亿美元。同一季度，中芯国际产能利用率为95.7%。";
        let got = crate::figures::extract(text, &gazetteer());
        let utilisation = got.iter().find(|f| f.text == "95.7%").expect("utilisation");
        assert_eq!((utilisation.year, utilisation.part), (Some(2025), Some(YearPart::Q4)));
    }

    #[test]
    fn a_year_compared_with_is_not_the_period_and_a_loss_last_year_is_a_baseline() {
        let got = figures("全年平均产能利用率93.5%，比2024年提高8个百分点。");
        let rate = got.iter().find(|f| f.0 == "93.5%").expect("utilisation");
        assert_eq!(rate.3, None, "{got:?}");
        let loss = extract_sentence("寒武纪2025年上半年净利润为9.13亿元，上年同期为亏损6.09亿元。", &gazetteer(), None);
        let prior = loss.iter().find(|f| f.text == "6.09亿元").expect("baseline");
        assert!(prior.baseline && prior.year.is_none(), "{prior:?}");
    }

    #[test]
    fn capacity_is_quoted_from_its_number() {
        let got = figures("月产能（折合8英寸标准逻辑）为99.1万片，环比增加近2%。");
        let wafers = got.iter().find(|f| f.2 == "wafers/month").expect("capacity");
        assert_eq!((wafers.0.as_str(), wafers.1), ("99.1万片", 991_000.0), "{got:?}");
    }

    #[test]
    fn chinese_numerals() {
        assert_eq!(chinese_number("四十"), Some(40.0));
        assert_eq!(chinese_number("十五"), Some(15.0));
        assert_eq!(chinese_number("一百"), Some(100.0));
        assert_eq!(chinese_number("三点五"), Some(3.5));
    }
}
