//! Logging the bot in and keeping its device. The encrypted SQLite store
//! (state, crypto, event cache) and the saved session belong together: the
//! session is restored over its own store on every start, so the bot keeps
//! one device and its keys across restarts. When only one of the two is
//! left, it is set aside and the bot logs in afresh rather than failing.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use matrix_sdk::authentication::matrix::MatrixSession;
use matrix_sdk::config::RequestConfig;
use matrix_sdk::ruma::api::error::ErrorKind;
use matrix_sdk::{Client, SessionMeta, SessionTokens};
use serde::{Deserialize, Serialize};

use super::ledger::write_atomically;
use crate::config::{MatrixSettings, Secrets};
use crate::error::{Error, Result};

/// Retries matrix-sdk makes for one request (429s honour `retry_after_ms`).
const REQUEST_RETRIES: usize = 6;

/// What is saved next to the store.
#[derive(Serialize, Deserialize)]
struct SavedSession {
    homeserver_url: String,
    session: MatrixSession,
}

/// Where the bot keeps its Matrix state.
#[derive(Debug, Clone)]
pub struct StorePaths {
    pub dir: PathBuf,
    pub store: PathBuf,
    pub session: PathBuf,
    pub ledger: PathBuf,
}

impl StorePaths {
    /// The paths under `matrix.store_dir` (default `<data_dir>/matrix`).
    pub fn new(settings: &MatrixSettings, data_dir: &Path) -> StorePaths {
        let dir = settings.store_dir.clone().unwrap_or_else(|| data_dir.join("matrix"));
        StorePaths {
            store: dir.join("store"),
            session: dir.join("session.json"),
            ledger: dir.join("answered.json"),
            dir,
        }
    }
}

/// A logged-in client, and whether its session was restored (a restored bot
/// must answer messages that arrived while it was down).
pub struct Connected {
    pub client: Client,
    pub restored: bool,
}

/// Restores the saved session, or logs in and saves a new one.
pub async fn connect(settings: &MatrixSettings, secrets: &Secrets, paths: &StorePaths) -> Result<Connected, ConnectFailure> {
    let (url, user_id) = match (&settings.homeserver_url, &settings.user_id) {
        (Some(url), Some(user)) => (url.as_str(), user.as_str()),
        _ => return Err(chat_error("matrix.homeserver_url and matrix.user_id must be set").into()),
    };
    probe(url).await?;
    std::fs::create_dir_all(&paths.dir).map_err(|e| Error::io(&paths.dir, e))?;
    if secrets.matrix_store_passphrase.is_none() {
        tracing::warn!("CHIPBOT_MATRIX__STORE_PASSPHRASE is not set: the Matrix store is not encrypted at rest");
    }
    if let Some(saved) = read_saved(&paths.session)? {
        if saved.homeserver_url == url && saved.session.meta.user_id.as_str() == user_id {
            let client = build_client(url, secrets, &paths.store).await?;
            client.restore_session(saved.session).await.map_err(sdk_error)?;
            match client.whoami().await {
                Err(e) if is_unknown_token(&e) => {
                    tracing::warn!("the saved Matrix session was rejected by the homeserver; logging in again");
                }
                _ => {
                    tracing::info!(user = user_id, "restored the saved Matrix session");
                    return Ok(Connected { client, restored: true });
                }
            }
        } else {
            tracing::warn!("the saved Matrix session is for another account or homeserver; logging in again");
        }
    }
    set_aside(paths)?;
    let client = build_client(url, secrets, &paths.store).await?;
    log_in(&client, settings, secrets, user_id).await?;
    save_session(&client, url, &paths.session)?;
    Ok(Connected { client, restored: false })
}

/// Why connecting failed, and whether trying again later can help (the
/// homeserver is down or overloaded) or not (wrong password, bad token).
#[derive(Debug)]
pub struct ConnectFailure {
    pub error: Error,
    pub retry: bool,
}

impl From<Error> for ConnectFailure {
    fn from(error: Error) -> Self {
        ConnectFailure { error, retry: false }
    }
}

/// How long the reachability probe waits for the homeserver.
const PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// Checks that the homeserver answers at all before any local state is
/// touched, so a homeserver that is down is retried rather than fatal.
async fn probe(url: &str) -> Result<(), ConnectFailure> {
    let versions = format!("{}/_matrix/client/versions", url.trim_end_matches('/'));
    let unreachable = |e: String| ConnectFailure { error: chat_error(format!("cannot reach the homeserver at {url}: {e}")), retry: true };
    let response = matrix_sdk::reqwest::Client::new()
        .get(&versions)
        .timeout(PROBE_TIMEOUT)
        .send()
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    let status = response.status();
    if status.is_server_error() || status.as_u16() == 429 {
        return Err(unreachable(format!("HTTP {status}")));
    }
    Ok(())
}

/// Whether a failed request is worth repeating: no answer, a server error
/// or a rate limit; not an answer that refuses the request.
fn worth_retrying(error: &matrix_sdk::Error) -> bool {
    let matrix_sdk::Error::Http(http) = error else { return false };
    match http.as_client_api_error() {
        Some(api) => api.status_code.is_server_error() || api.status_code.as_u16() == 429,
        None => matches!(**http, matrix_sdk::HttpError::Reqwest(_) | matrix_sdk::HttpError::Cached(_)),
    }
}

async fn build_client(url: &str, secrets: &Secrets, store: &Path) -> Result<Client> {
    let passphrase = secrets.matrix_store_passphrase.as_ref().map(|s| s.expose());
    Client::builder()
        .homeserver_url(url)
        .sqlite_store(store, passphrase)
        .request_config(RequestConfig::new().retry_limit(REQUEST_RETRIES).timeout(Duration::from_secs(60)))
        .build()
        .await
        .map_err(|e| chat_error(format!("cannot open the Matrix store at {}: {e}", store.display())))
}

async fn log_in(client: &Client, settings: &MatrixSettings, secrets: &Secrets, user_id: &str) -> Result<(), ConnectFailure> {
    if let Some(token) = &secrets.matrix_access_token {
        let whoami = whoami_with_token(client, token.expose()).await?;
        let session = MatrixSession {
            meta: SessionMeta { user_id: whoami.0, device_id: whoami.1 },
            tokens: SessionTokens { access_token: token.expose().to_string(), refresh_token: None },
        };
        client.restore_session(session).await.map_err(sdk_error)?;
        tracing::info!(user = user_id, "logged in to Matrix with an access token");
        return Ok(());
    }
    let Some(password) = &secrets.matrix_password else {
        return Err(chat_error(
            "no saved session and no credentials: set CHIPBOT_MATRIX__PASSWORD or CHIPBOT_MATRIX__ACCESS_TOKEN",
        )
        .into());
    };
    client
        .matrix_auth()
        .login_username(user_id, password.expose())
        .initial_device_display_name(&settings.device_name)
        .send()
        .await
        .map_err(|e| ConnectFailure { retry: worth_retrying(&e), error: chat_error(format!("login as {user_id} failed: {e}")) })?;
    tracing::info!(user = user_id, "logged in to Matrix with a password; the session is saved for restarts");
    Ok(())
}

/// The user and device an access token belongs to.
async fn whoami_with_token(
    client: &Client,
    token: &str,
) -> Result<(matrix_sdk::ruma::OwnedUserId, matrix_sdk::ruma::OwnedDeviceId)> {
    #[derive(Deserialize)]
    struct WhoAmI {
        user_id: matrix_sdk::ruma::OwnedUserId,
        device_id: Option<matrix_sdk::ruma::OwnedDeviceId>,
    }
    let url = client.homeserver().join("_matrix/client/v3/account/whoami").map_err(|e| chat_error(e.to_string()))?;
    let response = matrix_sdk::reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| chat_error(format!("whoami failed: {e}")))?;
    if !response.status().is_success() {
        return Err(chat_error(format!("the access token was rejected ({})", response.status())));
    }
    let bytes = response.bytes().await.map_err(|e| chat_error(format!("whoami failed: {e}")))?;
    let who: WhoAmI = serde_json::from_slice(&bytes).map_err(|e| chat_error(format!("whoami failed: {e}")))?;
    let device = who
        .device_id
        .ok_or_else(|| chat_error("the access token has no device; create it with a login that makes one"))?;
    Ok((who.user_id, device))
}

fn read_saved(path: &Path) -> Result<Option<SavedSession>> {
    match std::fs::read(path) {
        Ok(bytes) => match serde_json::from_slice(&bytes) {
            Ok(saved) => Ok(Some(saved)),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "saved Matrix session unreadable; logging in again");
                Ok(None)
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

fn save_session(client: &Client, url: &str, path: &Path) -> Result<()> {
    let session = client.matrix_auth().session().ok_or_else(|| chat_error("logged in, but no session to save"))?;
    let saved = SavedSession { homeserver_url: url.to_string(), session };
    let bytes = serde_json::to_vec_pretty(&saved).map_err(|e| chat_error(e.to_string()))?;
    write_atomically(path, &bytes)?;
    restrict_permissions(path);
    Ok(())
}

/// The session file holds an access token: readable by its owner only.
fn restrict_permissions(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
            tracing::warn!(path = %path.display(), error = %e, "cannot restrict the session file's permissions");
        }
    }
}

/// Moves an orphaned store and session out of the way (never deletes them):
/// a store cannot be reused by a new login.
fn set_aside(paths: &StorePaths) -> Result<()> {
    let stamp = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    for path in [&paths.store, &paths.session, &paths.ledger] {
        if path.exists() {
            let aside = path.with_file_name(format!(
                "{}.old-{stamp}",
                path.file_name().and_then(|n| n.to_str()).unwrap_or("matrix")
            ));
            tracing::warn!(from = %path.display(), to = %aside.display(), "setting aside old Matrix state");
            std::fs::rename(path, &aside).map_err(|e| Error::io(path, e))?;
        }
    }
    Ok(())
}

fn is_unknown_token(error: &matrix_sdk::HttpError) -> bool {
    matches!(error.client_api_error_kind(), Some(ErrorKind::UnknownToken(_)))
}

fn sdk_error(e: matrix_sdk::Error) -> Error {
    chat_error(e.to_string())
}

pub(super) fn chat_error(message: impl Into<String>) -> Error {
    Error::Chat { platform: "matrix", message: message.into() }
}
