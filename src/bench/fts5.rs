//! Engine C: what a team would otherwise build. One SQLite FTS5 row per
//! report (title, body and companies indexed with the Porter stemmer; the
//! date, publisher, URL and id stored), queried with `bm25()` ranking and a
//! `snippet()` of the body, top 10.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{params, Connection, OpenFlags};

use super::queries::{Query, Sampler};
use crate::error::{Error, Result};
use crate::report;

/// Columns: title, body, companies are searchable; the rest are only stored.
const SCHEMA: &str = "CREATE VIRTUAL TABLE reports USING fts5(\
    title, body, companies, published UNINDEXED, publisher UNINDEXED, url UNINDEXED, report_id UNINDEXED, \
    tokenize = 'porter unicode61 remove_diacritics 2')";

/// Title matches weigh 1.6 as in chipbot; the companies column does not score.
const SELECT: &str = "SELECT report_id, title, publisher, published, url, \
    snippet(reports, 1, '**', '**', '…', 32) FROM reports WHERE reports MATCH ?1";
const ORDER: &str = " ORDER BY bm25(reports, 1.6, 1.0, 0.0) LIMIT 10";

/// What building the FTS5 index did.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Build {
    pub docs: usize,
    pub failed: usize,
    pub bytes: u64,
    /// Loading, inserting, committing and optimising; query sampling excluded.
    pub elapsed: Duration,
}

/// Loads every report under `reports_dir` with chipbot's own loader and
/// indexes it into a new database at `db`. Each report is also offered to
/// `sampler` (outside the timed work).
pub fn build(db: &Path, reports_dir: &Path, sampler: &mut Sampler) -> Result<Build> {
    let started = Instant::now();
    let mut untimed = Duration::ZERO;
    let mut out = Build::default();
    let mut conn = Connection::open(db).map_err(sql_err)?;
    conn.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA synchronous = NORMAL;").map_err(sql_err)?;
    conn.execute_batch(SCHEMA).map_err(sql_err)?;
    let tx = conn.transaction().map_err(sql_err)?;
    {
        let mut insert = tx.prepare(INSERT).map_err(sql_err)?;
        for file in report::scan_dir(reports_dir)? {
            let loaded = match report::load_file(reports_dir, &file.rel) {
                Ok(r) => r,
                Err(_) => {
                    out.failed += 1;
                    continue;
                }
            };
            insert_row(&mut insert, &loaded)?;
            out.docs += 1;
            out.bytes += file.size;
            let sampling = Instant::now();
            sampler.offer(&loaded);
            untimed += sampling.elapsed();
        }
    }
    tx.commit().map_err(sql_err)?;
    conn.execute("INSERT INTO reports (reports) VALUES ('optimize')", []).map_err(sql_err)?;
    conn.close().map_err(|(_, e)| sql_err(e))?;
    out.elapsed = started.elapsed().saturating_sub(untimed);
    Ok(out)
}

/// Adds the report at `rel` under `reports_dir` to the database built by
/// [`build`], in one transaction, as a team's importer would add a new file;
/// returns the time taken (loading included).
pub fn add(db: &Path, reports_dir: &Path, rel: &str) -> Result<Duration> {
    let started = Instant::now();
    let loaded = report::load_file(reports_dir, rel)?;
    let conn = Connection::open(db).map_err(sql_err)?;
    conn.execute_batch("PRAGMA synchronous = NORMAL;").map_err(sql_err)?;
    insert_row(&mut conn.prepare(INSERT).map_err(sql_err)?, &loaded)?;
    conn.close().map_err(|(_, e)| sql_err(e))?;
    Ok(started.elapsed())
}

/// One report's row: the searched columns, then the stored ones.
const INSERT: &str =
    "INSERT INTO reports (title, body, companies, published, publisher, url, report_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

fn insert_row(insert: &mut rusqlite::Statement<'_>, loaded: &report::Report) -> Result<()> {
    let m = &loaded.meta;
    let published = m.published.map(|d| d.to_string());
    insert
        .execute(params![m.title, loaded.body, m.companies.join(", "), published, m.publisher, m.url, m.id])
        .map_err(sql_err)?;
    Ok(())
}

/// A read-only connection for queries; one per thread.
pub struct Searcher {
    conn: Connection,
}

impl Searcher {
    /// Opens the database built by [`build`].
    pub fn open(db: &Path) -> Result<Searcher> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(db, flags).map_err(sql_err)?;
        Ok(Searcher { conn })
    }

    /// Runs `query`: top 10 by BM25 with snippets. Returns the number of
    /// rows and the bytes fetched, so the work cannot be skipped.
    pub fn search(&self, query: &Query) -> Result<(usize, usize)> {
        let expr = query.fts5();
        let (mut rows, mut bytes) = (0, 0);
        let mut add = |row: &rusqlite::Row<'_>| -> rusqlite::Result<()> {
            for i in 0..6 {
                bytes += row.get::<_, Option<String>>(i)?.map_or(0, |s| s.len());
            }
            rows += 1;
            Ok(())
        };
        match query.dates {
            Some((after, before)) => {
                let sql = format!("{SELECT} AND published BETWEEN ?2 AND ?3{ORDER}");
                let mut stmt = self.conn.prepare_cached(&sql).map_err(sql_err)?;
                let mut result = stmt.query(params![expr, after.to_string(), before.to_string()]).map_err(sql_err)?;
                while let Some(row) = result.next().map_err(sql_err)? {
                    add(row).map_err(sql_err)?;
                }
            }
            None => {
                let mut stmt = self.conn.prepare_cached(&format!("{SELECT}{ORDER}")).map_err(sql_err)?;
                let mut result = stmt.query(params![expr]).map_err(sql_err)?;
                while let Some(row) = result.next().map_err(sql_err)? {
                    add(row).map_err(sql_err)?;
                }
            }
        }
        Ok((rows, bytes))
    }
}

fn sql_err(e: rusqlite::Error) -> Error {
    Error::Index(format!("sqlite: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::corpus::Generator;
    use crate::bench::queries::{Mix, Mode};

    #[test]
    fn builds_and_answers_every_mode() {
        let dir = tempfile::tempdir().expect("tempdir");
        let reports = dir.path().join("reports");
        Generator::new(4).write_corpus(&reports, 40).expect("corpus");
        let mut sampler = Sampler::new(4, 64);
        let db = dir.path().join("fts.db");
        let built = build(&db, &reports, &mut sampler).expect("built");
        assert_eq!((built.docs, built.failed), (40, 0));
        let searcher = Searcher::open(&db).expect("opens");
        let queries = sampler.mix(Mix::Sampled, 40).expect("queries");
        for mode in Mode::ALL {
            let found: usize = queries.iter().filter(|q| q.mode == mode).map(|q| searcher.search(q).expect("runs").0).sum();
            assert!(found > 0, "{mode:?} queries found nothing");
        }
        drop(searcher);
        let extra = Generator::new(4).report(40);
        std::fs::write(reports.join("extra.md"), extra).expect("write");
        add(&db, &reports, "extra.md").expect("added");
        let conn = Connection::open(&db).expect("opens");
        let rows: i64 = conn.query_row("SELECT count(*) FROM reports WHERE report_id = 'synth-0000040'", [], |r| r.get(0)).expect("counts");
        assert_eq!(rows, 1);
    }
}
