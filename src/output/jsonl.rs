//! `NAME.align.jsonl`: one JSON object per segment (sentence, or label/value of a boilerplate
//! line), with character offsets into the normalised source (BOM removed, line ends as LF).

use std::io::{self, Write};

use serde::Serialize;

use super::{CharOffsets, Context, Writer};
use crate::align::AlignedDocument;
use crate::quality::Flag;
use crate::text::plan::Action;

pub(crate) struct Jsonl;

#[derive(Serialize)]
struct Row<'a> {
    /// Dataset mode: the record's id and the field the segment is from.
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    block: usize,
    sentence: usize,
    class: &'a str,
    action: Action,
    source: &'a str,
    target: &'a str,
    /// Character (code point) offsets, end exclusive.
    start: usize,
    end: usize,
    #[serde(skip_serializing_if = "is_one")]
    pieces: usize,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    hit_max_length: bool,
    /// The model's confidence: log-probability per output token (translated segments).
    #[serde(skip_serializing_if = "Option::is_none")]
    confidence: Option<f32>,
    /// Quality flags with their evidence: `{"flag": "missing_numbers", "numbers": ["36"]}`.
    #[serde(skip_serializing_if = "<[Flag]>::is_empty")]
    flags: &'a [Flag],
}

fn is_one(n: &usize) -> bool {
    *n <= 1
}

impl Writer for Jsonl {
    fn suffix(&self) -> &'static str {
        "align.jsonl"
    }

    fn write(&self, doc: &AlignedDocument, _ctx: &Context, w: &mut dyn Write) -> io::Result<()> {
        write_rows(doc, None, w)
    }
}

/// The alignment rows of `doc`; `record`: `(record id, field)` of a dataset record's field,
/// written first in every row (offsets are then into that field's text).
pub(crate) fn write_rows(doc: &AlignedDocument, record: Option<(&str, &str)>, w: &mut dyn Write) -> io::Result<()> {
    let mut offsets = CharOffsets::new(&doc.doc.text);
    for (bi, si, b, s) in doc.segments() {
        let row = Row {
            record: record.map(|r| r.0),
            field: record.map(|r| r.1),
            block: bi,
            sentence: si,
            class: b.class.as_str(),
            action: s.action,
            source: doc.source(&s.span),
            target: &s.target,
            start: offsets.at(s.span.start),
            end: offsets.at(s.span.end),
            pieces: s.pieces,
            hit_max_length: s.hit_max_length,
            confidence: s.confidence,
            flags: &s.flags,
        };
        serde_json::to_writer(&mut *w, &row)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}
