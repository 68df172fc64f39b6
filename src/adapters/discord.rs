//! Discord adapter: being written on the `discord` branch.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::chat::ChatService;
use crate::error::{Error, Result};

/// Not available in this build yet.
pub async fn run(_service: Arc<ChatService>, _shutdown: CancellationToken) -> Result<()> {
    Err(Error::Chat { platform: "discord", message: "the Discord adapter is not in this build yet".into() })
}
