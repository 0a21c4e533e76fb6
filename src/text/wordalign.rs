//! Where the English of part of a sentence lies in its translation: the words of a link, bold or
//! italics of a saved page, projected onto the English the model made of the whole sentence.
//!
//! CTranslate2 as ct2rs exposes it returns no attention, so the alignment is lexical: a source
//! word links to an English word that is the same word (names, numbers, acronyms: most links
//! in news), a cognate sharing its first letters ("presiden" / "president"), or one of its
//! translations in `id-en-words.tsv` (co-occurrence in the training text and the lexicons,
//! built by `scripts/markup/build.py`). The English of the part is the window of English words
//! that holds the most of the part's links and the fewest words linked to the rest of the
//! sentence. When no window holds links for at least half of the part's words, the projection
//! is unsure and says so: the caller takes a fallback.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// Indonesian word -> English words that translate it, best first.
static WORDS: LazyLock<HashMap<&'static str, Vec<&'static str>>> = LazyLock::new(|| {
    include_str!("id-en-words.tsv").lines().filter_map(|l| l.split_once('\t')).map(|(id, en)| (id, en.split(' ').collect())).collect()
});

/// Letters and digits, with inner hyphens and apostrophes ("baru-baru", "Jakarta's").
static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[^\W_]+(?:['’-][^\W_]+)*").expect("word pattern"));

struct Word {
    range: Range<usize>,
    lower: String,
}

fn words(s: &str) -> Vec<Word> {
    WORD.find_iter(s).map(|m| Word { range: m.range(), lower: m.as_str().to_lowercase() }).collect()
}

/// An English word without a possessive ending.
fn stem_en(w: &str) -> &str {
    w.strip_suffix("'s").or_else(|| w.strip_suffix("’s")).unwrap_or(w)
}

/// How surely source word `s` translates as English word `t`: 2 when it is the same word or
/// number, 1 when the word list or a long common beginning says it may, 0 when nothing does.
fn link(s: &str, t: &str) -> u8 {
    let t = stem_en(t);
    let digits = |w: &str| w.chars().filter(char::is_ascii_digit).collect::<String>();
    if s == t || (s.starts_with(|c: char| c.is_ascii_digit()) && t.starts_with(|c: char| c.is_ascii_digit()) && digits(s) == digits(t)) {
        return 2;
    }
    if WORDS.get(s).is_some_and(|ts| ts.contains(&t)) {
        return 1;
    }
    // Cognates and adapted names ("presiden" / "president", "indonesia" / "indonesian").
    let common = s.chars().zip(t.chars()).take_while(|(a, b)| a == b).count();
    let shorter = s.chars().count().min(t.chars().count());
    if common >= 5 && common * 5 >= shorter * 4 {
        return 1;
    }
    // The parts of compounds ("five-star" / "bintang"; "baru-baru" / "recently").
    let part = |w: &str, other: &str, flip: bool| {
        w.contains('-') && w.split('-').any(|p| !p.is_empty() && (if flip { link(other, p) } else { link(p, other) }) > 0)
    };
    u8::from(part(t, s, true) || part(s, t, false))
}

/// How a part's English was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// By the words: the window of English words that translate it.
    Aligned,
    /// The part is the whole sentence (all its words).
    Whole,
    /// No window holds enough of its words: `project` gives none, the caller falls back.
    Unsure,
}

/// A sentence and its translation, their words linked once for all the parts projected.
pub(crate) struct Alignment {
    src: Vec<Word>,
    tgt: Vec<Word>,
    /// strength[i][j]: how surely source word i translates as English word j.
    strength: Vec<Vec<u8>>,
}

impl Alignment {
    pub(crate) fn new(source: &str, english: &str) -> Alignment {
        let (src, tgt) = (words(source), words(english));
        let strength = src.iter().map(|s| tgt.iter().map(|t| link(&s.lower, &t.lower)).collect()).collect();
        Alignment { src, tgt, strength }
    }

    /// The English (a byte range of the translation, whole words) of the part `span` (a byte
    /// range of the source).
    pub(crate) fn project(&self, span: Range<usize>) -> (Option<Range<usize>>, Found) {
        let Alignment { src, tgt, strength } = self;
        project_words(src, tgt, strength, span)
    }
}

/// The English (a byte range of `english`, whole words) of the part `span` (a byte range of
/// `source`) of a sentence whose translation is `english`.
#[cfg(test)]
fn project(source: &str, span: Range<usize>, english: &str) -> (Option<Range<usize>>, Found) {
    Alignment::new(source, english).project(span)
}

fn project_words(src: &[Word], tgt: &[Word], strength: &[Vec<u8>], span: Range<usize>) -> (Option<Range<usize>>, Found) {
    // A word belongs to the part when its middle does; a part inside one word ("1" of
    // "Pietrobon1") has that word.
    let mut inside: Vec<bool> = src.iter().map(|w| span.contains(&((w.range.start + w.range.end) / 2))).collect();
    if !inside.contains(&true) {
        inside = src.iter().map(|w| w.range.start < span.end && span.start < w.range.end).collect();
    }
    let all = |r: &[Word]| r.first().map(|f| f.range.start).zip(r.last().map(|l| l.range.end)).map(|(a, b)| a..b);
    if inside.iter().all(|&i| i) && !inside.is_empty() {
        return (all(tgt), Found::Whole);
    }
    let part = inside.iter().filter(|&&i| i).count();
    if part == 0 || tgt.is_empty() {
        return (None, Found::Unsure);
    }
    let by = |j: usize, part: bool| (0..src.len()).filter(|&i| inside[i] == part).map(|i| strength[i][j]).max().unwrap_or(0);
    // English words the part claims more surely than the rest of the sentence, and those the
    // rest claims more surely ("Jokowi" outside a link on "Joko Widodo").
    // A tie claims for neither ("Jakarta" in the part, "Gubernur" outside: both may be "Governor").
    let claimed: Vec<bool> = (0..tgt.len()).map(|j| by(j, true) > by(j, false)).collect();
    let outside: Vec<bool> = (0..tgt.len()).map(|j| by(j, false) > by(j, true)).collect();
    let longest = 2 * part + 3;
    let mut best: Option<(f64, Range<usize>, usize)> = None;
    // Windows grow one word at a time from each start, the counts kept as they grow.
    for a in 0..tgt.len() {
        let mut hit = vec![false; src.len()];
        let (mut covered, mut claims, mut foreign) = (0, 0, 0);
        for b in a..tgt.len().min(a + longest) {
            if claimed[b] {
                claims += 1;
                for i in 0..src.len() {
                    if inside[i] && !hit[i] && strength[i][b] > 0 {
                        hit[i] = true;
                        covered += 1;
                    }
                }
            }
            foreign += usize::from(outside[b]);
            // English words the part claims count too: "Joko Widodo" is two words, though the
            // list links each of them to both.
            let score = (covered + claims) as f64 / 2.0 - foreign as f64 - 0.05 * (b - a + 1) as f64;
            if covered > 0 && best.as_ref().is_none_or(|(s, _, _)| score > *s) {
                best = Some((score, a..b + 1, covered));
            }
        }
    }
    match best {
        Some((score, w, covered)) if score > 0.0 && covered * 2 >= part => {
            (Some(tgt[w.start].range.start..tgt[w.end - 1].range.end), Found::Aligned)
        }
        _ => (None, Found::Unsure),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english_of(source: &str, part: &str, english: &str) -> Option<String> {
        let start = source.find(part).unwrap();
        let (range, found) = project(source, start..start + part.len(), english);
        assert_eq!(range.is_some(), found != Found::Unsure);
        range.map(|r| english[r].to_string())
    }

    #[test]
    fn names_numbers_and_translated_words_are_found() {
        let id = "Presiden Joko Widodo meresmikan jalan tol di Semarang pada Senin.";
        let en = "President Joko Widodo inaugurated the toll road in Semarang on Monday.";
        assert_eq!(english_of(id, "Joko Widodo", en).as_deref(), Some("Joko Widodo"));
        assert_eq!(english_of(id, "Presiden Joko Widodo", en).as_deref(), Some("President Joko Widodo"));
        assert_eq!(english_of(id, "Semarang", en).as_deref(), Some("Semarang"));
        assert_eq!(english_of(id, "jalan tol", en).as_deref(), Some("toll road"));
        let id = "Harga beras naik 2,5 persen menurut Badan Pusat Statistik.";
        let en = "Rice prices rose 2.5 percent according to the Central Statistics Agency.";
        assert_eq!(english_of(id, "2,5 persen", en).as_deref(), Some("2.5 percent"));
        assert_eq!(english_of(id, "Badan Pusat Statistik", en).as_deref(), Some("Central Statistics Agency"));
    }

    #[test]
    fn words_the_rest_of_the_sentence_names_stay_out() {
        let id = "Ahok mendukung usulan pemberian jenderal bintang lima bagi Presiden Joko Widodo (Jokowi).";
        let en = "Ahok supports the proposal of a five-star general for President Joko Widodo (Jokowi).";
        assert_eq!(
            english_of(id, "jenderal bintang lima bagi Presiden Joko Widodo", en).as_deref(),
            Some("five-star general for President Joko Widodo")
        );
    }

    #[test]
    fn the_whole_sentence_and_unsure_parts() {
        let id = "Dia pergi ke pasar.";
        let (r, found) = project(id, 0..id.len(), "He went to the market.");
        assert_eq!((r, found), (Some(0..21), Found::Whole));
        // Nothing in the English translates the part: unsure, never a guess.
        assert_eq!(english_of("Dia pergi ke pasar kemarin.", "kemarin", "He went to the market."), None);
        // Punctuation only.
        assert_eq!(project("Dia pergi.", 9..10, "He went.").1, Found::Unsure);
    }
}
