//! Where models are found: `--model`, `$TERJEMAH_MODEL`, or the bundled starter model.

use std::path::{Path, PathBuf};

/// Folder name of the bundled model under `models/`.
pub const DEFAULT_MODEL: &str = "id-en-starter";

/// Candidate locations of the bundled model, in order: `$TERJEMAH_MODEL`, `./models/NAME`,
/// next to the executable's repository (`target/release/terjemah` → `models/NAME`), and the
/// source tree the binary was built from.
pub fn default_model_candidates() -> Vec<PathBuf> {
    let mut c = Vec::new();
    if let Some(p) = std::env::var_os("TERJEMAH_MODEL").filter(|p| !p.is_empty()) {
        c.push(PathBuf::from(p));
        return c;
    }
    c.push(Path::new("models").join(DEFAULT_MODEL));
    if let Ok(exe) = std::env::current_exe() {
        for anc in exe.ancestors().skip(1).take(4) {
            let p = anc.join("models").join(DEFAULT_MODEL);
            if !c.contains(&p) {
                c.push(p);
            }
        }
    }
    c.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("models").join(DEFAULT_MODEL));
    c
}

/// The model folder to use when `--model` is not given: the first candidate that exists, else
/// the first candidate (so that the error names where we looked first).
pub fn default_model_dir() -> PathBuf {
    let c = default_model_candidates();
    c.iter().find(|p| p.join("model.bin").is_file()).cloned().unwrap_or_else(|| c[0].clone())
}
