//! The `terjemah` command line: parse arguments, call the library, map errors to exit codes.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use terjemah::options::TranslateArgs;
use terjemah::{commands, Error, Result};

// With the `override` feature mimalloc also serves C and C++ (CTranslate2's buffers): the same
// speed as glibc's malloc at a lower peak RSS (README, Performance).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 2's `mi_option_t` (include/mimalloc.h; the -sys crate names
/// only some options).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// mimalloc returns freed memory to the system 10 ms after the free by default; batch buffers of
/// large models are freed and taken again far more often, and the page faults cost up to 25% of
/// the run (README, Performance). One second keeps them while a run goes on. The environment's
/// MIMALLOC_PURGE_DELAY wins.
fn tune_allocator() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: called at the start of main, before any other thread exists (mi_option_set is
        // not thread-safe); the option index is mimalloc 2's, the version the features pin.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 1000) }
    }
}

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
    /// Translation memory maintenance: join the per-shard memories of a job into one
    #[command(subcommand)]
    Tm(TmCommand),
    /// Vocabulary shortlists: decode over the target pieces a sentence can plausibly produce
    /// (faster on models with large vocabularies)
    #[command(subcommand)]
    Vmap(VmapCommand),
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

#[derive(Subcommand)]
enum TmCommand {
    /// Copy into INTO (created if missing) the translations of each FROM memory that INTO lacks
    #[command(after_help = "Example (the memories of the shards of a job, one per machine):
  terjemah tm merge /data/tm.sqlite /data/tm-*.sqlite")]
    Merge {
        /// The memory to fill
        into: PathBuf,
        /// Memories to copy from (read only)
        #[arg(required = true)]
        from: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum VmapCommand {
    /// Build a model's shortlist from parallel text or from its own translations of your
    /// articles, and measure how often it reproduces the whole vocabulary's output
    #[command(after_help = "Examples:
  terjemah vmap build --source train.id --target train.en        # writes MODEL/vmap.txt
  terjemah vmap build articles/ -m models/opus-mt-id-en            # learnt from its translations
  terjemah vmap build --source train.id --target train.en --out my.vmap.txt
  terjemah translate articles/ --out out/ --vmap my.vmap.txt       # auto (MODEL/vmap.txt) or off

The shortlist is written with a JSON report beside it (vmap.json): how it was built and its
coverage on held-out sentences.")]
    Build(Box<commands::vmap::VmapBuildArgs>),
}

#[derive(Args)]
struct MergeArgs {
    /// Shard manifests (manifest.shard-K-of-N.json)
    #[arg(required = true)]
    manifests: Vec<PathBuf>,
    /// Merged manifest to write [default: manifest.json next to the first shard manifest]
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Merge even when shards are missing or incomplete (the merged manifest says incomplete);
    /// without it, such a job is an error that names those shards
    #[arg(long)]
    allow_incomplete: bool,
}

fn main() -> ExitCode {
    tune_allocator();
    // A bug must still read as a message, not a backtrace (RUST_BACKTRACE=1 shows it).
    if std::env::var_os("RUST_BACKTRACE").is_none() {
        std::panic::set_hook(Box::new(|info| {
            eprintln!("terjemah: internal error: {info}\nThis is a bug in terjemah; please report it with the command and the input that caused it.");
        }));
    }
    let cli = Cli::parse_from(terjemah::eval::cli::normalize_args(std::env::args_os()));
    let result = match cli.command {
        Command::Translate(opts) => commands::translate(*opts).map(exit),
        Command::Eval(args) => eval(*args),
        Command::Models(a) => commands::list_models(a.dirs, a.json).map(exit),
        Command::MergeManifests(a) => commands::merge_manifests(&a.manifests, a.out, a.allow_incomplete).map(|_| ExitCode::SUCCESS),
        Command::Tm(TmCommand::Merge { into, from }) => commands::tm_merge(&into, &from).map(|_| ExitCode::SUCCESS),
        Command::Vmap(VmapCommand::Build(a)) => commands::vmap::build(*a).map(|_| ExitCode::SUCCESS),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The hard-coded index is mimalloc's purge delay: unset, it reads mimalloc's default of 10 ms
    /// (its neighbours, eager_commit_delay and use_numa_nodes, default to 1 and 0), and setting it
    /// sticks.
    #[test]
    fn the_purge_delay_index_is_mimallocs() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) }, 10);
        tune_allocator();
        assert_eq!(unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) }, 1000);
    }
}
