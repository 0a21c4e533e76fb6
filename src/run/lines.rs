//! The streaming modes: one article from standard input to standard output, and `--lines`
//! (one output line per input line, for line-aligned test sets).

use std::io::{self, BufRead, Write};
use std::path::Path;

use crate::error::{Error, Result};
use crate::input::Document;
use crate::run::chunk::{translate_docs, Translating};
use crate::run::manifest::Counts;
use crate::run::memory::TranslationMemory;
use crate::run::progress::{notice, Progress};
use crate::text::plan::{plan, plan_whole, Boilerplate};

/// `terjemah translate -`: one article from standard input, English on standard output.
pub(crate) fn run_stdin(
    with: Translating,
    tm: Option<&mut TranslationMemory>,
    boilerplate: Boilerplate,
    progress: Progress,
    out: &mut dyn Write,
) -> Result<()> {
    let mut bytes = Vec::new();
    io::Read::read_to_end(&mut io::stdin(), &mut bytes).map_err(|e| Error::io("standard input", e))?;
    let doc = Document::from_bytes(Path::new("-"), &bytes)?;
    for w in &doc.warnings {
        notice(progress, &format!("warning (stdin): {w}"));
    }
    let mut counts = Counts::default();
    let aligned = translate_docs(with, tm, vec![doc], &|d| plan(d, boilerplate), &mut counts)?;
    out.write_all(aligned[0].english().as_bytes()).and_then(|_| out.flush()).map_err(|e| Error::io("standard output", e))
}

/// `--lines`: every input line translated on its own, whole (split, at clause punctuation
/// first, only when longer than the model accepts); exactly one output line per input line,
/// empty for empty: what evaluation against a line-aligned test set needs. Streams in chunks.
/// `name` and `out_name` name the input and the output in errors.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_lines(
    with: Translating,
    mut tm: Option<&mut TranslationMemory>,
    input: &mut dyn BufRead,
    name: &Path,
    chunk_lines: usize,
    out: &mut dyn Write,
    out_name: &Path,
) -> Result<usize> {
    let mut total = 0;
    let mut buf = Vec::new();
    loop {
        let mut text = String::new();
        let mut n = 0;
        while n < chunk_lines.max(1) {
            buf.clear();
            let read = input.read_until(b'\n', &mut buf).map_err(|e| Error::io(name, e))?;
            if read == 0 {
                break;
            }
            let line = std::str::from_utf8(&buf).map_err(|e| {
                Error::input(name, format!("invalid UTF-8 on line {} (byte {} of the line)", total + n + 1, e.valid_up_to()))
            })?;
            let line = line.strip_suffix('\n').unwrap_or(line);
            let line = line.strip_suffix('\r').unwrap_or(line);
            let line = if total + n == 0 { line.strip_prefix('\u{feff}').unwrap_or(line) } else { line };
            // One line of the chunk per input line; inner CRs would split it, so they become spaces.
            text.push_str(&line.replace('\r', " "));
            text.push('\n');
            n += 1;
        }
        if n == 0 {
            break;
        }
        let doc = Document::from_lines(name, text);
        let mut counts = Counts::default();
        let aligned = translate_docs(with, tm.as_deref_mut(), vec![doc], &plan_whole, &mut counts)?.pop().expect("one document");
        let mut by_line: Vec<String> = vec![String::new(); n];
        let line_starts: Vec<usize> = std::iter::once(0).chain(aligned.doc.text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        for b in &aligned.blocks {
            let line = line_starts.partition_point(|&s| s <= b.span.start) - 1;
            by_line[line] = b.target();
        }
        for l in by_line {
            writeln!(out, "{l}").map_err(|e| Error::io(out_name, e))?;
        }
        out.flush().map_err(|e| Error::io(out_name, e))?;
        total += n;
    }
    Ok(total)
}
