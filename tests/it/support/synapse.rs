//! A real Synapse homeserver for the Matrix tests and benchmark: installed
//! from PyPI into a cached virtualenv on first use, configured for loopback
//! with SQLite, shared-secret registration and test-sized rate limits, and
//! stopped (by its own PID) when dropped.
//!
//! The venv lives in `$SYNAPSE_VENV`, or else under
//! `${CI_CACHE_DIR:-$HOME/.cache/chipbot-ci}/synapse-venv`, so later runs
//! reuse it; an empty cache costs one `pip install` (about a minute).

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Synapse release these tests were written against.
const SYNAPSE_REQUIREMENT: &str = "matrix-synapse==1.163.2";
/// The shared secret used to register test users.
const SHARED_SECRET: &str = "chipbot-test-registration-secret";
/// How long Synapse may take to answer its first request.
const START_TIMEOUT: Duration = Duration::from_secs(90);

/// A running (or stopped, between restarts) test homeserver.
pub struct Synapse {
    venv: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
}

impl Synapse {
    /// Installs Synapse if needed, writes a fresh config and starts it.
    pub fn start() -> Result<Synapse, String> {
        let venv = ensure_venv()?;
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let port = free_port()?;
        std::fs::write(dir.path().join("hs.yaml"), config_yaml(dir.path(), port, None)).map_err(|e| e.to_string())?;
        std::fs::write(dir.path().join("log.yaml"), log_config(dir.path())).map_err(|e| e.to_string())?;
        let mut synapse = Synapse { venv, dir, port, child: None };
        synapse.run_python(&["-m", "synapse.app.homeserver", "-c", "hs.yaml", "--generate-keys"])?;
        synapse.resume()?;
        Ok(synapse)
    }

    /// The client-server base URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The homeserver's name (user IDs are `@name:localhost`).
    pub fn server_name(&self) -> &'static str {
        "localhost"
    }

    /// Registers a non-admin user with the shared secret.
    pub fn register(&self, name: &str, password: &str) -> Result<(), String> {
        self.register_as(name, password, "--no-admin")
    }

    /// Registers an admin user with the shared secret (for the admin API).
    pub fn register_admin(&self, name: &str, password: &str) -> Result<(), String> {
        self.register_as(name, password, "--admin")
    }

    /// Registers many non-admin users with one password, through the
    /// shared-secret admin API from one Python process (the command-line tool
    /// costs over a second a user).
    pub fn register_many(&self, names: &[String], password: &str) -> Result<(), String> {
        const SCRIPT: &str = r#"
import hashlib, hmac, json, sys, urllib.request
url, secret, password = sys.argv[1:4]
endpoint = url + "/_synapse/admin/v1/register"
for name in sys.argv[4:]:
    nonce = json.load(urllib.request.urlopen(endpoint))["nonce"]
    message = b"\0".join([nonce.encode(), name.encode(), password.encode(), b"notadmin"])
    mac = hmac.new(secret.encode(), message, hashlib.sha1).hexdigest()
    body = json.dumps({"nonce": nonce, "username": name, "password": password, "admin": False, "mac": mac})
    request = urllib.request.Request(endpoint, data=body.encode(), headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request).read()
"#;
        let url = self.url();
        let mut args = vec!["-c", SCRIPT, url.as_str(), SHARED_SECRET, password];
        args.extend(names.iter().map(String::as_str));
        self.run_python(&args)
    }

    fn register_as(&self, name: &str, password: &str, role: &str) -> Result<(), String> {
        let tool = self.venv.join("bin/register_new_matrix_user");
        let output = Command::new(tool)
            .current_dir(self.dir.path())
            .args(["-k", SHARED_SECRET, "-u", name, "-p", password, role, &self.url()])
            .output()
            .map_err(|e| format!("cannot run register_new_matrix_user: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!("registering {name} failed: {}", String::from_utf8_lossy(&output.stderr)))
        }
    }

    /// Restarts the homeserver with `rc_message` set to `per_second` and
    /// `burst`, so it answers fast senders with 429 and `retry_after_ms`
    /// (`None`: back to the raised test limits). Users, rooms and tokens stay.
    pub fn restart_with_message_limit(&mut self, limit: Option<(f64, u32)>) -> Result<(), String> {
        self.stop();
        std::fs::write(self.dir.path().join("hs.yaml"), config_yaml(self.dir.path(), self.port, limit)).map_err(|e| e.to_string())?;
        self.resume()
    }

    /// Stops the homeserver, keeping its database for [`Synapse::resume`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SIGTERM first, so Synapse shuts down cleanly; then make sure.
            let _ = Command::new("kill").arg(child.id().to_string()).status();
            let deadline = Instant::now() + Duration::from_secs(15);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the homeserver (again) on the same port and database.
    pub fn resume(&mut self) -> Result<(), String> {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .map_err(|e| e.to_string())?;
        let log_err = log.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new(self.venv.join("bin/python"))
            .current_dir(self.dir.path())
            .args(["-m", "synapse.app.homeserver", "-c", "hs.yaml"])
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log_err))
            .spawn()
            .map_err(|e| format!("cannot start Synapse: {e}"))?;
        self.child = Some(child);
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if http_status(self.port, "/_matrix/client/versions") == Some(200) {
                return Ok(());
            }
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                return Err(format!("Synapse exited with {status}:\n{}", self.log_tail(60)));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(format!("Synapse did not answer within {START_TIMEOUT:?}:\n{}", self.log_tail(60)))
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("synapse.log")
    }

    /// The last `lines` lines of Synapse's own log, for failure reports.
    pub fn log_tail(&self, lines: usize) -> String {
        let mut text = String::new();
        for name in ["synapse.log", "homeserver.log"] {
            if let Ok(content) = std::fs::read_to_string(self.dir.path().join(name)) {
                let all: Vec<&str> = content.lines().collect();
                text.push_str(&format!("--- {name} ---\n"));
                text.push_str(&all[all.len().saturating_sub(lines)..].join("\n"));
                text.push('\n');
            }
        }
        text
    }

    fn run_python(&self, args: &[&str]) -> Result<(), String> {
        let output = Command::new(self.venv.join("bin/python"))
            .current_dir(self.dir.path())
            .args(args)
            .output()
            .map_err(|e| format!("cannot run Synapse's python: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!("{args:?} failed: {}", String::from_utf8_lossy(&output.stderr)))
        }
    }
}

impl Drop for Synapse {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The venv with Synapse installed, installing it on first use. A lock
/// directory keeps two test binaries from installing at once.
fn ensure_venv() -> Result<PathBuf, String> {
    let venv = match std::env::var_os("SYNAPSE_VENV") {
        Some(path) => PathBuf::from(path),
        None => cache_dir().join("synapse-venv"),
    };
    if synapse_importable(&venv) {
        return Ok(venv);
    }
    let parent = venv.parent().ok_or("venv path has no parent")?;
    std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
    let lock = parent.join("synapse-venv.lock");
    let deadline = Instant::now() + Duration::from_secs(600);
    while std::fs::create_dir(&lock).is_err() {
        if Instant::now() > deadline {
            return Err(format!("timed out waiting for {}", lock.display()));
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let result = install_venv(&venv);
    let _ = std::fs::remove_dir(&lock);
    result.map(|()| venv)
}

fn install_venv(venv: &Path) -> Result<(), String> {
    if synapse_importable(venv) {
        return Ok(());
    }
    eprintln!("installing {SYNAPSE_REQUIREMENT} into {} (first run only)", venv.display());
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    run(Command::new(python).args(["-m", "venv"]).arg(venv))?;
    run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", "--disable-pip-version-check", SYNAPSE_REQUIREMENT]))?;
    if synapse_importable(venv) {
        Ok(())
    } else {
        Err("Synapse was installed but cannot be imported".into())
    }
}

fn run(command: &mut Command) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed:\n{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)))
    }
}

fn synapse_importable(venv: &Path) -> bool {
    Command::new(venv.join("bin/python"))
        .args(["-c", "import synapse"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CI_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    home.join(".cache/chipbot-ci")
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// The status code of a plain HTTP GET on loopback, if the server answered.
fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").ok()?;
    let mut head = [0u8; 64];
    let n = stream.read(&mut head).ok()?;
    let line = String::from_utf8_lossy(&head[..n]);
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A loopback-only homeserver: SQLite, no federation, shared-secret
/// registration, and rate limits raised so tests are not throttled, except
/// messages when `message_limit` (per second, burst) is given.
fn config_yaml(dir: &Path, port: u16, message_limit: Option<(f64, u32)>) -> String {
    let d = dir.display();
    let limit = "{per_second: 1000, burst_count: 1000}";
    let message = match message_limit {
        Some((per_second, burst)) => format!("{{per_second: {per_second}, burst_count: {burst}}}"),
        None => limit.to_string(),
    };
    format!(
        r#"server_name: localhost
public_baseurl: http://127.0.0.1:{port}/
pid_file: {d}/homeserver.pid
listeners:
  - port: {port}
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: {d}/homeserver.db
log_config: {d}/log.yaml
media_store_path: {d}/media
signing_key_path: {d}/signing.key
registration_shared_secret: {SHARED_SECRET}
macaroon_secret_key: chipbot-test-macaroon
form_secret: chipbot-test-form
report_stats: false
enable_registration: false
federation_domain_whitelist: []
trusted_key_servers: []
suppress_key_server_warning: true
presence:
  enabled: false
rc_message: {message}
rc_registration: {limit}
rc_login:
  address: {limit}
  account: {limit}
  failed_attempts: {limit}
rc_joins:
  local: {limit}
  remote: {limit}
rc_joins_per_room: {limit}
rc_invites:
  per_room: {limit}
  per_user: {limit}
  per_issuer: {limit}
rc_room_creation: {limit}
rc_key_requests: {limit}
"#
    )
}

/// Synapse's logging config: warnings and errors into `homeserver.log`.
fn log_config(dir: &Path) -> String {
    format!(
        "version: 1\nformatters:\n  plain:\n    format: '%(asctime)s %(levelname)s %(name)s %(message)s'\n\
         handlers:\n  file:\n    class: logging.FileHandler\n    filename: {}/homeserver.log\n    formatter: plain\n\
         root:\n  level: WARNING\n  handlers: [file]\ndisable_existing_loggers: false\n",
        dir.display()
    )
}
