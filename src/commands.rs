//! The commands of the `terjemah` binary, as library calls: main.rs parses arguments into
//! these structs and maps the results to exit codes.

use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::input::dataset::{Fields, Kind};
use crate::model::{discover, Engine};
use crate::options::TranslateOptions;
use crate::output::{self, AtomicFile};
use crate::run::manifest;
use crate::run::progress::{notice, Progress};
use crate::run::{self, lines, Job, Translating};
use crate::text::glossary::Glossary;

pub mod eval;
pub mod vmap;

/// Lines per chunk in line mode: small enough to stream, large enough to batch well.
const LINE_CHUNK: usize = 2000;

/// Run `translate`; Ok(false) when some documents failed (each was reported).
pub fn translate(opts: TranslateOptions) -> Result<bool> {
    let stdin_only = opts.inputs.len() == 1 && opts.inputs[0].as_os_str() == "-";
    let datasets = check_translate_usage(&opts, stdin_only)?;
    let model_dir = match &opts.model {
        Some(m) => m.clone(),
        None => bundled_model()?,
    };
    let engine = Engine::load(&model_dir, opts.engine.clone())?;
    let glossary = opts.glossary.as_deref().map(Glossary::load).transpose()?;
    let with = Translating { engine: &engine, glossary: glossary.as_ref() };
    let (mut tm, tm_note) = run::usable_tm(opts.tm.as_deref(), opts.no_tm, with)?;

    if opts.lines || stdin_only {
        if let Some(n) = &tm_note {
            notice(opts.progress(), n);
        }
        if !opts.lines {
            lines::run_stdin(with, tm.as_mut(), opts.boilerplate, opts.progress(), &mut io::stdout().lock())?;
            return Ok(true);
        }
        let (mut reader, name): (Box<dyn io::BufRead>, PathBuf) = match opts.inputs.first().filter(|p| p.as_os_str() != "-") {
            Some(p) => (Box::new(BufReader::new(std::fs::File::open(p).map_err(|e| Error::io(p, e))?)), p.clone()),
            None => (Box::new(io::stdin().lock()), PathBuf::from("-")),
        };
        match &opts.out {
            Some(p) => {
                let mut file = AtomicFile::create(p)?;
                lines::run_lines(with, tm.as_mut(), &mut reader, &name, LINE_CHUNK, &mut file)?;
                file.commit()?;
            }
            None => {
                lines::run_lines(with, tm.as_mut(), &mut reader, &name, LINE_CHUNK, &mut io::BufWriter::new(io::stdout().lock()))?;
            }
        }
        return Ok(true);
    }

    let job = Job { options: &opts, with, tm, notes: tm_note.into_iter().collect() };
    let summary = if datasets {
        let fields = Fields {
            fields: opts.fields.clone().unwrap_or_else(|| vec!["title".into(), "text".into()]),
            id_field: opts.id_field.clone(),
            suffix: opts.target_suffix.clone(),
        };
        run::datasets::run(job, &fields)?
    } else {
        run::articles::run(job)?
    };
    let c = &summary.counts;
    if opts.progress() == Progress::Auto {
        eprintln!(
            "translated {} of {} documents ({} up to date; {} sentences, {} from the model, {} from memory) in {:.1}s{}",
            c.succeeded,
            c.documents,
            c.up_to_date,
            c.translated_segments,
            c.unique_translated,
            c.tm_hits,
            summary.elapsed_s,
            if summary.failures.is_empty() { String::new() } else { format!("; {} failed (see manifest.json)", summary.failures.len()) }
        );
    }
    Ok(summary.failures.is_empty())
}

/// The combinations of inputs and options that make no sense, refused before the model loads.
/// Returns whether the inputs are datasets.
fn check_translate_usage(opts: &TranslateOptions, stdin_only: bool) -> Result<bool> {
    if opts.inputs.is_empty() && !opts.lines {
        return Err(Error::Usage("no input given: pass files or folders, `-` for standard input, or --lines".into()));
    }
    if opts.inputs.len() > 1 && opts.inputs.iter().any(|p| p.as_os_str() == "-") {
        return Err(Error::Usage("`-` (standard input) cannot be combined with other inputs".into()));
    }
    if opts.lines && opts.inputs.len() > 1 {
        return Err(Error::Usage("--lines takes one input file (or standard input)".into()));
    }
    let datasets = opts.inputs.iter().filter(|p| Kind::of(p).is_some() && p.is_file()).count();
    if datasets > 0 && datasets < opts.inputs.len() {
        return Err(Error::Usage("datasets (.jsonl, .csv, .tsv) cannot be mixed with articles or folders in one run".into()));
    }
    if datasets == 0 && (opts.fields.is_some() || opts.id_field.is_some()) {
        return Err(Error::Usage("--fields and --id-field are for dataset files (.jsonl, .csv, .tsv)".into()));
    }
    if datasets > 0 && opts.lines {
        return Err(Error::Usage("--lines reads plain text, one segment a line; a dataset is translated without it".into()));
    }
    if stdin_only && !opts.lines && opts.out.is_some() {
        return Err(Error::Usage("`-` writes English to standard output; save it with `> FILE` instead of --out".into()));
    }
    Ok(datasets > 0)
}

/// The bundled model's folder, or an error saying how to get a model.
fn bundled_model() -> Result<PathBuf> {
    let dir = discover::default_model_dir();
    if dir.join("model.bin").is_file() {
        return Ok(dir);
    }
    let looked: Vec<String> = discover::default_model_candidates().iter().map(|p| p.display().to_string()).collect();
    Err(Error::model(
        &dir,
        format!(
            "no --model given and the bundled model is not there (looked in {}). Pass --model DIR or set \
             TERJEMAH_MODEL; get a model with scripts/fetch-model.sh opus-mt-id-en (needs network) or train \
             models/{} with scripts/train-starter/run",
            looked.join(", "),
            discover::DEFAULT_MODEL
        ),
    ))
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
        writeln!(out, "{line}").map_err(|e| Error::io("-", e))?;
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
    let pages = output::html::index_entries(dir, &merged.documents);
    if !pages.is_empty() {
        output::html::write_index(dir, &pages)?;
    }
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
