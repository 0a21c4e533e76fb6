//! What to do with each part of a structured document: split blocks into sentences and label
//! segments, and decide for each whether it is translated, copied, mapped by rule or dropped.

use std::ops::Range;

use serde::Serialize;

use crate::input::{BlockClass, Document};
use crate::text::rules::label_end;
use crate::text::segment;

/// What happens to boilerplate blocks (related links, metadata, navigation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Boilerplate {
    /// Copied verbatim (labels such as "Sumber:" stay Indonesian).
    #[default]
    Keep,
    /// Labels mapped by rule ("Baca Juga:" -> "Read also:"), headlines and menu words
    /// translated, names after "Editor:" and the like copied.
    Translate,
    /// Left out of the English output (still listed in the alignment, as dropped).
    Drop,
}

/// How a segment's target was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Action {
    Translated,
    /// Copied verbatim (boilerplate, names).
    Copied,
    /// Mapped by a fixed rule (dates, labels).
    Rule,
    Dropped,
}

/// A segment of a block: a sentence, or a label/value part of a boilerplate line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Byte range in the document's text, trimmed: never empty or only whitespace.
    pub span: Range<usize>,
    pub(crate) action: Action,
}

/// A block of the document with its segments, in text order.
#[derive(Clone, Debug)]
pub struct PlannedBlock {
    /// The block's class, as structured.
    pub class: BlockClass,
    /// The block's byte range in the document's text, as structured.
    pub span: Range<usize>,
    /// The block's segments: ordered, non-overlapping, inside `span`, with only whitespace
    /// between them.
    pub segments: Vec<Segment>,
}

/// Every block one segment, translated whole (line mode: a test set's lines are its units;
/// the engine still splits a line longer than the model's input limit).
pub(crate) fn plan_whole(doc: &Document) -> Vec<PlannedBlock> {
    doc.blocks
        .iter()
        .map(|b| PlannedBlock {
            class: b.class,
            span: b.span.clone(),
            segments: vec![Segment { span: b.span.clone(), action: Action::Translated }],
        })
        .collect()
}

/// Split every block into segments and decide what happens to each: one [`PlannedBlock`] per
/// block of `doc`, in order. Every non-whitespace character of a block is in one segment.
pub fn plan(doc: &Document, boilerplate: Boilerplate) -> Vec<PlannedBlock> {
    doc.blocks
        .iter()
        .map(|b| {
            let text = doc.block_text(b);
            let at = |r: Range<usize>| b.span.start + r.start..b.span.start + r.end;
            let sentences = |r: Range<usize>, action| -> Vec<Segment> {
                segment::sentences(&text[r.clone()])
                    .into_iter()
                    .map(|s| Segment { span: at(r.start + s.start..r.start + s.end), action })
                    .collect()
            };
            let whole = |action| vec![Segment { span: b.span.clone(), action }];
            let segments = match (b.class, boilerplate) {
                (BlockClass::Dateline, _) => whole(Action::Rule),
                (c, Boilerplate::Keep) if c.is_boilerplate() => whole(Action::Copied),
                (c, Boilerplate::Drop) if c.is_boilerplate() => whole(Action::Dropped),
                (BlockClass::Related | BlockClass::Metadata, _) => match label_end(text) {
                    Some(end) => {
                        let mut segs = vec![Segment { span: at(0..end), action: Action::Rule }];
                        let rest = end..text.len();
                        if b.class == BlockClass::Related {
                            segs.extend(sentences(rest, Action::Translated));
                        } else {
                            segs.extend(segment::trimmed(text, rest).map(|r| Segment { span: at(r), action: Action::Copied }));
                        }
                        segs
                    }
                    None => whole(Action::Copied),
                },
                _ => sentences(0..text.len(), Action::Translated),
            };
            PlannedBlock { class: b.class, span: b.span.clone(), segments }
        })
        .collect()
}
