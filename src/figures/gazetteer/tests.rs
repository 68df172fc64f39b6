//! Tests for the gazetteer: parsing, errors with line numbers, mentions and
//! canonical names, and the shipped `config/gazetteer.toml`.

use super::*;

const SAMPLE: &str = r#"
[[entity]]
name = "Huawei"
aliases = ["Ascend", "HiSilicon", "Ascend 910B", "Ascend 910C", "CloudMatrix"]

[[entity]]
name = "HBM"
kind = "technology"
aliases = ["high-bandwidth memory", "HBM3E"]

[[entity]]
name = "SK hynix"
aliases = ["Hynix"]

[[entity]]
name = "Intel"

[[entity]]
name = "United States"
kind = "region"
aliases = ["US", "U.S."]
case_sensitive = ["US"]
"#;

fn sample() -> Gazetteer {
    Gazetteer::from_toml_str(SAMPLE).expect("sample gazetteer parses")
}

#[test]
fn canonical_resolves_aliases_case_insensitively() {
    let g = sample();
    assert_eq!(g.canonical("Ascend"), Some("Huawei"));
    assert_eq!(g.canonical("hbm"), Some("HBM"));
    assert_eq!(g.canonical(" ascend 910c "), Some("Huawei"));
    assert_eq!(g.canonical("Nvidia"), None);
    assert_eq!(g.kind("HBM3E"), Some(EntityKind::Technology));
    assert_eq!(g.kind("Intel"), Some(EntityKind::Company));
}

#[test]
fn mentions_in_order_deduplicated() {
    let g = sample();
    let text = "HBM3E from SK hynix feeds Huawei's Ascend 910C; Hynix and hisilicon too.";
    assert_eq!(g.mentions(text), vec!["HBM", "SK hynix", "Huawei"]);
}

#[test]
fn mentions_are_whole_words() {
    let g = sample();
    assert!(g.mentions("Artificial intelligence and HBMs").is_empty());
    assert_eq!(g.mentions("(Intel)"), vec!["Intel"]);
}

#[test]
fn case_sensitive_terms() {
    let g = sample();
    assert!(g.mentions("let us see").is_empty());
    assert_eq!(g.mentions("US export rules"), vec!["United States"]);
    assert_eq!(g.mentions("the u.s. market"), vec!["United States"]);
    assert!(g.mentions("US$10.4bn").is_empty());
}

#[test]
fn longest_overlapping_term_wins() {
    let g = sample();
    let found = g.locate("Ascend 910C chips");
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].start, found[0].end), (0, 11));
}

#[test]
fn empty_gazetteer_knows_nothing() {
    let g = Gazetteer::empty();
    assert!(g.mentions("Huawei").is_empty());
    assert_eq!(g.canonical("Huawei"), None);
}

#[test]
fn bad_toml_names_the_line() {
    let err = Gazetteer::from_toml_str("[[entity]]\nname = \"Huawei\"\naliases = [\"Ascend\"\n")
        .expect_err("unterminated array");
    let GazetteerError::Parse {
        path,
        line,
        message,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(path, "<string>");
    assert!(line.is_some(), "{message}");
    assert!(message.starts_with("line "), "{message}");
    assert!(err.to_string().contains("<string>"));
}

#[test]
fn unknown_kind_and_fields_are_rejected_with_line() {
    let err = Gazetteer::from_toml_str("[[entity]]\nname = \"X\"\nkind = \"planet\"\n")
        .expect_err("unknown kind");
    assert!(err.to_string().contains("line 3"), "{err}");
    let err = Gazetteer::from_toml_str("[[entity]]\nname = \"X\"\nalias = []\n")
        .expect_err("unknown field");
    assert!(err.to_string().contains("line 3"), "{err}");
}

#[test]
fn conflicting_terms_are_rejected() {
    let src = concat!(
        "[[entity]]\nname = \"A\"\naliases = [\"Kunlun\"]\n\n",
        "[[entity]]\nname = \"B\"\naliases = [\"kunlun\"]\n",
    );
    let err = Gazetteer::from_toml_str(src).expect_err("conflict");
    let text = err.to_string();
    assert!(
        text.contains("line 7") && text.contains("already belongs to A"),
        "{text}"
    );
}

#[test]
fn semantic_errors() {
    assert!(Gazetteer::from_toml_str("[[entity]]\nname = \" \"\n").is_err());
    let odd = "[[entity]]\nname = \"A\"\ncase_sensitive = [\"B\"]\n";
    assert!(Gazetteer::from_toml_str(odd).is_err());
    assert!(Gazetteer::from_toml_str("").is_ok());
}

#[test]
fn load_reports_missing_file() {
    let path = Path::new("/nonexistent/chipbot/gazetteer.toml");
    let err = Gazetteer::load(path).expect_err("missing file");
    assert!(matches!(err, GazetteerError::Io { .. }));
    assert!(err
        .to_string()
        .contains("/nonexistent/chipbot/gazetteer.toml"));
}

#[test]
fn a_missing_relative_gazetteer_says_where_it_was_looked_for() {
    let err = Gazetteer::load(Path::new("no-such-dir/gazetteer.toml")).expect_err("missing file");
    let message = err.to_string();
    let cwd = std::env::current_dir().expect("cwd");
    assert!(message.contains(&cwd.display().to_string()), "{message}");
    assert!(message.contains("figures.gazetteer"), "{message}");
    let absolute = Gazetteer::load(Path::new("/nonexistent/gazetteer.toml")).expect_err("missing file");
    assert!(!absolute.to_string().contains("relative to"), "{absolute}");
}

#[test]
fn shipped_gazetteer_loads() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/gazetteer.toml");
    let g = Gazetteer::load(&path).expect("shipped gazetteer");
    for (term, name) in [
        ("Ascend 910C", "Huawei"),
        ("SMIC", "SMIC"),
        ("TSMC", "TSMC"),
        ("H20", "NVIDIA"),
        ("GB200", "NVIDIA"),
        ("MI325X", "AMD"),
        ("Gaudi 3", "Intel"),
        ("Ironwood", "Google"),
        ("SK Hynix", "SK hynix"),
        ("Micron", "Micron"),
        ("ChangXin Memory", "CXMT"),
        ("YMTC", "YMTC"),
        ("Cambricon", "Cambricon"),
        ("Biren", "Biren"),
        ("Moore Threads", "Moore Threads"),
        ("Hygon", "Hygon"),
        ("Alibaba", "Alibaba"),
        ("Kunlun", "Baidu"),
        ("ASML", "ASML"),
        ("Broadcom", "Broadcom"),
        ("PRC", "China"),
        ("U.S.", "United States"),
        ("HBM3E", "HBM"),
        ("chip-on-wafer-on-substrate", "CoWoS"),
    ] {
        assert_eq!(g.canonical(term), Some(name), "{term}");
    }
    assert_eq!(g.kind("China"), Some(EntityKind::Region));
    assert_eq!(g.kind("CoWoS"), Some(EntityKind::Technology));
}
