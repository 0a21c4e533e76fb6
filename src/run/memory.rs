//! Translation memory: an SQLite database of translations keyed by model fingerprint,
//! decoding options and normalised source sentence, so that re-runs over growing folders only
//! translate sentences never seen with that model and those options.
//!
//! Safe under kill -9 (each chunk's inserts are one transaction; SQLite's journal makes them
//! all-or-nothing) and under several processes sharing the file (WAL mode, busy timeout).
//!
//! Several machines: SQLite's WAL mode needs shared memory between the processes that use a
//! file, which a network file system (NFS, SMB, Lustre...) does not give; WAL is therefore
//! refused there and such a memory uses a rollback journal. The policy for jobs spread over
//! machines is one memory per shard (`--tm tm-K.sqlite`), joined afterwards by [`merge`]
//! (`terjemah tm merge`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{Error, Result};
use crate::translate::Translation;

pub(crate) struct TranslationMemory {
    conn: Connection,
    path: PathBuf,
    /// `fingerprint/options_key`: the part of the key shared by every lookup of a run.
    scope: String,
    /// Set when the file is on a network file system (a rollback journal instead of WAL): what
    /// the user should know, reported by the run.
    pub(crate) note: Option<String>,
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
        let (conn, note) = connect(path)?;
        Ok(TranslationMemory { conn, path: path.to_path_buf(), scope: format!("{fingerprint}/{options_key}"), note })
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        tm_error(&self.path, e)
    }

    /// Known translations of `sources`, by index.
    pub(crate) fn lookup(&self, sources: &[&str]) -> Result<HashMap<usize, Translation>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT target, pieces, hit_max_length, source_tokens, target_tokens, confidence FROM translations WHERE scope = ?1 AND source = ?2",
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
                        confidence: r.get::<_, Option<f64>>(5)?.map(|c| c as f32),
                        ..Default::default()
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
                    "INSERT OR REPLACE INTO translations (scope, source, target, pieces, hit_max_length, source_tokens, target_tokens, created, confidence)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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
                    now,
                    t.confidence.map(f64::from)
                ])
                .map_err(|e| tm_error(&path, e))?;
            }
        }
        tx.commit().map_err(|e| tm_error(&path, e))
    }
}

/// The columns of the translations table, in order.
const COLUMNS: &str = "scope, source, target, pieces, hit_max_length, source_tokens, target_tokens, created, confidence";
/// The column a memory made before terjemah kept the model's confidence lacks (added on open;
/// its old rows have none).
const ADDED_COLUMN: &str = "confidence";

/// Whether `schema`'s translations table has the column `name`.
fn has_column(conn: &Connection, schema: &str, name: &str) -> rusqlite::Result<bool> {
    conn.query_row(&format!("SELECT count(*) FROM pragma_table_info('translations', '{schema}') WHERE name = ?1"), [name], |r| {
        r.get::<_, i64>(0)
    })
    .map(|n| n > 0)
}

/// Open (creating it if needed) a memory file: busy timeout, journal (WAL on local disks, a
/// rollback journal on network file systems, with a note for the user), the translations table.
fn connect(path: &Path) -> Result<(Connection, Option<String>)> {
    if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let tm_err = |e| tm_error(path, e);
    let conn = Connection::open(path).map_err(tm_err)?;
    conn.busy_timeout(Duration::from_secs(30)).map_err(tm_err)?;
    let network = path.parent().and_then(|d| network_fs(if d.as_os_str().is_empty() { Path::new(".") } else { d }));
    let note = network.as_ref().map(|fs| {
        format!(
            "note: translation memory {} is on a network file system ({fs}), where SQLite's WAL mode is unsafe: \
             using a rollback journal. Give each machine its own memory and join them with `terjemah tm merge`",
            path.display()
        )
    });
    conn.pragma_update(None, "journal_mode", if network.is_some() { "DELETE" } else { "WAL" }).map_err(tm_err)?;
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
            confidence REAL,
            PRIMARY KEY (scope, source)
        ) WITHOUT ROWID;",
    )
    .map_err(tm_err)?;
    if !has_column(&conn, "main", ADDED_COLUMN).map_err(tm_err)? {
        conn.execute_batch(&format!("ALTER TABLE translations ADD COLUMN {ADDED_COLUMN} REAL")).map_err(tm_err)?;
    }
    Ok((conn, note))
}

/// Copy into the memory `into` (created if missing) every translation of each memory in
/// `from` that `into` lacks (same model, options and source): the per-shard memories of a job
/// become one. A translation `into` already holds is kept. Returns the rows added per file.
pub fn merge(into: &Path, from: &[PathBuf]) -> Result<Vec<usize>> {
    let (conn, note) = connect(into)?;
    if let Some(note) = note {
        eprintln!("{note}"); // `tm merge` has no JSON output to keep clean
    }
    let target = into.canonicalize().map_err(|e| Error::io(into, e))?;
    let mut added = Vec::new();
    for f in from {
        let canon = f.canonicalize().map_err(|e| Error::io(f, e))?;
        if canon == target {
            return Err(Error::Usage(format!("{}: cannot merge a translation memory into itself", f.display())));
        }
        let name = canon.to_str().ok_or_else(|| Error::input(f, "path is not UTF-8"))?;
        let from_err = |e| tm_error(f, e);
        conn.execute("ATTACH DATABASE ?1 AS src", [name]).map_err(from_err)?;
        let copied = (|| {
            let tables: i64 =
                conn.query_row("SELECT count(*) FROM src.sqlite_master WHERE type = 'table' AND name = 'translations'", [], |r| r.get(0))?;
            if tables == 0 {
                return Ok(None);
            }
            // A memory from before the confidence column is read as it is, never altered.
            let select = if has_column(&conn, "src", ADDED_COLUMN)? { COLUMNS.to_string() } else { COLUMNS.replace(ADDED_COLUMN, "NULL") };
            conn.execute(&format!("INSERT OR IGNORE INTO main.translations ({COLUMNS}) SELECT {select} FROM src.translations"), [])
                .map(Some)
        })();
        conn.execute("DETACH DATABASE src", []).map_err(from_err)?;
        match copied.map_err(from_err)? {
            Some(n) => added.push(n),
            None => return Err(Error::input(f, "not a terjemah translation memory (no translations table)")),
        }
    }
    Ok(added)
}

/// The type of the file system holding `dir` when it is a network one (NFS, SMB, Lustre,
/// GPFS, CephFS, GlusterFS, BeeGFS, sshfs...), from /proc/self/mountinfo; None elsewhere.
pub fn network_fs(dir: &Path) -> Option<String> {
    let dir = dir.canonicalize().ok()?;
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    mount_type(&mountinfo, &dir).filter(|t| is_network_fs(t))
}

/// The file system type of the mount holding `path` (absolute, canonical) in a mountinfo
/// text: the last-mounted of the longest mount points that contain it.
fn mount_type(mountinfo: &str, path: &Path) -> Option<String> {
    let unescape = |s: &str| s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    let mut best: Option<(usize, String)> = None;
    for line in mountinfo.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let Some(dash) = fields.iter().position(|f| *f == "-") else { continue };
        let (Some(mount_point), Some(fs_type)) = (fields.get(4), fields.get(dash + 1)) else { continue };
        let mount_point = PathBuf::from(unescape(mount_point));
        if path.starts_with(&mount_point) {
            let depth = mount_point.components().count();
            if best.as_ref().is_none_or(|(d, _)| depth >= *d) {
                best = Some((depth, fs_type.to_string()));
            }
        }
    }
    best.map(|(_, t)| t)
}

fn is_network_fs(fs_type: &str) -> bool {
    const NETWORK: &[&str] = &[
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "lustre",
        "gpfs",
        "ceph",
        "glusterfs",
        "beegfs",
        "panfs",
        "orangefs",
        "pvfs2",
        "ocfs2",
        "gfs2",
        "davfs",
        "coda",
    ];
    let t = fs_type.strip_prefix("fuse.").unwrap_or(fs_type);
    NETWORK.contains(&t) || ["sshfs", "s3fs", "rclone", "gcsfuse", "cephfs", "juicefs"].contains(&t)
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

    #[test]
    fn per_shard_memories_merge_into_one() {
        let d = tempfile::tempdir().unwrap();
        let (s0, s1, all) = (d.path().join("tm-0.sqlite"), d.path().join("tm-1.sqlite"), d.path().join("merged/tm.sqlite"));
        let mut a = TranslationMemory::open(&s0, "m", "o").unwrap();
        a.store(&[("Satu.", &t("One.")), ("Dua.", &t("Two."))]).unwrap();
        let mut b = TranslationMemory::open(&s1, "m", "o").unwrap();
        b.store(&[("Dua.", &t("Two.")), ("Tiga.", &t("Three."))]).unwrap();
        TranslationMemory::open(&s1, "other-model", "o").unwrap().store(&[("Satu.", &t("Uno."))]).unwrap();
        drop((a, b));
        // Shard 0 gives two rows, shard 1 the two the first lacks (its "Dua." is already there).
        assert_eq!(merge(&all, &[s0.clone(), s1.clone()]).unwrap(), vec![2, 2]);
        let m = TranslationMemory::open(&all, "m", "o").unwrap();
        let hits = m.lookup(&["Satu.", "Dua.", "Tiga.", "Empat."]).unwrap();
        assert_eq!((hits.len(), hits[&0].text.as_str(), hits[&2].text.as_str()), (3, "One.", "Three."));
        assert_eq!(TranslationMemory::open(&all, "other-model", "o").unwrap().lookup(&["Satu."]).unwrap()[&0].text, "Uno.");
        // Merging again adds nothing; into itself, a missing file or another database are errors.
        assert_eq!(merge(&all, &[s0.clone(), s1]).unwrap(), vec![0, 0]);
        assert!(matches!(merge(&all, std::slice::from_ref(&all)), Err(Error::Usage(_))));
        assert!(merge(&all, &[d.path().join("nope.sqlite")]).is_err());
        let other = d.path().join("other.sqlite");
        Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x);").unwrap();
        let e = merge(&all, &[other]).unwrap_err().to_string();
        assert!(e.contains("not a terjemah translation memory"), "{e}");
        let text = d.path().join("notes.txt");
        std::fs::write(&text, "not a database at all, just some text of no interest").unwrap();
        assert!(merge(&all, &[text]).is_err());
        // The failures left the memory whole.
        assert_eq!(TranslationMemory::open(&all, "m", "o").unwrap().lookup(&["Satu.", "Dua.", "Tiga."]).unwrap().len(), 3);
    }

    #[test]
    fn confidence_is_kept_and_memories_from_before_it_still_work() {
        let d = tempfile::tempdir().unwrap();
        let (old, new) = (d.path().join("old.sqlite"), d.path().join("new.sqlite"));
        // A memory as terjemah wrote it before the confidence column.
        let c = Connection::open(&old).unwrap();
        c.execute_batch(
            "CREATE TABLE translations (scope TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,
                pieces INTEGER NOT NULL, hit_max_length INTEGER NOT NULL, source_tokens INTEGER NOT NULL,
                target_tokens INTEGER NOT NULL, created INTEGER NOT NULL, PRIMARY KEY (scope, source)) WITHOUT ROWID;
             INSERT INTO translations VALUES ('m/o', 'Satu.', 'One.', 1, 0, 2, 2, 0);",
        )
        .unwrap();
        drop(c);
        // Merged into a new memory: the old row comes without a confidence, and the old file is
        // not altered by the merge.
        let mut n = TranslationMemory::open(&new, "m", "o").unwrap();
        let sure = Translation { confidence: Some(-0.4231), ..t("Two.") };
        n.store(&[("Dua.", &sure)]).unwrap();
        assert_eq!(merge(&new, std::slice::from_ref(&old)).unwrap(), vec![1]);
        assert!(!has_column(&Connection::open(&old).unwrap(), "main", ADDED_COLUMN).unwrap());
        let hits = n.lookup(&["Satu.", "Dua."]).unwrap();
        assert_eq!((hits[&0].confidence, hits[&1].confidence), (None, Some(-0.4231)), "the f32 comes back exactly");
        // Opened for a run, the old memory gains the column and keeps its rows.
        let mut o = TranslationMemory::open(&old, "m", "o").unwrap();
        o.store(&[("Dua.", &sure)]).unwrap();
        let hits = o.lookup(&["Satu.", "Dua."]).unwrap();
        assert_eq!((hits[&0].text.as_str(), hits[&0].confidence, hits[&1].confidence), ("One.", None, Some(-0.4231)));
    }

    #[test]
    fn network_file_systems_are_recognised_from_mountinfo() {
        let mountinfo = "\
22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw
30 22 0:40 / /data rw,relatime - nfs4 fs:/export/data rw,vers=4.2
31 30 8:2 / /data/local rw - xfs /dev/sdb1 rw
32 22 0:41 / /mnt/my\\040share rw - cifs //srv/share rw
33 22 0:42 / /home/u/remote rw - fuse.sshfs u@host: rw
34 22 0:43 / /scratch rw shared:5 - lustre 10.0.0.1@tcp:/scratch rw
";
        let fs = |p: &str| mount_type(mountinfo, Path::new(p));
        assert_eq!(fs("/data/en/tm-0.sqlite").as_deref(), Some("nfs4"));
        assert_eq!(fs("/data/local/tm.sqlite").as_deref(), Some("xfs"));
        assert_eq!(fs("/datax").as_deref(), Some("ext4"), "a mount point is a path prefix, not a string prefix");
        assert_eq!(fs("/mnt/my share/tm.sqlite").as_deref(), Some("cifs"));
        assert_eq!(fs("/scratch/tm.sqlite").as_deref(), Some("lustre"));
        for (t, network) in [
            ("nfs4", true),
            ("cifs", true),
            ("fuse.sshfs", true),
            ("lustre", true),
            ("ext4", false),
            ("xfs", false),
            ("tmpfs", false),
            ("overlay", false),
        ] {
            assert_eq!(is_network_fs(t), network, "{t}");
        }
        // Here: the temporary folder is local, so the memory uses WAL.
        let d = tempfile::tempdir().unwrap();
        assert_eq!(network_fs(d.path()), None);
        let p = d.path().join("tm.sqlite");
        drop(TranslationMemory::open(&p, "m", "o").unwrap());
        let mode: String = Connection::open(&p).unwrap().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
    }
}
