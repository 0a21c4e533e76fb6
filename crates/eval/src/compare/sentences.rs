//! The sentences where two systems differ most, as compare-mt's sentence examples
//! (`generate_sentence_examples`) with sentence-level chrF instead of sentence BLEU: the
//! difference `system - baseline` of each segment's score, segments whose reference and both
//! outputs repeat an earlier segment left out, the `top` largest differences each way. Each
//! output comes with the spans of its words that match the reference
//! ([`super::words::matched`]), to mark them on the page.

use std::ops::Range;

use serde::Serialize;

use super::words::{matched, tokens};
use crate::bleu::Bleu;

/// One output of a compared segment.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct Output {
    /// The line as given.
    pub(crate) text: String,
    /// Its sentence-level chrF.
    pub(crate) score: f64,
    /// Byte ranges of `text` holding words that match the reference.
    pub(crate) matched: Vec<Range<usize>>,
}

/// One segment where the two systems differ.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct Example {
    /// Line number, from 1.
    pub(crate) line: usize,
    /// `system - baseline`.
    pub(crate) difference: f64,
    /// The (first) reference.
    pub(crate) reference: String,
    /// The baseline's output.
    pub(crate) baseline: Output,
    /// The other system's output.
    pub(crate) system: Output,
}

/// Segment indices of the `top` largest differences `sys - base` (the system better) and of
/// the `top` most negative ones (the baseline better), largest first; zero differences and
/// repeated segments (same reference and outputs as an earlier one) are left out.
pub(crate) fn most_different<'a>(base: &[f64], sys: &[f64], key: impl Fn(usize) -> [&'a str; 3], top: usize) -> (Vec<usize>, Vec<usize>) {
    let mut seen = std::collections::HashSet::new();
    let mut order: Vec<usize> = (0..base.len()).filter(|&i| sys[i] != base[i] && seen.insert(key(i))).collect();
    let diff = |i: usize| sys[i] - base[i];
    // Stable sorts keep the earlier line first among equal differences.
    let mut up: Vec<usize> = order.iter().copied().filter(|&i| diff(i) > 0.0).collect();
    up.sort_by(|&a, &b| diff(b).total_cmp(&diff(a)));
    order.retain(|&i| diff(i) < 0.0);
    order.sort_by(|&a, &b| diff(a).total_cmp(&diff(b)));
    up.truncate(top);
    order.truncate(top);
    (up, order)
}

/// The page's example of segment `i`, from the texts and their sentence scores.
pub(crate) fn example(bleu: &Bleu, i: usize, reference: &str, base: (&str, f64), sys: (&str, f64)) -> Example {
    let ref_tokens = tokens(bleu, reference);
    let output = |(text, score): (&str, f64)| {
        let toks = tokens(bleu, text);
        let hits = matched_tokens(&ref_tokens, &toks);
        let spans = token_spans(text, &toks, bleu.lowercase);
        Output {
            text: text.to_string(),
            score,
            matched: merge(text, spans.into_iter().zip(hits).filter(|(_, h)| *h).filter_map(|(s, _)| s)),
        }
    };
    Example { line: i + 1, difference: sys.1 - base.1, reference: reference.to_string(), baseline: output(base), system: output(sys) }
}

/// [`matched`] on token strings.
fn matched_tokens(reference: &[String], output: &[String]) -> Vec<bool> {
    let mut ids = rustc_hash::FxHashMap::default();
    let mut id = |w: &String| {
        let next = ids.len() as u32;
        *ids.entry(w.clone()).or_insert(next)
    };
    let r: Vec<u32> = reference.iter().map(&mut id).collect();
    let o: Vec<u32> = output.iter().map(&mut id).collect();
    matched(&r, &o)
}

/// Where each token lies in the text it came from: the tokenizers only insert spaces (13a and
/// intl split punctuation off words), so each token is looked for from the end of the one
/// before, allowing a short gap (13a turns `&quot;` into `"`). A token not found (a rewritten
/// one, or case changed by `-lc` where lowercasing changes lengths) has no span, and the search
/// goes on from where it was.
pub(crate) fn token_spans(text: &str, tokens: &[String], lowercase: bool) -> Vec<Option<Range<usize>>> {
    /// Non-space characters a token may be from the end of the one before it.
    const MAX_GAP: usize = 8;
    let lowered;
    let hay: &str = if lowercase {
        lowered = crate::tokenize::py_lower(text);
        if lowered.len() == text.len() {
            &lowered
        } else {
            return vec![None; tokens.len()];
        }
    } else {
        text
    };
    let mut at = 0;
    tokens
        .iter()
        .map(|t| {
            let start = hay[at..].find(t.as_str()).map(|p| at + p)?;
            let gap = hay[at..start].chars().filter(|c| !c.is_whitespace()).count();
            if gap > MAX_GAP || !text.is_char_boundary(start) || !text.is_char_boundary(start + t.len()) {
                return None;
            }
            at = start + t.len();
            Some(start..at)
        })
        .collect()
}

/// Matched spans in order, those separated by whitespace only joined into one.
fn merge(text: &str, spans: impl Iterator<Item = Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for s in spans {
        match out.last_mut() {
            Some(last) if text[last.end..s.start].chars().all(char::is_whitespace) => last.end = s.end,
            _ => out.push(s),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans_of(text: &str, lowercase: bool) -> Vec<Option<&str>> {
        let bleu = Bleu { lowercase, ..Bleu::default() };
        let toks = tokens(&bleu, text);
        token_spans(text, &toks, lowercase).into_iter().map(|s| s.map(|r| &text[r])).collect()
    }

    #[test]
    fn tokens_are_found_in_the_original_text() {
        assert_eq!(spans_of("Hello, world.", false), [Some("Hello"), Some(","), Some("world"), Some(".")]);
        assert_eq!(
            spans_of("Mr. Smith's car (new)", false),
            [Some("Mr"), Some("."), Some("Smith's"), Some("car"), Some("("), Some("new"), Some(")")]
        );
        // 13a writes &quot; as a quote: that token is not in the text, the next ones are.
        assert_eq!(spans_of("say &quot;hi&quot; now", false), [Some("say"), None, Some("hi"), None, Some("now")]);
        assert_eq!(spans_of("Café ÜBER", true), [Some("Café"), Some("ÜBER")]);
        assert_eq!(spans_of("", false), Vec::<Option<&str>>::new());
    }

    #[test]
    fn examples_mark_the_matching_words() {
        let bleu = Bleu::default();
        let e = example(&bleu, 4, "The cat sat on the mat.", ("A cat sat on a mat!", 40.0), ("The dog <b>sat</b>.", 30.0));
        assert_eq!(e.line, 5);
        assert_eq!(e.difference, -10.0);
        let marked = |o: &Output| o.matched.iter().map(|r| o.text[r.clone()].to_string()).collect::<Vec<_>>();
        // "cat sat on" joined; "a" is not in the reference ("The", "the" are), "mat" is.
        assert_eq!(marked(&e.baseline), ["cat sat on", "mat"]);
        // 13a splits "<b>sat</b>." into < b > sat < / b > . ("sat" and "." match).
        assert_eq!(marked(&e.system), ["The", "sat", "."]);
    }

    #[test]
    fn most_different_each_way_without_repeats() {
        let base = [10.0, 50.0, 20.0, 30.0, 30.0, 70.0];
        let sys = [40.0, 50.0, 10.0, 60.0, 60.0, 20.0];
        let texts = ["a", "b", "c", "d", "d", "e"];
        let (up, down) = most_different(&base, &sys, |i| [texts[i], texts[i], "r"], 5);
        // +30 at 0 and 3 (4 repeats 3), 0 at 1 left out, -10 at 2, -50 at 5.
        assert_eq!(up, [0, 3]);
        assert_eq!(down, [5, 2]);
        let (up, down) = most_different(&base, &sys, |i| [texts[i], texts[i], "r"], 1);
        assert_eq!((up, down), (vec![0], vec![5]));
    }
}
