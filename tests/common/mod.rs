//! Helpers shared by the integration tests: run the binary like a user, find fixtures.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn model(name: &str) -> PathBuf {
    fixtures().join("models").join(name)
}

pub const SEED: &str = "000_43c79636b6b3480f";

pub fn seed_article() -> PathBuf {
    fixtures().join("articles").join(format!("{SEED}.txt"))
}

static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// `terjemah ARGS...` with no colour and no terminal, and its own translation memory (tests
/// that exercise the memory pass `--tm`), so that tests never share state.
pub fn terjemah(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_terjemah"));
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tm = std::env::temp_dir().join(format!("terjemah-test-tm-{}-{n}.sqlite", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", tm.display()));
    }
    c.args(args).env("NO_COLOR", "1").env_remove("TERJEMAH_MODEL").env("TERJEMAH_TM", tm);
    // Outputs must not depend on a timing: without this each machine would measure int8
    // against float32 (tests that exercise the measurement remove it).
    c.env("TERJEMAH_COMPUTE_TYPE", "float32");
    c
}

pub fn run(args: &[&str]) -> Output {
    terjemah(args).output().expect("run terjemah")
}

pub fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = terjemah(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[track_caller]
pub fn assert_ok(o: &Output) {
    assert!(o.status.success(), "exit {:?}\nstderr:\n{}", o.status.code(), stderr(o));
}

pub fn read_jsonl(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSONL line {l:?}: {e}")))
        .collect()
}

/// Split a Markdown table row into its cells, honouring `\|` escapes.
pub fn md_cells(row: &str) -> Vec<String> {
    let inner = row.trim().strip_prefix('|').and_then(|r| r.strip_suffix('|')).expect("a table row starts and ends with |");
    let mut cells = vec![String::new()];
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    cells.last_mut().unwrap().push(n);
                }
            }
            '|' => cells.push(String::new()),
            _ => cells.last_mut().unwrap().push(c),
        }
    }
    cells.into_iter().map(|c| c.trim().to_string()).collect()
}

/// Tiny random models loop until the decoding limit; keep it small so tests stay fast.
pub const TINY: &[&str] = &["--max-decoding-length", "12", "--quiet"];
