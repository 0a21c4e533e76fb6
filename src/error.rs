//! Errors a user can cause, each naming the file or folder it happened on and what to do.

use std::path::{Path, PathBuf};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A whole-run problem with the command line or its inputs (exit code 2).
    #[error("{0}")]
    Usage(String),

    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A file that cannot be read as an article: binary, undecodable, empty...
    #[error("{path}: {reason}")]
    Input { path: PathBuf, reason: String },

    /// The model folder is missing, incomplete or inconsistent.
    #[error("model {dir}: {reason}")]
    Model { dir: PathBuf, reason: String },

    /// CTranslate2 or SentencePiece failed while translating.
    #[error("translation engine: {0}")]
    Engine(String),

    #[error("{path}: {reason}")]
    Output { path: PathBuf, reason: String },

    /// A failure with a given exit code (`eval` keeps sacrebleu's codes).
    #[error("{message}")]
    Exit { code: i32, message: String },
}

impl Error {
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
            Error::Exit { code, .. } => *code,
            _ => 1,
        }
    }

    /// True when the error is a closed pipe on our output (`terjemah ... | head`), which is
    /// not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}
