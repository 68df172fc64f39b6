//! The comparison behind the choice of Chinese segmenter (docs/chinese.md):
//! jieba's dictionary words against overlapping character bigrams, on the
//! bundled Chinese reports. Each paragraph is a document in a small BM25
//! index per segmenter; questions worded as users word them (simplified and
//! traditional, formal and colloquial) must find their report. The test
//! prints hits in the top 1 and top 3, the mean reciprocal rank, the
//! distinct terms and the time to analyse the corpus, and fails if jieba
//! stops ranking at least as well as bigrams (the reason it was chosen).

use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING};
use tantivy::tokenizer::{LowerCaser, TextAnalyzer, TokenStream};
use tantivy::{doc, Index, TantivyDocument, Term};

use super::cjk::{HanSegmenter, MixedTokenizer};

/// Question, report id it must find.
const QUESTIONS: &[(&str, &str)] = &[
    ("寒武纪今年上半年营收多少？", "2025-08-sina-cambricon-h1-2025-results"),
    ("寒武纪2025年全年赚了多少钱", "2026-03-cnyes-cambricon-2025-annual-results"),
    ("中芯国际三季度产能利用率是多少？", "2025-11-udn-smic-q3-2025-results"),
    ("中芯第四季度毛利率", "2026-02-stheadline-smic-q4-2025-results"),
    ("华虹半导体2025年第三季度卖了多少钱？", "2025-11-xinzhixun-hua-hong-q3-2025-results"),
    ("華虹第二季銷售收入", "2025-08-mingpao-hua-hong-smic-q2-2025-results"),
    ("海光信息第三季度营收同比涨了多少？", "2025-10-hygon-q3-2025-results"),
    ("海光研发投入", "2025-10-hygon-q3-2025-results"),
    ("摩尔线程上市第一天涨了多少？", "2025-12-ce-moore-threads-star-market-debut"),
    ("摩尔线程发行价", "2025-12-ithome-moore-threads-ipo-terms"),
    ("沐曦IPO战略配售", "2025-12-metax-ipo-subscription"),
    ("长鑫科技IPO打算募资多少钱？", "2025-12-hongxing-cxmt-star-market-ipo"),
    ("北方华创2025年上半年营收是多少？", "2025-09-stockstar-naura-h1-2025-results"),
    ("中微公司前三季度营收", "2025-10-soochow-amec-q3-2025-results"),
    ("大基金三期注册资本有多少？", "2024-05-cna-big-fund-iii-registered-capital"),
    ("長江存儲三期註冊資本", "2025-09-huarong-ymtc-phase-3-registration"),
    ("长江存储在全球NAND投资里占多少", "2025-11-udn-ymtc-third-fab-nand-share"),
    ("华为昇腾芯片路线图", "2025-09-yicai-huawei-ascend-roadmap"),
    ("截至2025年6月底，我国智能算力规模有多大？", "2025-08-peoples-daily-china-computing-power-788-eflops"),
    ("算力基础设施行动计划的目标", "2023-10-xinhua-computing-infrastructure-action-plan"),
    ("台積電去年第四季稅後純益多少？", "2026-01-udn-tsmc-q4-2025-results"),
    ("台积电7纳米营收占比", "2026-01-udn-tsmc-q4-2025-results"),
];

/// Report id, title and body of each Chinese report in `dir`.
fn chinese_reports(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("reports folder") {
        let path = entry.expect("entry").path();
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        if !text.contains("language = \"zh\"") {
            continue;
        }
        let id = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        let title = text.lines().find_map(|l| l.strip_prefix("title = ")).unwrap_or_default().trim_matches('"');
        let body = text.splitn(3, "+++").nth(2).unwrap_or_default();
        for paragraph in std::iter::once(title).chain(body.split("\n\n")).filter(|p| !p.trim().is_empty()) {
            out.push((id.clone(), paragraph.trim().to_string()));
        }
    }
    out.sort();
    out
}

struct Scores {
    top1: usize,
    top3: usize,
    reciprocal: f64,
    terms: usize,
    analyse_ms: f64,
}

fn analyzer(segmenter: HanSegmenter) -> TextAnalyzer {
    TextAnalyzer::builder(MixedTokenizer::with(segmenter)).filter(LowerCaser).build()
}

fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

fn measure(segmenter: HanSegmenter, paragraphs: &[(String, String)]) -> Scores {
    let mut analyzer = analyzer(segmenter);
    // Time to analyse the corpus (ten passes, after one to load jieba's dictionary).
    let mut distinct: HashSet<String> = HashSet::new();
    for (_, text) in paragraphs {
        distinct.extend(terms(&mut analyzer, text));
    }
    let started = Instant::now();
    for _ in 0..10 {
        for (_, text) in paragraphs {
            std::hint::black_box(terms(&mut analyzer, text));
        }
    }
    let analyse_ms = started.elapsed().as_secs_f64() * 100.0;

    let mut schema = Schema::builder();
    let id = schema.add_text_field("id", STRING | STORED);
    let indexing = TextFieldIndexing::default().set_tokenizer("zh").set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = schema.add_text_field("text", TextOptions::default().set_indexing_options(indexing));
    let index = Index::create_in_ram(schema.build());
    index.tokenizers().register("zh", analyzer.clone());
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15_000_000).expect("writer");
    for (report, paragraph) in paragraphs {
        writer.add_document(doc!(id => report.as_str(), text => paragraph.as_str())).expect("add");
    }
    writer.commit().expect("commit");
    let searcher = index.reader().expect("reader").searcher();
    let (mut top1, mut top3, mut reciprocal) = (0, 0, 0.0);
    for (question, expected) in QUESTIONS {
        let mut seen = HashSet::new();
        let words: Vec<(Occur, Box<dyn Query>)> = terms(&mut analyzer, question)
            .into_iter()
            .filter(|t| seen.insert(t.clone()))
            .map(|t| (Occur::Should, Box::new(TermQuery::new(Term::from_field_text(text, &t), IndexRecordOption::WithFreqs)) as Box<dyn Query>))
            .collect();
        let hits = searcher.search(&BooleanQuery::new(words), &TopDocs::with_limit(30).order_by_score()).expect("search");
        let mut reports: Vec<String> = Vec::new();
        for (_, address) in hits {
            let stored: TantivyDocument = searcher.doc(address).expect("doc");
            let report = stored.get_first(id).and_then(|v| v.as_str()).unwrap_or_default().to_string();
            if !reports.contains(&report) {
                reports.push(report);
            }
        }
        if let Some(rank) = reports.iter().position(|r| r == expected) {
            top1 += usize::from(rank == 0);
            top3 += usize::from(rank < 3);
            reciprocal += 1.0 / (rank + 1) as f64;
        }
    }
    Scores { top1, top3, reciprocal: reciprocal / QUESTIONS.len() as f64, terms: distinct.len(), analyse_ms }
}

#[test]
fn jieba_ranks_chinese_reports_at_least_as_well_as_bigrams() {
    let paragraphs = chinese_reports(&Path::new(env!("CARGO_MANIFEST_DIR")).join("index/reports"));
    assert!(paragraphs.len() > 100, "the bundled Chinese reports are there");
    let jieba = measure(HanSegmenter::Jieba, &paragraphs);
    let bigrams = measure(HanSegmenter::Bigrams, &paragraphs);
    println!("{} questions over {} paragraphs of Chinese reports", QUESTIONS.len(), paragraphs.len());
    println!("segmenter  top-1  top-3  MRR    distinct terms  analyse (ms)");
    for (name, s) in [("jieba", &jieba), ("bigrams", &bigrams)] {
        println!("{name:<10} {:>5}  {:>5}  {:.3}  {:>14}  {:>12.2}", s.top1, s.top3, s.reciprocal, s.terms, s.analyse_ms);
    }
    assert!(jieba.top3 >= bigrams.top3 && jieba.reciprocal >= bigrams.reciprocal, "bigrams now rank better: revisit the choice");
}
