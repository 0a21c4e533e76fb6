//! The commands of the `terjemah` binary, as library calls: main.rs parses arguments into
//! these structs and maps the results to exit codes.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::{discover, Engine};
use crate::options::{Mode, Plan, TranslateArgs};
use crate::run::manifest;
use crate::run::progress::Progress;
use crate::run::{self, Job, Translating};
use crate::text::glossary::Glossary;

pub mod eval;
pub mod vmap;

/// Run `translate`; Ok(false) when some documents failed (each was reported).
pub fn translate(args: TranslateArgs) -> Result<bool> {
    let plan = args.resolve()?;
    let engine = Engine::load(&plan.model, &plan.engine)?;
    let glossary = plan.glossary.as_deref().map(Glossary::load).transpose()?;
    let with = Translating { engine: &engine, glossary: glossary.as_ref(), low_confidence: plan.low_confidence };
    let (tm, tm_note) = run::usable_tm(&plan.memory, with)?;

    let job = Job { plan: &plan, with, tm, notes: tm_note.into_iter().collect() };
    let summary = match &plan.mode {
        Mode::Stdin(stream) => run::lines::run(job, stream, false)?,
        Mode::Lines(stream) => run::lines::run(job, stream, true)?,
        Mode::Articles(articles) => run::articles::run(job, articles)?,
        Mode::Datasets(datasets) => run::datasets::run(job, datasets)?,
    };
    Ok(summarize(&plan, summary))
}

/// The summary line of a run (all modes); true when no document failed.
fn summarize(plan: &Plan, summary: run::Summary) -> bool {
    let c = &summary.counts;
    if plan.progress == Progress::Auto {
        let what = match summary.lines {
            Some(n) => format!("{n} line{} (", if n == 1 { "" } else { "s" }),
            None => format!("{} of {} documents ({} up to date; ", c.succeeded, c.documents, c.up_to_date),
        };
        eprintln!(
            "translated {what}{} sentences, {} from the model, {} from memory) in {:.1}s{}",
            c.translated_segments,
            c.unique_translated,
            c.tm_hits,
            summary.elapsed_s,
            if summary.failures.is_empty() { String::new() } else { format!("; {} failed (see manifest.json)", summary.failures.len()) }
        );
    }
    summary.failures.is_empty()
}

/// `terjemah models`: one line (or JSON object) per model folder found; Ok(false) when some
/// folder holding a model.bin could not be read as a model.
pub fn list_models(dirs: Vec<PathBuf>, json: bool) -> Result<bool> {
    let roots = if dirs.is_empty() { discover::default_roots() } else { dirs };
    let found = discover::discover(&roots);
    if found.is_empty() {
        return Err(Error::Usage(format!(
            "no models found in {} (a model folder holds model.bin)",
            roots.iter().map(|r| r.display().to_string()).collect::<Vec<_>>().join(", ")
        )));
    }
    let mut all_ok = true;
    let mut out = io::stdout().lock();
    for m in &found {
        let line = match m {
            Ok(info) if json => serde_json::to_string(info).expect("model info serialises"),
            Ok(info) => discover::describe(info),
            Err(e) => {
                all_ok = false;
                if json {
                    serde_json::json!({"error": e.to_string()}).to_string()
                } else {
                    format!("error: {e}")
                }
            }
        };
        writeln!(out, "{line}").map_err(|e| Error::io("standard output", e))?;
    }
    Ok(all_ok)
}

/// `terjemah merge-manifests`: merge shard manifests into `out` (default: manifest.json next
/// to the first), and the run's index.html when the shards wrote HTML pages. A job with shards
/// missing or incomplete is an error naming them (exit code 1, nothing written) unless
/// `allow_incomplete`, which writes the merged manifest marked incomplete with a warning.
pub fn merge_manifests(paths: &[PathBuf], out: Option<PathBuf>, allow_incomplete: bool) -> Result<()> {
    let (merged, unfinished) = manifest::merge(paths)?;
    if !unfinished.is_empty() {
        let list = unfinished.iter().map(|l| format!("\n  {l}")).collect::<String>();
        if !allow_incomplete {
            return Err(Error::Unfinished(format!(
                "the job is not finished:{list}\nRerun those shards (the same `terjemah translate ... --shard K/N`: the \
                 documents already done are skipped), then merge again; --allow-incomplete merges what is there"
            )));
        }
        eprintln!("warning: merging an unfinished job (the merged manifest is marked incomplete):{list}");
    }
    let out = out.unwrap_or_else(|| paths[0].with_file_name("manifest.json"));
    crate::run::write_json(&out, &merged)?;
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    run::index::write(dir, &merged)?;
    eprintln!(
        "merged {} manifests into {}: {} documents ({} translated, {} up to date, {} failed)",
        paths.len(),
        out.display(),
        merged.counts.documents,
        merged.counts.succeeded,
        merged.counts.up_to_date,
        merged.counts.failed
    );
    Ok(())
}

/// `terjemah tm merge`: copy into `into` (created if missing) the translations of each memory
/// in `from` that it does not hold yet, e.g. the per-shard memories of a job.
pub fn tm_merge(into: &Path, from: &[PathBuf]) -> Result<()> {
    let added = crate::run::memory::merge(into, from)?;
    for (path, n) in from.iter().zip(&added) {
        eprintln!("{}: {n} translations added", path.display());
    }
    eprintln!("merged {} translation memories into {}: {} translations added", from.len(), into.display(), added.iter().sum::<usize>());
    Ok(())
}
