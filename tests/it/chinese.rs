//! Chinese reports and bilingual questions over the bundled corpus: half
//! the questions are in Chinese (one in traditional characters), half in
//! English about Chinese reports. Each must cite its report in the top three
//! and give the expected figure, from that report, in the headline or the
//! figures. The questions were written from the reports by a helper who did
//! not run chipbot; all of them must pass.


use chipbot::answer::Engine;
use chipbot::reply::HeadlineStatus;

use crate::support;

struct Case {
    question: &'static str,
    report: &'static str,
    figure: &'static str,
}

const CASES: &[Case] = &[
    Case { question: "寒武纪今年上半年营收多少？", report: "2025-08-sina-cambricon-h1-2025-results", figure: "28.81亿元" },
    Case { question: "中芯国际三季度产能利用率是多少？", report: "2025-11-udn-smic-q3-2025-results", figure: "95.8%" },
    Case { question: "华虹半导体2025年第三季度卖了多少钱？", report: "2025-11-xinzhixun-hua-hong-q3-2025-results", figure: "6.352亿美元" },
    Case { question: "海光信息第三季度营收同比涨了多少？", report: "2025-10-hygon-q3-2025-results", figure: "69.60%" },
    Case { question: "摩尔线程上市第一天涨了多少？", report: "2025-12-ce-moore-threads-star-market-debut", figure: "425.46%" },
    Case { question: "长鑫科技IPO打算募资多少钱？", report: "2025-12-hongxing-cxmt-star-market-ipo", figure: "295亿元" },
    Case { question: "北方华创2025年上半年营收是多少？", report: "2025-09-stockstar-naura-h1-2025-results", figure: "161.42亿元" },
    Case { question: "大基金三期注册资本有多少？", report: "2024-05-cna-big-fund-iii-registered-capital", figure: "3440亿元" },
    Case { question: "截至2025年6月底，我国智能算力规模有多大？", report: "2025-08-peoples-daily-china-computing-power-788-eflops", figure: "788EFLOPS" },
    Case { question: "台積電去年第四季稅後純益多少？", report: "2026-01-udn-tsmc-q4-2025-results", figure: "5,057.4億元" },
    Case { question: "What revenue did Cambricon report for full-year 2025?", report: "2026-03-cnyes-cambricon-2025-annual-results", figure: "64.97亿元" },
    Case { question: "What was SMIC's gross margin in Q4 2025?", report: "2026-02-stheadline-smic-q4-2025-results", figure: "19.2%" },
    Case { question: "How much revenue did Hua Hong make in Q2 2025?", report: "2025-08-mingpao-hua-hong-smic-q2-2025-results", figure: "5.66亿美元" },
    Case { question: "What was MetaX's IPO price per share?", report: "2025-12-metax-ipo-subscription", figure: "104.66元" },
    Case { question: "What was Moore Threads' revenue in 2024 according to its listing documents?", report: "2025-12-ithome-moore-threads-ipo-terms", figure: "4.38亿元" },
    Case { question: "What gross margin did AMEC post in Q3 2025?", report: "2025-10-soochow-amec-q3-2025-results", figure: "37.9%" },
    Case { question: "How many Ascend cards does Huawei's Atlas 950 SuperPoD support?", report: "2025-09-yicai-huawei-ascend-roadmap", figure: "8192张" },
    Case { question: "What is the registered capital of YMTC's phase-3 company in Wuhan?", report: "2025-09-huarong-ymtc-phase-3-registration", figure: "207.2亿元" },
    Case { question: "What share of global NAND investment did YMTC account for in 2025?", report: "2025-11-udn-ymtc-third-fab-nand-share", figure: "20%" },
    Case { question: "How much did Hygon spend on R&D in Q3 2025?", report: "2025-10-hygon-q3-2025-results", figure: "12.24亿元" },
];

fn engine() -> &'static Engine {
    support::bundled_engine()
}

fn has_han(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn bilingual_questions_cite_the_chinese_report_and_its_figure() {
    let mut failures = Vec::new();
    for case in CASES {
        let answer = engine().ask(case.question, None).expect("answers");
        let top3: Vec<&str> = answer.citations.iter().take(3).map(|c| c.report.report_id.as_str()).collect();
        if !top3.contains(&case.report) {
            failures.push(format!("{}: {} not in top 3 {:?}", case.question, case.report, top3));
            continue;
        }
        let found = answer.figures.iter().any(|f| answer.citations[f.citation - 1].report.report_id == case.report && f.figure.text.contains(case.figure));
        if !found {
            let listed: Vec<String> = answer.figures.iter().map(|f| format!("{} [{}]", f.figure.text, f.citation)).collect();
            failures.push(format!("{}: {} not listed; got {:?}", case.question, case.figure, listed));
        }
    }
    println!("{} of {} bilingual questions as expected", CASES.len() - failures.len(), CASES.len());
    for f in &failures {
        println!("  {f}");
    }
    assert!(failures.is_empty(), "{} of {} failed", failures.len(), CASES.len());
}

#[test]
fn language_filters_and_traditional_characters() {
    let answer = engine().ask("Cambricon revenue language:zh", None).expect("answers");
    assert!(!answer.citations.is_empty());
    assert!(answer.citations.iter().all(|c| has_han(&c.passage)), "language:zh cites only Chinese reports");
    let english = engine().ask("Cambricon revenue language:en", None).expect("answers");
    assert!(!english.citations.is_empty() && english.citations.iter().all(|c| !has_han(&c.passage)));
    let traditional = engine().ask("寒武紀 營業收入", None).expect("answers");
    let simplified = engine().ask("寒武纪 营业收入", None).expect("answers");
    let ids = |a: &chipbot::reply::Answer| a.citations.iter().map(|c| c.report.report_id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&traditional), ids(&simplified), "華/华 find the same reports");
}

/// The same figure from a Chinese and an English report is one figure: the
/// headline gives it in the question's language with the other beside it,
/// and no disagreement is shown.
#[test]
fn the_same_figure_in_both_languages_is_not_a_disagreement() {
    for question in ["was Cambricon in the black in H1 2025?", "Hua Hong revenue in Q2 2025", "华虹半导体2025年第二季度销售收入"] {
        let answer = engine().ask(question, None).expect("answers");
        let headline = answer.headline.as_ref().expect("a headline");
        assert_ne!(headline.status, HeadlineStatus::Disagreement, "{question}: {}", headline.text);
        assert!(answer.disagreements.is_empty(), "{question}: {:?}", answer.disagreements);
    }
    let english = engine().ask("was Cambricon in the black in H1 2025?", None).expect("answers");
    let text = &english.headline.expect("headline").text;
    assert!(text.contains("1.038 billion yuan") && text.contains("(also 10.38亿元"), "{text}");
}

/// A Chinese report dropped in as plain text or as HTML, with no language
/// given: the language is detected, `language:zh` finds it, and a question
/// in either language cites it with its figure typed.
#[test]
fn chinese_text_and_html_reports_are_detected_and_answered() {
    let reports = tempfile::tempdir().expect("tempdir");
    let data = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        reports.path().join("hygon-note.txt"),
        "海光信息第三季度营业收入增长\n\n海光信息2025年第三季度营业收入为40.26亿元，同比增长69.60%。公司表示，数据中心客户的采购是增长的主要来源。\n",
    )
    .expect("write txt");
    std::fs::write(
        reports.path().join("naura-page.html"),
        "<!doctype html><html><head><title>北方華創上半年營收</title><meta property=\"og:site_name\" content=\"证券之星\">\
         <meta property=\"article:published_time\" content=\"2025-09-06\"></head><body>\
         <p>北方華創2025年上半年營業總收入為161.42億元，同比增長29.51%。</p></body></html>",
    )
    .expect("write html");
    std::fs::write(reports.path().join("english.md"), "+++\nid = \"english\"\ntitle = \"HBM demand\"\npublisher = \"TrendForce\"\n+++\nHBM demand grew 50% in 2025.\n")
        .expect("write md");
    let engine = Engine::open(support::settings(reports.path(), data.path())).expect("engine opens");
    let chinese = engine.ask("营业收入 language:zh", None).expect("answers");
    let ids: Vec<&str> = chinese.citations.iter().map(|c| c.report.report_id.as_str()).collect();
    assert!(ids.contains(&"hygon-note") && ids.contains(&"naura-page") && !ids.contains(&"english"), "{ids:?}");
    let hygon = engine.ask("Hygon revenue in Q3 2025", None).expect("answers");
    let figure = hygon.figures.iter().find(|f| f.figure.text == "40.26亿元").expect("the figure is listed");
    assert_eq!((figure.figure.value, figure.figure.unit.as_str()), (4_026_000_000.0, "CNY"));
    let naura = engine.ask("北方华创上半年营收", None).expect("answers");
    let headline = naura.headline.expect("a headline").text;
    assert!(headline.contains("161.42億元"), "traditional text answers a simplified question: {headline}");
}
