//! Whether a figure is about what the question names: the companies,
//! products, regions and technologies its sentence and its passage name.

use std::rc::Rc;

use super::{is_specification, Judge, Mentions, SubjectMatch};
use crate::figures::Figure;
use crate::search::PassageHit;

impl<'a, 'm> Judge<'a, 'm> {
    /// Gazetteer entities a sentence names, with their byte ranges (none
    /// looked up when the question names no subject).
    pub(super) fn mentions_in(&self, sentence: &str) -> Rc<Mentions> {
        if self.question.subjects.is_empty() {
            return Rc::default();
        }
        if let Some(known) = self.mentions.borrow().get(sentence) {
            return known.clone();
        }
        let found = Rc::new(self.gazetteer.mentions_at(sentence));
        self.mentions.borrow_mut().insert(sentence.to_string(), found.clone());
        found
    }

    /// Whether `figure` can be about a subject the question names at all:
    /// the figure's subject is one, its sentence names one, or its passage
    /// can stand in ([`Judge::fit`] has the full test). Cheap: no analysis
    /// of the sentence's words.
    pub(super) fn subject_possible(&self, figure: &Figure, hit: &PassageHit) -> bool {
        let q = self.question;
        if q.subjects.is_empty() || figure.subject.as_ref().is_some_and(|s| q.subjects.contains(s)) {
            return true;
        }
        let mentions = self.mentions_in(&figure.sentence);
        if mentions.iter().any(|(_, m)| q.subjects.contains(m)) {
            return true;
        }
        let names_company = mentions.iter().any(|(_, m)| self.is_company(m));
        let company_subject = figure.subject.as_deref().is_some_and(|s| self.is_company(s));
        let by_passage = !names_company && !company_subject && self.topic_before(hit, &figure.sentence).is_some_and(|t| q.subjects.contains(&t));
        let scene = !q.subjects.iter().any(|s| self.is_company(s)) && self.passage_mentions(hit).iter().any(|(_, m)| q.subjects.contains(m));
        by_passage || scene
    }

    /// Every gazetteer entity `passage` names, with its byte range.
    pub(super) fn passage_mentions(&self, hit: &PassageHit) -> Rc<Mentions> {
        let key = (hit.report.id.clone(), hit.passage);
        if let Some(known) = self.passages.borrow().get(&key) {
            return known.clone();
        }
        let found = Rc::new(self.gazetteer.mentions_at(&hit.text));
        self.passages.borrow_mut().insert(key, found.clone());
        found
    }

    /// The company or product a sentence without one is about: the one its
    /// `passage` names most ("Intel Gaudi 3 delivers ... A third form factor
    /// ... is rated at 600W").
    pub(super) fn topic_before(&self, hit: &PassageHit, sentence: &str) -> Option<String> {
        use crate::figures::EntityKind;
        let passage = hit.text.as_str();
        let is_company = |name: &str| matches!(self.gazetteer.kind(name), Some(EntityKind::Company | EntityKind::Product));
        let all = self.passage_mentions(hit);
        let mentions: Vec<&(std::ops::Range<usize>, String)> = all.iter().filter(|(_, n)| is_company(n)).collect();
        // The company named most often; among equals, the last named before the sentence.
        let at = passage.find(sentence).unwrap_or(passage.len());
        let count = |name: &str| mentions.iter().filter(|(_, n)| n == name).count();
        let last_before = |name: &str| mentions.iter().rposition(|(r, n)| n == name && r.end <= at);
        mentions.iter().map(|(_, n)| n).max_by_key(|n| (count(n), last_before(n))).map(|n| n.to_string())
    }

    /// Whether `name` is a company or product (an unknown name counts as one).
    pub(super) fn is_company(&self, name: &str) -> bool {
        use crate::figures::EntityKind;
        matches!(self.gazetteer.kind(name), Some(EntityKind::Company | EntityKind::Product) | None)
    }

    /// Whether `figure` is about what the question names. A company or
    /// product named in the question must be the figure's subject, or be
    /// named near the figure ("the Kirin 9000s, made by SMIC on its 7nm
    /// process" is about both); regions and technologies alone ("China",
    /// "HBM") need only be named in the figure's sentence.
    pub(super) fn subject_match(
        &self,
        figure: &Figure,
        window: std::ops::Range<usize>,
        mentions: &[(std::ops::Range<usize>, String)],
        topic_near: bool,
    ) -> SubjectMatch {
        let q = self.question;
        if q.subjects.is_empty() {
            return SubjectMatch::Named;
        }
        let is_company = |s: &str| self.is_company(s);
        let companies: Vec<&String> = q.subjects.iter().filter(|s| is_company(s)).collect();
        let wanted: Vec<&String> = if companies.is_empty() { q.subjects.iter().collect() } else { companies };
        if figure.subject.as_ref().is_some_and(|s| wanted.contains(&s)) {
            return SubjectMatch::Named;
        }
        let in_sentence = mentions.iter().any(|(_, m)| wanted.contains(&m));
        let foreign = figure.subject.as_deref().filter(|s| is_company(s) && wanted.iter().any(|w| is_company(w)));
        let near: Vec<&String> = mentions.iter().filter(|(at, _)| at.start >= window.start && at.end <= window.end).map(|(_, m)| m).collect();
        match foreign {
            _ if !in_sentence => SubjectMatch::Other,
            None => SubjectMatch::Nearby,
            // Another company's figure counts only when that company is named
            // away from it and the one asked about next to it.
            Some(other) if !near.iter().any(|m| m.as_str() == other) && near.iter().any(|m| wanted.contains(m)) => SubjectMatch::Nearby,
            // A product's specification belongs to the product as much as to
            // its maker ("the Kirin 9000s, made by SMIC on its 7nm process").
            // When the question's own words for the product are there too.
            Some(_) if is_specification(figure.kind) && topic_near && near.iter().any(|m| wanted.contains(m)) => SubjectMatch::Nearby,
            Some(_) => SubjectMatch::Other,
        }
    }
}
