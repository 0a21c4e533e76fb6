//! The article text terjemah would translate from saved web pages, without a model: what
//! `scripts/bench/extraction` scores against gold texts.
//!
//! ```text
//! cargo run --release --example extract -- [--all] PAGE.html...            # text on stdout
//! cargo run --release --example extract -- [--all] --out DIR PAGE.html...  # DIR/NAME.txt each
//! ```
//!
//! `--all` is `--html-extract all`. With `--out`, a page that fails gets `DIR/NAME.err` holding
//! the reason instead; warnings go to stderr, one line each, as `PAGE: warning`.

use std::path::PathBuf;
use std::process::ExitCode;

use terjemah::input::html::{Extract, Page};

fn main() -> ExitCode {
    let mut extract = Extract::Main;
    let mut out: Option<PathBuf> = None;
    let mut pages = Vec::new();
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        match a.to_str() {
            Some("--all") => extract = Extract::All,
            Some("--out") => out = args.next().map(PathBuf::from),
            Some("-h" | "--help") => {
                eprintln!("usage: extract [--all] [--out DIR] PAGE.html...");
                return ExitCode::SUCCESS;
            }
            _ => pages.push(PathBuf::from(a)),
        }
    }
    if let Some(dir) = &out {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("{}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    }
    let mut failed = false;
    for path in &pages {
        let result = std::fs::read(path).map_err(|e| e.to_string()).and_then(|bytes| Page::from_bytes(&bytes, extract));
        let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        match result {
            Ok(page) => {
                for w in page.warnings() {
                    eprintln!("{}: {w}", path.display());
                }
                match &out {
                    Some(dir) => {
                        if let Err(e) = std::fs::write(dir.join(format!("{stem}.txt")), page.text()) {
                            eprintln!("{}: {e}", dir.display());
                            return ExitCode::FAILURE;
                        }
                    }
                    None => print!("{}", page.text()),
                }
            }
            Err(reason) => {
                failed = true;
                eprintln!("{}: {reason}", path.display());
                if let Some(dir) = &out {
                    let _ = std::fs::write(dir.join(format!("{stem}.err")), format!("{reason}\n"));
                }
            }
        }
    }
    if failed && out.is_none() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
