//! The one way onto tokio's blocking pool: tantivy searches and commits,
//! SQLite and file reads run there, and a panic or cancellation comes back
//! as [`Error::Task`] instead of tearing down the caller.

use crate::error::{Error, Result};

/// Runs `work` on the blocking pool and returns its result.
pub async fn blocking<T, F>(work: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T> + Send + 'static,
{
    tokio::task::spawn_blocking(work).await.map_err(|e| Error::Task(e.to_string()))?
}
