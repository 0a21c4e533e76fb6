//! terjemah: translate Indonesian news articles into English through a local CTranslate2
//! model, with aligned bilingual output.
//!
//! Data flow, one direction: [`document`] (read, decode, classify blocks) → [`segment`]
//! (sentences) → [`align::plan`] (what to translate) → [`engine`] (CTranslate2) →
//! [`align::AlignedDocument`] → [`output`] writers. [`pipeline`] drives it over folders.
//! [`eval`] scores translations against references (sacrebleu's metrics).

pub mod align;
pub mod commands;
pub mod compute;
pub mod document;
pub mod engine;
pub mod error;
pub mod eval;
mod fault; // a testing hook (tests/reliability.rs)
pub mod glossary;
pub mod input;
pub mod manifest;
pub mod models;
pub mod outdir;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod quality;
pub mod segment;
pub mod tm;

pub use error::{Error, Result};
