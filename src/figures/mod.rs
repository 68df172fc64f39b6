//! TEMPORARY stub; replaced by the real figure extractor.
use serde::{Deserialize, Serialize};
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureKind { Percent, Money, Count, Node, Memory, Bandwidth, Compute, Year }
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub value: f64,
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")] pub low: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")] pub high: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")] pub year: Option<i32>,
    pub forecast: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")] pub subject: Option<String>,
    pub kind: FigureKind,
    pub text: String,
    pub sentence: String,
}
pub struct Gazetteer;
impl Gazetteer {
    pub fn from_toml_str(_s: &str) -> Result<Self, GazetteerError> { Ok(Gazetteer) }
    pub fn load(_p: &std::path::Path) -> Result<Self, GazetteerError> { Ok(Gazetteer) }
    pub fn empty() -> Self { Gazetteer }
    pub fn mentions(&self, _t: &str) -> Vec<String> { vec![] }
    pub fn canonical(&self, _t: &str) -> Option<&str> { None }
}
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError { #[error("x")] X }
pub fn extract(text: &str, _g: &Gazetteer) -> Vec<Figure> {
    let re = regex::Regex::new(r"\d+(\.\d+)?%").unwrap();
    re.find_iter(text).map(|m| Figure{ value: m.as_str().trim_end_matches('%').parse().unwrap_or(0.0), unit: "%".into(), low: None, high: None, year: None, forecast: false, subject: None, kind: FigureKind::Percent, text: m.as_str().into(), sentence: text.into()}).collect()
}
