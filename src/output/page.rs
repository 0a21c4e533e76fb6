//! `NAME.en.html`: a saved web page with its article's English in place, written for each HTML
//! input beside the formats asked for. The page keeps everything else as it was (head,
//! navigation, images, links, blocks kept verbatim): [`Page::translated_page`]. Links, bold,
//! italics and the like inside a translated block go around the English words that translate
//! the words they held ([`crate::text::wordalign`]); where the words do not tell, around the English of the
//! whole sentence, so that no link is lost.

use std::io::{self, Write};
use std::ops::Range;

use crate::align::AlignedDocument;
use crate::input::blocks::lines;
use crate::input::html::{Mark, Page, Placed};
use crate::text::wordalign::{Alignment, Found};

/// Written after the input's stem.
pub(crate) const SUFFIX: &str = "en.html";

/// How the inline elements of a page were placed in its English.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct MarkCounts {
    /// Around the English words that translate their words.
    pub(crate) aligned: usize,
    /// Around whole sentences: the element held the whole sentence.
    pub(crate) whole: usize,
    /// Around whole sentences: the words did not tell where (the fallback); and links of
    /// symbols alone that the model left out, their symbols put back where they stood.
    pub(crate) sentence: usize,
    /// Not placed: their text is not in the English (boilerplate the run leaves out, or
    /// punctuation alone that the model left out; a link's symbols go back instead, unless the
    /// link is inside another placed element).
    pub(crate) dropped: usize,
    /// Not placed: their siblings took all the words left to them.
    pub(crate) lost: usize,
    /// Translated blocks that hold links (`<a href>`), and those whose every link was placed.
    pub(crate) blocks_with_links: usize,
    pub(crate) blocks_with_links_kept: usize,
}

/// Write `page` (the page `aligned` was made from) with the English of `aligned` in place.
pub(crate) fn write(page: &Page, aligned: &AlignedDocument, w: &mut dyn Write) -> io::Result<MarkCounts> {
    let mut counts = MarkCounts::default();
    let english: Vec<Placed> =
        page.block_marks().zip(english_blocks(aligned)).map(|(marks, block)| place(marks, block, &mut counts)).collect();
    w.write_all(page.translated_page(&english).as_bytes())?;
    Ok(counts)
}

/// A block's English: its text, and each translated segment's source span (in the document's
/// text, relative to the block's line) and English span (in the text).
struct BlockEnglish {
    text: String,
    segments: Vec<(Range<usize>, Range<usize>)>,
    source: String,
}

/// For each chosen block of the page (one a line of the article text), the English of the
/// blocks of its line joined as in the source.
fn english_blocks(aligned: &AlignedDocument) -> Vec<BlockEnglish> {
    let text = &aligned.doc.text;
    let mut out = Vec::new();
    for line in lines(text).filter(|l| !l.is_empty()) {
        let mut en = String::new();
        let mut segments = Vec::new();
        let mut pos = line.start;
        for b in aligned.blocks.iter().filter(|b| b.span.start >= line.start && b.span.end <= line.end) {
            if !en.is_empty() || b.span.start > pos {
                en.push_str(&text[pos..b.span.start]);
            }
            for (s, range) in b.push_target(&mut en) {
                segments.push((s.span.start - line.start..s.span.end - line.start, range));
            }
            pos = b.span.end;
        }
        let lead = en.len() - en.trim_start().len();
        let trimmed = en.trim().to_string();
        let at = |i: usize| i.saturating_sub(lead).min(trimmed.len());
        let segments = segments.into_iter().map(|(s, e)| (s, at(e.start)..at(e.end))).collect();
        out.push(BlockEnglish { text: trimmed, segments, source: text[line].to_string() });
    }
    out
}

/// The word of `text` within `bounds` outside every range of `taken` that starts nearest to
/// `at` (0 to 1) of the way through `bounds`.
fn free_word(text: &str, bounds: Range<usize>, taken: &[Range<usize>], at: f64) -> Option<Range<usize>> {
    let target = bounds.start as f64 + at * bounds.len() as f64;
    let mut words = Vec::new();
    let mut start = None;
    for (i, c) in text[bounds.clone()].char_indices().map(|(i, c)| (i + bounds.start, c)).chain([(bounds.end, ' ')]) {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                words.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    nearest(words.into_iter().filter(|w| apart(w, taken)), target)
}

/// Whether `r` overlaps none of `taken`.
fn apart(r: &Range<usize>, taken: &[Range<usize>]) -> bool {
    taken.iter().all(|t| r.end <= t.start || t.end <= r.start)
}

/// The range that starts nearest to byte `target`.
fn nearest(ranges: impl Iterator<Item = Range<usize>>, target: f64) -> Option<Range<usize>> {
    ranges.min_by(|a, b| (a.start as f64 - target).abs().total_cmp(&(b.start as f64 - target).abs()))
}

/// Whether mark `inner` lies within mark `outer` in the source.
fn within(inner: &Mark, outer: &Mark) -> bool {
    outer.range.start <= inner.range.start && inner.range.end <= outer.range.end
}

/// `range` of `text` without the spaces at its ends.
fn trim(text: &str, range: Range<usize>) -> Range<usize> {
    let s = &text[range.clone()];
    let start = range.start + (s.len() - s.trim_start().len());
    start..(range.end - (s.len() - s.trim_end().len())).max(start)
}

/// The English range of each mark of a block (outer before inner), nested, siblings apart.
fn place(marks: &[Mark], block: BlockEnglish, counts: &mut MarkCounts) -> Placed {
    if block.text == block.source {
        return Placed::from(block.text); // kept verbatim: the page's block is left as it was
    }
    let links = marks.iter().filter(|m| m.name == "a").count();
    // Each mark's parent in the source: the nearest mark before it that holds it.
    let parents: Vec<Option<usize>> = (0..marks.len()).map(|m| (0..m).rev().find(|&p| within(&marks[m], &marks[p]))).collect();
    // (mark, English range), and the placed mark each went inside (its nearest placed ancestor).
    let mut placed: Vec<(usize, Range<usize>)> = Vec::new();
    let mut holders: Vec<Option<usize>> = Vec::new();
    // Links of symbols alone that the English lacks, with where they stood (a byte of the English).
    let mut restore: Vec<(usize, f64)> = Vec::new();
    // Each sentence's words linked once, for the first mark in it.
    let aligned: Vec<std::cell::OnceCell<Alignment>> = block.segments.iter().map(|_| std::cell::OnceCell::new()).collect();
    for (m, mark) in marks.iter().enumerate() {
        // The English of the mark in each sentence it touches, and of those sentences.
        let mut found: Option<(Range<usize>, Found)> = None;
        let mut sentences: Option<Range<usize>> = None;
        let mut at = 0.0; // where the mark starts in its first sentence, 0 to 1
        for (k, (src, en)) in block.segments.iter().enumerate() {
            let from = mark.range.start.max(src.start);
            let to = mark.range.end.min(src.end);
            if from >= to {
                continue;
            }
            let (range, how) = aligned[k]
                .get_or_init(|| Alignment::new(&block.source[src.clone()], &block.text[en.clone()]))
                .project(from - src.start..to - src.start);
            // Unsure: the whole sentence.
            let range = range.map_or(en.clone(), |r| en.start + r.start..en.start + r.end);
            found = Some(match found {
                None => (range, how),
                // Over several sentences: from the first's English to the last's.
                Some((r, h)) => (r.start.min(range.start)..r.end.max(range.end), if h == Found::Unsure { h } else { how }),
            });
            if sentences.is_none() {
                at = (from - src.start) as f64 / src.len().max(1) as f64;
            }
            sentences = Some(sentences.map_or(en.clone(), |s| s.start..en.end));
        }
        let (Some((range, mut how)), Some(mut bounds)) = (found, sentences) else {
            counts.dropped += 1;
            continue;
        };
        // Within its nearest placed ancestor's English (an ancestor not placed does not count),
        // apart from the English of the others placed inside that one.
        let mut range = range;
        let holder = placed.iter().rev().find(|(p, _)| within(mark, &marks[*p])).cloned();
        if let Some((_, r)) = &holder {
            range = range.start.max(r.start)..range.end.min(r.end);
            if range.start >= range.end {
                range = r.clone();
            }
            bounds = r.clone();
        }
        let holder = holder.map(|(p, _)| p);
        let siblings: Vec<Range<usize>> = placed.iter().zip(&holders).filter(|(_, h)| **h == holder).map(|((_, r), _)| r.clone()).collect();
        for r in &siblings {
            if !apart(&range, std::slice::from_ref(r)) {
                range = if range.start < r.start { range.start..r.start } else { r.end.max(range.start)..range.end };
            }
        }
        // Unsure beside siblings in its sentence: the sentence is not its to take.
        let crowded = marks.iter().enumerate().any(|(o, other)| {
            o != m
                && parents[o] == parents[m]
                && block.segments.iter().any(|(src, _)| {
                    let touches = |r: &Range<usize>| r.start < src.end && src.start < r.end;
                    touches(&mark.range) && touches(&other.range)
                })
        });
        // Punctuation or symbols alone ("," in italics, a "↬" link): where the English has them,
        // never a word's place.
        let held = block.source[mark.range.clone()].trim();
        if !held.chars().any(char::is_alphanumeric) {
            let target = bounds.start as f64 + at * bounds.len() as f64;
            let found = nearest(
                block.text[bounds.clone()]
                    .match_indices(held)
                    .map(|(i, _)| bounds.start + i..bounds.start + i + held.len())
                    .filter(|r| !held.is_empty() && apart(r, &siblings)),
                target,
            );
            match found {
                Some(r) => {
                    counts.aligned += 1;
                    placed.push((m, r));
                    holders.push(holder);
                }
                // A link is never lost: when the English lacks its symbols, they go back where
                // it stood, after the others are placed.
                None if mark.name == "a" && holder.is_none() && !held.is_empty() && !block.text[bounds.clone()].contains(held) => {
                    restore.push((m, target))
                }
                None => counts.dropped += 1,
            }
            continue;
        }
        let mut range = trim(&block.text, range.start..range.end.max(range.start));
        if range.is_empty() || (how == Found::Unsure && crowded) {
            // Its siblings took its words, or share its sentence while the words do not tell: the
            // free word nearest where it stood in its sentence.
            how = Found::Unsure;
            match free_word(&block.text, bounds, &siblings, at) {
                Some(r) => range = r,
                None => {
                    counts.lost += 1;
                    continue;
                }
            }
        }
        match how {
            Found::Aligned => counts.aligned += 1,
            Found::Whole => counts.whole += 1,
            Found::Unsure => counts.sentence += 1,
        }
        placed.push((m, range));
        holders.push(holder);
    }
    let mut text = block.text;
    // Where each goes in the English as it is; then inserted last first (an insertion moves only
    // what follows it), in source order at one place.
    let mut restore: Vec<(usize, usize)> = restore.into_iter().map(|(m, target)| (restore_at(&text, &placed, target), m)).collect();
    restore.sort_by_key(|&(at, m)| std::cmp::Reverse((at, m)));
    for (at, m) in restore {
        let held = block.source[marks[m].range.clone()].trim();
        let (insert, start) = if text.is_empty() {
            (held.to_string(), 0)
        } else if at == text.len() {
            (format!(" {held}"), at + 1)
        } else {
            (format!("{held} "), at)
        };
        text.insert_str(at, &insert);
        let shift = insert.len();
        for (_, r) in &mut placed {
            if r.start >= at {
                r.start += shift;
            }
            if r.end > at {
                r.end += shift;
            }
        }
        placed.push((m, start..start + held.len()));
        counts.sentence += 1;
    }
    if links > 0 {
        counts.blocks_with_links += 1;
        if placed.iter().filter(|(m, _)| marks[*m].name == "a").count() == links {
            counts.blocks_with_links_kept += 1;
        }
    }
    // In text order, outer before inner (the sort is stable: a parent before its child of the same range).
    placed.sort_by_key(|(_, r)| (r.start, std::cmp::Reverse(r.end)));
    Placed { text, marks: placed }
}

/// Where a link's symbols go back into the English: the start of the word (or the end of the
/// text) nearest byte `target` that no placed element holds.
fn restore_at(text: &str, placed: &[(usize, Range<usize>)], target: f64) -> usize {
    let starts = (0..=text.len()).filter(|&i| {
        i == 0
            || i == text.len()
            || (text.is_char_boundary(i) && text[..i].ends_with(char::is_whitespace) && !text[i..].starts_with(char::is_whitespace))
    });
    let free = |i: &usize| placed.iter().all(|(_, r)| *i <= r.start || r.end <= *i);
    starts.filter(free).min_by(|a, b| (*a as f64 - target).abs().total_cmp(&(*b as f64 - target).abs())).unwrap_or(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::html::Extract;

    fn placed(html: &str, english: &str) -> (Placed, MarkCounts, Vec<String>) {
        placed_cut(html, english, None)
    }

    /// With the block as two sentences, cut at these byte offsets of the source and the English.
    fn placed_cut(html: &str, english: &str, cut: Option<(usize, usize)>) -> (Placed, MarkCounts, Vec<String>) {
        let page = Page::parse(html, Extract::All);
        let marks = page.block_marks().next().unwrap().to_vec();
        let source = page.blocks().next().unwrap().to_string();
        let segments = match cut {
            None => vec![(0..source.len(), 0..english.len())],
            Some((s, e)) => vec![(0..s, 0..e), (s..source.len(), e..english.len())],
        };
        let block = BlockEnglish { segments, text: english.into(), source };
        let mut counts = MarkCounts::default();
        let p = place(&marks, block, &mut counts);
        let words = p.marks.iter().map(|(_, r)| p.text[r.clone()].to_string()).collect();
        (p, counts, words)
    }

    #[test]
    fn marks_the_words_do_not_place_share_their_sentence() {
        // Nothing in the English tells: one sentence, three links: each takes a word of its own,
        // in order, none lost.
        let (_, counts, words) = placed(
            r#"<p>Lihat <a href="/1">satu</a>, <a href="/2">dua</a> dan <a href="/3">tiga</a> ya.</p>"#,
            "See qux, quux and corge yes.",
        );
        assert_eq!(counts, MarkCounts { sentence: 3, blocks_with_links: 1, blocks_with_links_kept: 1, ..Default::default() });
        let (p, _, _) = placed(
            r#"<p>Lihat <a href="/1">satu</a>, <a href="/2">dua</a> dan <a href="/3">tiga</a> ya.</p>"#,
            "See qux, quux and corge yes.",
        );
        assert_eq!(words.len(), 3);
        assert!(p.marks.windows(2).all(|w| w[0].1.end <= w[1].1.start), "apart and in order: {:?}", p.marks);
        // Alone in its sentence: the whole sentence.
        let (_, counts, words) = placed(r#"<p>Lihat <a href="/1">satu</a> ya.</p>"#, "See qux yes.");
        assert_eq!((counts.sentence, words), (1, vec!["See qux yes.".to_string()]));
        // Found by the words, nested inside its parent.
        let (p, counts, words) =
            placed(r#"<p>Kata <a href="/j">Presiden <b>Joko Widodo</b></a> hari ini.</p>"#, "President Joko Widodo said today.");
        assert_eq!(counts.aligned, 2);
        assert_eq!(words, ["President Joko Widodo", "Joko Widodo"]);
        assert!(p.marks[0].1.start <= p.marks[1].1.start && p.marks[1].1.end <= p.marks[0].1.end);
        // Punctuation alone takes the English's punctuation, never a word; gone from the English,
        // it is not placed, unless it is a link: its symbols go back where it stood.
        let (p, counts, words) = placed(
            r#"<p>Ikuti kami di <a href="/t">Twitter</a><em>,</em> <a href="/f">Facebook</a> <a href="/x">↬</a>.</p>"#,
            "Follow us on Twitter, Facebook.",
        );
        assert_eq!(words, ["Twitter", ",", "Facebook", "↬"]);
        assert_eq!(p.text, "Follow us on Twitter, Facebook. ↬");
        assert_eq!((counts.aligned, counts.sentence, counts.dropped, counts.lost), (3, 1, 0, 0));
        assert_eq!((counts.blocks_with_links, counts.blocks_with_links_kept), (1, 1));
        let (_, counts, _) = placed(r#"<p>Ikuti kami di Twitter<em>,</em> ya.</p>"#, "Follow us on Twitter yes.");
        assert_eq!(counts.dropped, 1, "punctuation alone in italics is not put back");
        // Before the other link, where it stood; the other's English moves with the insertion.
        let (p, _, words) = placed(r#"<p><a href="/c">↬</a> <a href="/i">ignant</a></p>"#, "ignant");
        assert_eq!((p.text.as_str(), words), ("↬ ignant", vec!["↬".to_string(), "ignant".to_string()]));
        // Two at one place keep their order.
        let (p, counts, _) = placed(r#"<p><a href="/p">«</a> <a href="/n">»</a> Berita</p>"#, "News");
        assert_eq!((p.text.as_str(), counts.sentence), ("« » News", 2));
        assert_eq!(p.marks.iter().map(|(m, _)| *m).collect::<Vec<_>>(), [0, 1]);
        // The English has the symbol, taken by another element: not put back twice.
        let (p, counts, _) = placed(r#"<p><b>Twitter ↬ ya</b> <a href="/x">↬</a></p>"#, "Twitter ↬ yes");
        assert_eq!((p.text.as_str(), counts.dropped, counts.sentence), ("Twitter ↬ yes", 1, 0));
        // Found by the property test below: a `<b>` inside an element that could not be placed
        // crossed a sibling of that element.
        let html = r#"<p>Presiden <sup>1</sup><b>Presiden <span><b>Joko Widodo</span><a href="/x">Kata </a></p>"#;
        let (p, _, _) = placed_cut(html, "caféPresident 2.5 percentcafé2.5 percentSaid Said Said", Some((21, 21)));
        for (i, (_, r)) in p.marks.iter().enumerate() {
            for (_, o) in &p.marks[..i] {
                assert!(o.end <= r.start || (o.start <= r.start && r.end <= o.end), "{o:?} and {r:?} cross: {:?}", p.marks);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, failure_persistence: None, ..Default::default() })]

        /// Any inline markup and any English (multi-byte text, one sentence or several): the
        /// placement is nested and within the English, and the page is written without a panic.
        #[test]
        fn any_markup_is_placed_within_the_english(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "Kata ", "Presiden ", "Joko Widodo", " — ", "café ", "2,5 persen", ". ", "Ia pergi", "<a href=\"/x\">", "</a>",
                "<b>", "</b>", "<i>", "</i>", "<a href=\"/y\"><img src=i.png></a>", "<span>", "</span>", "<sup>1</sup>", "é",
            ]), 1..30),
            english in proptest::collection::vec(proptest::sample::select(vec!["Said ", "President ", "Joko Widodo", " — ", "café", "2.5 percent", ". ", "he went", "é", " "]), 1..20),
            cut in 0usize..40,
        ) {
            let html = format!("<html><body><p>{}</p></body></html>", parts.concat());
            let page = Page::parse(&html, Extract::All);
            let Some(marks) = page.block_marks().next().map(<[Mark]>::to_vec) else { return Ok(()) };
            let source = page.blocks().next().unwrap().to_string();
            let text: String = english.concat().trim().to_string();
            // One segment, or two cut at a character boundary of each side.
            let split = |s: &str| (0..=s.len()).filter(|&i| s.is_char_boundary(i)).nth(cut % (s.chars().count() + 1)).unwrap_or(s.len());
            let (s, e) = (split(&source), split(&text));
            let segments = if s == 0 || e == 0 || s == source.len() || e == text.len() {
                vec![(0..source.len(), 0..text.len())]
            } else {
                vec![(0..s, 0..e), (s..source.len(), e..text.len())]
            };
            let block = BlockEnglish { segments, text: text.clone(), source };
            let mut counts = MarkCounts::default();
            let placed = place(&marks, block, &mut counts);
            // A link's symbols put back lengthen the English.
            let text = &placed.text;
            for (i, (m, r)) in placed.marks.iter().enumerate() {
                proptest::prop_assert!(*m < marks.len() && r.start < r.end && r.end <= text.len(), "{r:?} of {text:?}");
                proptest::prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                for (_, o) in &placed.marks[..i] {
                    proptest::prop_assert!(o.end <= r.start || (o.start <= r.start && r.end <= o.end), "{o:?} and {r:?} cross");
                }
            }
            page.translated_page(&[placed]);
        }
    }
}
