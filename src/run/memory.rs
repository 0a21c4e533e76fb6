//! Translation memory: an SQLite database of translations keyed by model fingerprint,
//! decoding options and normalised source sentence, so that re-runs over growing folders only
//! translate sentences never seen with that model and those options.
//!
//! Safe under kill -9 (each chunk's inserts are one transaction; SQLite's journal makes them
//! all-or-nothing) and under several processes sharing the file (WAL mode, busy timeout).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};

use crate::translate::Translation;
use crate::error::{Error, Result};

pub(crate) struct TranslationMemory {
    conn: Connection,
    path: PathBuf,
    /// `fingerprint/options_key`: the part of the key shared by every lookup of a run.
    scope: String,
}

/// Whitespace runs collapse to one space and the ends are trimmed: two sources that differ
/// only there share their translation.
fn normalise(source: &str) -> String {
    source.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where the memory lives when `--tm` is not given: `$TERJEMAH_TM`, else
/// `$XDG_CACHE_HOME/terjemah/tm.sqlite`, else `~/.cache/terjemah/tm.sqlite`.
pub(crate) fn default_path() -> PathBuf {
    if let Some(p) = std::env::var_os("TERJEMAH_TM").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    crate::model::compute::cache_dir().join("tm.sqlite")
}

impl TranslationMemory {
    pub(crate) fn open(path: &Path, fingerprint: &str, options_key: &str) -> Result<TranslationMemory> {
        let tm_err = |e| tm_error(path, e);
        if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let conn = Connection::open(path).map_err(tm_err)?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(tm_err)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(tm_err)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(tm_err)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS translations (
                scope TEXT NOT NULL,
                source TEXT NOT NULL,
                target TEXT NOT NULL,
                pieces INTEGER NOT NULL,
                hit_max_length INTEGER NOT NULL,
                source_tokens INTEGER NOT NULL,
                target_tokens INTEGER NOT NULL,
                created INTEGER NOT NULL,
                PRIMARY KEY (scope, source)
            ) WITHOUT ROWID;",
        )
        .map_err(tm_err)?;
        Ok(TranslationMemory { conn, path: path.to_path_buf(), scope: format!("{fingerprint}/{options_key}") })
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        tm_error(&self.path, e)
    }

    /// Known translations of `sources`, by index.
    pub(crate) fn lookup(&self, sources: &[&str]) -> Result<HashMap<usize, Translation>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT target, pieces, hit_max_length, source_tokens, target_tokens FROM translations WHERE scope = ?1 AND source = ?2",
            )
            .map_err(|e| self.err(e))?;
        let mut found = HashMap::new();
        for (i, s) in sources.iter().enumerate() {
            let row = stmt
                .query_row(params![self.scope, normalise(s)], |r| {
                    Ok(Translation {
                        text: r.get(0)?,
                        pieces: r.get::<_, i64>(1)? as usize,
                        hit_max_length: r.get::<_, i64>(2)? != 0,
                        source_tokens: r.get::<_, i64>(3)? as usize,
                        target_tokens: r.get::<_, i64>(4)? as usize,
                        glossary_missing: Vec::new(),
                    })
                })
                .optional()
                .map_err(|e| self.err(e))?;
            if let Some(t) = row {
                found.insert(i, t);
            }
        }
        Ok(found)
    }

    /// Store new translations, all or nothing.
    pub(crate) fn store(&mut self, items: &[(&str, &Translation)]) -> Result<()> {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| tm_error(&path, e))?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO translations (scope, source, target, pieces, hit_max_length, source_tokens, target_tokens, created)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(|e| tm_error(&path, e))?;
            for (s, t) in items {
                stmt.execute(params![
                    self.scope,
                    normalise(s),
                    t.text,
                    t.pieces as i64,
                    t.hit_max_length as i64,
                    t.source_tokens as i64,
                    t.target_tokens as i64,
                    now
                ])
                .map_err(|e| tm_error(&path, e))?;
            }
        }
        tx.commit().map_err(|e| tm_error(&path, e))
    }
}

fn tm_error(path: &Path, e: rusqlite::Error) -> Error {
    Error::Output { path: path.to_path_buf(), reason: format!("translation memory: {e} (use --no-tm to run without it)") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Translation {
        Translation { text: s.into(), pieces: 1, ..Default::default() }
    }

    #[test]
    fn hits_are_scoped_by_model_and_options() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("tm.sqlite");
        let mut a = TranslationMemory::open(&p, "model-a", "opts-1").unwrap();
        a.store(&[("Presiden  tiba.", &t("The president arrived."))]).unwrap();
        let hits = a.lookup(&["Presiden tiba.", "Belum ada."]).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[&0].text, "The president arrived.");
        // Another process (connection) sees it; another model or options do not.
        let b = TranslationMemory::open(&p, "model-a", "opts-1").unwrap();
        assert_eq!(b.lookup(&[" Presiden tiba. "]).unwrap().len(), 1);
        assert!(TranslationMemory::open(&p, "model-b", "opts-1").unwrap().lookup(&["Presiden tiba."]).unwrap().is_empty());
        assert!(TranslationMemory::open(&p, "model-a", "opts-2").unwrap().lookup(&["Presiden tiba."]).unwrap().is_empty());
    }
}
