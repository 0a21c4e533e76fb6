//! Errors a user can cause, each naming the file or folder it happened on and what to do.

use std::path::{Path, PathBuf};

/// The library's result: [`Error`] unless said otherwise.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a command or library call stopped; the message names the file, folder or model and,
/// where there is one, what to do. [`Error::exit_code`] maps it to the binary's exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A whole-run problem with the command line or its inputs (exit code 2).
    #[error("{0}")]
    Usage(String),

    /// Reading or writing a file or folder failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder (`-` or `<stdout>` for the standard streams).
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// A file that cannot be read as an article: binary, undecodable, empty...
    #[error("{path}: {reason}")]
    Input {
        /// The input file.
        path: PathBuf,
        /// Why it cannot be read, for the user.
        reason: String,
    },

    /// The model folder is missing, incomplete or inconsistent.
    #[error("model {dir}: {reason}")]
    Model {
        /// The model folder.
        dir: PathBuf,
        /// What is wrong and how to get a usable model.
        reason: String,
    },

    /// CTranslate2 or SentencePiece failed while translating.
    #[error("translation engine: {0}")]
    Engine(String),

    /// An output (file, folder, translation memory) that cannot be written, the reason in plain
    /// words where there are some ("disk full", "permission denied").
    #[error("{path}: {reason}")]
    Output {
        /// The output file or folder.
        path: PathBuf,
        /// Why it cannot be written.
        reason: String,
    },

    /// A sharded job merged before all its shards finished (exit code 1): names them and what to
    /// rerun.
    #[error("{0}")]
    Unfinished(String),

    /// `terjemah eval`'s errors, with its message and exit code (sacrebleu's).
    #[error(transparent)]
    Eval(#[from] terjemah_eval::Error),
}

impl Error {
    /// An [`Error::Io`] on `path`.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io { path: path.as_ref().to_path_buf(), source }
    }

    pub(crate) fn input(path: impl AsRef<Path>, reason: impl Into<String>) -> Self {
        Error::Input { path: path.as_ref().to_path_buf(), reason: reason.into() }
    }

    pub(crate) fn model(dir: impl AsRef<Path>, reason: impl Into<String>) -> Self {
        Error::Model { dir: dir.as_ref().to_path_buf(), reason: reason.into() }
    }

    /// Exit code for a run that stopped on this error: 2 for usage and set-up problems
    /// (nothing could be translated), 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Model { .. } => 2,
            Error::Eval(e) => e.exit_code(),
            _ => 1,
        }
    }

    /// True when the error is a closed pipe on our output (`terjemah ... | head`), which is
    /// not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        let source = match self {
            Error::Io { source, .. } | Error::Eval(terjemah_eval::Error::Io { source, .. }) => source,
            _ => return false,
        };
        source.kind() == std::io::ErrorKind::BrokenPipe
    }
}
