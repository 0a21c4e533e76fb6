//! The `terjemah` command line: parse arguments, call the library, map errors to exit codes.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use terjemah::align::Boilerplate;
use terjemah::engine::{Compute, EngineOptions};
use terjemah::output::Format;
use terjemah::progress::Progress;
use terjemah::{commands, Error, Result};

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
  terjemah translate --lines < test.id > test.en
  terjemah translate data.jsonl --fields title,text --id-field id --out out/")]
    Translate(Box<TranslateArgs>),
    /// Score translations against references: BLEU, chrF, chrF++, TER, identical to sacrebleu 2.5.1,
    /// with sacrebleu's command line
    #[command(
        infer_long_args = true,
        after_help = "Examples (sacrebleu's command lines work unchanged):
  terjemah eval ref.en -i out.en                          # BLEU as sacrebleu's JSON
  cat out.en | terjemah eval ref.en ref2.en -m bleu chrf ter -f text
  terjemah eval ref.en -i out.en -m chrf --chrf-word-order 2 -b -w 2
  terjemah eval ref.en -i base.en a.en b.en --paired-bs -f text
  terjemah eval --hyp out.en --ref ref.en --json          # everything, terjemah's JSON
  terjemah eval --hyp-dir out/ --ref-dir refs/            # articles of a translate run

Files are read as sacrebleu reads them (one segment per line, trailing whitespace and CR
ignored); scores, signatures, p-values and printed output are sacrebleu's. Exit codes as
sacrebleu's: 1 when line counts differ, 17 for a wrong number of tab-separated fields, 2 for a
usage error."
    )]
    Eval(Box<terjemah::eval::cli::EvalArgs>),
    /// List the translation models found, with layout, languages, size and fingerprint
    #[command(after_help = "Examples:
  terjemah models                      # the bundled models/ folder
  terjemah models ~/models models/nllb-200-distilled-600M")]
    Models(ModelsArgs),
    /// Merge the manifests written by the shards of one job (--shard K/N) into one
    #[command(after_help = "Example:
  terjemah merge-manifests out/manifest.shard-*-of-3.json --out out/manifest.json")]
    MergeManifests(MergeArgs),
    /// Print a shell completion script
    #[command(after_help = "Examples:
  terjemah completions bash > ~/.local/share/bash-completion/completions/terjemah
  terjemah completions zsh > ~/.zfunc/_terjemah
  terjemah completions fish > ~/.config/fish/completions/terjemah.fish")]
    Completions { shell: clap_complete::Shell },
}

#[derive(Args)]
struct ModelsArgs {
    /// Model folders, or folders holding model folders [default: the bundled models/]
    dirs: Vec<PathBuf>,
    /// One JSON object per model
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct MergeArgs {
    /// Shard manifests (manifest.shard-K-of-N.json)
    #[arg(required = true)]
    manifests: Vec<PathBuf>,
    /// Merged manifest to write [default: manifest.json next to the first shard manifest]
    #[arg(long, short)]
    out: Option<PathBuf>,
}

/// `K/N` of `--shard`.
fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (k, n) = s.split_once('/').ok_or("expected K/N, e.g. 0/4")?;
    let (k, n): (usize, usize) = (k.trim().parse().map_err(|_| "K is not a number")?, n.trim().parse().map_err(|_| "N is not a number")?);
    if n == 0 || k >= n {
        return Err(format!("shard {k}/{n}: need 0 <= K < N"));
    }
    Ok((k, n))
}

#[derive(Args)]
struct TranslateArgs {
    /// Files or folders of articles (folders are searched recursively); `-` reads standard input
    inputs: Vec<PathBuf>,
    /// Output folder (mirrors the input tree); with --lines, an output file
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// CTranslate2 model folder [default: $TERJEMAH_MODEL, else the bundled models/id-en-starter,
    /// an interim CPU-trained model of low quality: see its MODEL_CARD.md]
    #[arg(long, short)]
    model: Option<PathBuf>,
    /// Output formats, comma-separated: txt (NAME.en.txt), md (NAME.bi.md), jsonl (NAME.align.jsonl),
    /// html (NAME.bi.html + index.html), tmx (NAME.tmx), tsv (NAME.tsv)
    #[arg(long, value_delimiter = ',', default_value = "txt,md,jsonl")]
    formats: Vec<Format>,
    /// File name patterns searched in folders (repeatable; `!PATTERN` excludes) [default: *.txt, *.md,
    /// *.html, *.htm, except terjemah's *.bi.html and *.en.html]
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
    /// Compute type: int8, int8_float32, float32, int16 (MKL builds only), auto, default (as saved)
    /// [default: the faster of int8 and float32 for this model on this CPU, measured on the
    /// first run and cached in ~/.cache/terjemah/compute-types.json]
    #[arg(long, env = "TERJEMAH_COMPUTE_TYPE")]
    compute_type: Option<Compute>,
    /// CPU threads for translation [default: all cores]
    #[arg(long)]
    threads: Option<usize>,
    /// Parallel model replicas (CTranslate2 inter_threads); each gets threads / inter-threads.
    /// 0: one per thread while their weights fit in 1 GiB (each replica holds a copy)
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
    /// Translation memory (SQLite) [default: $TERJEMAH_TM, else ~/.cache/terjemah/tm.sqlite]
    #[arg(long, value_name = "PATH", conflicts_with = "no_tm")]
    tm: Option<PathBuf>,
    /// Translate every sentence with the model, without reading or filling the translation memory
    #[arg(long)]
    no_tm: bool,
    /// Translate only shard K of N (0 <= K < N, by a hash of each file's path) so that N
    /// processes share one folder; each writes manifest.shard-K-of-N.json
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    shard: Option<(usize, usize)>,
    /// Glossary (TSV): `source<TAB>target` for a fixed translation, `source` alone to keep a
    /// term as it is; terms are protected through translation, misses are flagged
    #[arg(long, value_name = "TSV")]
    glossary: Option<PathBuf>,
    /// Progress as JSON lines on stderr (events: start, failure, warning, note, progress, done)
    #[arg(long, conflicts_with = "quiet")]
    json: bool,
    /// Datasets (.jsonl, .csv, .tsv): the fields (keys or columns) to translate, comma-separated
    /// [default: title,text]
    #[arg(long, value_delimiter = ',', value_name = "FIELDS")]
    fields: Option<Vec<String>>,
    /// Datasets: the field holding each record's id, which keys the alignment rows [default: the
    /// record's line number]
    #[arg(long, value_name = "FIELD")]
    id_field: Option<String>,
    /// Datasets: the translation of field F is added as F + SUFFIX
    #[arg(long, value_name = "SUFFIX", default_value = "_en")]
    target_suffix: String,
    /// HTML pages (*.html, *.htm): translate the main article (Readability) or every text block
    #[arg(long, value_name = "main|all", default_value = "main")]
    html_extract: terjemah::input::html::Extract,
}

fn main() -> ExitCode {
    // A bug must still read as a message, not a backtrace (RUST_BACKTRACE=1 shows it).
    if std::env::var_os("RUST_BACKTRACE").is_none() {
        std::panic::set_hook(Box::new(|info| {
            eprintln!("terjemah: internal error: {info}\nThis is a bug in terjemah; please report it with the command and the input that caused it.");
        }));
    }
    let cli = Cli::parse_from(terjemah::eval::cli::normalize_args(std::env::args_os()));
    let result = match cli.command {
        Command::Translate(args) => translate(*args),
        Command::Eval(args) => eval(*args),
        Command::Models(a) => commands::list_models(a.dirs, a.json).map(exit),
        Command::MergeManifests(a) => commands::merge_manifests(&a.manifests, a.out).map(|_| ExitCode::SUCCESS),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "terjemah", &mut io::stdout());
            Ok(ExitCode::SUCCESS)
        }
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
    let cmd = commands::Translate {
        inputs: a.inputs,
        out: a.out,
        model: a.model,
        engine: EngineOptions {
            beam: a.beam,
            max_decoding_length: a.max_decoding_length,
            batch_tokens: a.batch_tokens,
            compute_type: a.compute_type,
            compute_reason: None,
            threads: a.threads.unwrap_or(defaults.threads),
            inter_threads: a.inter_threads,
            max_input_tokens: a.max_input_tokens,
            src_lang: a.src_lang,
            tgt_lang: a.tgt_lang,
        },
        formats: a.formats,
        globs: a.globs,
        boilerplate: a.boilerplate,
        lines: a.lines,
        chunk_sentences: a.chunk_sentences,
        progress: if a.quiet {
            Progress::Quiet
        } else if a.json {
            Progress::Json
        } else {
            Progress::Auto
        },
        force: a.force,
        tm: a.tm,
        no_tm: a.no_tm,
        shard: a.shard,
        glossary: a.glossary,
        fields: a.fields,
        id_field: a.id_field,
        target_suffix: a.target_suffix,
        html_extract: a.html_extract,
    };
    Ok(exit(commands::translate(cmd)?))
}

fn eval(a: terjemah::eval::cli::EvalArgs) -> Result<ExitCode> {
    let text = commands::eval::run(&a.into_job()?)?;
    let mut out = io::stdout().lock();
    writeln!(out, "{text}").map_err(|e| Error::io("<stdout>", e))?;
    Ok(ExitCode::SUCCESS)
}

fn exit(all_ok: bool) -> ExitCode {
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
