//! The errors of `terjemah eval`, each naming the file it happened on, with the exit code
//! sacrebleu's command line gives it.

use std::path::{Path, PathBuf};

/// `Result` with eval's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can stop an evaluation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A problem with the command line or the options (exit code 2).
    #[error("{0}")]
    Usage(String),

    /// A file or folder that cannot be read (exit code 1).
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },

    /// A file that cannot be read as text in the requested encoding (exit code 1).
    #[error("{path}: {reason}")]
    Input {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },

    /// A failure with one of sacrebleu's exit codes (1, or [`crate::EXIT_FIELDS`]).
    #[error("{message}")]
    Exit {
        /// The exit code.
        code: i32,
        /// The message.
        message: String,
    },
}

impl Error {
    /// [`Error::Io`] on `path`.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io { path: path.as_ref().to_path_buf(), source }
    }

    /// [`Error::Input`] on `path`.
    pub fn input(path: impl AsRef<Path>, reason: impl Into<String>) -> Self {
        Error::Input { path: path.as_ref().to_path_buf(), reason: reason.into() }
    }

    /// [`Error::Exit`]: a failure with one of sacrebleu's exit codes.
    pub fn exit(code: i32, message: impl Into<String>) -> Self {
        Error::Exit { code, message: message.into() }
    }

    /// The exit code of a run that stopped on this error: 2 for usage errors, the given code
    /// for [`Error::Exit`], 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            Error::Exit { code, .. } => *code,
            Error::Io { .. } | Error::Input { .. } => 1,
        }
    }
}
