//! Articles: files and folders translated chunk by chunk into `--out`. Three stages joined by
//! bounded channels, so memory stays bounded by a few chunks whatever the size of the folder:
//! read (in parallel, in growing chunks), translate (one engine call per chunk), write (each
//! document's files, then the manifest). Documents whose outputs are complete and current are
//! skipped, so a run killed at any moment can be re-run to finish the job.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::time::Instant;

use rayon::prelude::*;

use crate::align::AlignedDocument;
use crate::error::{Error, Result};
use crate::input::decode::read_reason;
use crate::input::discover::{collect_inputs, shard_of, Input};
use crate::input::html::{self, Extract};
use crate::input::Document;
use crate::options::ArticlesPlan;
use crate::output::{self, with_suffix, Context, Format};
use crate::run::chunk::{translate_docs, Translating};
use crate::run::manifest::{self, Counts, DocumentEntry, Failure, Manifest};
use crate::run::memory::TranslationMemory;
use crate::run::outdir::OutputDir;
use crate::run::progress::Reporter;
use crate::run::{complete_manifest, recorded_options, report_setup, write_json, Job, Summary};
use crate::text::plan::{plan, Boilerplate};

/// A document as the reader hands it on: structured, up to date (skipped), or failed.
enum Loaded {
    Doc { input: Input, doc: Document, hash: String },
    UpToDate(DocumentEntry),
    Failed(Failure),
}

/// A document as the translator hands it on to the writer.
enum Done {
    Aligned { aligned: AlignedDocument, input: Input, hash: String },
    UpToDate(DocumentEntry),
    Failed(Failure),
}

/// What the write stage needs to know: where each document's outputs go and what makes them
/// current.
struct Outputs<'a> {
    formats: &'a [Format],
    extract: Extract,
    ctx: Context<'a>,
    /// Model fingerprint and options key: outputs made with others are not current.
    fingerprint: &'a str,
    key: &'a str,
}

impl Outputs<'_> {
    /// The files written for an input: one per format, and the translated page of an HTML input.
    fn paths(&self, input: &Input) -> Vec<PathBuf> {
        let page = html::is_html(&input.path).then(|| with_suffix(&input.stem, output::page::SUFFIX));
        self.formats.iter().map(|f| with_suffix(&input.stem, f.writer().suffix())).chain(page).collect()
    }

    /// The previous run's outputs of this input are complete and made from the same source,
    /// model and options.
    fn current(&self, e: &DocumentEntry, hash: &str, input: &Input) -> bool {
        e.is_current(hash, self.fingerprint, self.key, &self.paths(input))
    }

    /// Write one document's files (each atomically) and return its manifest entry.
    fn write(&self, aligned: AlignedDocument, input: Input, hash: String) -> std::result::Result<DocumentEntry, Failure> {
        let fail = |reason: String| Failure { source: input.path.clone(), reason };
        let mut outputs = self.paths(&input);
        // paths() puts the translated page of an HTML input last, after one path per format.
        let page = outputs.split_off(self.formats.len()).pop();
        let mut warnings = aligned.doc.warnings.clone();
        let mut inline_elements = None;
        for (f, path) in self.formats.iter().zip(&outputs) {
            let w = f.writer();
            output::write_atomic(path, |out| w.write(&aligned, &self.ctx, out)).map_err(|e| fail(e.to_string()))?;
        }
        if let Some(path) = page {
            // Read again rather than held through translation (a chunk of pages in memory); the
            // hash says whether these are still the bytes that were translated.
            let bytes = std::fs::read(&input.path).map_err(|e| fail(read_reason(&e)))?;
            if content_hash(&bytes) != hash {
                return Err(fail("the file changed while it was being translated; run again to translate the new version".into()));
            }
            let page = html::read_page(&bytes, self.extract).map_err(fail)?;
            let mut counts = output::page::MarkCounts::default();
            output::write_atomic(&path, |out| {
                counts = output::page::write(&page, &aligned, out)?;
                Ok(())
            })
            .map_err(|e| fail(e.to_string()))?;
            if counts.lost > 0 {
                warnings.push(format!(
                    "{} of the page's links, bold and italics could not be placed in its English (another took their words)",
                    counts.lost
                ));
            }
            inline_elements = Some(counts);
            outputs.push(path);
        }
        let mut entry = DocumentEntry::new(input.path, outputs, hash, self.fingerprint, self.key);
        entry.add(&aligned);
        entry.warnings = warnings;
        entry.inline_elements = inline_elements;
        Ok(entry)
    }
}

/// Translate files and folders into `--out`, writing `manifest.json` there (or
/// `manifest.shard-K-of-N.json` for a shard).
pub(crate) fn run(job: Job, opts: &ArticlesPlan) -> Result<Summary> {
    let Job { plan, with, mut tm, notes } = job;
    let engine = with.engine;
    let started = Instant::now();
    let out = opts.out.clone();
    let globs = &opts.globs;
    let (mut inputs, mut walk_failures) = collect_inputs(&opts.inputs, globs, &out)?;
    let tag = opts.shard.map(|(k, n)| format!("shard-{k}-of-{n}"));
    if let Some((k, n)) = opts.shard {
        inputs.retain(|i| shard_of(i, &out, n) == k);
        if k != 0 {
            walk_failures.clear(); // reported once, by shard 0
        }
    }
    if inputs.is_empty() && walk_failures.is_empty() && opts.shard.is_none() {
        return Err(Error::Usage(format!(
            "no input files found (looked for {} in {})",
            globs.join(", "),
            opts.inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        )));
    }
    let outdir = OutputDir::open(&out, tag.as_deref())?;
    let report = Reporter::new(inputs.len() as u64, plan.progress);
    report_setup(&report, engine, &notes, &outdir);
    let manifest_path = out.join(manifest::file_name(opts.shard));
    // The previous run's manifest, read once: its documents (none when there is none, it cannot
    // be read, or --force: then everything is translated again), and the link to eval's
    // comparison report, which stays in the index (the report is eval's file).
    let prior = Manifest::read_if_any(&manifest_path);
    let comparison = prior.as_ref().and_then(|m| m.report.clone());
    let previous = match prior {
        Some(m) if !plan.force => m.documents_by_source(),
        _ => HashMap::new(),
    };
    let extra = serde_json::json!({"formats": opts.formats, "globs": globs, "chunk_sentences": opts.chunk_sentences});
    let (options, key) = recorded_options(with, plan, Some(opts.html_extract), None, extra);
    let mut manifest = Manifest::new(engine, options, key.clone());
    manifest.shard = opts.shard;
    manifest.report = comparison;
    manifest.counts.documents = inputs.len() + walk_failures.len();
    for f in &walk_failures {
        report.failure(f);
    }
    manifest.failures = walk_failures;
    let model_name =
        engine.info.dir.file_name().map_or_else(|| engine.info.dir.display().to_string(), |n| n.to_string_lossy().into_owned());
    let outputs = Outputs {
        formats: &opts.formats,
        extract: opts.html_extract,
        ctx: Context { model_name: &model_name, model_fingerprint: &engine.info.fingerprint },
        fingerprint: &engine.info.fingerprint,
        key: &key,
    };

    let (read_tx, read_rx) = sync_channel::<Vec<Loaded>>(1);
    let (write_tx, write_rx) = sync_channel::<Vec<Done>>(1);
    let mut counts = Counts::default();
    let (translated, (mut manifest, write_error)) = std::thread::scope(|s| {
        let (outputs, previous, report, manifest_path) = (&outputs, &previous, &report, &manifest_path);
        s.spawn(move || {
            let read = |input: &Input| read_input(input, outputs, previous);
            read_chunks(&inputs, opts.chunk_sentences.max(1), read, read_tx)
        });
        let writer = s.spawn(move || write_stage(write_rx, outputs, manifest, report, manifest_path, started));
        let translated = translate_stage(with, tm.as_mut(), plan.boilerplate, read_rx, write_tx, &mut counts, report, started);
        (translated, writer.join().expect("writer thread panicked"))
    });
    let translate_s = match (translated, write_error) {
        (Ok(seconds), None) => seconds,
        (Err(e), _) | (Ok(_), Some(e)) => {
            report.clear();
            return Err(e);
        }
    };
    let elapsed = started.elapsed().as_secs_f64();
    let flags = std::mem::take(&mut manifest.counts.flags);
    complete_manifest(&mut manifest, Counts { flags, ..counts }, translate_s, elapsed, &manifest_path)?;
    if opts.formats.contains(&Format::Html) && opts.shard.is_none() {
        crate::run::index::write(&out, &manifest)?;
    }
    report.finish(&manifest.counts, elapsed);
    drop(outdir);
    Ok(Summary { counts: manifest.counts, failures: manifest.failures, elapsed_s: elapsed, lines: None })
}

/// The translate stage (the calling thread): one engine call per chunk. Returns the seconds
/// spent translating; stops at the first engine error, or when the writer has stopped.
#[allow(clippy::too_many_arguments)]
fn translate_stage(
    with: Translating,
    mut tm: Option<&mut TranslationMemory>,
    boilerplate: Boilerplate,
    chunks: Receiver<Vec<Loaded>>,
    tx: SyncSender<Vec<Done>>,
    counts: &mut Counts,
    report: &Reporter,
    started: Instant,
) -> Result<f64> {
    let mut seconds = 0.0;
    for chunk in chunks {
        let mut docs = Vec::new();
        let mut meta = Vec::new();
        let mut others = Vec::new();
        for r in chunk {
            match r {
                Loaded::Doc { input, doc, hash } => {
                    docs.push(doc);
                    meta.push((input, hash));
                }
                Loaded::UpToDate(e) => others.push(Done::UpToDate(e)),
                Loaded::Failed(f) => others.push(Done::Failed(f)),
            }
        }
        let t0 = Instant::now();
        let aligned = translate_docs(with, tm.as_deref_mut(), docs, &|d| plan(d, boilerplate), counts)?;
        seconds += t0.elapsed().as_secs_f64();
        report.rate(counts, started);
        others.extend(aligned.into_iter().zip(meta).map(|(aligned, (input, hash))| Done::Aligned { aligned, input, hash }));
        if tx.send(others).is_err() {
            break; // the writer stopped on an error, which it returns
        }
    }
    Ok(seconds)
}

/// The write stage: each chunk's documents (in parallel), then the manifest, so that the
/// manifest on disk always lists exactly the documents whose files are complete.
fn write_stage(
    chunks: Receiver<Vec<Done>>,
    outputs: &Outputs,
    mut manifest: Manifest,
    report: &Reporter,
    manifest_path: &Path,
    started: Instant,
) -> (Manifest, Option<Error>) {
    let mut done = 0u64;
    for chunk in chunks {
        let written: Vec<std::result::Result<(DocumentEntry, bool), Failure>> = chunk
            .into_par_iter()
            .map(|d| match d {
                Done::Failed(f) => Err(f),
                Done::UpToDate(entry) => Ok((entry, false)),
                Done::Aligned { aligned, input, hash } => outputs.write(aligned, input, hash).map(|entry| (entry, true)),
            })
            .collect();
        for w in written {
            done += 1;
            record(&mut manifest, report, w);
        }
        manifest.counts.failed = manifest.failures.len();
        report.progress(done, &manifest.counts, started);
        if let Err(e) = write_json(manifest_path, &manifest) {
            return (manifest, Some(e));
        }
    }
    (manifest, None)
}

/// Count and report one document's outcome (`fresh`: written by this run).
fn record(manifest: &mut Manifest, report: &Reporter, outcome: std::result::Result<(DocumentEntry, bool), Failure>) {
    match outcome {
        Ok((entry, fresh)) => {
            if fresh {
                manifest.counts.succeeded += 1;
                for warning in &entry.warnings {
                    report.warning(&entry.source, warning);
                }
                for (name, n) in &entry.flags {
                    *manifest.counts.flags.entry(name.clone()).or_default() += n;
                }
            } else {
                manifest.counts.up_to_date += 1;
            }
            manifest.documents.push(entry);
        }
        Err(f) => {
            report.failure(&f);
            manifest.failures.push(f);
        }
    }
}

/// The source hash the manifest records (and resumed runs compare).
fn content_hash(bytes: &[u8]) -> String {
    crate::short_hash(blake3::hash(bytes))
}

/// Read one input: skipped when the previous run's outputs are current, else structured.
fn read_input(input: &Input, outputs: &Outputs, previous: &HashMap<PathBuf, DocumentEntry>) -> Loaded {
    let bytes = match std::fs::read(&input.path) {
        Ok(b) => b,
        Err(e) => return Loaded::Failed(Failure { source: input.path.clone(), reason: read_reason(&e) }),
    };
    let hash = content_hash(&bytes);
    if let Some(entry) = previous.get(&input.path).filter(|e| outputs.current(e, &hash, input)) {
        return Loaded::UpToDate(entry.clone());
    }
    let doc = if html::is_html(&input.path) {
        html::document(&input.path, &bytes, outputs.extract)
    } else {
        Document::from_bytes(&input.path, &bytes)
    };
    match doc {
        Ok(doc) => Loaded::Doc { input: input.clone(), doc, hash },
        Err(Error::Input { reason, .. }) => Loaded::Failed(Failure { source: input.path.clone(), reason }),
        Err(e) => Loaded::Failed(Failure { source: input.path.clone(), reason: e.to_string() }),
    }
}

/// Read inputs in parallel and send them in growing chunks: one document first, so that the
/// first output appears at once, then four times more each chunk up to `chunk_max` sentences.
fn read_chunks(inputs: &[Input], chunk_max: usize, read: impl Fn(&Input) -> Loaded + Sync, tx: std::sync::mpsc::SyncSender<Vec<Loaded>>) {
    let mut target = 1usize;
    let mut chunk: Vec<Loaded> = Vec::new();
    let mut sentences = 0usize;
    let mut group = 1usize;
    let mut rest = inputs;
    while !rest.is_empty() {
        let (now, later) = rest.split_at(group.min(rest.len()));
        rest = later;
        group = (group * 2).min(64);
        let read: Vec<Loaded> = now.par_iter().map(&read).collect();
        for r in read {
            if let Loaded::Doc { doc, .. } = &r {
                sentences += doc.blocks.len() * 2; // about two sentences a block
            }
            chunk.push(r);
            if sentences >= target {
                if tx.send(std::mem::take(&mut chunk)).is_err() {
                    return;
                }
                sentences = 0;
                target = (target * 4).min(chunk_max);
            }
        }
    }
    if !chunk.is_empty() {
        let _ = tx.send(chunk);
    }
}
