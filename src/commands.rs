//! The commands of the `terjemah` binary, as library calls: main.rs parses arguments into
//! these structs and maps the results to exit codes.

use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};

use crate::align::Boilerplate;
use crate::engine::{Engine, EngineOptions};
use crate::error::{Error, Result};
use crate::glossary::Glossary;
use crate::input::dataset::{Fields, Kind};
use crate::input::html::Extract;
use crate::output::{self, AtomicFile, Format};
use crate::pipeline::{self, TranslateJob, Translating};
use crate::progress::Progress;
use crate::{manifest, models};

/// `terjemah translate`.
#[derive(Clone, Debug)]
pub struct Translate {
    /// Files or folders; `-` alone reads one article from standard input.
    pub inputs: Vec<PathBuf>,
    /// Output folder; with `lines`, an output file. None: standard output (stdin and line modes).
    pub out: Option<PathBuf>,
    /// None: `$TERJEMAH_MODEL` or the bundled model.
    pub model: Option<PathBuf>,
    pub engine: EngineOptions,
    pub formats: Vec<Format>,
    /// Empty: `*.txt`, `*.md`.
    pub globs: Vec<String>,
    pub boilerplate: Boilerplate,
    pub lines: bool,
    pub chunk_sentences: usize,
    pub progress: Progress,
    pub force: bool,
    pub tm: Option<PathBuf>,
    pub no_tm: bool,
    pub shard: Option<(usize, usize)>,
    pub glossary: Option<PathBuf>,
    /// Dataset inputs (JSONL, CSV, TSV): the fields to translate; `None`: `title,text`.
    pub fields: Option<Vec<String>>,
    /// Dataset inputs: the field holding each record's id (else its line number).
    pub id_field: Option<String>,
    /// Dataset inputs: appended to a field's name to name its translation.
    pub target_suffix: String,
    /// HTML pages: the main article or every text block.
    pub html_extract: Extract,
}

/// Lines per chunk in line mode: small enough to stream, large enough to batch well.
const LINE_CHUNK: usize = 2000;

/// Run `translate`; Ok(false) when some documents failed (each was reported).
pub fn translate(cmd: Translate) -> Result<bool> {
    let stdin_only = cmd.inputs.len() == 1 && cmd.inputs[0].as_os_str() == "-";
    if cmd.inputs.is_empty() && !cmd.lines {
        return Err(Error::Usage("no input given: pass files or folders, `-` for standard input, or --lines".into()));
    }
    if cmd.inputs.len() > 1 && cmd.inputs.iter().any(|p| p.as_os_str() == "-") {
        return Err(Error::Usage("`-` (standard input) cannot be combined with other inputs".into()));
    }
    if cmd.lines && cmd.inputs.len() > 1 {
        return Err(Error::Usage("--lines takes one input file (or standard input)".into()));
    }
    let datasets = cmd.inputs.iter().filter(|p| Kind::of(p).is_some() && p.is_file()).count();
    if datasets > 0 && datasets < cmd.inputs.len() {
        return Err(Error::Usage("datasets (.jsonl, .csv, .tsv) cannot be mixed with articles or folders in one run".into()));
    }
    if datasets == 0 && (cmd.fields.is_some() || cmd.id_field.is_some()) {
        return Err(Error::Usage("--fields and --id-field are for dataset files (.jsonl, .csv, .tsv)".into()));
    }
    if datasets > 0 && cmd.lines {
        return Err(Error::Usage("--lines reads plain text, one segment a line; a dataset is translated without it".into()));
    }
    if stdin_only && !cmd.lines && cmd.out.is_some() {
        return Err(Error::Usage("`-` writes English to standard output; save it with `> FILE` instead of --out".into()));
    }
    let model_dir = match &cmd.model {
        Some(m) => m.clone(),
        None => {
            let dir = models::default_model_dir();
            if !dir.join("model.bin").is_file() {
                let looked: Vec<String> = models::default_model_candidates().iter().map(|p| p.display().to_string()).collect();
                return Err(Error::model(
                    &dir,
                    format!(
                        "no --model given and the bundled model is not there (looked in {}). Pass --model DIR or set \
                         TERJEMAH_MODEL; get a model with scripts/fetch-model.sh opus-mt-id-en (needs network) or train \
                         models/{} with scripts/train-starter/run",
                        looked.join(", "),
                        models::DEFAULT_MODEL
                    ),
                ));
            }
            dir
        }
    };
    let engine = Engine::load(&model_dir, cmd.engine.clone())?;
    let glossary = cmd.glossary.as_deref().map(Glossary::load).transpose()?;
    let with = Translating { engine: &engine, glossary: glossary.as_ref() };
    let tm_path = pipeline::usable_tm_path(cmd.tm.as_deref(), cmd.no_tm, with)?;

    if cmd.lines || stdin_only {
        let mut tm = tm_path.as_deref().map(|p| pipeline::open_tm(with, p)).transpose()?;
        if !cmd.lines {
            pipeline::run_stdin(with, tm.as_mut(), cmd.boilerplate, &mut io::stdout().lock())?;
            return Ok(true);
        }
        let (mut reader, name): (Box<dyn io::BufRead>, PathBuf) = match cmd.inputs.first().filter(|p| p.as_os_str() != "-") {
            Some(p) => (Box::new(BufReader::new(std::fs::File::open(p).map_err(|e| Error::io(p, e))?)), p.clone()),
            None => (Box::new(io::stdin().lock()), PathBuf::from("-")),
        };
        match &cmd.out {
            Some(p) => {
                let mut file = AtomicFile::create(p)?;
                pipeline::run_lines(with, tm.as_mut(), &mut reader, &name, LINE_CHUNK, &mut file)?;
                file.commit()?;
            }
            None => {
                pipeline::run_lines(with, tm.as_mut(), &mut reader, &name, LINE_CHUNK, &mut io::BufWriter::new(io::stdout().lock()))?;
            }
        }
        return Ok(true);
    }

    let quiet = cmd.progress != Progress::Auto;
    let job = TranslateJob {
        inputs: cmd.inputs,
        out: cmd.out,
        formats: cmd.formats,
        globs: if cmd.globs.is_empty() { pipeline::DEFAULT_GLOBS.iter().map(|s| s.to_string()).collect() } else { cmd.globs },
        boilerplate: cmd.boilerplate,
        chunk_sentences: cmd.chunk_sentences,
        progress: cmd.progress,
        force: cmd.force,
        tm: tm_path,
        shard: cmd.shard,
        glossary,
        html_extract: cmd.html_extract,
    };
    let summary = if datasets > 0 {
        let fields = Fields {
            fields: cmd.fields.unwrap_or_else(|| vec!["title".into(), "text".into()]),
            id_field: cmd.id_field,
            suffix: cmd.target_suffix,
        };
        pipeline::run_datasets(&engine, &job, &fields)?
    } else {
        pipeline::run(&engine, &job)?
    };
    let c = &summary.counts;
    if !quiet {
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

/// `terjemah models`: one line (or JSON object) per model folder found; Ok(false) when some
/// folder holding a model.bin could not be read as a model.
pub fn list_models(dirs: Vec<PathBuf>, json: bool) -> Result<bool> {
    let roots = if dirs.is_empty() { models::default_roots() } else { dirs };
    let found = models::discover(&roots);
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
            Ok(info) => models::describe(info),
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
            return Err(Error::Exit {
                code: 1,
                message: format!(
                    "the job is not finished:{list}\nRerun those shards (the same `terjemah translate ... --shard K/N`: the \
                     documents already done are skipped), then merge again; --allow-incomplete merges what is there"
                ),
            });
        }
        eprintln!("warning: merging an unfinished job (the merged manifest is marked incomplete):{list}");
    }
    let out = out.unwrap_or_else(|| paths[0].with_file_name("manifest.json"));
    output::write_atomic(&out, |w| serde_json::to_writer_pretty(&mut *w, &merged).map_err(io::Error::from))?;
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
    let added = crate::tm::merge(into, from)?;
    for (path, n) in from.iter().zip(&added) {
        eprintln!("{}: {n} translations added", path.display());
    }
    eprintln!("merged {} translation memories into {}: {} translations added", from.len(), into.display(), added.iter().sum::<usize>());
    Ok(())
}
