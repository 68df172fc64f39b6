//! What a chart says in words: its title, which names what is compared, in
//! what unit and across what ("Share of HBM market (%), by company"), and
//! values as labels and axes show them ("130,000", "22.5").

use super::group::Group;
use super::group::{Arrangement, NO_SUBJECT};

/// "Share of HBM market (%), by company", "NVIDIA: revenue (USD bn), by year".
pub(super) fn title(
    group: &Group<'_>,
    arrangement: Arrangement,
    series: &[String],
    unit_label: &str,
    year: Option<i32>,
) -> String {
    let what = capitalised(&group.what());
    let only = match series {
        [only] if only != NO_SUBJECT => Some(only.as_str()),
        _ => None,
    };
    // "Change in NVIDIA's revenue" names its subject already.
    let named = only.is_some_and(|subject| group.what().to_lowercase().contains(&subject.to_lowercase()));
    let by = match (arrangement, series.len()) {
        (Arrangement::OverTime, 1) => ", by year",
        (Arrangement::OverTime, _) => ", by company and year",
        // Several values of one subject: nothing to say they are "by".
        (Arrangement::BySubject, 1) => "",
        (Arrangement::BySubject, _) => ", by company",
    };
    let year = year.map(|y| format!(", {y}")).unwrap_or_default();
    match only.filter(|_| !named) {
        Some(subject) => format!("{subject}: {} ({}){by}{year}", group.what(), unit_label),
        None => format!("{what} ({}){by}{year}", unit_label),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A value as a label shows it: at most two decimals, thousands separated.
pub(super) fn number(value: f64) -> String {
    let decimals = if value.abs() >= 1000.0 {
        0
    } else if value.abs() >= 10.0 {
        1
    } else {
        2
    };
    let text = format!("{:.*}", decimals, value.abs());
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { text.as_str() };
    let (whole, fraction) = text.split_once('.').map_or((text, None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') { "−" } else { "" };
    match fraction {
        Some(fraction) => format!("{sign}{grouped}.{fraction}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(number(130_000.0), "130,000");
        assert_eq!(number(22.5), "22.5");
        assert_eq!(number(9.0), "9");
        assert_eq!(number(3.25), "3.25");
        assert_eq!(number(1234.4), "1,234");
        assert_eq!(number(-45.4), "−45.4");
        assert_eq!(number(0.0), "0");
    }
}
