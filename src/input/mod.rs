//! Inputs other than plain text articles, and the outlet rules that structure every article.
//!
//! - [`outlets`]: datelines, ads, invitations and other furniture of Indonesian news outlets.
//! - [`dataset`]: JSONL, CSV and TSV files whose records are documents.
//! - [`html`]: saved web pages: main-text extraction and the translated page.

pub mod dataset;
pub mod html;
pub mod outlets;
