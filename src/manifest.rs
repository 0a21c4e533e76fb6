//! `manifest.json`: what a run did, per document and in total. It is rewritten (atomically)
//! after every chunk, so a killed run leaves an accurate record of the documents it finished,
//! and the next run skips those whose source, model and options are unchanged.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::Engine;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Failure {
    pub source: PathBuf,
    pub reason: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Counts {
    pub documents: usize,
    pub succeeded: usize,
    /// Documents whose outputs were complete and current: not translated again.
    pub up_to_date: usize,
    pub failed: usize,
    pub blocks: usize,
    pub segments: usize,
    /// Segments sent to the model (others were copied, mapped by rule or dropped).
    pub translated_segments: usize,
    /// Distinct texts actually translated (after removing duplicates within each chunk).
    pub unique_translated: usize,
    pub split_for_length: usize,
    pub hit_max_length: usize,
    pub source_tokens: usize,
    pub target_tokens: usize,
    /// Quality flags raised, by flag name.
    pub flags: HashMap<String, usize>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DocumentEntry {
    pub source: PathBuf,
    pub outputs: Vec<PathBuf>,
    /// BLAKE3 of the source bytes as read (before decoding).
    pub source_hash: String,
    pub model_fingerprint: String,
    /// Hash of the options that decide the output (see [`options_key`]).
    pub options_key: String,
    pub blocks: usize,
    pub segments: usize,
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    pub flags: HashMap<String, usize>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl DocumentEntry {
    /// True when this entry describes outputs made from `source_hash` with the same model and
    /// options, and every output it lists (one per requested format) is still there.
    pub fn is_current(&self, source_hash: &str, fingerprint: &str, options_key: &str, expected_outputs: &[PathBuf]) -> bool {
        self.source_hash == source_hash
            && self.model_fingerprint == fingerprint
            && self.options_key == options_key
            && expected_outputs.iter().all(|p| self.outputs.contains(p) && p.is_file())
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Timings {
    pub total_s: f64,
    pub translate_s: f64,
    pub segments_per_s: f64,
    pub target_tokens_per_s: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub tool: String,
    pub version: String,
    pub model: serde_json::Value,
    pub options: serde_json::Value,
    pub options_key: String,
    pub started_unix: u64,
    /// False while the run is going on (or when it was killed).
    pub complete: bool,
    pub counts: Counts,
    pub timings: Timings,
    pub documents: Vec<DocumentEntry>,
    pub failures: Vec<Failure>,
}

impl Manifest {
    pub fn new(engine: &Engine, options: serde_json::Value, options_key: String) -> Manifest {
        Manifest {
            tool: "terjemah".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            model: serde_json::to_value(&engine.info).unwrap_or_default(),
            options,
            options_key,
            started_unix: std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()),
            complete: false,
            counts: Counts::default(),
            timings: Timings::default(),
            documents: Vec::new(),
            failures: Vec::new(),
        }
    }

    /// The documents of a previous run's manifest, by source path; empty when there is none
    /// or it cannot be read (then everything is translated again).
    pub fn previous_documents(path: &Path) -> HashMap<PathBuf, DocumentEntry> {
        std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
            .map(|m| m.documents.into_iter().map(|d| (d.source.clone(), d)).collect())
            .unwrap_or_default()
    }
}

/// A short hash of everything that decides a document's outputs besides its source and the
/// model: decoding options, input limit, boilerplate policy, and the terjemah version
/// (segmentation rules change between versions).
pub fn options_key(decisive: &serde_json::Value) -> String {
    let text = format!("{}|{}", env!("CARGO_PKG_VERSION"), decisive);
    blake3::hash(text.as_bytes()).to_hex()[..16].to_string()
}
