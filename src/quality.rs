//! Quality flags: per-segment signs that a translation deserves a reviewer's look.

use serde::Serialize;

/// Why a translated segment is suspicious. Shown in JSONL, HTML and the manifest.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum Flag {
    /// The output reached --max-decoding-length and may be cut short.
    MaxLength,
}

impl Flag {
    /// Short stable name (JSON `flag` value, HTML class, manifest counts).
    pub fn name(&self) -> &'static str {
        match self {
            Flag::MaxLength => "max_length",
        }
    }
}
