//! Helpers shared by the integration tests: run the binary like a user, find fixtures.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The package's folder, read when the test runs (`cargo test` sets it): Cargo reuses a test
/// binary built from a clone at another path when both share one target folder (as the
/// scripts' `$HOME/.cache` one is shared), and the compile-time value names that other clone.
pub fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
}

pub fn fixtures() -> PathBuf {
    manifest_dir().join("tests/fixtures")
}

pub fn model(name: &str) -> PathBuf {
    fixtures().join("models").join(name)
}

pub const SEED: &str = "000_43c79636b6b3480f";

pub fn seed_article() -> PathBuf {
    fixtures().join("articles").join(format!("{SEED}.txt"))
}

/// `scripts/install --binary BIN PREFIX` with the binary under test: PREFIX/bin/terjemah with the
/// libraries it loads in PREFIX/lib/terjemah. Returns the installed binary.
pub fn install_to(prefix: &Path) -> PathBuf {
    let o = Command::new(manifest_dir().join("scripts/install"))
        .args(["--binary", env!("CARGO_BIN_EXE_terjemah"), prefix.to_str().unwrap()])
        .output()
        .unwrap();
    assert_ok(&o);
    prefix.join("bin/terjemah")
}

static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Where each run's own translation memory goes: under Cargo's scratch folder for tests, not
/// the system's temp folder (thousands of runs left their files there). The first call of a
/// test process removes memories older than a day, left by finished runs; a run going on
/// beside this one keeps its fresh files.
fn tm_dir() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("run-memories");
        std::fs::create_dir_all(&dir).expect("create the tests' memory folder");
        let day = std::time::Duration::from_secs(24 * 3600);
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let stale = entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t.elapsed().is_ok_and(|age| age > day));
            if stale {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        dir
    })
}

/// `terjemah ARGS...` with no colour and no terminal, and its own translation memory (tests
/// that exercise the memory pass `--tm`), so that tests never share state.
pub fn terjemah(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_terjemah"));
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tm = tm_dir().join(format!("{}-{n}.sqlite", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", tm.display()));
    }
    c.args(args).env("NO_COLOR", "1").env_remove("TERJEMAH_MODEL").env("TERJEMAH_TM", tm);
    // Outputs must not depend on a timing: without this each machine would measure int8
    // against float32 (tests that exercise the measurement remove it). int8, what real models
    // run at: its scores are the same whatever a sentence is batched with, while float32's
    // GEMMs round differently with the batch's size (the confidence's last digit moves).
    c.env("TERJEMAH_COMPUTE_TYPE", "int8");
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

/// `terjemah translate INPUT --out OUT --model tiny-marian --max-decoding-length 8 --quiet`: the
/// run most tests make, changed where a test needs it. Options given with [`Translate::args`]
/// come after these (clap takes the last value given).
pub struct Translate {
    inputs: Vec<PathBuf>,
    out: Option<PathBuf>,
    model: PathBuf,
    max_decoding_length: u32,
    quiet: bool,
    extra: Vec<std::ffi::OsString>,
}

pub fn translate(input: impl AsRef<Path>, out: impl AsRef<Path>) -> Translate {
    Translate {
        inputs: vec![input.as_ref().to_path_buf()],
        out: Some(out.as_ref().to_path_buf()),
        model: model("tiny-marian"),
        max_decoding_length: 8,
        quiet: true,
        extra: Vec::new(),
    }
}

impl Translate {
    /// One more input file or folder.
    pub fn input(mut self, p: impl AsRef<Path>) -> Self {
        self.inputs.push(p.as_ref().to_path_buf());
        self
    }

    /// A model of `tests/fixtures/models` by name.
    pub fn model(self, name: &str) -> Self {
        self.model_dir(model(name))
    }

    pub fn model_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.model = dir.as_ref().to_path_buf();
        self
    }

    pub fn max_decoding_length(mut self, n: u32) -> Self {
        self.max_decoding_length = n;
        self
    }

    /// Without `--quiet`: progress lines, notes and warnings on stderr.
    pub fn verbose(mut self) -> Self {
        self.quiet = false;
        self
    }

    pub fn args<S: AsRef<std::ffi::OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.extra.extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    /// The command, not started: [`terjemah`]'s environment, these arguments.
    pub fn command(&self) -> Command {
        let mut c = terjemah(&["translate"]);
        c.args(&self.inputs);
        if let Some(out) = &self.out {
            c.arg("--out").arg(out);
        }
        c.arg("--model").arg(&self.model).args(["--max-decoding-length", &self.max_decoding_length.to_string()]);
        if self.quiet {
            c.arg("--quiet");
        }
        c.args(&self.extra);
        c
    }

    pub fn run(&self) -> Output {
        self.command().output().expect("run terjemah")
    }

    /// Run, and fail the test unless terjemah succeeded.
    #[track_caller]
    pub fn ok(&self) -> Output {
        let o = self.run();
        assert_ok(&o);
        o
    }
}

/// Run `t`, killed (SIGKILL) by terjemah's testing hook at its `at`-th crash point (src/fault.rs:
/// before and after each file's rename). Returns whether the run was killed: false when it
/// finished first, having fewer points.
pub fn killed_at(t: &Translate, at: u64) -> bool {
    use std::os::unix::process::ExitStatusExt;
    let o = t.command().env("TERJEMAH_TEST_KILL_AT", at.to_string()).output().unwrap();
    match o.status.signal() {
        Some(9) => true,
        _ => {
            assert_ok(&o);
            false
        }
    }
}

/// Every file under `dir` (relative path -> bytes) but manifests (they hold timings) and lock
/// files. Temporary files are in: a finished run must leave none.
pub fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            let lock = name.starts_with(".terjemah.") && name.ends_with(".lock");
            e.file_type().is_file() && !name.starts_with("manifest") && !lock
        })
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

pub fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `OUT/manifest.json`.
pub fn manifest(out: &Path) -> serde_json::Value {
    read_json(&out.join("manifest.json"))
}

/// A folder of `n` distinct articles made from the seed article, in three subfolders.
pub fn corpus(dir: &Path, n: usize) {
    let seed = std::fs::read_to_string(seed_article()).unwrap();
    for i in 0..n {
        let sub = dir.join(format!("bagian{}", i % 3));
        std::fs::create_dir_all(&sub).unwrap();
        let text = seed.replace("Rusia", &format!("Rusia {i}")).replace("NATO", &format!("NATO-{}", i * 7));
        std::fs::write(sub.join(format!("artikel {i:03}.txt")), text).unwrap();
    }
}
