//! The translate job: find inputs, read them in chunks, translate each chunk's distinct
//! sentences in one engine call, and write each document's outputs as soon as its chunk is
//! done. Reading, translating and writing overlap (three threads joined by bounded channels),
//! so memory stays bounded by a few chunks whatever the size of the folder.

use std::collections::{HashMap, HashSet};
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use globset::{Glob, GlobSet, GlobSetBuilder};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::align::{plan, Action, AlignedDocument, Boilerplate, PlannedBlock};
use crate::document::Document;
use crate::engine::{Engine, Translation};
use crate::error::{Error, Result};
use crate::manifest::{options_key, Counts, DocumentEntry, Failure, Manifest, Timings};
use crate::outdir::OutputDir;
use crate::output::{self, output_stem, with_suffix, Context, Format};

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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// A bar on a terminal, log lines otherwise.
    Auto,
    Quiet,
}

pub const DEFAULT_GLOBS: &[&str] = &["*.txt", "*.md"];

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

/// Plan every document of a chunk, translate the distinct texts once, assemble.
fn translate_docs(engine: &Engine, docs: Vec<Document>, boilerplate: Boilerplate, counts: &mut Counts) -> Result<Vec<AlignedDocument>> {
    let plans: Vec<Vec<PlannedBlock>> = docs.par_iter().map(|d| plan(d, boilerplate)).collect();
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
    let translated = engine.translate(&unique)?;
    counts.unique_translated += unique.len();
    for t in &translated {
        counts.split_for_length += usize::from(t.pieces > 1);
        counts.hit_max_length += usize::from(t.hit_max_length);
        counts.source_tokens += t.source_tokens;
        counts.target_tokens += t.target_tokens;
    }
    let map: HashMap<String, Translation> = unique.iter().map(|s| s.to_string()).zip(translated).collect();
    Ok(docs.into_par_iter().zip(plans).map(|(d, p)| AlignedDocument::assemble(d, p, &map)).collect())
}

/// Progress and notes for the user: an indicatif bar on a terminal, plain lines otherwise,
/// nothing with --quiet (failures still go to the manifest and the final summary).
struct Reporter {
    bar: Option<ProgressBar>,
    quiet: bool,
    total: u64,
}

impl Reporter {
    fn new(total: u64, progress: Progress) -> Reporter {
        let quiet = progress == Progress::Quiet;
        let bar = (!quiet && io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30.cyan/blue} {pos}/{len} documents  {msg}  ETA {eta}")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            bar
        });
        Reporter { bar, quiet, total }
    }

    fn note(&self, msg: &str) {
        match &self.bar {
            Some(b) => b.println(msg),
            None if !self.quiet => eprintln!("{msg}"),
            None => {}
        }
    }

    fn rate(&self, segments: usize, started: Instant) {
        if let Some(b) = &self.bar {
            let secs = started.elapsed().as_secs_f64().max(1e-9);
            b.set_message(format!("{segments} sentences, {:.1} sentences/s", segments as f64 / secs));
        }
    }

    fn progress(&self, done: u64, started: Instant) {
        match &self.bar {
            Some(b) => b.set_position(done),
            None if !self.quiet => eprintln!("[{:>7.1}s] {done}/{} documents done", started.elapsed().as_secs_f64(), self.total),
            None => {}
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// The options that decide a document's outputs (with the model fingerprint and the source).
fn decisive_options(engine: &Engine, job: &TranslateJob) -> serde_json::Value {
    let o = &engine.options;
    serde_json::json!({
        "beam": o.beam,
        "max_decoding_length": o.max_decoding_length,
        "compute_type": o.compute_type,
        "max_input_tokens": engine.max_input_tokens(),
        "layout": engine.info.layout,
        "boilerplate": job.boilerplate,
    })
}

/// Read one input: skipped when the previous run's outputs are current, else structured.
fn read_input(input: &Input, previous: &HashMap<PathBuf, DocumentEntry>, current: &dyn Fn(&DocumentEntry, &str, &Input) -> bool) -> Loaded {
    let bytes = match std::fs::read(&input.path) {
        Ok(b) => b,
        Err(e) => return Loaded::Failed(Failure { source: input.path.clone(), reason: Document::read_reason(&e) }),
    };
    let hash = blake3::hash(&bytes).to_hex()[..16].to_string();
    if let Some(entry) = previous.get(&input.path).filter(|e| current(e, &hash, input)) {
        return Loaded::UpToDate(entry.clone());
    }
    match Document::from_bytes(&input.path, &bytes) {
        Ok(doc) => Loaded::Doc { input: input.clone(), doc, hash },
        Err(Error::Input { reason, .. }) => Loaded::Failed(Failure { source: input.path.clone(), reason }),
        Err(e) => Loaded::Failed(Failure { source: input.path.clone(), reason: e.to_string() }),
    }
}

/// Translate files and folders into `job.out`, writing `manifest.json` there. Documents whose
/// outputs are complete and current (same source, model and options) are skipped unless
/// `job.force`, so a run killed at any moment can be re-run to finish the job.
pub fn run(engine: &Engine, job: &TranslateJob) -> Result<Summary> {
    let started = Instant::now();
    let out = job.out.clone().ok_or_else(|| Error::Usage("--out DIR is required when translating files or folders".into()))?;
    let (inputs, walk_failures) = collect_inputs(&job.inputs, &job.globs, &out)?;
    if inputs.is_empty() && walk_failures.is_empty() {
        return Err(Error::Usage(format!(
            "no input files found (looked for {} in {})",
            job.globs.join(", "),
            job.inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        )));
    }
    let outdir = OutputDir::open(&out)?;
    let report = Reporter::new(inputs.len() as u64, job.progress);
    if let Some(prev) = &outdir.took_over {
        report.note(&format!("note: took over {} from an interrupted run ({prev})", out.join(crate::outdir::LOCK_FILE).display()));
    }
    let manifest_path = out.join("manifest.json");
    let previous = if job.force { HashMap::new() } else { Manifest::previous_documents(&manifest_path) };
    let decisive = decisive_options(engine, job);
    let key = options_key(&decisive);
    let options = serde_json::json!({
        "decisive": decisive,
        "engine": engine.options,
        "formats": job.formats,
        "globs": job.globs,
        "chunk_sentences": job.chunk_sentences,
    });
    let mut manifest = Manifest::new(engine, options, key.clone());
    manifest.counts.documents = inputs.len() + walk_failures.len();
    for f in &walk_failures {
        report.note(&format!("skipped {}: {}", f.source.display(), f.reason));
    }
    manifest.failures = walk_failures;
    let model_name = engine.info.dir.file_name().map_or_else(|| engine.info.dir.display().to_string(), |n| n.to_string_lossy().into_owned());
    let ctx = Context { model_name: &model_name, model_fingerprint: &engine.info.fingerprint };
    let fingerprint = engine.info.fingerprint.as_str();
    let outputs_of = |input: &Input| -> Vec<PathBuf> { job.formats.iter().map(|f| with_suffix(&input.stem, f.writer().suffix())).collect() };
    let current = |e: &DocumentEntry, hash: &str, input: &Input| e.is_current(hash, fingerprint, &key, &outputs_of(input));

    let (read_tx, read_rx) = sync_channel::<Vec<Loaded>>(1);
    let (write_tx, write_rx) = sync_channel::<Vec<Done>>(1);
    let mut counts = Counts::default();
    let mut translate_s = 0.0;
    let mut fatal: Option<Error> = None;

    let (manifest, write_error) = std::thread::scope(|s| {
        let (report, previous, current, outputs_of, ctx, key, manifest_path) = (&report, &previous, &current, &outputs_of, &ctx, &key, &manifest_path);
        s.spawn(move || read_chunks(&inputs, job.chunk_sentences.max(1), |input| read_input(input, previous, current), read_tx));

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
                            let mut flags: HashMap<String, usize> = HashMap::new();
                            for (_, _, _, seg) in aligned.segments() {
                                for f in &seg.flags {
                                    *flags.entry(f.name().to_string()).or_default() += 1;
                                }
                            }
                            Ok((
                                DocumentEntry {
                                    source: input.path,
                                    outputs,
                                    source_hash: hash,
                                    model_fingerprint: fingerprint.to_string(),
                                    options_key: key.clone(),
                                    blocks: aligned.blocks.len(),
                                    segments: aligned.blocks.iter().map(|b| b.segments.len()).sum(),
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
                                    report.note(&format!("warning {}: {warning}", entry.source.display()));
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
                            report.note(&format!("failed {}: {}", f.source.display(), f.reason));
                            manifest.failures.push(f);
                        }
                    }
                }
                manifest.counts.failed = manifest.failures.len();
                report.progress(done, started);
                if let Err(e) = output::write_atomic(manifest_path, |w| serde_json::to_writer_pretty(&mut *w, &manifest).map_err(io::Error::from)) {
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
            match translate_docs(engine, docs, job.boilerplate, &mut counts) {
                Ok(aligned) => {
                    translate_s += t0.elapsed().as_secs_f64();
                    report.rate(counts.translated_segments, started);
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
    report.finish();
    let mut manifest = manifest;
    if let Some(e) = fatal.or(write_error) {
        return Err(e);
    }
    let elapsed = started.elapsed().as_secs_f64();
    manifest.counts = Counts {
        documents: manifest.counts.documents,
        succeeded: manifest.counts.succeeded,
        up_to_date: manifest.counts.up_to_date,
        failed: manifest.failures.len(),
        flags: std::mem::take(&mut manifest.counts.flags),
        ..counts
    };
    manifest.timings = Timings {
        total_s: elapsed,
        translate_s,
        segments_per_s: manifest.counts.translated_segments as f64 / elapsed.max(1e-9),
        target_tokens_per_s: manifest.counts.target_tokens as f64 / elapsed.max(1e-9),
    };
    manifest.complete = true;
    output::write_atomic(&manifest_path, |w| serde_json::to_writer_pretty(&mut *w, &manifest).map_err(io::Error::from))?;
    drop(outdir);
    Ok(Summary { counts: manifest.counts, failures: manifest.failures, elapsed_s: elapsed })
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
pub fn run_stdin(engine: &Engine, boilerplate: Boilerplate, out: &mut dyn Write) -> Result<()> {
    let mut bytes = Vec::new();
    io::Read::read_to_end(&mut io::stdin(), &mut bytes).map_err(|e| Error::io("-", e))?;
    let doc = Document::from_bytes(Path::new("-"), &bytes)?;
    for w in &doc.warnings {
        eprintln!("warning (stdin): {w}");
    }
    let mut counts = Counts::default();
    let aligned = translate_docs(engine, vec![doc], boilerplate, &mut counts)?;
    out.write_all(aligned[0].english().as_bytes()).and_then(|_| out.flush()).map_err(|e| Error::io("-", e))
}

/// `--lines`: every input line translated on its own (split into sentences inside the line,
/// then joined); exactly one output line per input line, empty for empty. Streams in chunks.
pub fn run_lines(engine: &Engine, input: &mut dyn BufRead, name: &Path, chunk_lines: usize, out: &mut dyn Write) -> Result<usize> {
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
        let aligned = translate_docs(engine, vec![doc], Boilerplate::Keep, &mut counts)?.pop().expect("one document");
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
