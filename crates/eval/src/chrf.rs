//! chrF (Popović, 2015) and chrF++ (Popović, 2017) exactly as sacrebleu 2.x computes them
//! (`metrics/chrf.py`): per order `[hyp_count, ref_count, matches]`, character n-grams first
//! (whitespace removed), then word n-grams (chrF++), the F-score with effective-order averaging.

use rustc_hash::FxHashMap;

use crate::metric::{Metric, SignatureField};
use crate::ngram::{match_counts, ngram_groups, ngram_groups_slices, Interner, Key};
use crate::real::{Np, Real};
use crate::score::Score;
use crate::tokenize::{is_py_space, py_lower, py_split};

/// sacrebleu's `CHAR_ORDER`.
pub const CHAR_ORDER: usize = 6;
/// sacrebleu's `BETA`.
pub const BETA: u32 = 2;

/// A configured chrF metric: `word_order` 0 is chrF, 2 is chrF++.
#[derive(Debug, Clone)]
pub struct Chrf {
    /// Character n-gram order (up to 6 packed into integer keys, longer ones as slices).
    pub char_order: usize,
    /// Word n-gram order (up to 4 packed, longer ones as slices).
    pub word_order: usize,
    /// Weight of recall against precision.
    pub beta: u32,
    /// Lowercase hypotheses and references.
    pub lowercase: bool,
    /// Keep whitespace in character n-grams (sacrebleu's `--chrf-whitespace`).
    pub whitespace: bool,
    /// chrF++.py's, NLTK's and Moses' epsilon smoothing instead of effective-order averaging
    /// (sacrebleu's `--chrf-eps-smoothing`).
    pub eps_smoothing: bool,
}

impl Default for Chrf {
    fn default() -> Self {
        Chrf { char_order: CHAR_ORDER, word_order: 0, beta: BETA, lowercase: false, whitespace: false, eps_smoothing: false }
    }
}

impl Chrf {
    /// chrF++ with sacrebleu's defaults.
    pub fn plus_plus() -> Self {
        Chrf { word_order: 2, ..Chrf::default() }
    }
}

impl Metric for Chrf {
    /// `chrF2`, `chrF2++`.
    fn name(&self) -> String {
        format!("chrF{}{}", self.beta, "+".repeat(self.word_order))
    }

    fn n_stats(&self) -> usize {
        3 * (self.char_order + self.word_order)
    }

    fn signature_fields(&self) -> Vec<SignatureField> {
        vec![
            SignatureField::new("case", "c", if self.lowercase { "lc" } else { "mixed" }.to_string()),
            SignatureField::yes_no("eff", "e", !self.eps_smoothing),
            SignatureField::new("nc", "nc", self.char_order.to_string()),
            SignatureField::new("nw", "nw", self.word_order.to_string()),
            SignatureField::yes_no("space", "s", self.whitespace),
        ]
    }

    fn score(&self, stats: &[f64]) -> Score {
        Score::new(self.name(), self.f_score(stats))
    }

    fn bootstrap_score(&self, stats: &[f64]) -> Np {
        self.f_score_as::<Np>(stats)
    }

    /// The statistics of the reference with the best F-score (the first on ties).
    fn segment_stats(&self, hyp: &str, refs: &[&str], out: &mut [f64]) {
        let lowered: Vec<String>;
        let texts: Vec<&str> = if self.lowercase {
            lowered = std::iter::once(hyp).chain(refs.iter().copied()).map(py_lower).collect();
            lowered.iter().map(String::as_str).collect()
        } else {
            std::iter::once(hyp).chain(refs.iter().copied()).collect()
        };
        // Character ids shared by the hypothesis and its references (whitespace removed unless
        // asked to keep it).
        let mut chars = CharIds::default();
        let keep = |c: char| self.whitespace || !is_py_space(c);
        let char_ids: Vec<Vec<u32>> = texts.iter().map(|t| t.chars().filter(|&c| keep(c)).map(|c| chars.id(c)).collect()).collect();
        // `[ref][order] -> (hyp, ref, matches)`; ten bits per character when few enough.
        let char_stats = if self.char_order > CHAR_ORDER {
            order_stats_slices(&char_ids, self.char_order)
        } else if chars.len() < (1 << 10) - 1 {
            order_stats::<u64>(&char_ids, self.char_order, 10)
        } else {
            order_stats::<u128>(&char_ids, self.char_order, 21)
        };
        let word_stats = if self.word_order > 0 {
            let mut words = Interner::default();
            let word_ids: Vec<Vec<u32>> = texts.iter().map(|t| remove_punctuation(t).into_iter().map(|w| words.id(w)).collect()).collect();
            if self.word_order <= 2 {
                order_stats::<u64>(&word_ids, self.word_order, 32)
            } else if self.word_order <= 4 {
                order_stats::<u128>(&word_ids, self.word_order, 32)
            } else {
                order_stats_slices(&word_ids, self.word_order)
            }
        } else {
            vec![Vec::new(); refs.len()]
        };
        let mut best_f = -1.0;
        let mut stats = vec![0.0; self.n_stats()];
        for (cs, ws) in char_stats.iter().zip(&word_stats) {
            for (i, &(hc, rc, mc)) in cs.iter().chain(ws).enumerate() {
                stats[3 * i] = hc as f64;
                stats[3 * i + 1] = rc as f64;
                stats[3 * i + 2] = mc as f64;
            }
            let f = self.f_score(&stats);
            if f > best_f {
                best_f = f;
                out.copy_from_slice(&stats);
            }
        }
    }
}

impl Chrf {
    /// sacrebleu's `_compute_f_score`: effective-order averaging, or epsilon smoothing.
    fn f_score(&self, stats: &[f64]) -> f64 {
        self.f_score_as::<f64>(stats)
    }

    /// [`Chrf::f_score`] in the arithmetic `R` (see [`Real`]: `f64` for Python floats, or
    /// numpy's float32 rules for the bootstrap's float32 statistics), operation for operation.
    fn f_score_as<R: Real>(&self, stats: &[f64]) -> R {
        let eps = R::py(1e-16);
        let factor = R::py((self.beta * self.beta) as f64);
        let mut score = R::py(0.0);
        let (mut avg_prec, mut avg_rec) = (R::py(0.0), R::py(0.0));
        let mut effective_order = 0usize;
        let zero = R::py(0.0);
        for i in 0..self.char_order + self.word_order {
            let (n_hyp, n_ref, n_match) = (R::stat(stats[3 * i]), R::stat(stats[3 * i + 1]), R::stat(stats[3 * i + 2]));
            let prec = if n_hyp > zero { n_match / n_hyp } else { eps };
            let rec = if n_ref > zero { n_match / n_ref } else { eps };
            if self.eps_smoothing {
                // Only the smoothed score needs the per-order F-scores.
                let denom = factor * prec + rec;
                score = score + if denom > zero { (R::py(1.0) + factor) * prec * rec / denom } else { eps };
            }
            if n_hyp > zero && n_ref > zero {
                avg_prec = avg_prec + prec;
                avg_rec = avg_rec + rec;
                effective_order += 1;
            }
        }
        if self.eps_smoothing {
            return R::py(100.0) * score / R::py((self.char_order + self.word_order) as f64);
        }
        if effective_order == 0 {
            avg_prec = zero;
            avg_rec = zero;
        } else {
            avg_prec = avg_prec / R::py(effective_order as f64);
            avg_rec = avg_rec / R::py(effective_order as f64);
        }
        if avg_prec + avg_rec != zero {
            let mut score = (R::py(1.0) + factor) * avg_prec * avg_rec;
            score = score / ((factor * avg_prec) + avg_rec);
            R::py(100.0) * score
        } else {
            zero
        }
    }
}

/// `ids[0]` is the hypothesis, the others its references: per reference and order,
/// `(hyp_count, ref_count, matches)`, with `hyp_count` 0 when the reference has no n-gram of
/// that order (sacrebleu's `_get_match_statistics`). N-grams are packed into integer keys.
fn order_stats<K: Key>(ids: &[Vec<u32>], order: usize, bits: u32) -> Vec<Vec<(u64, u64, u64)>> {
    order_stats_by(ids, |x| ngram_groups::<K>(x, order, bits))
}

/// [`order_stats`] for orders too long to pack into integer keys: n-grams as id slices.
fn order_stats_slices(ids: &[Vec<u32>], order: usize) -> Vec<Vec<(u64, u64, u64)>> {
    order_stats_by(ids, |x| ngram_groups_slices(x, order))
}

/// [`order_stats`] with the counted n-grams of a sequence given by `groups`.
fn order_stats_by<'a, K: Ord + Copy>(ids: &'a [Vec<u32>], groups: impl Fn(&'a [u32]) -> Vec<Vec<(K, u32)>>) -> Vec<Vec<(u64, u64, u64)>> {
    let hyp = groups(&ids[0]);
    ids[1..]
        .iter()
        .map(|r| {
            let refs = groups(r);
            hyp.iter()
                .zip(&refs)
                .map(|(h, r)| {
                    let (hc, rc, mc) = match_counts(h, r);
                    (if r.is_empty() { 0 } else { hc }, rc, mc)
                })
                .collect()
        })
        .collect()
}

/// Per-segment character → id (from 1), ASCII through a table.
struct CharIds {
    ascii: [u32; 128],
    other: FxHashMap<char, u32>,
    next: u32,
}

impl Default for CharIds {
    fn default() -> Self {
        CharIds { ascii: [0; 128], other: FxHashMap::default(), next: 1 }
    }
}

impl CharIds {
    #[inline]
    fn id(&mut self, c: char) -> u32 {
        let slot = if c.is_ascii() { &mut self.ascii[c as usize] } else { self.other.entry(c).or_insert(0) };
        if *slot == 0 {
            *slot = self.next;
            self.next += 1;
        }
        *slot
    }

    fn len(&self) -> usize {
        self.next as usize - 1
    }
}

/// sacrebleu's `_PUNCTS` (Python's `string.punctuation`).
fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
}

/// sacrebleu's `_remove_punctuation`: one punctuation character split off the end of a word,
/// else off its start (so `(hi)` gives `(hi` and `)`, as in sacrebleu).
fn remove_punctuation(sent: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for w in py_split(sent) {
        let mut it = w.chars();
        let first = it.next().unwrap();
        let Some(last) = it.next_back() else {
            out.push(w);
            continue;
        };
        if is_punct(last) {
            let cut = w.len() - last.len_utf8();
            out.extend([&w[..cut], &w[cut..]]);
        } else if is_punct(first) {
            let cut = first.len_utf8();
            out.extend([&w[..cut], &w[cut..]]);
        } else {
            out.push(w);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_split_like_sacrebleu() {
        assert_eq!(remove_punctuation("(hi) a, \"b ."), ["(hi", ")", "a", ",", "\"", "b", "."]);
    }

    #[test]
    fn identical_is_100_and_empty_is_0() {
        let c = Chrf::plus_plus();
        let mut s = vec![0.0; c.n_stats()];
        c.segment_stats("Hello world!", &["Hello world!"], &mut s);
        assert_eq!(c.score(&s).score, 100.0);
        c.segment_stats("", &["Hello world!"], &mut s);
        assert_eq!(c.score(&s).score, 0.0);
    }
}
