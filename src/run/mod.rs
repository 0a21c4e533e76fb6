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
use crate::model::Engine;
use crate::options::TranslateOptions;
use crate::output;

pub(crate) mod articles;
mod chunk;
pub(crate) mod datasets;
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

/// A run over files: the options as given, and what was resolved from them before the run.
pub(crate) struct Job<'a> {
    /// `terjemah translate`'s options.
    pub(crate) options: &'a TranslateOptions,
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
}

/// The options that decide a sentence's translation (with the model fingerprint).
fn engine_decisive(with: Translating) -> serde_json::Value {
    let o = &with.engine.options;
    serde_json::json!({
        "beam": o.beam,
        "max_decoding_length": o.max_decoding_length,
        "compute_type": o.compute_type,
        "max_input_tokens": with.engine.max_input_tokens(),
        "layout": with.engine.info.layout,
        "glossary": with.glossary.map(|g| g.fingerprint.clone()),
        "loops_redecoded_without_repeated_ngrams": o.loop_retry_ngram,
        "titles_in_sentence_case": with.engine.sentence_cases_titles(),
        // The shortlist's content, not its path: the same shortlist elsewhere decides the same.
        "vmap": with.engine.shortlist.as_ref().map(|s| &s.fingerprint),
    })
}

/// The options that decide a document's outputs (with the model fingerprint and the source).
fn decisive_options(with: Translating, options: &TranslateOptions) -> serde_json::Value {
    let mut v = engine_decisive(with);
    v["boilerplate"] = serde_json::to_value(options.boilerplate).unwrap_or_default();
    v["html_extract"] = serde_json::to_value(options.html_extract).unwrap_or_default();
    v
}

/// The translation memory to use, opened for this engine's model and decoding options: the one
/// given (an error if it cannot be opened), else the default one when it can be opened (the
/// memory only saves time: a run without it is still right, so an unwritable cache folder is a
/// warning), else none. With it, what the user should be told (that warning, or the memory's
/// own note), for the run to report.
pub(crate) fn usable_tm(given: Option<&Path>, disabled: bool, with: Translating) -> Result<(Option<TranslationMemory>, Option<String>)> {
    if disabled {
        return Ok((None, None));
    }
    let open = |path: &Path| TranslationMemory::open(path, &with.engine.info.fingerprint, &options_key(&engine_decisive(with)));
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
