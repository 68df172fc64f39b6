//! How a passage's figures are stored in the index: as JSON, with each
//! figure's sentence kept once as a byte range of the passage instead of
//! copied into every figure. A passage with eight figures in three
//! sentences used to store those sentences eight times; reading them back
//! (decompressing and parsing) was a large part of fetching a candidate.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::figures::Figure;

/// A passage's figures, decoded from the index on first use: most
/// candidates of a search are ranked, and some cited, without anyone
/// looking at their figures. Derefs to the figures.
#[derive(Debug, Clone, Default)]
pub struct PassageFigures {
    /// The stored JSON and its passage, until decoded.
    stored: Option<(String, String)>,
    decoded: OnceLock<Vec<Figure>>,
}

impl PassageFigures {
    /// Figures as stored for `passage`, decoded when first read.
    pub(super) fn stored(json: String, passage: String) -> Self {
        PassageFigures { stored: Some((json, passage)), decoded: OnceLock::new() }
    }
}

impl From<Vec<Figure>> for PassageFigures {
    fn from(figures: Vec<Figure>) -> Self {
        PassageFigures { stored: None, decoded: OnceLock::from(figures) }
    }
}

impl std::ops::Deref for PassageFigures {
    type Target = [Figure];

    fn deref(&self) -> &[Figure] {
        self.decoded.get_or_init(|| match &self.stored {
            Some((json, passage)) => decode(json, passage).unwrap_or_else(|e| {
                // A damaged entry loses its figures, not the answer; `chipbot
                // index --rebuild` writes it again.
                tracing::warn!(error = %e, "stored figures cannot be read; the passage is shown without them");
                Vec::new()
            }),
            None => Vec::new(),
        })
    }
}

impl PartialEq for PassageFigures {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

/// The stored form: figures without their sentences, and where each one's
/// sentence stands in the passage.
#[derive(Serialize, Deserialize)]
struct Stored {
    figures: Vec<Figure>,
    /// `[start, end)` byte range of each figure's sentence in the passage.
    sentences: Vec<(usize, usize)>,
}

/// The JSON stored for `figures` found in `passage`. A sentence that is not
/// found in the passage (it always is: figures are extracted from it) is
/// stored whole.
pub(super) fn encode(figures: &[Figure], passage: &str) -> Result<String> {
    let mut sentences = Vec::with_capacity(figures.len());
    let mut stored = Vec::with_capacity(figures.len());
    let mut from = 0;
    for figure in figures {
        // Figures come in text order: look from the last sentence on first.
        let at = passage.get(from..).and_then(|rest| rest.find(figure.sentence.as_str())).map(|i| i + from).or_else(|| passage.find(figure.sentence.as_str()));
        let mut copy = figure.clone();
        match at {
            Some(start) => {
                sentences.push((start, start + figure.sentence.len()));
                copy.sentence.clear();
                from = start;
            }
            None => sentences.push((0, 0)),
        }
        stored.push(copy);
    }
    serde_json::to_string(&Stored { figures: stored, sentences }).map_err(|e| Error::Index(e.to_string()))
}

/// The figures stored as `json` for `passage`, their sentences restored.
pub(super) fn decode(json: &str, passage: &str) -> Result<Vec<Figure>> {
    let stored: Stored = serde_json::from_str(json).map_err(|e| Error::Index(format!("stored figures: {e}")))?;
    if stored.sentences.len() != stored.figures.len() {
        return Err(Error::Index("stored figures: one sentence range per figure expected".into()));
    }
    let mut figures = stored.figures;
    for (figure, &(start, end)) in figures.iter_mut().zip(&stored.sentences) {
        if figure.sentence.is_empty() {
            let sentence = passage.get(start..end).ok_or_else(|| Error::Index("stored figures: a sentence range is outside its passage".into()))?;
            figure.sentence = sentence.to_string();
        }
    }
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::{extract, Gazetteer};

    #[test]
    fn figures_come_back_as_they_were_stored() {
        let passage = "HBM made up 8.4% of DRAM sales in 2023. SK hynix held 53% and Samsung 38%. Prices rose 5-10%.";
        let figures = extract(passage, &Gazetteer::empty());
        assert!(figures.len() >= 5, "{figures:#?}");
        let json = encode(&figures, passage).expect("encodes");
        assert!(!json.contains("SK hynix held"), "sentences are stored as ranges: {json}");
        assert_eq!(decode(&json, passage).expect("decodes"), figures);
    }

    #[test]
    fn a_range_outside_the_passage_is_an_error_not_a_panic() {
        let json = r#"{"figures":[],"sentences":[[0,5]]}"#;
        assert!(decode(json, "abc").is_err());
        let figures = extract("It was 5%.", &Gazetteer::empty());
        let json = encode(&figures, "It was 5%.").expect("encodes");
        assert!(decode(&json, "It").is_err());
    }
}
