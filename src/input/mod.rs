//! Reading: finding the inputs (`discover`), bytes to text (`decode`), text to classified
//! blocks ([`blocks`], with the outlet rules of `outlets`), and the other input kinds: saved
//! web pages ([`html`]) and JSONL/CSV/TSV datasets (`dataset`).

pub mod blocks;
pub(crate) mod dataset;
pub(crate) mod decode;
pub(crate) mod discover;
pub mod html;
pub(crate) mod outlets;

pub use blocks::{Block, BlockClass, Document};

/// An input that could not be read or translated, with why (one line, for the user and the
/// run's manifest).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Failure {
    pub(crate) source: std::path::PathBuf,
    pub(crate) reason: String,
}
