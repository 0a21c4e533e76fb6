//! `manifest.json`: what a run did, per document and in total. It is rewritten (atomically)
//! after every chunk, so a killed run leaves an accurate record of the documents it finished,
//! and the next run skips those whose source, model and options are unchanged.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::Engine;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Failure {
    pub(crate) source: PathBuf,
    pub(crate) reason: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct Counts {
    pub(crate) documents: usize,
    pub(crate) succeeded: usize,
    /// Documents whose outputs were complete and current: not translated again.
    pub(crate) up_to_date: usize,
    pub(crate) failed: usize,
    pub(crate) blocks: usize,
    pub(crate) segments: usize,
    /// Segments sent to the model (others were copied, mapped by rule or dropped).
    pub(crate) translated_segments: usize,
    /// Distinct texts actually translated by the model (after removing duplicates within each
    /// chunk and those found in the translation memory).
    pub(crate) unique_translated: usize,
    /// Distinct texts found in the translation memory.
    pub(crate) tm_hits: usize,
    /// Texts translated with glossary placeholders, and those of them translated again without
    /// because the model did not copy a placeholder.
    #[serde(default)]
    pub(crate) glossary_protected: usize,
    #[serde(default)]
    pub(crate) glossary_retranslated: usize,
    pub(crate) split_for_length: usize,
    pub(crate) hit_max_length: usize,
    pub(crate) source_tokens: usize,
    pub(crate) target_tokens: usize,
    /// Quality flags raised, by flag name.
    pub(crate) flags: HashMap<String, usize>,
}

/// Adding counts: shards of one job, chunks of one dataset.
impl std::ops::AddAssign<&Counts> for Counts {
    fn add_assign(&mut self, other: &Counts) {
        let (a, b) = (self, other);
        for (x, y) in [
            (&mut a.documents, b.documents),
            (&mut a.succeeded, b.succeeded),
            (&mut a.up_to_date, b.up_to_date),
            (&mut a.failed, b.failed),
            (&mut a.blocks, b.blocks),
            (&mut a.segments, b.segments),
            (&mut a.translated_segments, b.translated_segments),
            (&mut a.unique_translated, b.unique_translated),
            (&mut a.tm_hits, b.tm_hits),
            (&mut a.glossary_protected, b.glossary_protected),
            (&mut a.glossary_retranslated, b.glossary_retranslated),
            (&mut a.split_for_length, b.split_for_length),
            (&mut a.hit_max_length, b.hit_max_length),
            (&mut a.source_tokens, b.source_tokens),
            (&mut a.target_tokens, b.target_tokens),
        ] {
            *x += y;
        }
        for (k, v) in &b.flags {
            *a.flags.entry(k.clone()).or_default() += v;
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct DocumentEntry {
    pub(crate) source: PathBuf,
    pub(crate) outputs: Vec<PathBuf>,
    /// BLAKE3 of the source bytes as read (before decoding).
    pub(crate) source_hash: String,
    pub(crate) model_fingerprint: String,
    /// Hash of the options that decide the output (see [`options_key`]).
    pub(crate) options_key: String,
    pub(crate) blocks: usize,
    pub(crate) segments: usize,
    /// Segments sent to the model.
    #[serde(default)]
    pub(crate) translated: usize,
    /// Segments with at least one quality flag.
    #[serde(default)]
    pub(crate) flagged: usize,
    /// Segments per quality flag name.
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    pub(crate) flags: HashMap<String, usize>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) warnings: Vec<String>,
}

impl DocumentEntry {
    /// True when this entry describes outputs made from `source_hash` with the same model and
    /// options, and every output it lists (one per requested format) is still there.
    pub(crate) fn is_current(&self, source_hash: &str, fingerprint: &str, options_key: &str, expected_outputs: &[PathBuf]) -> bool {
        self.source_hash == source_hash
            && self.model_fingerprint == fingerprint
            && self.options_key == options_key
            && expected_outputs.iter().all(|p| self.outputs.contains(p) && p.is_file())
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct Timings {
    pub(crate) total_s: f64,
    pub(crate) translate_s: f64,
    pub(crate) segments_per_s: f64,
    pub(crate) target_tokens_per_s: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Manifest {
    pub(crate) tool: String,
    pub(crate) version: String,
    pub(crate) model: serde_json::Value,
    pub(crate) options: serde_json::Value,
    pub(crate) options_key: String,
    pub(crate) started_unix: u64,
    /// False while the run is going on (or when it was killed).
    pub(crate) complete: bool,
    pub(crate) counts: Counts,
    pub(crate) timings: Timings,
    pub(crate) documents: Vec<DocumentEntry>,
    pub(crate) failures: Vec<Failure>,
}

impl Manifest {
    pub(crate) fn new(engine: &Engine, options: serde_json::Value, options_key: String) -> Manifest {
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
    pub(crate) fn previous_documents(path: &Path) -> HashMap<PathBuf, DocumentEntry> {
        std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
            .map(|m| m.documents.into_iter().map(|d| (d.source.clone(), d)).collect())
            .unwrap_or_default()
    }
}

/// Merge the manifests of the shards of one job (`--shard K/N`) into one: documents and
/// failures joined, counts summed, timings of the slowest shard. The shards must have used the
/// same model and options.
pub(crate) fn merge(paths: &[PathBuf]) -> crate::Result<Manifest> {
    use crate::error::Error;
    let mut merged: Option<Manifest> = None;
    let mut first_path = PathBuf::new();
    for p in paths {
        let bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?;
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| Error::input(p, format!("not a terjemah manifest: {e}")))?;
        let Some(acc) = merged.as_mut() else {
            first_path = p.clone();
            merged = Some(m);
            continue;
        };
        if m.model.get("fingerprint") != acc.model.get("fingerprint") || m.options_key != acc.options_key {
            return Err(Error::Usage(format!(
                "{} and {} come from runs with different models or options; they cannot be merged",
                first_path.display(),
                p.display()
            )));
        }
        acc.counts += &m.counts;
        acc.timings.total_s = acc.timings.total_s.max(m.timings.total_s);
        acc.timings.translate_s = acc.timings.translate_s.max(m.timings.translate_s);
        acc.started_unix = acc.started_unix.min(m.started_unix);
        acc.complete &= m.complete;
        acc.documents.extend(m.documents);
        acc.failures.extend(m.failures);
    }
    let mut m = merged.ok_or_else(|| Error::Usage("no manifests to merge".into()))?;
    m.documents.sort_by(|a, b| a.source.cmp(&b.source));
    m.failures.sort_by(|a, b| a.source.cmp(&b.source));
    let secs = m.timings.total_s.max(1e-9);
    m.timings.segments_per_s = m.counts.translated_segments as f64 / secs;
    m.timings.target_tokens_per_s = m.counts.target_tokens as f64 / secs;
    Ok(m)
}

/// A short hash of everything that decides a document's outputs besides its source and the
/// model: decoding options, input limit, boilerplate policy, and the terjemah version
/// (segmentation rules change between versions).
pub(crate) fn options_key(decisive: &serde_json::Value) -> String {
    let text = format!("{}|{}", env!("CARGO_PKG_VERSION"), decisive);
    blake3::hash(text.as_bytes()).to_hex()[..16].to_string()
}
