//! `chipbot -v serve` as a child process, the way an operator runs it: its
//! stderr lines collected as they come, SIGTERM sent with `kill`, and the
//! exit timed. For the tests of stopping in every state.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The longest a stop may take: what systemd, Docker and Kubernetes wait
/// before they kill.
pub const STOP_WITHIN: Duration = Duration::from_secs(25);

/// A running `chipbot serve`.
pub struct ServeProcess {
    child: Child,
    lines: mpsc::Receiver<String>,
    /// Every stderr line read so far.
    pub log: Vec<String>,
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
        let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("chipbot serve starts");
        let stderr = child.stderr.take().expect("stderr");
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        ServeProcess { child, lines, log: Vec::new() }
    }

    /// Waits up to `within` for a stderr line containing `wanted`.
    pub fn wait_for_line(&mut self, wanted: &str, within: Duration) {
        let deadline = Instant::now() + within;
        while !self.log.iter().any(|l| l.contains(wanted)) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.log.push(line),
                Err(_) => panic!("no log line with {wanted:?}:\n{}", self.log_text()),
            }
        }
    }

    /// Waits up to `within` for the process to exit by itself.
    pub fn wait_exit(&mut self, within: Duration) -> (ExitStatus, Duration) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                self.drain();
                return (status, started.elapsed());
            }
            if started.elapsed() > within {
                let _ = self.child.kill();
                panic!("still running after {:?}:\n{}", started.elapsed(), self.log_text());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends SIGTERM and waits for the exit (up to [`STOP_WITHIN`] and some
    /// slack, then kills); returns the status and how long the stop took.
    pub fn terminate(&mut self) -> (ExitStatus, Duration) {
        let kill = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().expect("kill");
        assert!(kill.success());
        self.wait_exit(STOP_WITHIN + Duration::from_secs(10))
    }

    /// The whole stderr so far.
    pub fn log_text(&mut self) -> String {
        self.drain();
        self.log.join("\n")
    }

    fn drain(&mut self) {
        // The reader thread may still be forwarding the last lines.
        while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
            self.log.push(line);
        }
    }
}
