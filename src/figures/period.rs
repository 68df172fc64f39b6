//! The period a figure refers to: a year, optionally a quarter or half of
//! it, calendar or fiscal. "the third quarter of fiscal 2026" is
//! `Q3 FY2026`, "1H25" is `H1 2025`, "in 2024" is `2024`.
//!
//! Fiscal and calendar periods of the same number are different periods
//! (NVIDIA's fiscal 2026 ended in January 2026), so they never compare equal.

use std::fmt;

/// A quarter or half of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum YearPart {
    Q1,
    Q2,
    Q3,
    Q4,
    H1,
    H2,
}

impl YearPart {
    /// The quarter numbered `n` (1–4).
    pub fn quarter(n: u8) -> Option<YearPart> {
        match n {
            1 => Some(YearPart::Q1),
            2 => Some(YearPart::Q2),
            3 => Some(YearPart::Q3),
            4 => Some(YearPart::Q4),
            _ => None,
        }
    }

    /// The half numbered `n` (1–2).
    pub fn half(n: u8) -> Option<YearPart> {
        match n {
            1 => Some(YearPart::H1),
            2 => Some(YearPart::H2),
            _ => None,
        }
    }

    /// The quarter's number, or None for a half.
    pub fn quarter_number(self) -> Option<u8> {
        match self {
            YearPart::Q1 => Some(1),
            YearPart::Q2 => Some(2),
            YearPart::Q3 => Some(3),
            YearPart::Q4 => Some(4),
            YearPart::H1 | YearPart::H2 => None,
        }
    }

    /// The month (1–12) the part ends in, for ordering periods in time.
    pub fn last_month(self) -> u8 {
        match self {
            YearPart::Q1 => 3,
            YearPart::Q2 | YearPart::H1 => 6,
            YearPart::Q3 => 9,
            YearPart::Q4 | YearPart::H2 => 12,
        }
    }
}

impl fmt::Display for YearPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// A figure's period: a year, a part of it where the sentence names one,
/// and whether the year is a fiscal year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub year: i32,
    pub part: Option<YearPart>,
    pub fiscal: bool,
}

impl Period {
    /// A calendar year with no part.
    pub fn year(year: i32) -> Period {
        Period { year, part: None, fiscal: false }
    }

    /// A key that orders periods in time: a year sorts after its parts, and a
    /// part by the month it ends in.
    pub fn time_key(&self) -> (i32, u8) {
        (self.year, self.part.map_or(12, YearPart::last_month))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(part) = self.part {
            write!(f, "{part} ")?;
        }
        if self.fiscal {
            write!(f, "FY")?;
        }
        write!(f, "{}", self.year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(Period::year(2024).to_string(), "2024");
        assert_eq!(Period { year: 2026, part: Some(YearPart::Q3), fiscal: true }.to_string(), "Q3 FY2026");
        assert_eq!(Period { year: 2025, part: Some(YearPart::H1), fiscal: false }.to_string(), "H1 2025");
        assert_eq!(Period { year: 2025, part: None, fiscal: true }.to_string(), "FY2025");
    }

    #[test]
    fn time_order() {
        let q3 = Period { year: 2026, part: Some(YearPart::Q3), fiscal: true };
        let q4 = Period { year: 2026, part: Some(YearPart::Q4), fiscal: true };
        let next_q1 = Period { year: 2027, part: Some(YearPart::Q1), fiscal: true };
        assert!(q3.time_key() < q4.time_key() && q4.time_key() < next_q1.time_key());
        assert_eq!(Period::year(2026).time_key(), q4.time_key());
    }
}
