//! The streaming modes: one article from standard input to standard output, and `--lines`
//! (one output line per input line, for line-aligned test sets). Like a run over files, each
//! ends with its summary and, with `--manifest FILE`, its manifest.

use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::align::AlignedDocument;
use crate::error::{Error, Result};
use crate::input::Document;
use crate::options::Plan;
use crate::options::StreamPlan;
use crate::output::AtomicFile;
use crate::run::chunk::{translate_docs, Translating};
use crate::run::manifest::{Counts, DocumentEntry, Manifest};
use crate::run::memory::TranslationMemory;
use crate::run::progress::{self, notice};
use crate::run::{complete_manifest, recorded_options, Job, Summary};
use crate::text::plan::{plan as plan_document, plan_whole, PlannedBlock};

/// Lines per chunk in line mode: small enough to stream, large enough to batch well.
const LINE_CHUNK: usize = 2000;

/// What a streaming run did so far: its counts, its document's entry, the seconds translating,
/// and the hash of the input bytes read.
struct Tally {
    counts: Counts,
    entry: DocumentEntry,
    translate_s: f64,
    hasher: blake3::Hasher,
}

impl Tally {
    /// Translate one chunk (a document, or lines as one), counting it.
    fn translate(
        &mut self,
        with: Translating,
        tm: Option<&mut TranslationMemory>,
        doc: Document,
        planner: &(dyn Fn(&Document) -> Vec<PlannedBlock> + Sync),
    ) -> Result<AlignedDocument> {
        let t0 = Instant::now();
        let aligned = translate_docs(with, tm, vec![doc], planner, &mut self.counts)?.pop().expect("one document");
        self.translate_s += t0.elapsed().as_secs_f64();
        self.entry.add(&aligned);
        Ok(aligned)
    }
}

/// `terjemah translate -` (`lines` false: standard input as one article, its English on
/// standard output) or `--lines`, from the plan's input to its output.
pub(crate) fn run(job: Job, stream: &StreamPlan, lines: bool) -> Result<Summary> {
    let Job { plan, with, mut tm, notes } = job;
    let started = Instant::now();
    progress::start(plan.progress, 1);
    for n in &notes {
        notice(plan.progress, n);
    }
    let (options, key) = recorded_options(with, plan, None, None, serde_json::json!({"lines": lines}));
    let source = stream.input.clone().unwrap_or_else(|| PathBuf::from("-"));
    let output = stream.out.clone().unwrap_or_else(|| PathBuf::from("-"));
    let entry = DocumentEntry::new(source.clone(), vec![output], String::new(), &with.engine.info.fingerprint, &key);
    let mut tally = Tally { counts: Counts::default(), entry, translate_s: 0.0, hasher: blake3::Hasher::new() };

    let mut input: Box<dyn BufRead> = match &stream.input {
        Some(p) => Box::new(BufReader::new(std::fs::File::open(p).map_err(|e| Error::io(p, e))?)),
        None => Box::new(io::stdin().lock()),
    };
    let source_name = if stream.input.is_some() { source.as_path() } else { Path::new("standard input") };
    let translated_lines = match &stream.out {
        Some(p) => {
            let mut file = AtomicFile::create(p)?;
            let n = translate_stream(with, tm.as_mut(), &mut tally, &mut input, source_name, lines, plan, &mut file, p)?;
            file.commit()?;
            n
        }
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            translate_stream(with, tm.as_mut(), &mut tally, &mut input, source_name, lines, plan, &mut out, Path::new("standard output"))?
        }
    };

    let Tally { mut counts, mut entry, translate_s, hasher } = tally;
    entry.source_hash = crate::short_hash(hasher.finalize());
    counts.flags = entry.flags.clone();
    counts.documents = 1;
    counts.succeeded = 1;
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(path) = &stream.manifest {
        let mut manifest = Manifest::new(with.engine, options, key);
        manifest.counts = counts.clone();
        manifest.documents = vec![entry];
        complete_manifest(&mut manifest, counts.clone(), translate_s, elapsed, path)?;
    }
    progress::done(plan.progress, &counts, elapsed);
    Ok(Summary { counts, failures: Vec::new(), elapsed_s: elapsed, lines: lines.then_some(translated_lines) })
}

/// Read, translate and write the whole stream; the number of lines written in line mode.
#[allow(clippy::too_many_arguments)]
fn translate_stream(
    with: Translating,
    tm: Option<&mut TranslationMemory>,
    tally: &mut Tally,
    input: &mut dyn BufRead,
    name: &Path,
    lines: bool,
    plan: &Plan,
    out: &mut dyn Write,
    out_name: &Path,
) -> Result<usize> {
    if lines {
        return run_lines(with, tm, tally, input, name, LINE_CHUNK, out, out_name);
    }
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).map_err(|e| Error::io(name, e))?;
    tally.hasher.update(&bytes);
    let doc = Document::from_bytes(name, &bytes)?;
    tally.entry.warnings = doc.warnings.clone();
    for w in &doc.warnings {
        notice(plan.progress, &format!("warning ({}): {w}", name.display()));
    }
    let aligned = tally.translate(with, tm, doc, &|d| plan_document(d, plan.boilerplate))?;
    out.write_all(aligned.english().as_bytes()).and_then(|_| out.flush()).map_err(|e| Error::io(out_name, e))?;
    Ok(0)
}

/// `--lines`: every input line translated on its own, whole (split, at clause punctuation
/// first, only when longer than the model accepts); exactly one output line per input line,
/// empty for empty: what evaluation against a line-aligned test set needs. Streams in chunks.
/// `name` and `out_name` name the input and the output in errors.
#[allow(clippy::too_many_arguments)]
fn run_lines(
    with: Translating,
    mut tm: Option<&mut TranslationMemory>,
    tally: &mut Tally,
    input: &mut dyn BufRead,
    name: &Path,
    chunk_lines: usize,
    out: &mut dyn Write,
    out_name: &Path,
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
            tally.hasher.update(&buf);
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
        let aligned = tally.translate(with, tm.as_deref_mut(), doc, &plan_whole)?;
        let mut by_line: Vec<String> = vec![String::new(); n];
        let line_starts: Vec<usize> = std::iter::once(0).chain(aligned.doc.text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        for b in &aligned.blocks {
            let line = line_starts.partition_point(|&s| s <= b.span.start) - 1;
            by_line[line] = b.target();
        }
        for l in by_line {
            writeln!(out, "{l}").map_err(|e| Error::io(out_name, e))?;
        }
        out.flush().map_err(|e| Error::io(out_name, e))?;
        total += n;
    }
    Ok(total)
}
