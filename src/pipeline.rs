//! The translate job: find inputs, read them in chunks, translate each chunk's distinct
//! sentences in one engine call, and write each document's outputs as soon as its chunk is
//! done. Reading, translating and writing overlap (three threads joined by bounded channels),
//! so memory stays bounded by a few chunks whatever the size of the folder.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufRead, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::align::{plan, plan_whole, Action, AlignedDocument, Boilerplate, PlannedBlock};
use crate::document::Document;
use crate::engine::{Engine, Translation};
use crate::error::{Error, Result};
use crate::glossary::{Glossary, Protected};
use crate::input::dataset::{self, Fields, Item, Position, RecordReader, RecordWriter};
use crate::input::html::{self, Extract};
use crate::manifest::{options_key, Counts, DocumentEntry, Failure, Manifest, Timings};
use crate::outdir::OutputDir;
use crate::output::{self, output_stem, with_suffix, Context, Format};
use crate::progress::Reporter;
use crate::tm::TranslationMemory;

/// Options of `terjemah translate` after argument parsing.
#[derive(Clone, Debug)]
pub struct TranslateJob {
    /// Files or folders; `-` reads one article from standard input.
    pub inputs: Vec<PathBuf>,
    /// Output folder (article mode) or file (line mode). `None`: standard output.
    pub out: Option<PathBuf>,
    pub formats: Vec<Format>,
    /// File name patterns for folder inputs; `!pattern` excludes.
    pub globs: Vec<String>,
    pub boilerplate: Boilerplate,
    /// Upper bound of sentences per chunk (memory bound; the first chunks are smaller so that
    /// the first files appear quickly).
    pub chunk_sentences: usize,
    pub progress: Progress,
    /// Translate every document again, even those whose outputs are current.
    pub force: bool,
    /// Translation memory database; `None` runs without one.
    pub tm: Option<PathBuf>,
    /// `(k, n)`: translate only the inputs of shard k of n (0 <= k < n).
    pub shard: Option<(usize, usize)>,
    /// Terms to keep or translate in a fixed way.
    pub glossary: Option<Glossary>,
    /// What of an HTML page is translated.
    pub html_extract: Extract,
}

/// Shard of an input: a hash of its path relative to the output folder, so that every process
/// of a job computes the same split whatever machine or order it runs in.
pub fn shard_of(input: &Input, out: &Path, n: usize) -> usize {
    let rel = input.stem.strip_prefix(out).unwrap_or(&input.stem);
    let h = blake3::hash(rel.to_string_lossy().as_bytes());
    (u64::from_le_bytes(h.as_bytes()[..8].try_into().expect("8 bytes")) % n as u64) as usize
}

pub use crate::progress::Progress;

/// What folders are searched for: articles and saved pages, less terjemah's own HTML outputs
/// (review pages and translated pages left in an input folder by an earlier run elsewhere).
pub const DEFAULT_GLOBS: &[&str] = &["*.txt", "*.md", "*.html", "*.htm", "!*.bi.html", "!*.en.html"];

/// Written next to the other outputs of an HTML page: the page with the English in place.
const TRANSLATED_PAGE: &str = "en.html";

/// A file to translate and where its outputs go.
#[derive(Clone, Debug)]
pub struct Input {
    pub path: PathBuf,
    /// Output path without suffix: `OUT/sub/NAME`.
    pub stem: PathBuf,
}

/// The outcome of a run, for the exit code and the summary line.
#[derive(Debug)]
pub struct Summary {
    pub counts: Counts,
    pub failures: Vec<Failure>,
    pub elapsed_s: f64,
}

// ---------------------------------------------------------------------------------------------
// Finding inputs

fn globset(globs: &[String]) -> Result<(GlobSet, GlobSet)> {
    let (mut inc, mut exc) = (GlobSetBuilder::new(), GlobSetBuilder::new());
    for g in globs {
        let (builder, pat) = match g.strip_prefix('!') {
            Some(p) => (&mut exc, p),
            None => (&mut inc, g.as_str()),
        };
        builder.add(Glob::new(pat).map_err(|e| Error::Usage(format!("invalid --glob {g:?}: {e}")))?);
    }
    let build = |b: GlobSetBuilder| b.build().map_err(|e| Error::Usage(format!("invalid --glob: {e}")));
    Ok((build(inc)?, build(exc)?))
}

/// Expand files and folders into inputs (sorted within each folder), with the failures met on
/// the way (unreadable folders, symlink loops, dangling links, output name collisions).
pub fn collect_inputs(inputs: &[PathBuf], globs: &[String], out: &Path) -> Result<(Vec<Input>, Vec<Failure>)> {
    let (include, exclude) = globset(globs)?;
    let out_canon = out.canonicalize().ok();
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for root in inputs {
        let meta = std::fs::metadata(root).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => Error::Usage(format!("{}: no such file or folder", root.display())),
            _ => Error::io(root, e),
        })?;
        if meta.is_file() {
            let name = PathBuf::from(root.file_name().unwrap_or(root.as_os_str()));
            found.push((root.clone(), name));
            continue;
        }
        let walker = walkdir::WalkDir::new(root).follow_links(true).sort_by_file_name().into_iter();
        let walker = walker.filter_entry(|e| {
            // Never read our own outputs back: skip the output folder if it is inside the input.
            !(e.file_type().is_dir() && out_canon.as_ref().is_some_and(|o| e.path().canonicalize().ok().as_ref() == Some(o)))
        });
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    let rel = e.path().strip_prefix(root).unwrap_or(e.path()).to_path_buf();
                    if include.is_match(&rel) && !exclude.is_match(&rel) {
                        found.push((e.path().to_path_buf(), rel));
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    let path = e.path().map_or_else(|| root.clone(), Path::to_path_buf);
                    let reason = if e.loop_ancestor().is_some() {
                        "symbolic link loop: skipped".to_string()
                    } else if let Some(io) = e.io_error() {
                        match io.kind() {
                            io::ErrorKind::NotFound => "dangling symbolic link: skipped".to_string(),
                            io::ErrorKind::PermissionDenied => "permission denied: skipped".to_string(),
                            _ => format!("cannot read: {io}"),
                        }
                    } else {
                        e.to_string()
                    };
                    failures.push(Failure { source: path, reason });
                }
            }
        }
    }
    // Two inputs must never write the same output file.
    let mut owners: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut result = Vec::new();
    for (path, rel) in found {
        let stem = output_stem(out, &rel);
        if let Some(first) = owners.get(&stem) {
            failures.push(Failure {
                source: path,
                reason: format!("its outputs ({}.*) would overwrite those of {}; rename one of them", stem.display(), first.display()),
            });
            continue;
        }
        owners.insert(stem.clone(), path.clone());
        result.push(Input { path, stem });
    }
    Ok((result, failures))
}

// ---------------------------------------------------------------------------------------------
// Translating chunks

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

/// Translate texts, protecting glossary terms with placeholders; a text whose placeholders
/// did not survive is translated again without them (its missing terms are flagged later).
fn translate_protected(engine: &Engine, glossary: Option<&Glossary>, texts: &[&str], counts: &mut Counts) -> Result<Vec<Translation>> {
    let Some(g) = glossary.filter(|g| !g.is_empty()) else {
        return engine.translate(texts);
    };
    let protected: Vec<Option<Protected>> = texts.par_iter().map(|t| g.protect(t)).collect();
    let inputs: Vec<&str> = texts.iter().zip(&protected).map(|(t, p)| p.as_ref().map_or(*t, |p| p.text.as_str())).collect();
    let mut out = engine.translate(&inputs)?;
    let mut retry = Vec::new();
    for (i, p) in protected.iter().enumerate() {
        if let Some(p) = p {
            counts.glossary_protected += 1;
            match g.restore(p, &out[i].text) {
                Some(text) => out[i].text = text,
                None => retry.push(i),
            }
        }
    }
    counts.glossary_retranslated += retry.len();
    if !retry.is_empty() {
        let again = engine.translate(&retry.iter().map(|&i| texts[i]).collect::<Vec<_>>())?;
        for (i, t) in retry.into_iter().zip(again) {
            out[i] = t;
        }
    }
    Ok(out)
}

/// What a chunk is translated with.
#[derive(Clone, Copy)]
pub struct Translating<'a> {
    pub engine: &'a Engine,
    pub glossary: Option<&'a Glossary>,
}

/// Plan every document of a chunk, translate the distinct texts once (those the translation
/// memory does not already hold), assemble.
fn translate_docs(
    with: Translating,
    tm: Option<&mut TranslationMemory>,
    docs: Vec<Document>,
    planner: &(dyn Fn(&Document) -> Vec<PlannedBlock> + Sync),
    counts: &mut Counts,
) -> Result<Vec<AlignedDocument>> {
    let engine = with.engine;
    let plans: Vec<Vec<PlannedBlock>> = docs.par_iter().map(planner).collect();
    let mut seen = HashSet::new();
    let mut unique: Vec<&str> = Vec::new();
    for (doc, p) in docs.iter().zip(&plans) {
        for seg in p.iter().flat_map(|b| &b.segments) {
            counts.segments += 1;
            if seg.action == Action::Translated {
                counts.translated_segments += 1;
                let text = &doc.text[seg.span.clone()];
                if seen.insert(text) {
                    unique.push(text);
                }
            }
        }
        counts.blocks += p.len();
    }
    let mut known = match &tm {
        Some(tm) => tm.lookup(&unique)?,
        None => HashMap::new(),
    };
    let misses: Vec<&str> = unique.iter().enumerate().filter(|(i, _)| !known.contains_key(i)).map(|(_, s)| *s).collect();
    let translated = translate_protected(engine, with.glossary, &misses, counts)?;
    counts.tm_hits += known.len();
    counts.unique_translated += misses.len();
    for t in &translated {
        counts.source_tokens += t.source_tokens;
        counts.target_tokens += t.target_tokens;
    }
    if let Some(tm) = tm {
        tm.store(&misses.iter().copied().zip(&translated).collect::<Vec<_>>())?;
    }
    let mut fresh = translated.into_iter();
    let mut map: HashMap<String, Translation> = unique
        .iter()
        .enumerate()
        .map(|(i, s)| (s.to_string(), known.remove(&i).unwrap_or_else(|| fresh.next().expect("one translation per miss"))))
        .collect();
    for (source, t) in map.iter_mut() {
        counts.split_for_length += usize::from(t.pieces > 1);
        counts.hit_max_length += usize::from(t.hit_max_length);
        if let Some(g) = with.glossary {
            t.glossary_missing = g.missing(source, &t.text);
        }
    }
    Ok(docs.into_par_iter().zip(plans).map(|(d, p)| AlignedDocument::assemble(d, p, &map)).collect())
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
    })
}

/// The options that decide a document's outputs (with the model fingerprint and the source).
fn decisive_options(with: Translating, job: &TranslateJob) -> serde_json::Value {
    let mut v = engine_decisive(with);
    v["boilerplate"] = serde_json::to_value(job.boilerplate).unwrap_or_default();
    v["html_extract"] = serde_json::to_value(job.html_extract).unwrap_or_default();
    v
}

/// The translation memory to use: the one given (an error if it cannot be opened), else the
/// default one when it can be opened (the memory only saves time: a run without it is still
/// right, so an unwritable cache folder is a warning), else none.
pub fn usable_tm_path(given: Option<&Path>, disabled: bool, with: Translating) -> Result<Option<PathBuf>> {
    if disabled {
        return Ok(None);
    }
    if let Some(p) = given {
        open_tm(with, p)?;
        return Ok(Some(p.to_path_buf()));
    }
    let p = crate::tm::default_path();
    match open_tm(with, &p) {
        Ok(_) => Ok(Some(p)),
        Err(e) => {
            eprintln!("warning: running without a translation memory: {e}");
            Ok(None)
        }
    }
}

/// Open the translation memory for this engine's model and decoding options.
pub fn open_tm(with: Translating, path: &Path) -> Result<TranslationMemory> {
    TranslationMemory::open(path, &with.engine.info.fingerprint, &options_key(&engine_decisive(with)))
}

/// Read one input: skipped when the previous run's outputs are current, else structured.
fn read_input(
    input: &Input,
    extract: Extract,
    previous: &HashMap<PathBuf, DocumentEntry>,
    current: &dyn Fn(&DocumentEntry, &str, &Input) -> bool,
) -> Loaded {
    let bytes = match std::fs::read(&input.path) {
        Ok(b) => b,
        Err(e) => return Loaded::Failed(Failure { source: input.path.clone(), reason: Document::read_reason(&e) }),
    };
    let hash = blake3::hash(&bytes).to_hex()[..16].to_string();
    if let Some(entry) = previous.get(&input.path).filter(|e| current(e, &hash, input)) {
        return Loaded::UpToDate(entry.clone());
    }
    let doc =
        if html::is_html(&input.path) { html::document(&input.path, &bytes, extract) } else { Document::from_bytes(&input.path, &bytes) };
    match doc {
        Ok(doc) => Loaded::Doc { input: input.clone(), doc, hash },
        Err(Error::Input { reason, .. }) => Loaded::Failed(Failure { source: input.path.clone(), reason }),
        Err(e) => Loaded::Failed(Failure { source: input.path.clone(), reason: e.to_string() }),
    }
}

/// Translate files and folders into `job.out`, writing `manifest.json` there. Documents whose
/// outputs are complete and current (same source, model and options) are skipped unless
/// `job.force`, so a run killed at any moment can be re-run to finish the job.
pub fn run(engine: &Engine, job: &TranslateJob) -> Result<Summary> {
    let with = Translating { engine, glossary: job.glossary.as_ref() };
    let started = Instant::now();
    let out = job.out.clone().ok_or_else(|| Error::Usage("--out DIR is required when translating files or folders".into()))?;
    let (mut inputs, mut walk_failures) = collect_inputs(&job.inputs, &job.globs, &out)?;
    let tag = job.shard.map(|(k, n)| format!("shard-{k}-of-{n}"));
    if let Some((k, n)) = job.shard {
        inputs.retain(|i| shard_of(i, &out, n) == k);
        if k != 0 {
            walk_failures.clear(); // reported once, by shard 0
        }
    }
    if inputs.is_empty() && walk_failures.is_empty() && job.shard.is_none() {
        return Err(Error::Usage(format!(
            "no input files found (looked for {} in {})",
            job.globs.join(", "),
            job.inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        )));
    }
    let outdir = OutputDir::open(&out, tag.as_deref())?;
    let report = Reporter::new(inputs.len() as u64, job.progress);
    if let Some(note) = &with.engine.info.note {
        // e.g. the bundled interim model: the user should know what quality to expect.
        report.note(&format!("note: model {}: {note}", with.engine.info.dir.display()));
    }
    if let Some(note) = &with.engine.compute_note {
        report.note(&format!("note: {note}"));
    }
    if let Some(prev) = &outdir.took_over {
        report.note(&format!("note: took over {} from an interrupted run ({prev})", out.join(crate::outdir::LOCK_FILE).display()));
    }
    let manifest_path = out.join(tag.as_ref().map_or_else(|| "manifest.json".to_string(), |t| format!("manifest.{t}.json")));
    let previous = if job.force { HashMap::new() } else { Manifest::previous_documents(&manifest_path) };
    let decisive = decisive_options(with, job);
    let key = options_key(&decisive);
    let options = serde_json::json!({
        "decisive": decisive,
        "engine": engine.options,
        "formats": job.formats,
        "globs": job.globs,
        "chunk_sentences": job.chunk_sentences,
    });
    let mut manifest = Manifest::new(engine, options, key.clone());
    manifest.shard = job.shard;
    manifest.counts.documents = inputs.len() + walk_failures.len();
    for f in &walk_failures {
        report.failure(f);
    }
    manifest.failures = walk_failures;
    let mut tm = job.tm.as_deref().map(|p| open_tm(with, p)).transpose()?;
    let model_name =
        engine.info.dir.file_name().map_or_else(|| engine.info.dir.display().to_string(), |n| n.to_string_lossy().into_owned());
    let ctx = Context { model_name: &model_name, model_fingerprint: &engine.info.fingerprint };
    let fingerprint = engine.info.fingerprint.as_str();
    let outputs_of = |input: &Input| -> Vec<PathBuf> {
        let page = html::is_html(&input.path).then(|| with_suffix(&input.stem, TRANSLATED_PAGE));
        job.formats.iter().map(|f| with_suffix(&input.stem, f.writer().suffix())).chain(page).collect()
    };
    let current = |e: &DocumentEntry, hash: &str, input: &Input| e.is_current(hash, fingerprint, &key, &outputs_of(input));

    let (read_tx, read_rx) = sync_channel::<Vec<Loaded>>(1);
    let (write_tx, write_rx) = sync_channel::<Vec<Done>>(1);
    let mut counts = Counts::default();
    let mut translate_s = 0.0;
    let mut fatal: Option<Error> = None;

    let (manifest, write_error) = std::thread::scope(|s| {
        let (report, previous, current, outputs_of, ctx, key, manifest_path) =
            (&report, &previous, &current, &outputs_of, &ctx, &key, &manifest_path);
        s.spawn(move || {
            read_chunks(&inputs, job.chunk_sentences.max(1), |input| read_input(input, job.html_extract, previous, current), read_tx)
        });

        // Writer: each document's files, then the manifest, chunk by chunk.
        let writer = s.spawn(move || -> (Manifest, Option<Error>) {
            let mut done = 0u64;
            for chunk in write_rx {
                let written: Vec<std::result::Result<(DocumentEntry, bool), Failure>> = chunk
                    .into_par_iter()
                    .map(|d| match d {
                        Done::Failed(f) => Err(f),
                        Done::UpToDate(entry) => Ok((entry, false)),
                        Done::Aligned { aligned, input, hash } => {
                            let mut outputs = Vec::new();
                            for (f, path) in job.formats.iter().zip(outputs_of(&input)) {
                                let w = f.writer();
                                output::write_atomic(&path, |out| w.write(&aligned, ctx, out))
                                    .map_err(|e| Failure { source: input.path.clone(), reason: e.to_string() })?;
                                outputs.push(path);
                            }
                            if html::is_html(&input.path) {
                                let path = with_suffix(&input.stem, TRANSLATED_PAGE);
                                let fail = |reason: String| Failure { source: input.path.clone(), reason };
                                let bytes = std::fs::read(&input.path).map_err(|e| fail(Document::read_reason(&e)))?;
                                let page = html::write_translated(&bytes, job.html_extract, &aligned).map_err(fail)?;
                                output::write_atomic(&path, |out| out.write_all(page.as_bytes())).map_err(|e| fail(e.to_string()))?;
                                outputs.push(path);
                            }
                            let segments = || aligned.segments().map(|(_, _, _, seg)| seg);
                            let flags = crate::quality::count(segments().flat_map(|seg| &seg.flags))
                                .into_iter()
                                .map(|(k, v)| (k.to_string(), v))
                                .collect();
                            Ok((
                                DocumentEntry {
                                    source: input.path,
                                    outputs,
                                    source_hash: hash,
                                    model_fingerprint: fingerprint.to_string(),
                                    options_key: key.clone(),
                                    blocks: aligned.blocks.len(),
                                    segments: segments().count(),
                                    translated: segments().filter(|seg| seg.action == Action::Translated).count(),
                                    flagged: segments().filter(|seg| !seg.flags.is_empty()).count(),
                                    flags,
                                    warnings: aligned.doc.warnings.clone(),
                                },
                                true,
                            ))
                        }
                    })
                    .collect();
                for w in written {
                    done += 1;
                    match w {
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
                manifest.counts.failed = manifest.failures.len();
                report.progress(done, &manifest.counts, started);
                if let Err(e) = write_json(manifest_path, &manifest) {
                    return (manifest, Some(e));
                }
            }
            (manifest, None)
        });

        // Translator (this thread): one engine call per chunk.
        for chunk in read_rx {
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
            match translate_docs(with, tm.as_mut(), docs, &|d| plan(d, job.boilerplate), &mut counts) {
                Ok(aligned) => {
                    translate_s += t0.elapsed().as_secs_f64();
                    report.rate(&counts, started);
                    others.extend(aligned.into_iter().zip(meta).map(|(aligned, (input, hash))| Done::Aligned { aligned, input, hash }));
                    if write_tx.send(others).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    fatal = Some(e);
                    break;
                }
            }
        }
        drop(write_tx);
        writer.join().expect("writer thread panicked")
    });
    let mut manifest = manifest;
    if let Some(e) = fatal.or(write_error) {
        report.clear();
        return Err(e);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let flags = std::mem::take(&mut manifest.counts.flags);
    complete_manifest(&mut manifest, Counts { flags, ..counts }, translate_s, elapsed, &manifest_path)?;
    if job.formats.contains(&Format::Html) && job.shard.is_none() {
        output::html::write_index(&out, &output::html::index_entries(&out, &manifest.documents))?;
    }
    report.finish(&manifest.counts, elapsed);
    drop(outdir);
    Ok(Summary { counts: manifest.counts, failures: manifest.failures, elapsed_s: elapsed })
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

/// A JSON file (manifest, progress), written atomically.
fn write_json(path: &Path, value: &impl Serialize) -> Result<()> {
    output::write_atomic(path, |w| serde_json::to_writer_pretty(&mut *w, value).map_err(io::Error::from))
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

// ---------------------------------------------------------------------------------------------
// Standard input and line mode

/// `terjemah translate -`: one article from standard input, English on standard output.
pub fn run_stdin(with: Translating, tm: Option<&mut TranslationMemory>, boilerplate: Boilerplate, out: &mut dyn Write) -> Result<()> {
    let mut bytes = Vec::new();
    io::Read::read_to_end(&mut io::stdin(), &mut bytes).map_err(|e| Error::io("-", e))?;
    let doc = Document::from_bytes(Path::new("-"), &bytes)?;
    for w in &doc.warnings {
        eprintln!("warning (stdin): {w}");
    }
    let mut counts = Counts::default();
    let aligned = translate_docs(with, tm, vec![doc], &|d| plan(d, boilerplate), &mut counts)?;
    out.write_all(aligned[0].english().as_bytes()).and_then(|_| out.flush()).map_err(|e| Error::io("-", e))
}

/// `--lines`: every input line translated on its own, whole (split, at clause punctuation
/// first, only when longer than the model accepts); exactly one output line per input line,
/// empty for empty: what evaluation against a line-aligned test set needs. Streams in chunks.
pub fn run_lines(
    with: Translating,
    mut tm: Option<&mut TranslationMemory>,
    input: &mut dyn BufRead,
    name: &Path,
    chunk_lines: usize,
    out: &mut dyn Write,
) -> Result<usize> {
    let mut total = 0;
    let mut buf = Vec::new();
    loop {
        let mut text = String::new();
        let mut n = 0;
        while n < chunk_lines.max(1) {
            buf.clear();
            let read = input.read_until(b'\n', &mut buf).map_err(|e| Error::io(name, e))?;
            if read == 0 {
                break;
            }
            let line = std::str::from_utf8(&buf).map_err(|e| {
                Error::input(name, format!("invalid UTF-8 on line {} (byte {} of the line)", total + n + 1, e.valid_up_to()))
            })?;
            let line = line.strip_suffix('\n').unwrap_or(line);
            let line = line.strip_suffix('\r').unwrap_or(line);
            let line = if total + n == 0 { line.strip_prefix('\u{feff}').unwrap_or(line) } else { line };
            // One line of the chunk per input line; inner CRs would split it, so they become spaces.
            text.push_str(&line.replace('\r', " "));
            text.push('\n');
            n += 1;
        }
        if n == 0 {
            break;
        }
        let doc = Document::from_lines(name, text);
        let mut counts = Counts::default();
        let aligned = translate_docs(with, tm.as_deref_mut(), vec![doc], &plan_whole, &mut counts)?.pop().expect("one document");
        let mut by_line: Vec<String> = vec![String::new(); n];
        let line_starts: Vec<usize> = std::iter::once(0).chain(aligned.doc.text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        for b in &aligned.blocks {
            let line = line_starts.partition_point(|&s| s <= b.span.start) - 1;
            by_line[line] = b.target();
        }
        for l in by_line {
            writeln!(out, "{l}").map_err(|e| Error::io("-", e))?;
        }
        out.flush().map_err(|e| Error::io("-", e))?;
        total += n;
    }
    Ok(total)
}

// ---------------------------------------------------------------------------------------------
// Datasets: JSONL, CSV, TSV

/// How far the translation of a dataset got, rewritten (atomically) after every chunk as
/// `OUT/NAME.progress.json`: a killed run resumes at `next`, after cutting the outputs back to
/// the lengths they had when this was written.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct DatasetProgress {
    /// Size and modification time of the source: a changed dataset is translated again.
    source_len: u64,
    source_modified_ns: u128,
    model_fingerprint: String,
    options_key: String,
    next: Position,
    records: u64,
    output_len: u64,
    align_len: u64,
    complete: bool,
    failures: Vec<Failure>,
    /// Counts of the records done so far, and of their segments with quality flags.
    counts: Counts,
    flagged: usize,
}

/// Records read per chunk at most, whatever their size (sentences bound the chunk first).
const CHUNK_RECORDS: usize = 4096;

/// A dataset's output file, appended to and cut back on resume.
fn open_appending(path: &Path, keep: u64) -> Result<File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let mut f = std::fs::OpenOptions::new().create(true).write(true).truncate(false).open(path).map_err(|e| Error::io(path, e))?;
    f.set_len(keep).map_err(|e| Error::io(path, e))?;
    f.seek(SeekFrom::End(0)).map_err(|e| Error::io(path, e))?;
    Ok(f)
}

/// Length of a flushed output file once it is on disk.
fn synced_len(f: &File, path: &Path) -> Result<u64> {
    f.sync_data().map_err(|e| Error::io(path, e))?;
    f.metadata().map(|m| m.len()).map_err(|e| Error::io(path, e))
}

/// Translate JSONL/CSV/TSV datasets record by record into `job.out`: `NAME.en.EXT` (the
/// records with the translated fields added, in record order) and, with the `jsonl` format,
/// `NAME.align.jsonl` (the usual alignment rows, keyed by record id and field). Memory is
/// bounded by one chunk; progress is recorded after every chunk so that a killed run resumes
/// where it stopped; malformed records are reported by line number and skipped.
pub fn run_datasets(engine: &Engine, job: &TranslateJob, fields: &Fields) -> Result<Summary> {
    let with = Translating { engine, glossary: job.glossary.as_ref() };
    let started = Instant::now();
    let out = job.out.clone().ok_or_else(|| Error::Usage("--out DIR is required when translating datasets".into()))?;
    if job.shard.is_some() {
        return Err(Error::Usage("--shard is for folders of articles; split a dataset into files to share it".into()));
    }
    let outdir = OutputDir::open(&out, None)?;
    let report = Reporter::new(job.inputs.len() as u64, job.progress);
    let mut decisive = decisive_options(with, job);
    decisive["fields"] = serde_json::to_value(fields).unwrap_or_default();
    let key = options_key(&decisive);
    let options = serde_json::json!({"decisive": decisive, "engine": engine.options, "formats": job.formats});
    let mut manifest = Manifest::new(engine, options, key.clone());
    manifest.counts.documents = job.inputs.len();
    let manifest_path = out.join("manifest.json");
    let mut tm = job.tm.as_deref().map(|p| open_tm(with, p)).transpose()?;
    let mut counts = Counts::default();
    let mut translate_s = 0.0;
    for (n, path) in job.inputs.iter().enumerate() {
        let kind =
            dataset::Kind::of(path).ok_or_else(|| Error::Usage(format!("{}: not a dataset (.jsonl, .csv, .tsv)", path.display())))?;
        let stem = output_stem(&out, Path::new(path.file_name().unwrap_or(path.as_os_str())));
        let output = with_suffix(&stem, &format!("en.{}", kind.extension()));
        let align = job.formats.contains(&Format::Jsonl).then(|| with_suffix(&stem, Format::Jsonl.writer().suffix()));
        let progress_path = with_suffix(&stem, "progress.json");
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        let modified = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
        let fresh = DatasetProgress {
            source_len: meta.len(),
            source_modified_ns: modified,
            model_fingerprint: engine.info.fingerprint.clone(),
            options_key: key.clone(),
            ..Default::default()
        };
        let previous: Option<DatasetProgress> =
            std::fs::read(&progress_path).ok().and_then(|b| serde_json::from_slice::<DatasetProgress>(&b).ok()).filter(|p| {
                !job.force
                    && (p.source_len, p.source_modified_ns, &p.model_fingerprint, &p.options_key)
                        == (fresh.source_len, fresh.source_modified_ns, &fresh.model_fingerprint, &fresh.options_key)
                    && output.is_file()
                    && align.as_ref().is_none_or(|a| a.is_file())
            });
        let mut progress = previous.clone().unwrap_or(fresh);
        let entry = |progress: &DatasetProgress, c: &Counts, flagged: usize| DocumentEntry {
            source: path.clone(),
            outputs: std::iter::once(output.clone()).chain(align.clone()).collect(),
            source_hash: format!("{}:{}", progress.source_len, progress.source_modified_ns),
            model_fingerprint: progress.model_fingerprint.clone(),
            options_key: progress.options_key.clone(),
            blocks: c.blocks,
            segments: c.segments,
            translated: c.translated_segments,
            flagged,
            flags: c.flags.clone(),
            warnings: Vec::new(),
        };
        if progress.complete {
            manifest.counts.up_to_date += 1;
            manifest.failures.extend(progress.failures.iter().cloned());
            manifest.documents.push(entry(&progress, &Counts::default(), 0));
            report.progress(n as u64 + 1, &manifest.counts, started);
            continue;
        }
        if let Some(p) = &previous {
            report.note(&format!("note: {}: resuming at record {} (line {})", path.display(), p.records + 1, p.next.line));
        }
        let mut reader = RecordReader::open(path, kind, fields, previous.as_ref().map(|p| p.next))?;
        let out_file = open_appending(&output, progress.output_len)?;
        let header = (progress.output_len == 0).then(|| reader.headers().map(|h| (h.clone(), fields))).flatten();
        let mut writer = RecordWriter::new(kind, io::BufWriter::new(out_file), header.as_ref().map(|(h, f)| (h, *f)))
            .map_err(|e| Error::io(&output, e))?;
        let mut align_w = match &align {
            Some(a) => Some(io::BufWriter::new(open_appending(a, progress.align_len)?)),
            None => None,
        };
        let (mut doc_counts, mut flagged) = (progress.counts.clone(), progress.flagged);
        loop {
            // One chunk of records, bounded in sentences and in records.
            let mut records = Vec::new();
            let mut docs = Vec::new();
            let mut sentences = 0;
            while sentences < job.chunk_sentences.max(1) && records.len() < CHUNK_RECORDS {
                match reader.next_item().map_err(|e| Error::io(path, e))? {
                    None => break,
                    Some(Item::Malformed { line, reason }) => {
                        let f =
                            Failure { source: PathBuf::from(format!("{}:{line}", path.display())), reason: format!("skipped: {reason}") };
                        report.failure(&f);
                        progress.failures.push(f);
                    }
                    Some(Item::Record(r)) => {
                        for (field, text) in fields.fields.iter().zip(&r.texts) {
                            if let Some(text) = text.as_deref().filter(|t| !t.trim().is_empty()) {
                                let doc = Document::from_text(Path::new(&format!("{}#{}/{field}", path.display(), r.id)), text);
                                sentences += doc.blocks.len() * 2;
                                docs.push(doc);
                            }
                        }
                        records.push(r);
                    }
                }
            }
            if records.is_empty() && docs.is_empty() {
                break;
            }
            let t0 = Instant::now();
            let mut chunk = Counts::default();
            let mut aligned = translate_docs(with, tm.as_mut(), docs, &|d| plan(d, job.boilerplate), &mut chunk)?.into_iter();
            translate_s += t0.elapsed().as_secs_f64();
            for r in &records {
                let mut targets = Vec::with_capacity(r.texts.len());
                for (field, text) in fields.fields.iter().zip(&r.texts) {
                    let target = match text {
                        Some(t) if !t.trim().is_empty() => {
                            let a = aligned.next().expect("one aligned document per field");
                            for (_, _, _, seg) in a.segments() {
                                flagged += usize::from(!seg.flags.is_empty());
                                for f in &seg.flags {
                                    *chunk.flags.entry(f.name().to_string()).or_default() += 1;
                                }
                            }
                            if let Some(w) = align_w.as_mut() {
                                output::write_alignment_rows(&a, Some((&r.id, field)), w)
                                    .map_err(|e| Error::io(align.as_ref().unwrap(), e))?;
                            }
                            Some(a.english())
                        }
                        other => other.clone(),
                    };
                    targets.push(target);
                }
                writer.write(r, fields, &targets).map_err(|e| Error::io(&output, e))?;
            }
            progress.records += records.len() as u64;
            // The dataset's counts over every run that worked on it; the manifest's totals, this run's.
            doc_counts.add(&chunk);
            counts.add(&chunk);
            (progress.counts, progress.flagged) = (doc_counts.clone(), flagged);
            progress.next = reader.position();
            writer.flush().map_err(|e| Error::io(&output, e))?;
            progress.output_len = synced_len(writer.get_ref().get_ref(), &output)?;
            if let (Some(w), Some(a)) = (align_w.as_mut(), &align) {
                w.flush().map_err(|e| Error::io(a, e))?;
                progress.align_len = synced_len(w.get_ref(), a)?;
            }
            write_json(&progress_path, &progress)?;
            report.rate(&counts, started);
            report.records(path, progress.records, started);
        }
        progress.complete = true;
        write_json(&progress_path, &progress)?;
        manifest.counts.succeeded += 1;
        manifest.failures.extend(progress.failures.iter().cloned());
        manifest.documents.push(entry(&progress, &doc_counts, flagged));
        report.progress(n as u64 + 1, &manifest.counts, started);
    }
    let elapsed = started.elapsed().as_secs_f64();
    complete_manifest(&mut manifest, counts, translate_s, elapsed, &manifest_path)?;
    report.finish(&manifest.counts, elapsed);
    drop(outdir);
    Ok(Summary { counts: manifest.counts, failures: manifest.failures, elapsed_s: elapsed })
}
