//! A small generated index for the search tests: three segments (no
//! merges) of skewed random words, companies and dates, with deletions.

use tantivy::indexer::NoMergePolicy;
use tantivy::{Index, TantivyDocument, Term};

use super::schema;

/// A small deterministic generator (SplitMix64).
pub(super) struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Skewed pick from `0..n`: small indexes are much more common.
    pub fn skewed(&mut self, n: usize) -> usize {
        let a = (self.next() % n as u64) as usize;
        (self.next() % (a as u64 + 1)) as usize
    }
}

pub(super) const WORDS: [&str; 24] = [
    "chip", "wafer", "memory", "export", "huawei", "capacity", "yield", "foundry", "node", "market",
    "share", "revenue", "packaging", "demand", "supply", "accelerator", "bandwidth", "stack", "license",
    "rule", "forecast", "output", "tariff", "design",
];
pub(super) const COMPANIES: [&str; 4] = ["Huawei", "SMIC", "TSMC", "Samsung"];

/// An index of 3 segments (no merges) with some deleted passages.
pub(super) fn index() -> (Index, schema::Fields) {
    let (schema, fields) = schema::build();
    let index = Index::create_in_ram(schema);
    schema::register(&index);
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15_000_000).expect("writer");
    writer.set_merge_policy(Box::new(NoMergePolicy));
    let mut rng = Rng(7);
    for segment in 0..3 {
        for n in 0..700u64 {
            let words = |rng: &mut Rng, count: usize| {
                // Some stop words, which leave a gap in positions.
                (0..count)
                    .map(|_| if rng.next().is_multiple_of(10) { "of" } else { WORDS[rng.skewed(WORDS.len())] })
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let title_len = 2 + (rng.next() % 4) as usize;
            let title = words(&mut rng, title_len);
            let body_len = 5 + (rng.next() % 60) as usize;
            let body = words(&mut rng, body_len);
            let mut doc = TantivyDocument::default();
            doc.add_text(fields.report_id, format!("r{segment}-{n}"));
            doc.add_text(fields.title, &title);
            let searched = format!("{title} {body}");
            doc.add_text(fields.content, &searched);
            doc.add_text(fields.pairs, searched);
            doc.add_text(fields.companies, COMPANIES[(rng.next() % 4) as usize]);
            doc.add_u64(fields.published, 20_200_101 + (rng.next() % 6) * 10_000);
            writer.add_document(doc).expect("add");
        }
        writer.commit().expect("commit");
    }
    for n in (0..700).step_by(9) {
        writer.delete_term(Term::from_field_text(fields.report_id, &format!("r1-{n}")));
    }
    writer.commit().expect("commit");
    (index, fields)
}
