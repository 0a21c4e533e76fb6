//! Output writers, one per format behind one trait, and atomic file writes.

use std::fmt;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::align::AlignedDocument;
use crate::error::{Error, Result};

pub mod html;
mod jsonl;
mod markdown;
pub(crate) mod page;
mod tmx;
mod tsv;
mod txt;

pub(crate) use jsonl::write_rows as write_alignment_rows;

/// What a writer may want to know about the run (headers, provenance).
pub struct Context<'a> {
    /// The model's folder name ("id-en-starter").
    pub model_name: &'a str,
    /// The model's fingerprint: 16 hex digits of a hash of its files.
    pub model_fingerprint: &'a str,
}

/// Writes an aligned document in one output format; [`Format::writer`] gives the writer of a
/// format.
pub trait Writer: Sync {
    /// Written after the input's stem: `NAME.en.txt`, `NAME.bi.md`, ...
    fn suffix(&self) -> &'static str;
    /// Write `doc` in this format to `w`; only `w`'s errors are returned.
    fn write(&self, doc: &AlignedDocument, ctx: &Context, w: &mut dyn Write) -> io::Result<()>;
}

/// An output format (`--formats`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `NAME.en.txt`: the English article with the source's layout.
    Txt,
    /// `NAME.bi.md`: side-by-side Markdown, one table row per block.
    Md,
    /// `NAME.align.jsonl`: one JSON object per segment, with character offsets.
    Jsonl,
    /// `NAME.bi.html`: a self-contained review page, with the run's `index.html`.
    Html,
    /// `NAME.tmx`: a TMX 1.4b translation memory for CAT tools.
    Tmx,
    /// `NAME.tsv`: one row per segment, source and target first.
    Tsv,
}

impl Format {
    /// The writer of this format.
    pub fn writer(self) -> &'static dyn Writer {
        match self {
            Format::Txt => &txt::Txt,
            Format::Md => &markdown::Markdown,
            Format::Jsonl => &jsonl::Jsonl,
            Format::Html => &html::Html,
            Format::Tmx => &tmx::Tmx,
            Format::Tsv => &tsv::Tsv,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Md => "md",
            Format::Jsonl => "jsonl",
            Format::Html => "html",
            Format::Tmx => "tmx",
            Format::Tsv => "tsv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A file written under a temporary name in its folder and renamed into place by
/// [`AtomicFile::commit`] (after fsync). Dropped without commit, it leaves nothing behind.
pub(crate) struct AtomicFile {
    path: PathBuf,
    w: BufWriter<tempfile::NamedTempFile>,
}

impl AtomicFile {
    pub(crate) fn create(path: &Path) -> Result<AtomicFile> {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(|e| output_error(dir, "cannot create the folder", e))?;
        let mut builder = tempfile::Builder::new();
        // The PID in the name lets a later run tell a killed run's leftovers from the
        // files of a run still going on (another shard writing to the same folder).
        let prefix = format!(".terjemah-{}-", std::process::id());
        builder.prefix(&prefix).suffix(".tmp");
        #[cfg(unix)]
        {
            // tempfile's default is 0600; outputs are ordinary files others may read.
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o644));
        }
        let tmp = builder.tempfile_in(dir).map_err(|e| output_error(dir, "cannot create a file in the output folder", e))?;
        Ok(AtomicFile { path: path.to_path_buf(), w: BufWriter::new(tmp) })
    }

    pub(crate) fn commit(mut self) -> Result<()> {
        crate::fault::crash_point(); // testing hook (src/fault.rs)
        let path = self.path;
        self.w.flush().map_err(|e| output_error(&path, "cannot write", e))?;
        let tmp = self.w.into_inner().map_err(|e| output_error(&path, "cannot write", e.into_error()))?;
        tmp.as_file().sync_all().map_err(|e| output_error(&path, "cannot sync to disk", e))?;
        tmp.persist(&path).map_err(|e| output_error(&path, "cannot rename into place", e.error))?;
        crate::fault::crash_point();
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.w.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

/// Write a file atomically: a temporary file in the same folder, flushed and fsynced, then
/// renamed over the target. A crash leaves either the old file or the new one, never half of one.
pub(crate) fn write_atomic(path: &Path, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    fill(&mut f).map_err(|e| output_error(path, "cannot write", e))?;
    f.commit()
}

fn output_error(path: &Path, what: &str, e: io::Error) -> Error {
    let hint = write_failure(&e).map_or_else(String::new, |h| format!(" ({h})"));
    Error::Output { path: path.to_path_buf(), reason: format!("{what}{hint}: {e}") }
}

/// The plain words for the usual reasons a write fails.
pub(crate) fn write_failure(e: &io::Error) -> Option<&'static str> {
    match e.kind() {
        io::ErrorKind::StorageFull => Some("disk full"),
        io::ErrorKind::ReadOnlyFilesystem => Some("read-only file system"),
        io::ErrorKind::PermissionDenied => Some("permission denied"),
        _ => None,
    }
}

pub(crate) fn with_suffix(stem: &Path, suffix: &str) -> PathBuf {
    let mut s = stem.as_os_str().to_os_string();
    s.push(".");
    s.push(suffix);
    PathBuf::from(s)
}

/// Byte offsets to character offsets, for consumers that index strings by code point
/// (Python, JavaScript with care). Offsets must be asked for in increasing order.
struct CharOffsets<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharOffsets<'a> {
    fn new(text: &'a str) -> Self {
        CharOffsets { text, byte: 0, chars: 0 }
    }

    fn at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}
