//! Where models are found: `--model`, `$TERJEMAH_MODEL`, or the bundled starter model.

use std::path::{Path, PathBuf};

/// Folder name of the bundled model under `models/`.
pub(crate) const DEFAULT_MODEL: &str = "id-en-starter";

/// Candidate locations of the bundled model, in order: `$TERJEMAH_MODEL` (alone when set),
/// `./models/NAME`, `PREFIX/share/terjemah/models/NAME` beside an installed binary
/// (`scripts/install PREFIX` puts it there), and the source tree the binary was built from.
pub(crate) fn default_model_candidates() -> Vec<PathBuf> {
    if let Some(p) = std::env::var_os("TERJEMAH_MODEL").filter(|p| !p.is_empty()) {
        return vec![PathBuf::from(p)];
    }
    let mut c = vec![Path::new("models").join(DEFAULT_MODEL)];
    if let Some(prefix) = std::env::current_exe().ok().and_then(|e| e.parent()?.parent().map(Path::to_path_buf)) {
        let installed = prefix.join("share").join("terjemah").join("models").join(DEFAULT_MODEL);
        if installed.join("model.bin").is_file() {
            c.push(installed);
        }
    }
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR")).join("models").join(DEFAULT_MODEL);
    if c[0].canonicalize().ok() != built_from.canonicalize().ok() || !built_from.exists() {
        c.push(built_from);
    }
    c
}

/// The model folder to use when `--model` is not given: the first candidate that exists, else
/// the first candidate (so that the error names where we looked first).
pub(crate) fn default_model_dir() -> PathBuf {
    let c = default_model_candidates();
    c.iter().find(|p| p.join("model.bin").is_file()).cloned().unwrap_or_else(|| c[0].clone())
}

/// Model folders under `roots` (a root that is itself a model folder counts as one), each
/// inspected; folders that hold a `model.bin` but fail inspection are returned as errors.
pub(crate) fn discover(roots: &[PathBuf]) -> Vec<crate::Result<crate::model::ModelInfo>> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for root in roots {
        if root.join("model.bin").is_file() {
            dirs.push(root.clone());
        } else if let Ok(entries) = std::fs::read_dir(root) {
            let mut found: Vec<PathBuf> =
                entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.join("model.bin").is_file()).collect();
            found.sort();
            dirs.extend(found);
        }
    }
    dirs.dedup();
    dirs.iter().map(|d| crate::model::ModelInfo::inspect(d, None, None)).collect()
}

/// Where `terjemah models` looks without arguments: the folders holding the default model.
pub(crate) fn default_roots() -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = default_model_candidates().into_iter().filter_map(|p| p.parent().map(Path::to_path_buf)).collect();
    roots.retain(|r| r.is_dir());
    let mut seen = Vec::new();
    roots.retain(|r| {
        let c = r.canonicalize().unwrap_or_else(|_| r.clone());
        let new = !seen.contains(&c);
        seen.push(c);
        new
    });
    roots
}

/// One line of `terjemah models`: name, layout, languages, size, fingerprint, note.
pub(crate) fn describe(info: &crate::model::ModelInfo) -> String {
    let name = info.dir.file_name().map_or_else(|| info.dir.display().to_string(), |n| n.to_string_lossy().into_owned());
    let languages = match &info.layout {
        crate::model::Layout::Multilingual { src_lang, tgt_lang, .. } => format!("{src_lang} -> {tgt_lang}"),
        crate::model::Layout::Marian => info.languages.clone().unwrap_or_else(|| "(not recorded)".into()),
    };
    let kind = match &info.layout {
        crate::model::Layout::Marian => "marian".to_string(),
        crate::model::Layout::Multilingual { family, .. } => family.clone(),
    };
    let mut line =
        format!("{name}\t{kind}\t{languages}\t{:.1} MB\t{}\t{}", info.size_bytes as f64 / 1e6, info.fingerprint, info.dir.display());
    if let Some(note) = &info.note {
        line.push_str(&format!("\t[{note}]"));
    }
    line
}
