//! From a structured document to sentence segments (the plan), and from translations back to
//! an aligned document: every segment keeps its source span, so sentence, block and document
//! stay aligned and every source character is accounted for.

use std::collections::HashMap;
use std::ops::Range;
use std::str::FromStr;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::document::{BlockClass, Document};
use crate::engine::Translation;
use crate::quality::Flag;
use crate::segment;

/// What happens to boilerplate blocks (related links, metadata, navigation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
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

impl FromStr for Boilerplate {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "keep" => Ok(Boilerplate::Keep),
            "translate" => Ok(Boilerplate::Translate),
            "drop" => Ok(Boilerplate::Drop),
            _ => Err(format!("unknown boilerplate policy {s:?} (keep, translate, drop)")),
        }
    }
}

/// How a segment's target was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
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
    pub span: Range<usize>,
    pub action: Action,
}

#[derive(Clone, Debug)]
pub struct PlannedBlock {
    pub class: BlockClass,
    pub span: Range<usize>,
    pub segments: Vec<Segment>,
}

/// Every block one segment, translated whole (line mode: a test set's lines are its units;
/// the engine still splits a line longer than the model's input limit).
pub fn plan_whole(doc: &Document) -> Vec<PlannedBlock> {
    doc.blocks
        .iter()
        .map(|b| PlannedBlock {
            class: b.class,
            span: b.span.clone(),
            segments: vec![Segment { span: b.span.clone(), action: Action::Translated }],
        })
        .collect()
}

/// Split every block into segments and decide what happens to each.
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
                        let rest_action = if b.class == BlockClass::Related { Action::Translated } else { Action::Copied };
                        let rest = end..text.len();
                        if rest_action == Action::Translated {
                            segs.extend(sentences(rest, Action::Translated));
                        } else if !text[rest.clone()].trim().is_empty() {
                            segs.extend(trimmed(text, rest).map(|r| Segment { span: at(r), action: Action::Copied }));
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

fn trimmed(text: &str, r: Range<usize>) -> Option<Range<usize>> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    (!t.is_empty()).then(|| r.start + lead..r.start + lead + t.len())
}

static LABEL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[^:|]{1,30}[:|]").unwrap());

/// End of a leading "Label:" of a boilerplate line.
fn label_end(text: &str) -> Option<usize> {
    LABEL.find(text).map(|m| m.end())
}

const LABELS: &[(&str, &str)] = &[
    ("baca juga", "Read also"),
    ("baca pula", "Read also"),
    ("baca selengkapnya", "Read more"),
    ("lihat juga", "See also"),
    ("simak juga", "See also"),
    ("simak", "Watch"),
    ("tonton juga", "Watch also"),
    ("artikel terkait", "Related article"),
    ("berita terkait", "Related news"),
    ("editor", "Editor"),
    ("penyunting", "Editor"),
    ("redaktur", "Editor"),
    ("penulis", "Writer"),
    ("reporter", "Reporter"),
    ("pewarta", "Reporter"),
    ("kontributor", "Contributor"),
    ("sumber", "Source"),
    ("foto", "Photo"),
    ("fotografer", "Photographer"),
    ("ilustrasi", "Illustration"),
    ("laporan", "Report"),
    ("halaman", "Page"),
    ("tags", "Tags"),
    ("tag", "Tags"),
    ("topik", "Topics"),
    ("kata kunci", "Keywords"),
    ("hak cipta", "Copyright"),
];

static MONTHS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember|senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad|pukul)\b").unwrap()
});

/// Datelines and labels translated by fixed rules, so that a small model never garbles them.
pub fn rule_translate(text: &str) -> String {
    let lower = text.to_lowercase();
    for (id, en) in LABELS {
        if let Some(rest) = lower.strip_prefix(id).filter(|_| text.is_char_boundary(id.len())) {
            if rest.trim_start().starts_with([':', '|']) || rest.trim().is_empty() {
                let sep = &text[id.len()..];
                return format!("{en}{sep}");
            }
        }
    }
    MONTHS
        .replace_all(text, |c: &regex::Captures| {
            let w = c[1].to_lowercase();
            let en = match w.as_str() {
                "januari" => "January",
                "februari" | "pebruari" => "February",
                "maret" => "March",
                "april" => "April",
                "mei" => "May",
                "juni" => "June",
                "juli" => "July",
                "agustus" => "August",
                "september" => "September",
                "oktober" => "October",
                "november" => "November",
                "desember" => "December",
                "senin" => "Monday",
                "selasa" => "Tuesday",
                "rabu" => "Wednesday",
                "kamis" => "Thursday",
                "jumat" | "jum'at" => "Friday",
                "sabtu" => "Saturday",
                "minggu" | "ahad" => "Sunday",
                "pukul" => "at",
                _ => unreachable!(),
            };
            en.to_string()
        })
        .into_owned()
}

#[derive(Clone, Debug, Serialize)]
pub struct AlignedSegment {
    /// Byte range in the document's normalised text.
    #[serde(skip)]
    pub span: Range<usize>,
    pub action: Action,
    pub target: String,
    /// Pieces the source was split into for exceeding the model's input limit.
    pub pieces: usize,
    /// The output reached --max-decoding-length and may be cut short.
    pub hit_max_length: bool,
    /// Quality flags of translated segments (empty for copied, rule and dropped ones).
    pub flags: Vec<Flag>,
}

#[derive(Clone, Debug)]
pub struct AlignedBlock {
    pub class: BlockClass,
    pub span: Range<usize>,
    pub segments: Vec<AlignedSegment>,
}

impl AlignedBlock {
    pub fn dropped(&self) -> bool {
        self.segments.iter().all(|s| s.action == Action::Dropped)
    }

    /// The English text of the block: its segments joined by a space.
    pub fn target(&self) -> String {
        let mut out = String::new();
        for s in self.segments.iter().filter(|s| s.action != Action::Dropped && !s.target.is_empty()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&s.target);
        }
        out
    }
}

/// A document with its translation, block by block and segment by segment.
#[derive(Clone, Debug)]
pub struct AlignedDocument {
    pub doc: Document,
    pub blocks: Vec<AlignedBlock>,
}

impl AlignedDocument {
    /// Assemble the aligned document from its plan and the translations of the segments to
    /// translate (keyed by source text; the pipeline translated each distinct text once).
    pub fn assemble(doc: Document, plan: Vec<PlannedBlock>, translations: &HashMap<String, Translation>) -> AlignedDocument {
        let blocks = plan
            .into_iter()
            .map(|pb| {
                let segments = pb
                    .segments
                    .into_iter()
                    .map(|seg| {
                        let src = &doc.text[seg.span.clone()];
                        let (target, pieces, hit, flags) = match seg.action {
                            Action::Translated => {
                                let t = translations.get(src).cloned().unwrap_or_default();
                                let mut flags: Vec<Flag> = t.hit_max_length.then_some(Flag::MaxLength).into_iter().collect();
                                flags.extend(crate::quality::check(src, &t.text));
                                if !t.glossary_missing.is_empty() {
                                    flags.push(Flag::GlossaryMissing { terms: t.glossary_missing });
                                }
                                (t.text, t.pieces, t.hit_max_length, flags)
                            }
                            Action::Copied => (src.to_string(), 0, false, Vec::new()),
                            Action::Rule => (rule_translate(src), 0, false, Vec::new()),
                            Action::Dropped => (String::new(), 0, false, Vec::new()),
                        };
                        AlignedSegment { span: seg.span, action: seg.action, target, pieces, hit_max_length: hit, flags }
                    })
                    .collect();
                AlignedBlock { class: pb.class, span: pb.span, segments }
            })
            .collect();
        AlignedDocument { doc, blocks }
    }

    pub fn source(&self, span: &Range<usize>) -> &str {
        &self.doc.text[span.clone()]
    }

    /// The English article with the source's layout: the text between blocks (blank lines,
    /// indentation) is kept; dropped blocks are left out with their line.
    pub fn english(&self) -> String {
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
    pub fn segments(&self) -> impl Iterator<Item = (usize, usize, &AlignedBlock, &AlignedSegment)> {
        self.blocks.iter().enumerate().flat_map(|(bi, b)| b.segments.iter().enumerate().map(move |(si, s)| (bi, si, b, s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn rules_map_dates_and_labels() {
        assert_eq!(rule_translate("- 28 Januari 2022, 11:09 WIB"), "- 28 January 2022, 11:09 WIB");
        assert_eq!(rule_translate("Jumat, 4 Maret 2022 pukul 10.00"), "Friday, 4 March 2022 at 10.00");
        assert_eq!(rule_translate("Baca Juga:"), "Read also:");
        assert_eq!(rule_translate("Sumber:"), "Source:");
    }

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
        let a = AlignedDocument::assemble(doc.clone(), p, &tr);
        assert_eq!(a.english(), "Title\n\nSentence one. Sentence two.\n\nEditor: Budi\n");
        let a = AlignedDocument::assemble(doc.clone(), plan(&doc, Boilerplate::Drop), &tr);
        assert_eq!(a.english(), "Title\n\nSentence one. Sentence two.\n\n");
        let a = AlignedDocument::assemble(doc.clone(), plan(&doc, Boilerplate::Translate), &tr);
        assert_eq!(a.english(), "Title\n\nSentence one. Sentence two.\n\nEditor: Budi\n");
    }
}
