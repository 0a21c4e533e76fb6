//! terjemah: translate Indonesian news articles into English through a local CTranslate2
//! model, with aligned bilingual output.
//!
//! Data flow, one direction: [`document`] (read, decode, classify blocks) → [`segment`]
//! (sentences) → [`align::plan`] (what to translate) → [`engine`] (CTranslate2) →
//! [`align::AlignedDocument`] → [`output`] writers. [`pipeline`] drives it over folders.

pub mod align;
pub mod document;
pub mod engine;
pub mod error;
pub mod manifest;
pub mod models;
pub mod outdir;
pub mod output;
pub mod pipeline;
pub mod quality;
pub mod segment;

pub use error::{Error, Result};
