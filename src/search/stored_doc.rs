//! A passage's stored fields, read straight from the doc store.
//!
//! `searcher.doc::<TantivyDocument>()` first builds tantivy's compact
//! document (every value copied into its arena) and the hit then copies each
//! string out again; on the answer path that was a tenth of the time. Here
//! each stored value is deserialised once and moved into the hit.

use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};
use tantivy::schema::{Field, OwnedValue};

use super::schema::{self, Fields};
use crate::report::ReportMeta;

/// Every stored value of one document, in stored order.
pub(super) struct StoredValues(Vec<(Field, OwnedValue)>);

impl DocumentDeserialize for StoredValues {
    fn deserialize<'de, D: DocumentDeserializer<'de>>(mut deserializer: D) -> Result<Self, DeserializeError> {
        let mut values = Vec::with_capacity(deserializer.size_hint());
        while let Some(entry) = deserializer.next_field::<OwnedValue>()? {
            values.push(entry);
        }
        Ok(StoredValues(values))
    }
}

/// The stored parts of one passage.
pub(super) struct StoredPassage {
    pub report: ReportMeta,
    pub passage: usize,
    pub body: String,
    pub figures: Option<String>,
}

impl StoredValues {
    /// Sorts the values into a passage. As with `get_first`, the first value
    /// of a single-valued field wins; lists keep every value in order.
    pub(super) fn into_passage(self, f: &Fields) -> StoredPassage {
        let mut report = ReportMeta::default();
        let (mut id, mut title, mut publisher, mut body, mut figures) = (None, None, None, None, None);
        let mut passage = None;
        for (field, value) in self.0 {
            match value {
                OwnedValue::Str(text) => {
                    let single = if field == f.report_id {
                        &mut id
                    } else if field == f.title {
                        &mut title
                    } else if field == f.publisher {
                        &mut publisher
                    } else if field == f.body {
                        &mut body
                    } else if field == f.figures {
                        &mut figures
                    } else if field == f.url {
                        &mut report.url
                    } else if field == f.region {
                        &mut report.region
                    } else if field == f.language {
                        &mut report.language
                    } else {
                        let list = if field == f.authors {
                            &mut report.authors
                        } else if field == f.companies {
                            &mut report.companies
                        } else if field == f.topics {
                            &mut report.topics
                        } else {
                            continue;
                        };
                        list.push(text);
                        continue;
                    };
                    if single.is_none() {
                        *single = Some(text);
                    }
                }
                OwnedValue::U64(n) => {
                    if field == f.passage && passage.is_none() {
                        passage = Some(n);
                    } else if field == f.published && report.published.is_none() {
                        report.published = schema::date_from_key(n);
                    }
                }
                _ => {}
            }
        }
        report.id = id.unwrap_or_default();
        report.title = title.unwrap_or_default();
        report.publisher = publisher.unwrap_or_default();
        StoredPassage { report, passage: passage.unwrap_or(0) as usize, body: body.unwrap_or_default(), figures }
    }
}
