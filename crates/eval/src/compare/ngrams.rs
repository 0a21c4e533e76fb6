//! The n-grams most in favour of each of two systems, as compare-mt's n-gram difference
//! analysis (`compare_type=match`, `ngram_utils.compare_ngrams` and
//! `stat_utils.extract_salient_features`):
//!
//! - per system, each word n-gram (n = 1..4) of the output is counted as a match when the
//!   reference of its segment still has an unmatched occurrence of it (clipped counts, as
//!   BLEU's);
//! - each n-gram matched by either system gets the smoothed score `(m1 + α) / (m1 + m2 + 2α)`,
//!   α = 1, where `m1` and `m2` are the two systems' match counts: above 1/2 it favours the first.
//!   It orders n-grams exactly as the smoothed ratio `(m1 + α) / (m2 + α)` does (`s = r / (1 + r)`
//!   increases with `r`), which the JSON gives too;
//! - the top `k` of each end are listed. compare-mt breaks ties by dictionary order; here more
//!   matches in all come first, then the n-gram's text, so the lists are reproducible.

use std::cmp::Ordering;

use rustc_hash::FxHashMap;
use serde::Serialize;

/// compare-mt's n-gram orders.
pub(crate) const MAX_N: usize = 4;
/// compare-mt's default smoothing.
pub(crate) const ALPHA: f64 = 1.0;

/// An n-gram of word ids, padded with `u32::MAX`.
type Gram = [u32; MAX_N];

fn grams(words: &[u32]) -> impl Iterator<Item = Gram> + '_ {
    (1..=MAX_N).flat_map(move |n| {
        words.windows(n).map(move |w| {
            let mut g = [u32::MAX; MAX_N];
            g[..n].copy_from_slice(w);
            g
        })
    })
}

/// Matched n-grams of one system over the corpus: `compare_ngrams`' `match` counts.
pub(crate) fn matches(refs: &[Vec<u32>], outs: &[Vec<u32>]) -> FxHashMap<Gram, u32> {
    let mut total: FxHashMap<Gram, u32> = FxHashMap::default();
    let mut left: FxHashMap<Gram, u32> = FxHashMap::default();
    for (r, o) in refs.iter().zip(outs) {
        left.clear();
        for g in grams(r) {
            *left.entry(g).or_default() += 1;
        }
        for g in grams(o) {
            if let Some(n) = left.get_mut(&g).filter(|n| **n > 0) {
                *n -= 1;
                *total.entry(g).or_default() += 1;
            }
        }
    }
    total
}

/// One n-gram and both systems' matches of it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct SalientNgram {
    /// The words, space-separated.
    pub(crate) ngram: String,
    /// Its order.
    pub(crate) n: usize,
    /// Matches by the baseline (the first system of the pair).
    pub(crate) baseline: u32,
    /// Matches by the other system.
    pub(crate) system: u32,
    /// compare-mt's score `(baseline + α) / (baseline + system + 2α)`.
    pub(crate) score: f64,
    /// `(baseline + α) / (system + α)`, in the same order.
    pub(crate) ratio: f64,
}

/// The `top` n-grams most in favour of the baseline (highest score first) and of the system
/// (lowest score first); `words[id]` spells the ids.
pub(crate) fn salient(
    base: &FxHashMap<Gram, u32>,
    sys: &FxHashMap<Gram, u32>,
    words: &[String],
    top: usize,
) -> (Vec<SalientNgram>, Vec<SalientNgram>) {
    let mut all: Vec<(Gram, u32, u32)> = base.iter().map(|(g, &m)| (*g, m, sys.get(g).copied().unwrap_or(0))).collect();
    all.extend(sys.iter().filter(|(g, _)| !base.contains_key(*g)).map(|(g, &m)| (*g, 0, m)));
    let score = |a: u32, b: u32| (a as f64 + ALPHA) / (a as f64 + b as f64 + 2.0 * ALPHA);
    let spell = |g: &Gram| g.iter().take_while(|&&w| w != u32::MAX).map(|&w| words[w as usize].as_str()).collect::<Vec<_>>().join(" ");
    let entry = |&(g, a, b): &(Gram, u32, u32)| SalientNgram {
        ngram: spell(&g),
        n: g.iter().take_while(|&&w| w != u32::MAX).count(),
        baseline: a,
        system: b,
        score: score(a, b),
        ratio: (a as f64 + ALPHA) / (b as f64 + ALPHA),
    };
    // Ties: more matches first, then the text (spelled only for ties, which are rare among
    // the top but common lower down).
    let ranked = |favour_base: bool| -> Vec<SalientNgram> {
        let mut v = all.clone();
        let cmp = |x: &(Gram, u32, u32), y: &(Gram, u32, u32)| -> Ordering {
            let (sx, sy) = (score(x.1, x.2), score(y.1, y.2));
            let by_score = if favour_base { sy.total_cmp(&sx) } else { sx.total_cmp(&sy) };
            by_score.then_with(|| (y.1 + y.2).cmp(&(x.1 + x.2))).then_with(|| spell(&x.0).cmp(&spell(&y.0)))
        };
        if v.len() > top {
            v.select_nth_unstable_by(top, cmp);
            v.truncate(top);
        }
        v.sort_by(cmp);
        v.iter().map(entry).collect()
    };
    (ranked(true), ranked(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids of words spelled as single letters.
    fn ids(s: &str) -> Vec<u32> {
        s.split(' ').map(|w| (w.as_bytes()[0] - b'a') as u32).collect()
    }

    fn key(s: &str) -> Gram {
        let mut g = [u32::MAX; MAX_N];
        for (i, w) in ids(s).into_iter().enumerate() {
            g[i] = w;
        }
        g
    }

    #[test]
    fn matches_are_clipped_per_segment() {
        // Reference "a b a", output "a a a b": a matches twice, a a never (reference: none),
        // a b... the reference's bigrams are "a b" and "b a".
        let m = matches(&[ids("a b a")], &[ids("a a a b")]);
        assert_eq!(m.get(&key("a")), Some(&2));
        assert_eq!(m.get(&key("b")), Some(&1));
        assert_eq!(m.get(&key("a b")), Some(&1));
        assert_eq!(m.get(&key("a a")), None);
        assert_eq!(m.get(&key("b a")), None);
        assert_eq!(m.len(), 3);
        // Across segments, matches add up.
        let m2 = matches(&[ids("a b"), ids("a c")], &[ids("a b"), ids("a b")]);
        assert_eq!((m2[&key("a")], m2[&key("b")], m2[&key("a b")]), (2, 1, 1));
    }

    #[test]
    fn salient_ngrams_by_smoothed_score() {
        let words: Vec<String> = (b'a'..=b'z').map(|c| (c as char).to_string()).collect();
        let refs = [ids("a b c d"), ids("e f")];
        let base = matches(&refs, &[ids("a b c d"), ids("x y")]);
        let sys = matches(&refs, &[ids("a b x d"), ids("e f")]);
        let (for_base, for_sys) = salient(&base, &sys, &words, 3);
        // Base matches a b c d (and every n-gram of it); sys matches a b, d, e f.
        // "a b c" etc.: (1+1)/(1+0+2) = 2/3; "a": (1+1)/(1+1+2) = 1/2.
        assert_eq!(for_base.len(), 3);
        assert!(for_base.iter().all(|g| g.score == 2.0 / 3.0 && g.baseline == 1 && g.system == 0));
        // Ties (2/3, one match each) in the order of the text.
        let texts: Vec<&str> = for_base.iter().map(|g| g.ngram.as_str()).collect();
        assert_eq!(texts, ["a b c", "a b c d", "b c"]);
        let texts: Vec<&str> = for_sys.iter().map(|g| g.ngram.as_str()).collect();
        assert_eq!(texts, ["e", "e f", "f"]);
        assert_eq!(for_sys[1], SalientNgram { ngram: "e f".into(), n: 2, baseline: 0, system: 1, score: 1.0 / 3.0, ratio: 0.5 });
    }
}
