//! The `terjemah` command line: parse arguments, call the library, map errors to exit codes.

use std::io::{self, BufReader};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use terjemah::align::Boilerplate;
use terjemah::engine::{Compute, Engine, EngineOptions};
use terjemah::output::{AtomicFile, Format};
use terjemah::pipeline::{self, Progress, TranslateJob};
use terjemah::{models, Error, Result};

#[derive(Parser)]
#[command(name = "terjemah", version, about = "Translate Indonesian news articles into English with a local CTranslate2 model")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Translate articles (files, folders, or `-` for standard input) into aligned bilingual files
    #[command(after_help = "Examples:
  terjemah translate articles/ --out out/
  terjemah translate article.txt --out out/ --formats txt,jsonl
  cat article.txt | terjemah translate -
  terjemah translate --lines < test.id > test.en")]
    Translate(TranslateArgs),
}

#[derive(Args)]
struct TranslateArgs {
    /// Files or folders of articles (folders are searched recursively); `-` reads standard input
    inputs: Vec<PathBuf>,
    /// Output folder (mirrors the input tree); with --lines, an output file
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// CTranslate2 model folder [default: $TERJEMAH_MODEL, else the bundled models/id-en-starter]
    #[arg(long, short)]
    model: Option<PathBuf>,
    /// Output formats, comma-separated: txt (NAME.en.txt), md (NAME.bi.md), jsonl (NAME.align.jsonl)
    #[arg(long, value_delimiter = ',', default_value = "txt,md,jsonl")]
    formats: Vec<Format>,
    /// File name patterns searched in folders (repeatable; `!PATTERN` excludes) [default: *.txt, *.md]
    #[arg(long = "glob")]
    globs: Vec<String>,
    /// Boilerplate lines (Baca Juga, Editor:, Sumber:, tags): keep verbatim, translate, or drop
    #[arg(long, default_value = "keep")]
    boilerplate: Boilerplate,
    /// Translate each input line on its own: exactly one output line per input line
    #[arg(long)]
    lines: bool,
    /// Beam size (1 = greedy)
    #[arg(long, default_value_t = EngineOptions::default().beam)]
    beam: usize,
    /// Longest output in tokens for one sentence (reaching it is reported in the manifest)
    #[arg(long, default_value_t = EngineOptions::default().max_decoding_length)]
    max_decoding_length: usize,
    /// Tokens per batch handed to CTranslate2
    #[arg(long, default_value_t = EngineOptions::default().batch_tokens)]
    batch_tokens: usize,
    /// Compute type: int8, int8_float32, int16, float32, auto, default
    #[arg(long, default_value = "int8")]
    compute_type: Compute,
    /// CPU threads for translation [default: all cores]
    #[arg(long)]
    threads: Option<usize>,
    /// Parallel model replicas (CTranslate2 inter_threads); each gets threads / inter-threads
    #[arg(long, default_value_t = EngineOptions::default().inter_threads)]
    inter_threads: usize,
    /// Longest input in tokens before a sentence is split [default: from the model's config, else 256]
    #[arg(long)]
    max_input_tokens: Option<usize>,
    /// Source language code of multilingual models [default: ind_Latn for NLLB, __id__ for M2M-100]
    #[arg(long)]
    src_lang: Option<String>,
    /// Target language code of multilingual models [default: eng_Latn for NLLB, __en__ for M2M-100]
    #[arg(long)]
    tgt_lang: Option<String>,
    /// Most sentences held in memory at once (larger chunks batch better)
    #[arg(long, default_value_t = 4096)]
    chunk_sentences: usize,
    /// No progress bar or log lines (errors are still reported)
    #[arg(long, short)]
    quiet: bool,
    /// Translate every document again, even those whose outputs in --out are current
    #[arg(long)]
    force: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Translate(args) => translate(args),
    };
    match result {
        Ok(code) => code,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("terjemah: error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn translate(a: TranslateArgs) -> Result<ExitCode> {
    let defaults = EngineOptions::default();
    let options = EngineOptions {
        beam: a.beam,
        max_decoding_length: a.max_decoding_length,
        batch_tokens: a.batch_tokens,
        compute_type: a.compute_type,
        threads: a.threads.unwrap_or(defaults.threads),
        inter_threads: a.inter_threads,
        max_input_tokens: a.max_input_tokens,
        src_lang: a.src_lang,
        tgt_lang: a.tgt_lang,
    };
    let stdin_only = a.inputs.len() == 1 && a.inputs[0].as_os_str() == "-";
    if a.inputs.is_empty() && !a.lines {
        return Err(Error::Usage("no input given: pass files or folders, `-` for standard input, or --lines".into()));
    }
    if a.inputs.len() > 1 && a.inputs.iter().any(|p| p.as_os_str() == "-") {
        return Err(Error::Usage("`-` (standard input) cannot be combined with other inputs".into()));
    }
    let model_dir = a.model.unwrap_or_else(models::default_model_dir);
    let engine = Engine::load(&model_dir, options)?;

    if a.lines {
        if a.inputs.len() > 1 {
            return Err(Error::Usage("--lines takes one input file (or standard input)".into()));
        }
        let (mut reader, name): (Box<dyn io::BufRead>, PathBuf) = match a.inputs.first().filter(|p| p.as_os_str() != "-") {
            Some(p) => (Box::new(BufReader::new(std::fs::File::open(p).map_err(|e| Error::io(p, e))?)), p.clone()),
            None => (Box::new(io::stdin().lock()), PathBuf::from("-")),
        };
        match &a.out {
            Some(p) => {
                let mut file = AtomicFile::create(p)?;
                pipeline::run_lines(&engine, &mut reader, &name, 2000, &mut file)?;
                file.commit()?;
            }
            None => {
                pipeline::run_lines(&engine, &mut reader, &name, 2000, &mut io::BufWriter::new(io::stdout().lock()))?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    if stdin_only && a.out.is_none() {
        pipeline::run_stdin(&engine, a.boilerplate, &mut io::stdout().lock())?;
        return Ok(ExitCode::SUCCESS);
    }
    if stdin_only {
        return Err(Error::Usage("`-` writes English to standard output; save it with `> FILE` instead of --out".into()));
    }
    let job = TranslateJob {
        inputs: a.inputs,
        out: a.out,
        formats: a.formats,
        globs: if a.globs.is_empty() { pipeline::DEFAULT_GLOBS.iter().map(|s| s.to_string()).collect() } else { a.globs },
        boilerplate: a.boilerplate,
        chunk_sentences: a.chunk_sentences,
        progress: if a.quiet { Progress::Quiet } else { Progress::Auto },
        force: a.force,
    };
    let summary = pipeline::run(&engine, &job)?;
    let c = &summary.counts;
    if !a.quiet {
        eprintln!(
            "translated {} of {} documents ({} sentences, {} distinct) in {:.1}s: {:.1} sentences/s{}",
            c.succeeded,
            c.documents,
            c.translated_segments,
            c.unique_translated,
            summary.elapsed_s,
            c.translated_segments as f64 / summary.elapsed_s.max(1e-9),
            if summary.failures.is_empty() { String::new() } else { format!("; {} failed (see manifest.json)", summary.failures.len()) }
        );
    }
    Ok(if summary.failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
