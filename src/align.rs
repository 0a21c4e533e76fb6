//! From translations back to an aligned document: every segment keeps its source span, so
//! sentence, block and document stay aligned and every source character is accounted for.

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;

use crate::input::{BlockClass, Document};
use crate::quality::Flag;
use crate::text::plan::{Action, PlannedBlock};
use crate::text::rules::rule_translate;
use crate::translate::Translation;

#[derive(Clone, Debug, Serialize)]
pub(crate) struct AlignedSegment {
    /// Byte range in the document's normalised text.
    #[serde(skip)]
    pub(crate) span: Range<usize>,
    pub(crate) action: Action,
    pub(crate) target: String,
    /// Pieces the source was split into for exceeding the model's input limit.
    pub(crate) pieces: usize,
    /// The output reached --max-decoding-length and may be cut short.
    pub(crate) hit_max_length: bool,
    /// Quality flags of translated segments (empty for copied, rule and dropped ones).
    pub(crate) flags: Vec<Flag>,
    /// The model's confidence in a translated segment: log-probability per output token (None
    /// for other actions, and for translations a memory kept from before it was recorded).
    pub(crate) confidence: Option<f32>,
}

#[derive(Clone, Debug)]
pub(crate) struct AlignedBlock {
    pub(crate) class: BlockClass,
    pub(crate) span: Range<usize>,
    pub(crate) segments: Vec<AlignedSegment>,
}

impl AlignedBlock {
    pub(crate) fn dropped(&self) -> bool {
        self.segments.iter().all(|s| s.action == Action::Dropped)
    }

    /// The English text of the block: its segments joined by a space.
    pub(crate) fn target(&self) -> String {
        let mut out = String::new();
        self.push_target(&mut out);
        out
    }

    /// Append the block's English ([`AlignedBlock::target`]) to `out`; each segment it shows,
    /// with that segment's byte range in `out`.
    pub(crate) fn push_target(&self, out: &mut String) -> Vec<(&AlignedSegment, Range<usize>)> {
        let mut shown = Vec::new();
        for s in self.segments.iter().filter(|s| s.action != Action::Dropped && !s.target.is_empty()) {
            if !shown.is_empty() {
                out.push(' ');
            }
            let start = out.len();
            out.push_str(&s.target);
            shown.push((s, start..out.len()));
        }
        shown
    }
}

/// A document with its translation, block by block and segment by segment.
#[derive(Clone, Debug)]
pub struct AlignedDocument {
    pub(crate) doc: Document,
    pub(crate) blocks: Vec<AlignedBlock>,
}

impl AlignedDocument {
    /// Assemble the aligned document from its plan and the translations of the segments to
    /// translate (keyed by source text; the pipeline translated each distinct text once).
    /// Translations less confident than `low_confidence` are flagged.
    pub fn assemble(
        doc: Document,
        plan: Vec<PlannedBlock>,
        translations: &HashMap<String, Translation>,
        low_confidence: f64,
    ) -> AlignedDocument {
        let blocks = plan
            .into_iter()
            .map(|pb| {
                let segments = pb
                    .segments
                    .into_iter()
                    .map(|seg| {
                        let src = &doc.text[seg.span.clone()];
                        let (target, pieces, hit, flags, confidence) = match seg.action {
                            Action::Translated => {
                                let t = translations.get(src).cloned().unwrap_or_default();
                                let mut flags: Vec<Flag> = t.hit_max_length.then_some(Flag::MaxLength).into_iter().collect();
                                flags.extend(crate::quality::check(src, &t.text));
                                if !t.glossary_missing.is_empty() {
                                    flags.push(Flag::GlossaryMissing { terms: t.glossary_missing });
                                }
                                flags.extend(crate::quality::low_confidence(t.confidence, low_confidence));
                                (t.text, t.pieces, t.hit_max_length, flags, t.confidence)
                            }
                            Action::Copied => (src.to_string(), 0, false, Vec::new(), None),
                            Action::Rule => (rule_translate(src), 0, false, Vec::new(), None),
                            Action::Dropped => (String::new(), 0, false, Vec::new(), None),
                        };
                        AlignedSegment { span: seg.span, action: seg.action, target, pieces, hit_max_length: hit, flags, confidence }
                    })
                    .collect();
                AlignedBlock { class: pb.class, span: pb.span, segments }
            })
            .collect();
        AlignedDocument { doc, blocks }
    }

    pub(crate) fn source(&self, span: &Range<usize>) -> &str {
        &self.doc.text[span.clone()]
    }

    /// The English article with the source's layout: the text between blocks (blank lines,
    /// indentation) is kept; dropped blocks are left out with their line.
    pub(crate) fn english(&self) -> String {
        let text = &self.doc.text;
        let mut out = String::with_capacity(text.len());
        let mut pos = 0;
        for b in &self.blocks {
            let gap = &text[pos..b.span.start];
            if b.dropped() {
                pos = b.span.end + text[b.span.end..].find('\n').map_or(text.len() - b.span.end, |n| n + 1);
                pos = pos.min(text.len());
                out.push_str(gap.trim_end_matches([' ', '\t']));
                continue;
            }
            out.push_str(gap);
            out.push_str(&b.target());
            pos = b.span.end;
        }
        out.push_str(&text[pos..]);
        out
    }

    /// Every segment with its block index, its index in the block, and its block.
    pub(crate) fn segments(&self) -> impl Iterator<Item = (usize, usize, &AlignedBlock, &AlignedSegment)> {
        self.blocks.iter().enumerate().flat_map(|(bi, b)| b.segments.iter().enumerate().map(move |(si, s)| (bi, si, b, s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::DEFAULT_LOW_CONFIDENCE;
    use crate::text::plan::{plan, Boilerplate};
    use std::path::Path;

    #[test]
    fn plan_covers_every_character() {
        let text =
            "Judul Berita\n\n- 28 Januari 2022, 11:09 WIB\nKalimat satu. Kalimat dua.\n\nBaca Juga: Berita lain hari ini\n\nEditor: Budi\n";
        let doc = Document::from_bytes(Path::new("x.txt"), text.as_bytes()).unwrap();
        for policy in [Boilerplate::Keep, Boilerplate::Translate, Boilerplate::Drop] {
            let p = plan(&doc, policy);
            let mut pos = 0;
            for seg in p.iter().flat_map(|b| &b.segments) {
                assert!(doc.text[pos..seg.span.start].trim().is_empty(), "{policy:?} lost {:?}", &doc.text[pos..seg.span.start]);
                assert!(!doc.text[seg.span.clone()].trim().is_empty());
                pos = seg.span.end;
            }
            assert!(doc.text[pos..].trim().is_empty());
        }
    }

    #[test]
    fn english_keeps_layout_and_drops_lines() {
        let text = "Judul\n\nKalimat satu. Kalimat dua.\n\nEditor: Budi\n";
        let doc = Document::from_bytes(Path::new("x.txt"), text.as_bytes()).unwrap();
        let mut tr = HashMap::new();
        let t = |s: &str| Translation { text: s.into(), pieces: 1, ..Default::default() };
        tr.insert("Judul".to_string(), t("Title"));
        tr.insert("Kalimat satu.".to_string(), t("Sentence one."));
        tr.insert("Kalimat dua.".to_string(), t("Sentence two."));
        let p = plan(&doc, Boilerplate::Keep);
        let a = AlignedDocument::assemble(doc.clone(), p, &tr, DEFAULT_LOW_CONFIDENCE);
        assert_eq!(a.english(), "Title\n\nSentence one. Sentence two.\n\nEditor: Budi\n");
        let a = AlignedDocument::assemble(doc.clone(), plan(&doc, Boilerplate::Drop), &tr, DEFAULT_LOW_CONFIDENCE);
        assert_eq!(a.english(), "Title\n\nSentence one. Sentence two.\n\n");
        let a = AlignedDocument::assemble(doc.clone(), plan(&doc, Boilerplate::Translate), &tr, DEFAULT_LOW_CONFIDENCE);
        assert_eq!(a.english(), "Title\n\nSentence one. Sentence two.\n\nEditor: Budi\n");
    }
}
