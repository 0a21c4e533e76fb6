//! The output folder of a run: created, locked against a second run, and cleaned of the
//! temporary files a killed run left behind.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

const LOCK_FILE: &str = ".terjemah.lock";

/// Holds the output folder's lock for the life of the run. The lock is an OS file lock
/// (flock), so the kernel releases it when the process dies, even by kill -9: a lock file left
/// by a killed run is found unlocked and taken over.
#[derive(Debug)]
pub(crate) struct OutputDir {
    /// The output folder.
    pub(crate) path: PathBuf,
    /// The lock file: `.terjemah.lock`, or `.terjemah.shard-K-of-N.lock` for a shard.
    pub(crate) lock_path: PathBuf,
    lock: File,
    /// Set when a killed run's lock was taken over: "pid N, started ...".
    pub(crate) took_over: Option<String>,
}

impl OutputDir {
    /// Lock `path` for this run; `tag` ("shard-1-of-3") gives each shard its own lock, so that
    /// shards share one output folder.
    pub(crate) fn open(path: &Path, tag: Option<&str>) -> Result<OutputDir> {
        std::fs::create_dir_all(path).map_err(|e| not_writable(path, e))?;
        let lock_path = path.join(tag.map_or_else(|| LOCK_FILE.to_string(), |t| format!(".terjemah.{t}.lock")));
        let mut lock =
            OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&lock_path).map_err(|e| not_writable(path, e))?;
        let mut previous = String::new();
        let _ = lock.read_to_string(&mut previous);
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::Usage(format!(
                    "{}: another terjemah run is writing to this folder ({}); wait for it to finish or choose another --out",
                    path.display(),
                    if previous.trim().is_empty() { "unknown process".to_string() } else { previous.trim().to_string() }
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&lock_path, e)),
        }
        let me = format!("pid {}, started {}", std::process::id(), unix_now());
        lock.set_len(0)
            .and_then(|_| lock.seek(SeekFrom::Start(0)))
            .and_then(|_| lock.write_all(me.as_bytes()))
            .map_err(|e| not_writable(path, e))?;
        let took_over = (!previous.trim().is_empty()).then(|| previous.trim().to_string());
        let dir = OutputDir { path: path.to_path_buf(), lock_path, lock, took_over };
        dir.remove_stale_temporaries();
        Ok(dir)
    }

    /// Temporary files of atomic writes (`.terjemah-PID-*.tmp`) whose process is gone: what a
    /// killed run left. Files of live processes (other shards) are left alone.
    fn remove_stale_temporaries(&self) {
        for e in walkdir::WalkDir::new(&self.path).into_iter().filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy();
            let Some(rest) = name.strip_prefix(".terjemah-").filter(|_| name.ends_with(".tmp") && e.file_type().is_file()) else {
                continue;
            };
            let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
            if pid.is_none_or(|p| !process_alive(p)) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        // An empty lock file means "no run": the next run reports no take-over.
        let _ = self.lock.set_len(0);
        let _ = self.lock.unlock();
    }
}

fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true // cannot tell: keep the file
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn not_writable(path: &Path, e: std::io::Error) -> Error {
    let why = crate::output::write_failure(&e).map_or_else(|| e.to_string(), str::to_string);
    Error::Output { path: path.to_path_buf(), reason: format!("cannot write to the output folder ({why})") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_open_fails_and_release_allows_it() {
        let d = tempfile::tempdir().unwrap();
        let first = OutputDir::open(d.path(), None).unwrap();
        let e = OutputDir::open(d.path(), None).unwrap_err().to_string();
        assert!(e.contains("another terjemah run") && e.contains(&format!("pid {}", std::process::id())), "{e}");
        let shard = OutputDir::open(d.path(), Some("shard-0-of-2")).expect("shards lock separately");
        drop(first);
        let again = OutputDir::open(d.path(), None).unwrap();
        drop(shard);
        assert!(again.took_over.is_none(), "a clean finish leaves nothing to take over");
    }

    #[test]
    fn stale_lock_and_temporaries_are_taken_over() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join(LOCK_FILE), "pid 999999, started 1").unwrap();
        std::fs::create_dir(d.path().join("sub")).unwrap();
        std::fs::write(d.path().join("sub/.terjemah-999999-abc.tmp"), "half").unwrap();
        let live = format!("sub/.terjemah-{}-abc.tmp", std::process::id());
        std::fs::write(d.path().join(&live), "being written").unwrap();
        std::fs::write(d.path().join("sub/keep.en.txt"), "done").unwrap();
        let o = OutputDir::open(d.path(), None).unwrap();
        assert_eq!(o.took_over.as_deref(), Some("pid 999999, started 1"));
        assert!(!d.path().join("sub/.terjemah-999999-abc.tmp").exists());
        assert!(d.path().join(&live).exists(), "a live process's file is kept");
        assert!(d.path().join("sub/keep.en.txt").exists());
    }
}
