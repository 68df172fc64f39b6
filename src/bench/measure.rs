//! Measuring helpers: latency percentiles, resident memory split into
//! anonymous and file-backed pages (from `/proc/self/status`), and the
//! size of an index on disk.

use std::path::Path;
use std::time::Duration;

/// Latency percentiles of one series, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Percentiles {
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub count: usize,
}

impl Percentiles {
    /// Percentiles of `samples` (any order); all zero when there are none.
    pub fn of(samples: &[Duration]) -> Percentiles {
        let mut us: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e6).collect();
        us.sort_by(f64::total_cmp);
        Percentiles { p50: percentile(&us, 50.0), p90: percentile(&us, 90.0), p99: percentile(&us, 99.0), count: us.len() }
    }
}

/// The nearest-rank percentile of sorted `values`: the smallest value with
/// at least `p` percent of the values at or below it. Zero when empty.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Resident memory of this process, in mebibytes.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rss {
    /// Resident now, all kinds.
    pub total_mb: f64,
    /// Heap and other private anonymous pages.
    pub anon_mb: f64,
    /// Pages of mapped files (the mmapped index, the binary).
    pub file_mb: f64,
    /// Highest resident size so far (`VmHWM`).
    pub peak_mb: f64,
}

impl Rss {
    /// Reads `/proc/self/status`; all zero where it does not exist.
    pub fn now() -> Rss {
        std::fs::read_to_string("/proc/self/status").map(|s| Rss::parse(&s)).unwrap_or_default()
    }

    /// Parses the `kB` lines of a `/proc/<pid>/status` text.
    pub fn parse(status: &str) -> Rss {
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
                .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
                .map_or(0.0, |kb| kb / 1024.0)
        };
        Rss { total_mb: field("VmRSS"), anon_mb: field("RssAnon"), file_mb: field("RssFile"), peak_mb: field("VmHWM") }
    }
}

/// Total size of the files under `path` (a file or a directory), in bytes.
pub fn disk_bytes(path: &Path) -> u64 {
    let Ok(meta) = std::fs::metadata(path) else { return 0 };
    if !meta.is_dir() {
        return meta.len();
    }
    std::fs::read_dir(path)
        .map(|entries| entries.flatten().map(|e| disk_bytes(&e.path())).sum())
        .unwrap_or(0)
}

/// Bytes to mebibytes.
pub fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 50.0), 50.0);
        assert_eq!(percentile(&values, 90.0), 90.0);
        assert_eq!(percentile(&values, 99.0), 99.0);
        assert_eq!(percentile(&values, 100.0), 100.0);
        assert_eq!(percentile(&values, 0.0), 1.0);
        assert_eq!(percentile(&[7.0], 99.0), 7.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
        // Ten values: p50 is the 5th, p90 the 9th, p99 the 10th.
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!((percentile(&ten, 50.0), percentile(&ten, 90.0), percentile(&ten, 99.0)), (5.0, 9.0, 10.0));
    }

    #[test]
    fn percentiles_sort_durations_first() {
        let samples: Vec<Duration> = [30, 10, 20].iter().map(|&us| Duration::from_micros(us)).collect();
        let p = Percentiles::of(&samples);
        assert_eq!((p.p50, p.p99, p.count), (20.0, 30.0, 3));
    }

    #[test]
    fn status_lines_are_parsed() {
        let status = "Name:\tchipbot\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nRssAnon:\t   51200 kB\nRssFile:\t   51200 kB\n";
        let rss = Rss::parse(status);
        assert_eq!((rss.total_mb, rss.anon_mb, rss.file_mb, rss.peak_mb), (100.0, 50.0, 50.0, 200.0));
        assert_eq!(Rss::parse("garbage"), Rss::default());
    }

    #[test]
    fn disk_bytes_sums_a_tree() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
        std::fs::write(dir.path().join("a"), [0u8; 10]).expect("write");
        std::fs::write(dir.path().join("sub/b"), [0u8; 5]).expect("write");
        assert_eq!(disk_bytes(dir.path()), 15);
    }
}
