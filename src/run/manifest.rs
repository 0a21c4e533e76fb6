//! `manifest.json`: what a run did, per document and in total. It is rewritten (atomically)
//! after every chunk, so a killed run leaves an accurate record of the documents it finished,
//! and the next run skips those whose source, model and options are unchanged.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::align::AlignedDocument;
use crate::model::Engine;

pub(crate) use crate::input::Failure;

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
    /// Texts whose translation looped and was decoded again without repeated n-grams.
    #[serde(default)]
    pub(crate) redecoded: usize,
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
            (&mut a.redecoded, b.redecoded),
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
    /// The article's scores against its reference, recorded by `terjemah eval --hyp-dir`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) scores: Vec<ArticleScore>,
    /// How the inline elements of a saved page were placed in its `NAME.en.html`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) inline_elements: Option<crate::output::page::MarkCounts>,
}

/// Add the quality flags of `aligned`'s segments to `flags`, by flag name; returns how many of
/// its segments have at least one.
pub(crate) fn count_flags(aligned: &AlignedDocument, flags: &mut HashMap<String, usize>) -> usize {
    for (name, n) in crate::quality::count(aligned.segments().flat_map(|(_, _, _, seg)| &seg.flags)) {
        *flags.entry(name.to_string()).or_default() += n;
    }
    aligned.segments().filter(|(_, _, _, seg)| !seg.flags.is_empty()).count()
}

/// One score of an article against its reference.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct ArticleScore {
    /// "BLEU", "chrF2", ... as `eval` names it.
    pub(crate) metric: String,
    pub(crate) score: f64,
}

impl DocumentEntry {
    /// The entry of a document with no segments counted yet ([`DocumentEntry::add`] counts them).
    pub(crate) fn new(source: PathBuf, outputs: Vec<PathBuf>, source_hash: String, model_fingerprint: &str, options_key: &str) -> Self {
        DocumentEntry {
            source,
            outputs,
            source_hash,
            model_fingerprint: model_fingerprint.to_string(),
            options_key: options_key.to_string(),
            blocks: 0,
            segments: 0,
            translated: 0,
            flagged: 0,
            flags: HashMap::new(),
            warnings: Vec::new(),
            scores: Vec::new(),
            inline_elements: None,
        }
    }

    /// Count the blocks, segments and quality flags of `aligned` (all of the document, or one
    /// chunk of a streamed one) into this entry.
    pub(crate) fn add(&mut self, aligned: &AlignedDocument) {
        use crate::text::plan::Action;
        self.blocks += aligned.blocks.len();
        for (_, _, _, seg) in aligned.segments() {
            self.segments += 1;
            self.translated += usize::from(seg.action == Action::Translated);
        }
        self.flagged += count_flags(aligned, &mut self.flags);
    }

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
    /// `[k, n]` for shard k of n (`--shard K/N`); absent for a whole run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) shard: Option<(usize, usize)>,
    /// False while the run is going on (or when it was killed).
    pub(crate) complete: bool,
    pub(crate) counts: Counts,
    pub(crate) timings: Timings,
    pub(crate) documents: Vec<DocumentEntry>,
    pub(crate) failures: Vec<Failure>,
    /// The comparison report the latest `eval --hyp-dir OUT --report FILE` wrote (absolute),
    /// which the index links; kept by later runs into the folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) report: Option<PathBuf>,
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
            shard: None,
            complete: false,
            counts: Counts::default(),
            timings: Timings::default(),
            documents: Vec::new(),
            failures: Vec::new(),
            report: None,
        }
    }

    /// The manifest at `path`, if there is one that can be read (a missing or damaged one is
    /// no error for the callers: they go on as if there were none).
    pub(crate) fn read_if_any(path: &Path) -> Option<Manifest> {
        crate::run::read_json_if_any(path)
    }

    /// The documents of a previous run's manifest, by source path.
    pub(crate) fn documents_by_source(self) -> HashMap<PathBuf, DocumentEntry> {
        self.documents.into_iter().map(|d| (d.source.clone(), d)).collect()
    }
}

/// The manifest's file name: `manifest.json`, or `manifest.shard-K-of-N.json` for shard `(k, n)`.
pub(crate) fn file_name(shard: Option<(usize, usize)>) -> String {
    shard.map_or_else(|| "manifest.json".to_string(), |(k, n)| format!("manifest.shard-{k}-of-{n}.json"))
}

/// Shard `(k, n)` named by a shard manifest's file name (`file_name`'s inverse; for manifests
/// written before the manifest recorded its shard).
pub fn shard_from_name(path: &Path) -> Option<(usize, usize)> {
    let name = path.file_name()?.to_str()?;
    let (k, n) = name.strip_prefix("manifest.shard-")?.strip_suffix(".json")?.split_once("-of-")?;
    let (k, n) = (k.parse().ok()?, n.parse().ok()?);
    (k < n).then_some((k, n))
}

/// The manifests of the shards of one job (`--shard K/N`) merged into one: documents and
/// failures joined, counts summed, timings of the slowest shard. The shards must have used the
/// same model and options and be shards of the same N, each at most once. Also returned: one
/// line per shard that is missing (no manifest given) or incomplete (its run died or is still
/// going), empty when the job is finished; the merged manifest is complete only then.
pub(crate) fn merge(paths: &[PathBuf]) -> crate::Result<(Manifest, Vec<String>)> {
    use crate::error::Error;
    let mut merged: Option<Manifest> = None;
    let mut first_path = PathBuf::new();
    let mut seen: std::collections::BTreeMap<usize, PathBuf> = Default::default();
    let mut shards = 0;
    let mut unfinished = Vec::new();
    for p in paths {
        let bytes = std::fs::read(p).map_err(|e| Error::io(p, e))?;
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| Error::input(p, format!("not a terjemah manifest: {e}")))?;
        let (k, n) = m.shard.or_else(|| shard_from_name(p)).ok_or_else(|| {
            Error::Usage(format!("{} is not the manifest of a shard (manifest.shard-K-of-N.json, written by --shard K/N)", p.display()))
        })?;
        if let Some(other) = seen.insert(k, p.clone()) {
            return Err(Error::Usage(format!("{} and {} are both shard {k} of {n}", other.display(), p.display())));
        }
        if !m.complete {
            unfinished.push((
                k,
                format!(
                    "shard {k} of {n}: {} is incomplete ({} documents done): its run died or is still going",
                    p.display(),
                    m.documents.len()
                ),
            ));
        }
        let Some(acc) = merged.as_mut() else {
            first_path = p.clone();
            shards = n;
            merged = Some(m);
            continue;
        };
        if n != shards {
            return Err(Error::Usage(format!(
                "{} is a shard of {shards} but {} a shard of {n}: they are not shards of one job",
                first_path.display(),
                p.display()
            )));
        }
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
        acc.documents.extend(m.documents);
        acc.failures.extend(m.failures);
    }
    let mut m = merged.ok_or_else(|| Error::Usage("no manifests to merge".into()))?;
    for k in (0..shards).filter(|k| !seen.contains_key(k)) {
        let expected = first_path.with_file_name(file_name(Some((k, shards))));
        unfinished.push((
            k,
            if expected.is_file() {
                format!("shard {k} of {shards}: not given (pass {} too)", expected.display())
            } else {
                format!(
                    "shard {k} of {shards}: no manifest ({} is missing): it never ran, or died before its first documents",
                    expected.display()
                )
            },
        ));
    }
    unfinished.sort();
    let unfinished: Vec<String> = unfinished.into_iter().map(|(_, line)| line).collect();
    m.shard = None;
    m.complete = unfinished.is_empty(); // every incomplete shard is one of these
    m.documents.sort_by(|a, b| a.source.cmp(&b.source));
    m.failures.sort_by(|a, b| a.source.cmp(&b.source));
    let secs = m.timings.total_s.max(1e-9);
    m.timings.segments_per_s = m.counts.translated_segments as f64 / secs;
    m.timings.target_tokens_per_s = m.counts.target_tokens as f64 / secs;
    Ok((m, unfinished))
}

/// A short hash of everything that decides a document's outputs besides its source and the
/// model: decoding options, input limit, boilerplate policy, and the terjemah version
/// (segmentation rules change between versions).
pub(crate) fn options_key(decisive: &serde_json::Value) -> String {
    let text = format!("{}|{}", env!("CARGO_PKG_VERSION"), decisive);
    crate::short_hash(blake3::hash(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard(dir: &Path, k: usize, n: usize, complete: bool, docs: &[&str]) -> PathBuf {
        let m = Manifest {
            tool: "terjemah".into(),
            version: "0".into(),
            model: serde_json::json!({"fingerprint": "f"}),
            options: serde_json::Value::Null,
            options_key: "o".into(),
            started_unix: 100 + k as u64,
            shard: Some((k, n)),
            complete,
            counts: Counts { documents: docs.len(), succeeded: docs.len(), ..Default::default() },
            timings: Timings { total_s: k as f64 + 1.0, ..Default::default() },
            documents: docs
                .iter()
                .map(|d| DocumentEntry {
                    source: d.into(),
                    outputs: vec![],
                    source_hash: "h".into(),
                    model_fingerprint: "f".into(),
                    options_key: "o".into(),
                    blocks: 1,
                    segments: 1,
                    translated: 1,
                    flagged: 0,
                    flags: HashMap::new(),
                    warnings: vec![],
                    scores: vec![],
                    inline_elements: None,
                })
                .collect(),
            failures: vec![],
            report: None,
        };
        let p = dir.join(format!("manifest.shard-{k}-of-{n}.json"));
        std::fs::write(&p, serde_json::to_vec(&m).unwrap()).unwrap();
        p
    }

    #[test]
    fn merging_names_missing_and_incomplete_shards() {
        let d = tempfile::tempdir().unwrap();
        let p0 = shard(d.path(), 0, 3, true, &["b", "a"]);
        let p1 = shard(d.path(), 1, 3, false, &["c"]);
        let (m, unfinished) = merge(&[p1.clone(), p0.clone()]).unwrap();
        assert!(!m.complete && m.shard.is_none());
        assert_eq!(unfinished.len(), 2, "{unfinished:?}");
        assert!(unfinished[0].starts_with("shard 1 of 3: ") && unfinished[0].contains("incomplete (1 documents done)"), "{unfinished:?}");
        assert!(
            unfinished[1].starts_with("shard 2 of 3: no manifest") && unfinished[1].contains("manifest.shard-2-of-3.json"),
            "{unfinished:?}"
        );

        // Shard 2 written but not passed: named as not given.
        let p2 = shard(d.path(), 2, 3, true, &["d"]);
        let (_, unfinished) = merge(&[p0.clone(), p2.clone()]).unwrap();
        assert!(unfinished[0].contains("not given (pass") && unfinished[0].contains("manifest.shard-1-of-3.json"), "{unfinished:?}");

        // Shard 1 finished: complete, documents sorted, counts summed, slowest shard's time.
        let p1 = shard(d.path(), 1, 3, true, &["c"]);
        let (m, unfinished) = merge(&[p2.clone(), p1.clone(), p0.clone()]).unwrap();
        assert!(unfinished.is_empty() && m.complete);
        let sources: Vec<_> = m.documents.iter().map(|d| d.source.to_str().unwrap()).collect();
        assert_eq!(sources, ["a", "b", "c", "d"]);
        assert_eq!((m.counts.succeeded, m.timings.total_s, m.started_unix), (4, 3.0, 100));

        // Twice the same shard, shards of another N, a whole-run manifest: refused.
        let dup = d.path().join("copy");
        std::fs::create_dir(&dup).unwrap();
        let p0b = shard(&dup, 0, 3, true, &["a"]);
        assert!(matches!(merge(&[p0.clone(), p0b]), Err(crate::Error::Usage(e)) if e.contains("both shard 0 of 3")));
        let other = shard(&dup, 1, 4, true, &["x"]);
        assert!(matches!(merge(&[p0.clone(), other]), Err(crate::Error::Usage(e)) if e.contains("not shards of one job")));
        let whole = d.path().join("manifest.json");
        let mut m: Manifest = serde_json::from_slice(&std::fs::read(&p0).unwrap()).unwrap();
        m.shard = None;
        std::fs::write(&whole, serde_json::to_vec(&m).unwrap()).unwrap();
        assert!(matches!(merge(&[whole]), Err(crate::Error::Usage(e)) if e.contains("not the manifest of a shard")));
    }

    #[test]
    fn the_shard_is_read_from_the_file_name_of_older_manifests() {
        assert_eq!(shard_from_name(Path::new("out/manifest.shard-3-of-8.json")), Some((3, 8)));
        assert_eq!(shard_from_name(Path::new("manifest.shard-8-of-8.json")), None);
        assert_eq!(shard_from_name(Path::new("manifest.json")), None);
        assert_eq!(shard_from_name(Path::new("manifest.shard-x-of-8.json")), None);
    }
}
