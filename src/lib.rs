//! terjemah: translate Indonesian news articles into English through a local CTranslate2
//! model, with aligned bilingual output.
//!
//! The modules follow the data, one direction:
//!
//! read ([`input`]) → segment and plan ([`text`]) → [`translate`] (through a `model`) →
//! [`align`] → write ([`output`]), with [`quality`] flags on each translated segment.
//! `run` drives the stages over files, folders, datasets or lines; [`commands`] are the
//! binary's subcommands as library calls, taking [`options`]. Scoring lives in the
//! `terjemah-eval` crate (crates/eval), re-exported as [`eval`]; [`commands::eval`] adds its
//! article scores to a translate run's `index.html`.

#![warn(missing_docs)]

pub mod align;
pub mod commands;
pub mod error;
mod fault; // a testing hook (tests/reliability.rs)
pub mod input;
pub(crate) mod model;
pub mod options;
pub mod output;
pub mod quality;
pub(crate) mod run;
pub mod text;
pub mod translate;

pub use error::{Error, Result};
pub use terjemah_eval as eval;

/// A content hash as terjemah records it (model fingerprints, source hashes, glossary and
/// shortlist fingerprints): BLAKE3's first 64 bits, in hex.
pub(crate) fn short_hash(hash: blake3::Hash) -> String {
    hash.to_hex()[..16].to_string()
}

/// Whether two paths name one file: equal as given, or as resolved when both exist.
pub(crate) fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}
