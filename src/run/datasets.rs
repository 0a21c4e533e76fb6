//! Datasets: JSONL, CSV and TSV files translated record by record, with the translated fields
//! added to each record; resumable after a kill at any point.

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::input::dataset::{self, Item, Position, RecordReader, RecordWriter};
use crate::input::discover::output_stem;
use crate::input::Document;
use crate::options::DatasetsPlan;
use crate::output::{self, with_suffix, Format};
use crate::run::chunk::translate_docs;
use crate::run::manifest::{count_flags, Counts, DocumentEntry, Failure, Manifest};
use crate::run::outdir::OutputDir;
use crate::run::progress::Reporter;
use crate::run::{complete_manifest, read_json_if_any, recorded_options, report_setup, write_json, Job, Summary};
use crate::text::plan::plan as plan_document;

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

/// Translate JSONL/CSV/TSV datasets record by record into `--out`: `NAME.en.EXT` (the
/// records with the translated fields added, in record order) and, with the `jsonl` format,
/// `NAME.align.jsonl` (the usual alignment rows, keyed by record id and field). Memory is
/// bounded by one chunk; progress is recorded after every chunk so that a killed run resumes
/// where it stopped; malformed records are reported by line number and skipped.
pub(crate) fn run(job: Job, opts: &DatasetsPlan) -> Result<Summary> {
    let Job { plan, with, mut tm, notes } = job;
    let fields = &opts.fields;
    let engine = with.engine;
    let started = Instant::now();
    let out = opts.out.clone();
    let outdir = OutputDir::open(&out, None)?;
    let report = Reporter::new(opts.inputs.len() as u64, plan.progress);
    report_setup(&report, engine, &notes, &outdir);
    let (options, key) = recorded_options(with, plan, None, Some(fields), serde_json::json!({"alignments": opts.alignments}));
    let mut manifest = Manifest::new(engine, options, key.clone());
    manifest.counts.documents = opts.inputs.len();
    let manifest_path = out.join("manifest.json");
    let mut counts = Counts::default();
    let mut translate_s = 0.0;
    for (n, path) in opts.inputs.iter().enumerate() {
        let kind =
            dataset::Kind::of(path).ok_or_else(|| Error::Usage(format!("{}: not a dataset (.jsonl, .csv, .tsv)", path.display())))?;
        let stem = output_stem(&out, Path::new(path.file_name().unwrap_or(path.as_os_str())));
        let output = with_suffix(&stem, &format!("en.{}", kind.extension()));
        let align = opts.alignments.then(|| with_suffix(&stem, Format::Jsonl.writer().suffix()));
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
        let previous = read_json_if_any::<DatasetProgress>(&progress_path).filter(|p| {
            !plan.force
                && (p.source_len, p.source_modified_ns, &p.model_fingerprint, &p.options_key)
                    == (fresh.source_len, fresh.source_modified_ns, &fresh.model_fingerprint, &fresh.options_key)
                && output.is_file()
                && align.as_ref().is_none_or(|a| a.is_file())
        });
        let mut progress = previous.clone().unwrap_or(fresh);
        let entry = |progress: &DatasetProgress, c: &Counts, flagged: usize| DocumentEntry {
            blocks: c.blocks,
            segments: c.segments,
            translated: c.translated_segments,
            flagged,
            flags: c.flags.clone(),
            ..DocumentEntry::new(
                path.clone(),
                std::iter::once(output.clone()).chain(align.clone()).collect(),
                format!("{}:{}", progress.source_len, progress.source_modified_ns),
                &progress.model_fingerprint,
                &progress.options_key,
            )
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
            while sentences < opts.chunk_sentences && records.len() < CHUNK_RECORDS {
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
            let mut aligned = translate_docs(with, tm.as_mut(), docs, &|d| plan_document(d, plan.boilerplate), &mut chunk)?.into_iter();
            translate_s += t0.elapsed().as_secs_f64();
            for r in &records {
                let mut targets = Vec::with_capacity(r.texts.len());
                for (field, text) in fields.fields.iter().zip(&r.texts) {
                    let target = match text {
                        Some(t) if !t.trim().is_empty() => {
                            let a = aligned.next().expect("one aligned document per field");
                            flagged += count_flags(&a, &mut chunk.flags);
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
            doc_counts += &chunk;
            counts += &chunk;
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
    Ok(Summary { counts: manifest.counts, failures: manifest.failures, elapsed_s: elapsed, lines: None })
}
