//! What the user sees while a run goes on: an indicatif bar on a terminal, plain log lines
//! otherwise, JSON events for other programs (`--json`), or only the failures (`--quiet`: one
//! line each on stderr, besides the manifest and the exit code).

use std::io::{self, IsTerminal};
use std::path::Path;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;

use crate::run::manifest::{Counts, Failure};

pub(crate) use crate::options::Progress;

pub(crate) struct Reporter {
    mode: Progress,
    bar: Option<ProgressBar>,
    total: u64,
}

/// `NO_COLOR` (https://no-color.org): any non-empty value turns colour off.
fn colour() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn event(v: serde_json::Value) {
    eprintln!("{v}");
}

impl Reporter {
    pub(crate) fn new(total: u64, mode: Progress) -> Reporter {
        let bar = (mode == Progress::Auto && io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let template = if colour() {
                "{spinner} [{elapsed_precise}] {bar:30.cyan/blue} {pos}/{len} documents  {msg}  ETA {eta}"
            } else {
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} documents  {msg}  ETA {eta}"
            };
            bar.set_style(ProgressStyle::with_template(template).expect("valid template").progress_chars("=> "));
            bar
        });
        start(mode, total);
        Reporter { mode, bar, total }
    }

    fn line(&self, msg: &str) {
        match &self.bar {
            Some(b) => b.println(msg),
            None if self.mode == Progress::Auto => eprintln!("{msg}"),
            None => {}
        }
    }

    pub(crate) fn note(&self, msg: &str) {
        match self.mode {
            Progress::Json => event(json!({"event": "note", "message": msg})),
            _ => self.line(msg),
        }
    }

    pub(crate) fn failure(&self, f: &Failure) {
        let msg = format!("failed {}: {}", f.source.display(), f.reason);
        match self.mode {
            Progress::Json => event(json!({"event": "failure", "source": f.source, "reason": f.reason})),
            // Quiet silences progress, not errors: a failed input is never only in the manifest.
            Progress::Quiet => eprintln!("{msg}"),
            Progress::Auto => self.line(&msg),
        }
    }

    pub(crate) fn warning(&self, source: &Path, msg: &str) {
        match self.mode {
            Progress::Json => event(json!({"event": "warning", "source": source, "message": msg})),
            _ => self.line(&format!("warning {}: {msg}", source.display())),
        }
    }

    /// After a chunk is translated: the bar's rate and translation-memory message.
    pub(crate) fn rate(&self, counts: &Counts, started: Instant) {
        if let Some(b) = &self.bar {
            let secs = started.elapsed().as_secs_f64().max(1e-9);
            let n = counts.translated_segments;
            b.set_message(format!(
                "{n} sentences, {:.1}/s, memory {} hits / {} new",
                n as f64 / secs,
                counts.tm_hits,
                counts.unique_translated
            ));
        }
    }

    /// After a chunk is written.
    pub(crate) fn progress(&self, done: u64, written: &Counts, started: Instant) {
        let secs = started.elapsed().as_secs_f64();
        match (self.mode, &self.bar) {
            (_, Some(b)) => b.set_position(done),
            (Progress::Auto, None) => eprintln!("[{secs:>7.1}s] {done}/{} documents done", self.total),
            (Progress::Json, _) => event(json!({
                "event": "progress", "done": done, "total": self.total, "seconds": secs,
                "succeeded": written.succeeded, "up_to_date": written.up_to_date,
            })),
            _ => {}
        }
    }

    /// After a chunk of a dataset's records is written and recorded.
    pub(crate) fn records(&self, source: &Path, records: u64, started: Instant) {
        let secs = started.elapsed().as_secs_f64();
        match (self.mode, &self.bar) {
            (_, Some(b)) => b.set_message(format!("{records} records of {}", source.display())),
            (Progress::Auto, None) => eprintln!("[{secs:>7.1}s] {}: {records} records done", source.display()),
            (Progress::Json, _) => event(json!({"event": "progress", "source": source, "records": records, "seconds": secs})),
            _ => {}
        }
    }

    pub(crate) fn finish(&self, counts: &Counts, seconds: f64) {
        self.clear();
        done(self.mode, counts, seconds);
    }

    pub(crate) fn clear(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// A message outside a [`Reporter`]'s run (the streaming modes): a JSON `note` event with
/// `--json`, else a line on stderr (also with `--quiet`: these are warnings).
pub(crate) fn notice(mode: Progress, msg: &str) {
    match mode {
        Progress::Json => event(json!({"event": "note", "message": msg})),
        _ => eprintln!("{msg}"),
    }
}

/// The start of a run: with `--json`, the `start` event with the number of documents.
pub(crate) fn start(mode: Progress, documents: u64) {
    if mode == Progress::Json {
        event(json!({"event": "start", "documents": documents}));
    }
}

/// The end of a run: with `--json`, the `done` event with the run's counts.
pub(crate) fn done(mode: Progress, counts: &Counts, seconds: f64) {
    if mode == Progress::Json {
        event(json!({"event": "done", "seconds": seconds, "counts": counts}));
    }
}
