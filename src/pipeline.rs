//! The translate job: find inputs, read them in chunks, translate each chunk's distinct
//! sentences in one engine call, and write each document's outputs as soon as its chunk is
//! done. Reading, translating and writing overlap (three threads joined by bounded channels),
//! so memory stays bounded by a few chunks whatever the size of the folder.

use std::collections::{HashMap, HashSet};
use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use globset::{Glob, GlobSet, GlobSetBuilder};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;

use crate::align::{plan, Action, AlignedDocument, Boilerplate, PlannedBlock};
use crate::document::Document;
use crate::engine::{Engine, Translation};
use crate::error::{Error, Result};
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

#[derive(Clone, Debug, Serialize)]
pub struct Failure {
    pub source: PathBuf,
    pub reason: String,
}

/// What the run did; also the body of `manifest.json`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Counts {
    pub documents: usize,
    pub succeeded: usize,
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
}

#[derive(Clone, Debug, Serialize)]
pub struct DocumentEntry {
    pub source: PathBuf,
    pub outputs: Vec<PathBuf>,
    /// BLAKE3 of the source bytes as read (before decoding).
    pub source_hash: String,
    pub blocks: usize,
    pub segments: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Timings {
    pub total_s: f64,
    pub translate_s: f64,
    pub segments_per_s: f64,
    pub target_tokens_per_s: f64,
}

#[derive(Debug, Serialize)]
pub struct Manifest {
    pub tool: String,
    pub version: String,
    pub model: serde_json::Value,
    pub options: serde_json::Value,
    pub started_unix: u64,
    pub counts: Counts,
    pub timings: Timings,
    pub documents: Vec<DocumentEntry>,
    pub failures: Vec<Failure>,
}

impl Manifest {
    fn new(engine: &Engine, job: &TranslateJob) -> Manifest {
        Manifest {
            tool: "terjemah".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            model: serde_json::to_value(&engine.info).unwrap_or_default(),
            options: serde_json::json!({
                "engine": engine.options,
                "max_input_tokens": engine.max_input_tokens(),
                "boilerplate": job.boilerplate,
                "formats": job.formats,
                "globs": job.globs,
            }),
            started_unix: SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()),
            counts: Counts::default(),
            timings: Timings::default(),
            documents: Vec::new(),
            failures: Vec::new(),
        }
    }
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

struct ReadDoc {
    input: Input,
    doc: std::result::Result<(Document, String), Error>,
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
            None if !self.quiet => eprintln!("[{:>7.1}s] {done}/{} documents written", started.elapsed().as_secs_f64(), self.total),
            None => {}
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// Translate files and folders into `job.out`, writing `manifest.json` there.
pub fn run(engine: &Engine, job: &TranslateJob) -> Result<Summary> {
    let started = Instant::now();
    let out = job.out.clone().ok_or_else(|| Error::Usage("--out DIR is required when translating files or folders".into()))?;
    let (inputs, mut walk_failures) = collect_inputs(&job.inputs, &job.globs, &out)?;
    if inputs.is_empty() && walk_failures.is_empty() {
        return Err(Error::Usage(format!(
            "no input files found (looked for {} in {})",
            job.globs.join(", "),
            job.inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        )));
    }
    std::fs::create_dir_all(&out).map_err(|e| Error::io(&out, e))?;
    let mut manifest = Manifest::new(engine, job);
    let mut final_manifest: Option<Manifest> = None;
    manifest.counts.documents = inputs.len() + walk_failures.len();
    manifest.failures.append(&mut walk_failures);
    let report = Reporter::new(inputs.len() as u64, job.progress);
    for f in &manifest.failures {
        report.note(&format!("skipped {}: {}", f.source.display(), f.reason));
    }
    let report = &report;
    let ctx_name = engine.info.dir.file_name().map_or_else(|| engine.info.dir.display().to_string(), |n| n.to_string_lossy().into_owned());
    let ctx = Context { model_name: &ctx_name, model_fingerprint: &engine.info.fingerprint };
    let manifest_path = out.join("manifest.json");
    let chunk_max = job.chunk_sentences.max(1);

    let (read_tx, read_rx) = sync_channel::<Vec<ReadDoc>>(1);
    let (write_tx, write_rx) = sync_channel::<(Vec<(AlignedDocument, Input, String)>, Vec<ReadDoc>)>(1);
    let mut translate_s = 0.0;
    let mut fatal: Option<Error> = None;

    std::thread::scope(|s| {
        // Reader: read and structure files in parallel, in growing chunks (1 document first,
        // so the first output appears at once; then doubling up to chunk_max sentences).
        s.spawn(move || {
            let mut target = 1usize;
            let mut chunk: Vec<ReadDoc> = Vec::new();
            let mut sentences = 0usize;
            let mut group = 1usize;
            let mut rest = inputs.as_slice();
            while !rest.is_empty() {
                let (now, later) = rest.split_at(group.min(rest.len()));
                rest = later;
                group = (group * 2).min(64);
                let read: Vec<ReadDoc> = now
                    .par_iter()
                    .map(|input| ReadDoc {
                        input: input.clone(),
                        doc: std::fs::read(&input.path)
                            .map_err(|e| Error::input(&input.path, format!("cannot read: {e}")))
                            .and_then(|bytes| {
                                let hash = blake3::hash(&bytes).to_hex()[..16].to_string();
                                Document::from_bytes(&input.path, &bytes).map(|d| (d, hash))
                            }),
                    })
                    .collect();
                for r in read {
                    if let Ok((d, _)) = &r.doc {
                        sentences += d.blocks.len() * 2; // rough: two sentences a block
                    }
                    chunk.push(r);
                    if sentences >= target {
                        if read_tx.send(std::mem::take(&mut chunk)).is_err() {
                            return;
                        }
                        sentences = 0;
                        target = (target * 4).min(chunk_max);
                    }
                }
            }
            if !chunk.is_empty() {
                let _ = read_tx.send(chunk);
            }
        });

        // Writer: write each document's files, keep the manifest current.
        let (manifest_path, ctx) = (&manifest_path, &ctx);
        let writer = s.spawn(move || -> (Manifest, Option<Error>) {
            let mut done = 0u64;
            for (aligned, failed) in write_rx {
                for r in failed {
                    if let Err(e) = r.doc {
                        let reason = match &e {
                            Error::Input { reason, .. } => reason.clone(),
                            other => other.to_string(),
                        };
                        report.note(&format!("failed {}: {reason}", r.input.path.display()));
                        manifest.failures.push(Failure { source: r.input.path, reason });
                        manifest.counts.failed += 1;
                    }
                }
                let written: Vec<Result<DocumentEntry>> = aligned
                    .par_iter()
                    .map(|(a, input, hash)| {
                        let mut outputs = Vec::new();
                        for f in &job.formats {
                            let w = f.writer();
                            let path = with_suffix(&input.stem, w.suffix());
                            output::write_atomic(&path, |out| w.write(a, ctx, out))?;
                            outputs.push(path);
                        }
                        Ok(DocumentEntry {
                            source: input.path.clone(),
                            outputs,
                            source_hash: hash.clone(),
                            blocks: a.blocks.len(),
                            segments: a.blocks.iter().map(|b| b.segments.len()).sum(),
                            warnings: a.doc.warnings.clone(),
                        })
                    })
                    .collect();
                for ((_, input, _), w) in aligned.iter().zip(written) {
                    match w {
                        Ok(entry) => {
                            manifest.counts.succeeded += 1;
                            for warning in &entry.warnings {
                                report.note(&format!("warning {}: {warning}", input.path.display()));
                            }
                            manifest.documents.push(entry);
                        }
                        Err(e) => {
                            manifest.counts.failed += 1;
                            report.note(&format!("failed {}: {e}", input.path.display()));
                            manifest.failures.push(Failure { source: input.path.clone(), reason: e.to_string() });
                        }
                    }
                    done += 1;
                }
                if let Err(e) = output::write_atomic(manifest_path, |w| serde_json::to_writer_pretty(&mut *w, &manifest).map_err(io::Error::from)) {
                    return (manifest, Some(e));
                }
                report.progress(done, started);
            }
            (manifest, None)
        });

        // Translator (this thread).
        let mut counts = Counts::default();
        for chunk in read_rx {
            let (ok, failed): (Vec<ReadDoc>, Vec<ReadDoc>) = chunk.into_iter().partition(|r| r.doc.is_ok());
            let (docs, meta): (Vec<Document>, Vec<(Input, String)>) =
                ok.into_iter().map(|r| {
                    let (d, h) = r.doc.expect("partitioned");
                    (d, (r.input, h))
                }).unzip();
            let t0 = Instant::now();
            let result = translate_docs(engine, docs, job.boilerplate, &mut counts);
            translate_s += t0.elapsed().as_secs_f64();
            match result {
                Ok(aligned) => {
                    report.rate(counts.translated_segments, started);
                    let triples: Vec<_> = aligned.into_iter().zip(meta).map(|(a, (i, h))| (a, i, h)).collect();
                    if write_tx.send((triples, failed)).is_err() {
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
        let (mut m, write_err) = writer.join().expect("writer thread panicked");
        m.counts = Counts { documents: m.counts.documents, succeeded: m.counts.succeeded, failed: m.counts.failed, ..counts };
        final_manifest = Some(m);
        if fatal.is_none() {
            fatal = write_err;
        }
    });
    report.finish();
    if let Some(e) = fatal {
        return Err(e);
    }
    let mut manifest = final_manifest.expect("set when the writer finished");
    let elapsed = started.elapsed().as_secs_f64();
    manifest.counts.failed = manifest.failures.len();
    manifest.timings = Timings {
        total_s: elapsed,
        translate_s,
        segments_per_s: manifest.counts.translated_segments as f64 / elapsed.max(1e-9),
        target_tokens_per_s: manifest.counts.target_tokens as f64 / elapsed.max(1e-9),
    };
    output::write_atomic(&manifest_path, |w| serde_json::to_writer_pretty(&mut *w, &manifest).map_err(io::Error::from))?;
    Ok(Summary { counts: manifest.counts.clone(), failures: manifest.failures, elapsed_s: elapsed })
}

// ---------------------------------------------------------------------------------------------
// Standard input and line mode

/// `terjemah translate -`: one article from standard input, English on standard output.
pub fn run_stdin(engine: &Engine, boilerplate: Boilerplate, out: &mut dyn Write) -> Result<()> {
    let mut bytes = Vec::new();
    io::stdin().read_to_end(&mut bytes).map_err(|e| Error::io("-", e))?;
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
