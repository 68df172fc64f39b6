//! Questions over the bundled corpus in `index/reports`: the right report is
//! cited in the top three, and the expected figure is listed with a citation
//! that points at that report.

use crate::support;


use chipbot::answer::Engine;

struct Case {
    question: &'static str,
    /// Reports that answer it; the top three must cite one of them, and the
    /// figure must come from one of them (several reports give some figures).
    reports: &'static [&'static str],
    /// A number as written in the report; some listed figure's text must contain it.
    figure: &'static str,
}

const CASES: &[Case] = &[
    Case { question: "What share of China's AI chip market will Huawei hold in 2026?", reports: &["2026-01-lapaas-huawei-50-percent-china-ai-chip-market", "2026-01-etnews-bernstein-china-ai-chip-self-sufficiency-2028"], figure: "50%" },
    Case { question: "When will China's domestic AI chip output exceed demand, according to Bernstein?", reports: &["2026-01-etnews-bernstein-china-ai-chip-self-sufficiency-2028", "2025-12-bernstein-china-ai-chip-supply-demand-2028"], figure: "2028" },
    Case { question: "How much did the H20 licence requirement cost NVIDIA?", reports: &["2025-04-nvidia-h20-license-5-5-billion-charge"], figure: "5.5 billion" },
    Case { question: "What share of China AI chip revenue do NVIDIA and AMD pay the US government?", reports: &["2025-08-nvidia-amd-15-percent-china-revenue-deal"], figure: "15%" },
    Case { question: "Cambricon revenue first half 2025", reports: &["2025-08-cambricon-h1-2025-results"], figure: "2.881 billion" },
    Case { question: "How much did Moore Threads raise in its IPO?", reports: &["2025-12-moore-threads-shanghai-ipo"], figure: "8 billion" },
    // SMIC's own releases for 2024 and for 2025 both state the 2024 revenue (US$8,029.9 million).
    Case { question: "SMIC full-year revenue and capacity utilisation in 2024", reports: &["2025-02-smic-2024-annual-results", "2026-02-smic-q4-2025-results"], figure: "8,029.9 million" },
    Case { question: "Huawei Atlas 950 SuperPoD number of Ascend chips", reports: &["2025-09-huawei-ascend-roadmap-950-960-970"], figure: "8,192" },
    Case { question: "CloudMatrix 384 compute compared with GB200 NVL72", reports: &["2025-04-huawei-cloudmatrix-384-vs-gb200-nvl72"], figure: "300" },
    Case { question: "How many entities did the December 2024 BIS rule add to the Entity List?", reports: &["2024-12-bis-hbm-sme-entity-list-rule"], figure: "140" },
    Case { question: "What share of China's AI server chip market will domestic chipmakers reach in 2025 according to TrendForce?", reports: &["2025-06-trendforce-china-domestic-ai-chip-share-40pct"], figure: "40%" },
    Case { question: "IDC China AI accelerator card shipments by Chinese vendors in 2025", reports: &["2026-04-idc-china-ai-accelerator-shipments-2025"], figure: "41%" },
    Case { question: "SK hynix HBM market share in 2022", reports: &["2023-04-trendforce-hbm-market-share-2022-2023"], figure: "50%" },
    Case { question: "How much HBM memory does the AMD MI300X have?", reports: &["2023-12-tomshardware-amd-mi300x-launch"], figure: "192 GB" },
    Case { question: "NVIDIA data center revenue Q4 fiscal 2024", reports: &["2024-02-nvidia-q4-fy2024-results"], figure: "18.4 billion" },
    Case { question: "NVIDIA data center revenue third quarter fiscal 2025", reports: &["2024-11-crn-nvidia-q3-fy2025-data-center"], figure: "30.8 billion" },
    Case { question: "NVIDIA full year fiscal 2025 data center revenue", reports: &["2025-02-nvidia-q4-fy2025-data-center"], figure: "115.2 billion" },
    Case { question: "Intel Gaudi 3 FP8 TFLOPS", reports: &["2024-05-simmtester-intel-gaudi-3-specs"], figure: "1,835" },
    Case { question: "What HBM market share is Micron targeting?", reports: &["2024-07-smbom-micron-hbm-share-target"], figure: "20%" },
    Case { question: "DIGITIMES forecast of TSMC CoWoS capacity by end of 2025", reports: &["2024-08-digitimes-cowos-capacity-2025"], figure: "65,000" },
    Case { question: "TSMC CoWoS capacity forecast end of 2026", reports: &["2025-12-trendforce-tsmc-cowos-capacity-2026"], figure: "120,000" },
    Case { question: "AMD Instinct data center GPU revenue in 2024", reports: &["2025-02-amd-q4-2024-instinct-revenue"], figure: "5 billion" },
    Case { question: "Google Ironwood TPU peak TFLOPS", reports: &["2025-08-donanimhaber-google-ironwood-tpu"], figure: "4,614" },
    Case { question: "Gartner HBM market growth 2025", reports: &["2025-02-chosun-gartner-hbm-growth-2025"], figure: "66.9%" },
    Case { question: "SK hynix 12-layer HBM3E capacity", reports: &["2024-09-trendforce-sk-hynix-12-layer-hbm3e"], figure: "36 GB" },
    Case { question: "AMD MI355X memory bandwidth", reports: &["2025-08-boston-amd-instinct-mi355x"], figure: "8 TB/s" },
];

fn engine() -> &'static Engine {
    support::bundled_engine()
}

/// The bundled reports pass the corpus check (`chipbot index --check`) with
/// the bundled publisher table, and meet the corpus's own targets: at least
/// 150 reports of 150–600 words, no topic on more than 40% of them.
#[test]
fn bundled_corpus_passes_the_check() {
    let root = support::root();
    let publishers = chipbot::report::Publishers::load(&root.join("config/publishers.toml")).expect("publisher table");
    let today = chrono::Utc::now().date_naive();
    let outcome = chipbot::report::check_dir(&root.join("index/reports"), &publishers, today, None).expect("check runs");
    let problems: Vec<String> = outcome.problems.iter().map(|p| format!("{}:{}: {}", p.file, p.line, p.message)).collect();
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
    assert!(outcome.files >= 150, "{} reports", outcome.files);

    let loaded = chipbot::report::load_dir(&root.join("index/reports")).expect("loads");
    let mut topics: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut lengths = Vec::new();
    for report in &loaded.reports {
        for topic in &report.meta.topics {
            *topics.entry(topic.as_str()).or_default() += 1;
        }
        // A Han character counts as half a word (Chinese reports run 300-1,200 characters).
        let han = report.body.chars().filter(|&c| chipbot::segment::is_han(c)).count();
        let latin: String = report.body.chars().map(|c| if chipbot::segment::is_han(c) { ' ' } else { c }).collect();
        let words = latin.split_whitespace().count() + han / 2;
        if !(150..=600).contains(&words) {
            lengths.push(format!("{}: {words} words", report.source));
        }
    }
    assert!(lengths.is_empty(), "reports outside 150-600 words:\n{}", lengths.join("\n"));
    let total = loaded.reports.len();
    let crowded: Vec<String> = topics.iter().filter(|(_, &n)| n * 10 > total * 4).map(|(t, n)| format!("{t}: {n} of {total}")).collect();
    assert!(crowded.is_empty(), "topics on more than 40% of the reports: {crowded:?}");
}

#[test]
fn bundled_corpus_is_large_and_loads_cleanly() {
    let summary = engine().update_index(false).expect("reindex");
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert!(summary.unchanged >= 40, "{summary:?}");
}

#[test]
fn every_question_cites_the_right_report_and_figure() {
    let mut failures = Vec::new();
    for case in CASES {
        let answer = engine().ask(case.question, None).expect("answers");
        support::assert_figures_shown(&answer);
        let top3: Vec<&str> = answer.citations.iter().take(3).map(|c| c.report.report_id.as_str()).collect();
        if !top3.iter().any(|id| case.reports.contains(id)) {
            failures.push(format!("{:?}: none of {:?} in top 3 {:?}", case.question, case.reports, top3));
            continue;
        }
        let found = answer.figures.iter().any(|f| {
            case.reports.contains(&answer.citations[f.citation - 1].report.report_id.as_str()) && f.figure.text.contains(case.figure)
        });
        if !found {
            let listed: Vec<String> = answer.figures.iter().map(|f| format!("{} [{}]", f.figure.text, f.citation)).collect();
            failures.push(format!("{:?}: figure {} from {:?} not listed; got {:?}", case.question, case.figure, case.reports, listed));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}

#[test]
fn date_filters_and_latest_use_publication_dates() {
    let answer = engine().ask("NVIDIA data center revenue after:2025-06-01", None).expect("answers");
    assert!(!answer.citations.is_empty());
    for c in &answer.citations {
        assert!(c.report.published.is_some_and(|d| d.to_string().as_str() >= "2025-06-01"), "{:?}", c.report.published);
    }
    let latest = engine().ask("latest NVIDIA quarterly data center revenue", None).expect("answers");
    let newest = latest.citations.iter().filter_map(|c| c.report.published).max();
    assert_eq!(latest.citations[0].report.published, newest, "latest should put the newest report first");
}

#[test]
fn disagreeing_cowos_forecasts_are_both_cited() {
    let answer = engine().ask("TSMC CoWoS capacity wafers per month", Some(6)).expect("answers");
    let ids: Vec<&str> = answer.citations.iter().map(|c| c.report.report_id.as_str()).collect();
    assert!(ids.contains(&"2024-08-digitimes-cowos-capacity-2025"), "{ids:?}");
    assert!(ids.contains(&"2025-12-trendforce-tsmc-cowos-capacity-2026"), "{ids:?}");
}
