//! `terjemah eval` without the translator: the eval crate's command line on its own, to try
//! its options (`--report` among them) without building CTranslate2 or the terjemah binary.
//!
//! `cargo run --release -p terjemah-eval --example eval -- REF -i SYS1 SYS2 --report report.html`

use std::process::ExitCode;

use clap::Parser;
use terjemah_eval::cli::{normalize_args, EvalArgs};

#[derive(Parser)]
#[command(name = "eval", infer_long_args = true, about = "terjemah eval, on its own")]
struct Cli {
    #[command(flatten)]
    args: EvalArgs,
}

fn main() -> ExitCode {
    // normalize_args rewrites sacrebleu's single-dash options after an `eval` subcommand: give it
    // one, then take it out again.
    let mut argv = normalize_args(std::iter::once("eval".into()).chain(std::iter::once("eval".into())).chain(std::env::args_os().skip(1)));
    argv.remove(1);
    let result = Cli::parse_from(argv).args.into_job().and_then(|job| terjemah_eval::run(&job));
    match result {
        Ok(outcome) => {
            println!("{}", outcome.text);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("eval: error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
