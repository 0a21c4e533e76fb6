//! Running a translation over inputs, in one of three modes:
//! - [`articles`]: files and folders, chunk by chunk, with reading, translating and writing
//!   overlapping; resumable and shardable (`--shard K/N`);
//! - [`datasets`]: JSONL/CSV/TSV files record by record, resumable;
//! - [`lines`]: standard input or `--lines`, streamed.
//!
//! Around them: the [`manifest`] each run writes, the [`memory`] of earlier translations, the
//! output folder's lock ([`outdir`]) and what the user sees ([`progress`]).

use std::path::Path;

use serde::Serialize;

use crate::error::Result;
use crate::input::dataset::Fields;
use crate::input::html::Extract;
use crate::model::{Decoding, Engine};
use crate::options::{Memory, Plan};
use crate::output;
use crate::text::plan::Boilerplate;

pub(crate) mod articles;
mod chunk;
pub(crate) mod datasets;
pub(crate) mod index;
pub(crate) mod lines;
pub(crate) mod manifest;
pub(crate) mod memory;
pub(crate) mod outdir;
pub(crate) mod progress;

pub(crate) use chunk::Translating;
use manifest::{options_key, Counts, Failure, Manifest, Timings};
use memory::TranslationMemory;
use outdir::OutputDir;
use progress::Reporter;

/// A run over files: its plan, and what was set up from it before the run.
pub(crate) struct Job<'a> {
    /// What `terjemah translate` was asked to do.
    pub(crate) plan: &'a Plan,
    /// The model and glossary to translate with.
    pub(crate) with: Translating<'a>,
    /// The translation memory in use (given, default, or none), opened once.
    pub(crate) tm: Option<TranslationMemory>,
    /// Messages for the user found while setting up (reported once the run's output starts).
    pub(crate) notes: Vec<String>,
}

/// The outcome of a run, for the exit code and the summary line.
#[derive(Debug)]
pub(crate) struct Summary {
    /// Documents and segments, as in the manifest.
    pub(crate) counts: Counts,
    /// Inputs that failed, with why.
    pub(crate) failures: Vec<Failure>,
    /// Wall-clock seconds.
    pub(crate) elapsed_s: f64,
    /// Lines translated, in line mode.
    pub(crate) lines: Option<usize>,
}

/// What decides a sentence's English besides the model: the engine's resolved decoding (all of
/// it, by construction) and the glossary. The translation memory's key is its serialization.
#[derive(Serialize)]
pub(crate) struct SentenceDecisive<'a> {
    #[serde(flatten)]
    decoding: &'a Decoding,
    /// The glossary's content hash.
    glossary: Option<&'a str>,
}

impl<'a> SentenceDecisive<'a> {
    pub(crate) fn of(with: Translating<'a>) -> Self {
        SentenceDecisive { decoding: &with.engine.decoding, glossary: with.glossary.map(|g| g.fingerprint.as_str()) }
    }
}

/// What decides a document's outputs besides its source and the model: its sentences' English
/// and how the document is read (the page extraction of articles, the fields of datasets).
/// Resumed runs reuse outputs made with an equal value.
#[derive(Serialize)]
pub(crate) struct DocumentDecisive<'a> {
    #[serde(flatten)]
    sentence: SentenceDecisive<'a>,
    boilerplate: Boilerplate,
    /// The confidence below which a translation is flagged.
    low_confidence: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    html_extract: Option<Extract>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<&'a Fields>,
}

/// A run's options as its manifest records them, and its reuse key: the decisive options of
/// documents read this way (`html_extract` for pages, `fields` for datasets) under `key`'s
/// hash, beside the engine's running settings, the shortlist and the mode's own `extra`
/// settings (an object), which decide nothing.
pub(crate) fn recorded_options(
    with: Translating,
    plan: &Plan,
    html_extract: Option<Extract>,
    fields: Option<&Fields>,
    extra: serde_json::Value,
) -> (serde_json::Value, String) {
    let decisive = DocumentDecisive {
        sentence: SentenceDecisive::of(with),
        boilerplate: plan.boilerplate,
        low_confidence: with.low_confidence,
        html_extract,
        fields,
    };
    let decisive = serde_json::to_value(decisive).expect("the decisive options serialize");
    let key = options_key(&decisive);
    let engine = with.engine;
    let mut options = serde_json::json!({"decisive": decisive, "engine": engine.running, "shortlist": engine.shortlist});
    if let (Some(all), serde_json::Value::Object(extra)) = (options.as_object_mut(), extra) {
        all.extend(extra);
    }
    (options, key)
}

/// The translation memory to use, opened for this engine's model and decoding options: the one
/// given (an error if it cannot be opened), else the default one when it can be opened (the
/// memory only saves time: a run without it is still right, so an unwritable cache folder is a
/// warning), else none. With it, what the user should be told (that warning, or the memory's
/// own note), for the run to report.
pub(crate) fn usable_tm(memory: &Memory, with: Translating) -> Result<(Option<TranslationMemory>, Option<String>)> {
    let given = match memory {
        Memory::Off => return Ok((None, None)),
        Memory::At(p) => Some(p.as_path()),
        Memory::Default => None,
    };
    let key = options_key(&serde_json::to_value(SentenceDecisive::of(with)).expect("the decisive options serialize"));
    let open = |path: &Path| TranslationMemory::open(path, &with.engine.info.fingerprint, &key);
    let tm = match given {
        Some(p) => open(p)?,
        None => match open(&memory::default_path()) {
            Ok(tm) => tm,
            Err(e) => return Ok((None, Some(format!("warning: running without a translation memory: {e}")))),
        },
    };
    let note = tm.note.clone();
    Ok((Some(tm), note))
}

/// What the user should know before the first document: the model's note (e.g. what quality
/// to expect), how the compute type was chosen, set-up warnings, a taken-over lock.
pub(crate) fn report_setup(report: &Reporter, engine: &Engine, notes: &[String], outdir: &OutputDir) {
    if let Some(note) = &engine.info.note {
        report.note(&format!("note: model {}: {note}", engine.info.dir.display()));
    }
    if let Some(note) = &engine.compute_note {
        report.note(&format!("note: {note}"));
    }
    for note in notes {
        report.note(note);
    }
    if let Some(prev) = &outdir.took_over {
        report.note(&format!("note: took over {} from an interrupted run ({prev})", outdir.lock_path.display()));
    }
}

/// A finished run's manifest: the document counts it kept, the engine's `counts` and the
/// timings, marked complete and written to `path`.
fn complete_manifest(manifest: &mut Manifest, counts: Counts, translate_s: f64, elapsed: f64, path: &Path) -> Result<()> {
    manifest.counts = Counts {
        documents: manifest.counts.documents,
        succeeded: manifest.counts.succeeded,
        up_to_date: manifest.counts.up_to_date,
        failed: manifest.failures.len(),
        ..counts
    };
    manifest.timings = Timings {
        total_s: elapsed,
        translate_s,
        segments_per_s: manifest.counts.translated_segments as f64 / elapsed.max(1e-9),
        target_tokens_per_s: manifest.counts.target_tokens as f64 / elapsed.max(1e-9),
    };
    manifest.complete = true;
    write_json(path, manifest)
}

/// A JSON file (manifest, progress) written by an earlier run; `None` when it is missing or
/// unreadable (then the run starts afresh).
fn read_json_if_any<T: serde::de::DeserializeOwned>(path: &Path) -> Option<T> {
    std::fs::read(path).ok().and_then(|b| serde_json::from_slice(&b).ok())
}

/// A JSON file (manifest, progress), written atomically.
pub(crate) fn write_json(path: &Path, value: &impl Serialize) -> Result<()> {
    output::write_atomic(path, |w| serde_json::to_writer_pretty(&mut *w, value).map_err(std::io::Error::from))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::engine::Compute;
    use crate::model::Layout;

    fn key(decoding: &Decoding, glossary: Option<&str>) -> String {
        options_key(&serde_json::to_value(SentenceDecisive { decoding, glossary }).unwrap())
    }

    #[test]
    fn every_decoding_field_is_in_the_key() {
        let base = Decoding {
            beam: 2,
            max_decoding_length: 256,
            compute_type: "int8".parse().unwrap(),
            max_input_tokens: 256,
            layout: Layout::Marian,
            loop_retry_ngram: 3,
            titles_in_sentence_case: true,
            vmap: None,
            inputs_padded_to: 8,
        };
        // Named field by field, without `..`: a field added to `Decoding` stops this test from
        // compiling until it is given a changed value below, which must change the key.
        let Decoding {
            beam,
            max_decoding_length,
            compute_type: _,
            max_input_tokens,
            layout: _,
            loop_retry_ngram,
            titles_in_sentence_case,
            vmap: _,
            inputs_padded_to,
        } = base.clone();
        let changed = [
            Decoding { beam: beam + 1, ..base.clone() },
            Decoding { max_decoding_length: max_decoding_length - 1, ..base.clone() },
            Decoding { compute_type: "float32".parse::<Compute>().unwrap(), ..base.clone() },
            Decoding { max_input_tokens: max_input_tokens / 2, ..base.clone() },
            Decoding {
                layout: Layout::Multilingual { family: "NLLB".into(), src_lang: "ind_Latn".into(), tgt_lang: "eng_Latn".into() },
                ..base.clone()
            },
            Decoding { loop_retry_ngram: loop_retry_ngram + 1, ..base.clone() },
            Decoding { titles_in_sentence_case: !titles_in_sentence_case, ..base.clone() },
            Decoding { vmap: Some("0123abcd".into()), ..base.clone() },
            Decoding { inputs_padded_to: inputs_padded_to * 2, ..base.clone() },
        ];
        let mut keys: Vec<String> = changed.iter().map(|d| key(d, None)).collect();
        keys.push(key(&base, Some("glossary-hash")));
        keys.push(key(&base, None));
        let distinct: std::collections::HashSet<&String> = keys.iter().collect();
        assert_eq!(distinct.len(), keys.len(), "each field changes the key: {keys:?}");
        // The key is a function of the value: equal settings, equal keys.
        assert_eq!(key(&base.clone(), None), key(&base, None));
    }
}
