//! The unit table: one row per way of writing a unit, with the kind and the
//! normalised unit it stands for. Power is normalised to watts ("559 kW" is
//! 559,000 W) through the row's power of ten, as "kwpm" is to wafers/month;
//! the other families keep the unit as written (GB stays GB, TB stays TB).
//! Count rows also name the noun a count is of ("cards", "racks", ...).

use super::super::FigureKind::{self, Bandwidth, Compute, Count, Memory, Node, Percent, Power};

/// One unit family: how the unit is written and what it normalises to.
pub(super) struct Family {
    pub(super) kind: FigureKind,
    pub(super) unit: &'static str,
    /// Regex alternatives for the unit as written (the whole pattern is
    /// case-insensitive; case-sensitive parts use `(?-i:...)`).
    pub(super) pattern: &'static str,
    /// Counts: allows scale words ("1 million units") and product names
    /// between number and unit ("384 Ascend 910C chips").
    pub(super) count: bool,
    /// Unit glued to the number or joined by a hyphen only ("12-high").
    pub(super) tight: bool,
    /// Extra power of ten implied by the unit ("kwpm" = thousand wafers/month,
    /// "kW" = thousand watts).
    pub(super) exp: u32,
}

const fn plain(kind: FigureKind, unit: &'static str, pattern: &'static str) -> Family {
    Family {
        kind,
        unit,
        pattern,
        count: false,
        tight: false,
        exp: 0,
    }
}

const fn count(unit: &'static str, pattern: &'static str) -> Family {
    Family {
        kind: FigureKind::Count,
        unit,
        pattern,
        count: true,
        tight: false,
        exp: 0,
    }
}

/// A power row: every prefix normalises to watts.
const fn watts(pattern: &'static str, exp: u32) -> Family {
    Family {
        exp,
        ..plain(Power, "W", pattern)
    }
}

/// A bandwidth unit: an amount unit followed by "/s", "ps" or "per second".
macro_rules! per_second {
    ($amount:literal) => {
        concat!($amount, r"(?:/s(?:ec)?\b|ps\b|\s+(?:per|a)\s+second\b)")
    };
}

pub(super) const FAMILIES: &[Family] = &[
    plain(Percent, "%", r"%|％|percent\b|per\s?cent\b|pct\b"),
    plain(Percent, "pp", r"percentage[\s-]points?\b|pp\b"),
    plain(Node, "nm", r"nm\b|nanomet(?:er|re)s?\b"),
    plain(Memory, "GB", r"(?-i:GB|GiB)\b|gigabytes?\b"),
    plain(Memory, "TB", r"(?-i:TB|TiB)\b|terabytes?\b"),
    plain(Memory, "MB", r"(?-i:MB|MiB)\b|megabytes?\b"),
    plain(Memory, "PB", r"(?-i:PB|PiB)\b|petabytes?\b"),
    plain(Memory, "Gb", r"(?-i:Gb|Gbit)\b|gigabits?\b"),
    plain(Memory, "Tb", r"(?-i:Tb|Tbit)\b|terabits?\b"),
    plain(Bandwidth, "TB/s", per_second!(r"(?:(?-i:TB)|terabytes?)")),
    plain(Bandwidth, "GB/s", per_second!(r"(?:(?-i:GB)|gigabytes?)")),
    plain(Bandwidth, "MB/s", per_second!(r"(?:(?-i:MB)|megabytes?)")),
    plain(
        Bandwidth,
        "Tb/s",
        per_second!(r"(?:(?-i:Tb|Tbit)|terabits?)"),
    ),
    plain(
        Bandwidth,
        "Gb/s",
        per_second!(r"(?:(?-i:Gb|Gbit)|gigabits?)"),
    ),
    // A network port speed: "200 Gb Ethernet", "400GbE", "100G Ethernet".
    plain(
        Bandwidth,
        "Gb/s",
        r"(?-i:Gb|G)\s?Ethernet\b|(?-i:GbE)\b",
    ),
    plain(Compute, "GFLOPS", r"gflops?\b|giga-?flops?\b"),
    plain(Compute, "TFLOPS", r"tflops?\b|tera-?flops?\b"),
    plain(Compute, "PFLOPS", r"pflops?\b|peta-?flops?\b"),
    plain(Compute, "EFLOPS", r"eflops?\b|exa-?flops?\b"),
    plain(Compute, "TOPS", r"(?-i:TOPS)\b|tera-?ops\b"),
    // "kWh", "MWh" are energy, not power: the word boundary keeps them out.
    watts(r"(?-i:W)\b|watts?\b", 0),
    watts(r"(?-i:kW|KW)\b|kilo-?watts?\b", 3),
    watts(r"(?-i:MW)\b|mega-?watts?\b", 6),
    watts(r"(?-i:GW)\b|giga-?watts?\b", 9),
    watts(r"tera-?watts?\b", 12),
    Family {
        tight: true,
        ..plain(Count, "layers", r"high\b|hi\b")
    },
    plain(Count, "layers", r"layers?\b"),
    count(
        "wafers/month",
        r"(?:wafers?|wafer\s+starts)\s*(?:per|a|/|each)\s*month\b|wafers?\s+monthly\b|wpm\b|wspm\b",
    ),
    Family {
        exp: 3,
        ..count("wafers/month", r"kwpm\b|kwspm\b")
    },
    count("units", r"units?\b"),
    count("GPUs", r"GPUs?\b"),
    count("CPUs", r"CPUs?\b"),
    count("NPUs", r"NPUs?\b"),
    count("TPUs", r"TPUs?\b"),
    count("XPUs", r"XPUs?\b"),
    count("ASICs", r"ASICs?\b"),
    count("SoCs", r"SoCs?\b"),
    count("FPGAs", r"FPGAs?\b"),
    count("chips", r"chips?\b"),
    count("superchips", r"superchips?\b"),
    count("chiplets", r"chiplets?\b"),
    count("accelerators", r"accelerators?\b"),
    count("servers", r"servers?\b"),
    count("wafers", r"wafers?\b"),
    count("racks", r"racks?\b"),
    count("dies", r"dies\b"),
    count("processors", r"processors?\b"),
    count("cards", r"cards?\b"),
    count("boards", r"boards?\b"),
    count("modules", r"modules?\b"),
    count("stacks", r"stacks?\b"),
    count("machines", r"machines?\b"),
    count("tools", r"tools?\b"),
    count("systems", r"systems?\b"),
    count("clusters", r"clusters?\b"),
    count("pods", r"pods?\b"),
    count("nodes", r"(?:server|compute)\s+nodes?\b"),
    count("switches", r"switch(?:es)?\b"),
    count("ports", r"ports?\b"),
    count("lanes", r"lanes?\b"),
    count("data centres", r"data\s+cent(?:er|re)s?\b|datacent(?:er|re)s?\b"),
    count("fabs", r"fabs?\b"),
    count("plants", r"plants?\b|factor(?:y|ies)\b"),
    count("smartphones", r"(?:smart)?phones?\b|handsets?\b"),
    count("vehicles", r"vehicles?\b"),
    count("transistors", r"transistors?\b"),
    count("cores", r"cores?\b"),
    count("devices", r"devices?\b"),
    count("parameters", r"parameters?\b"),
    count("tokens", r"tokens?\b"),
    count("patents", r"patents?\b"),
    count("licences", r"licen[cs]es?\b"),
    count("customers", r"customers?\b"),
    count("employees", r"employees?\b"),
    count("people", r"people\b|workers?\b|staff\b"),
    count("engineers", r"engineers?\b"),
    count("entities", r"entities\b|entity\b"),
    count("companies", r"companies\b|firms?\b|vendors?\b|suppliers?\b"),
];
