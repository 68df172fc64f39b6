pub mod config;
pub mod error;
pub mod figures;
pub mod query;
pub mod report;
pub mod search;
pub mod text;
pub use error::{Error, Result};
