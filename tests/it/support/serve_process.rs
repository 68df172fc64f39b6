//! `chipbot -v serve` as a child process, the way an operator runs it: its
//! stderr collected as it comes, SIGTERM sent with `kill`, the exit timed.
//! For the tests of stopping in every state. The waits block, so async tests
//! call them inside `tokio::task::block_in_place`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest a stop may take: what systemd, Docker and Kubernetes wait
/// before they kill.
pub const STOP_WITHIN: Duration = Duration::from_secs(25);

/// A running `chipbot serve`; killed when dropped.
pub struct ServeProcess {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ServeProcess {
    /// Starts `chipbot -v serve` from the crate root with `env` (and no other
    /// `CHIPBOT_` variable from the test's environment).
    pub fn start(env: &[(&str, &str)]) -> ServeProcess {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_chipbot"));
        for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("CHIPBOT_")) {
            cmd.env_remove(key);
        }
        cmd.current_dir(super::root()).args(["-v", "serve"]).env_remove("RUST_LOG");
        for (key, value) in env {
            cmd.env(key, value);
        }
        let mut child =
            cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("chipbot serve starts");
        let pipe = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        ServeProcess { child, log }
    }

    /// The process ID.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// The process's resident memory in KiB, from `/proc`.
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// The stderr so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits up to `within` for `text` in the log.
    pub fn wait_for_log(&self, text: &str, within: Duration) {
        let start = Instant::now();
        while !self.log().contains(text) {
            assert!(start.elapsed() < within, "no {text:?} in the log:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits up to `within` for the process to end by itself; returns its
    /// status and how long that took.
    pub fn wait_exit(&mut self, within: Duration) -> (ExitStatus, Duration) {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                // The reader thread may still be forwarding the last lines.
                std::thread::sleep(Duration::from_millis(100));
                return (status, start.elapsed());
            }
            assert!(start.elapsed() < within, "still running after {:?}; log:\n{}", start.elapsed(), self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGTERM and returns at once.
    pub fn signal_term(&self) {
        let sent = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().expect("kill runs");
        assert!(sent.success(), "kill -TERM failed");
    }

    /// Sends SIGTERM; returns the exit status and how long the stop took
    /// (waiting up to [`STOP_WITHIN`] and some slack).
    pub fn terminate(&mut self) -> (ExitStatus, Duration) {
        self.signal_term();
        self.wait_exit(STOP_WITHIN + Duration::from_secs(10))
    }

    /// Asserts a stop asked for by a signal: status 0, within
    /// [`STOP_WITHIN`], and logged.
    pub fn assert_stopped(&self, (status, took): (ExitStatus, Duration)) {
        let log = self.log();
        assert_eq!(status.code(), Some(0), "exit status; log:\n{log}");
        assert!(took < STOP_WITHIN, "took {} ms to stop; log:\n{log}", took.as_millis());
        assert!(log.contains("shutdown signal received"), "{log}");
    }
}
