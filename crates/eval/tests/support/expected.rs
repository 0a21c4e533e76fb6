//! The sacrebleu 2.5.1 results committed in the repository's `tests/fixtures/eval/`
//! (`scripts/fixtures/sacrebleu-expected.py` wrote them), read the same way by the eval crate's
//! metric tests and by terjemah's command-line tests (`#[path]`-included by both).

use std::fs;
use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

/// `tests/fixtures/eval/` of the repository, found from the package being tested (the root
/// package or `crates/eval`). The package folder is read when the test runs: a test binary
/// reused from a clone at another path (one shared target folder) has that clone's compiled in.
pub fn fx() -> PathBuf {
    let package = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    package.ancestors().map(|d| d.join("tests/fixtures/eval")).find(|p| p.is_dir()).expect("tests/fixtures/eval above the package")
}

/// A JSON file of the fixtures.
pub fn load(name: &str) -> Value {
    let p = fx().join(name);
    serde_json::from_str(&fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).unwrap()
}

/// `expected.json`, read once.
pub fn expected() -> &'static Value {
    static E: OnceLock<Value> = OnceLock::new();
    E.get_or_init(|| load("expected.json"))
}

/// Floats are stored as Python's `repr` strings: parsing them is exact.
pub fn float(v: &Value) -> f64 {
    v.as_str().unwrap_or_else(|| panic!("expected a float string, got {v}")).parse().unwrap()
}
