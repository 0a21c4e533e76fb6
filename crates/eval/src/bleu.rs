//! BLEU (Papineni et al., 2002) exactly as sacrebleu 2.x computes it (`metrics/bleu.py`):
//! per-segment sufficient statistics `[hyp_len, ref_len, correct_1..4, total_1..4]`, summed
//! over the corpus, then `compute_bleu` with the same floating-point operations in the same
//! order, so that the scores are the same floats.

use std::str::FromStr;

use crate::metric::{Metric, SignatureField};
use crate::ngram::{match_counts, ngram_groups, Interner, Key};
use crate::real::{Np, Real};
use crate::score::Score;
use crate::tokenize::spm::Spm;
use crate::tokenize::{py_lower, py_rstrip, Tokenizer};

/// sacrebleu's `MAX_NGRAM_ORDER`.
pub const MAX_ORDER: usize = 4;
/// Number of statistics per segment.
pub const N_STATS: usize = 2 + 2 * MAX_ORDER;

/// sacrebleu's smoothing methods (Chen & Cherry, 2014).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Smooth {
    /// NIST's geometric decay (method 3), sacrebleu's default.
    #[default]
    Exp,
    /// A floor for zero counts (method 1), default 0.1.
    Floor,
    /// Add k to the counts of orders above 1 (method 2), default 1.
    AddK,
    /// No smoothing.
    None,
}

impl Smooth {
    /// The name on the command line and in signatures.
    pub fn name(self) -> &'static str {
        match self {
            Smooth::Exp => "exp",
            Smooth::Floor => "floor",
            Smooth::AddK => "add-k",
            Smooth::None => "none",
        }
    }

    /// sacrebleu's `SMOOTH_DEFAULTS`.
    pub fn default_value(self) -> Option<f64> {
        match self {
            Smooth::Floor => Some(0.1),
            Smooth::AddK => Some(1.0),
            Smooth::Exp | Smooth::None => None,
        }
    }
}

impl FromStr for Smooth {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [Smooth::Exp, Smooth::Floor, Smooth::AddK, Smooth::None]
            .into_iter()
            .find(|m| m.name() == s)
            .ok_or_else(|| format!("unknown smoothing method {s:?}: expected exp, floor, add-k or none"))
    }
}

/// A configured BLEU metric (sacrebleu's `BLEU(...)` arguments).
#[derive(Debug, Clone, Default)]
pub struct Bleu {
    /// The tokenizer of hypotheses and references.
    pub tokenizer: Tokenizer,
    /// Lowercase before tokenizing.
    pub lowercase: bool,
    /// The smoothing method.
    pub smooth: Smooth,
    /// `None`: the method's default.
    pub smooth_value: Option<f64>,
    /// Drop orders with no n-grams (sentence-level BLEU).
    pub effective_order: bool,
    /// The SentencePiece model of the `flores101` and `flores200` tokenizers.
    pub spm: Option<Spm>,
}

/// A BLEU score with the details sacrebleu prints.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BleuScore {
    /// The score.
    pub score: f64,
    /// Matched n-grams per order (with add-k's additions, as sacrebleu reports them).
    pub counts: [f64; MAX_ORDER],
    /// Hypothesis n-grams per order (with add-k's additions).
    pub totals: [f64; MAX_ORDER],
    /// Precisions per order, in percent.
    pub precisions: [f64; MAX_ORDER],
    /// The brevity penalty.
    pub bp: f64,
    /// Hypothesis length in tokens.
    pub sys_len: u64,
    /// Reference length in tokens (the closest reference's, per segment).
    pub ref_len: u64,
}

impl BleuScore {
    /// Hypothesis length over reference length (0 without reference tokens).
    pub fn ratio(&self) -> f64 {
        if self.ref_len > 0 {
            self.sys_len as f64 / self.ref_len as f64
        } else {
            0.0
        }
    }

    /// sacrebleu's `_verbose`: `p1/p2/p3/p4 (BP = … ratio = … hyp_len = … ref_len = …)`.
    pub fn verbose(&self) -> String {
        let prec: Vec<String> = self.precisions.iter().map(|p| format!("{p:.1}")).collect();
        format!(
            "{} (BP = {:.3} ratio = {:.3} hyp_len = {} ref_len = {})",
            prec.join("/"),
            self.bp,
            self.ratio(),
            self.sys_len,
            self.ref_len
        )
    }
}

/// `utils.my_log`: log floored at a very low number for zero precisions.
fn my_log(x: f64) -> f64 {
    if x == 0.0 {
        -9999999999.0
    } else {
        x.ln()
    }
}

impl Metric for Bleu {
    fn name(&self) -> String {
        "BLEU".into()
    }

    fn n_stats(&self) -> usize {
        N_STATS
    }

    /// `[hyp_len, ref_len, correct_1..4, total_1..4]` of one segment against its references.
    fn segment_stats(&self, hyp: &str, refs: &[&str], out: &mut [f64]) {
        let hyp_t = self.preprocess(hyp);
        let refs_t: Vec<String> = refs.iter().map(|r| self.preprocess(r)).collect();
        let mut interner = Interner::default();
        let hyp_ids = interner.ids(&hyp_t);
        let refs_ids: Vec<Vec<u32>> = refs_t.iter().map(|r| interner.ids(r)).collect();
        // Four 16-bit ids fit a u64 key; lines with more distinct tokens take u128 keys.
        let (correct, total) = if interner.len() < (1 << 16) - 1 {
            clipped_counts::<u64>(&hyp_ids, &refs_ids, 16)
        } else {
            clipped_counts::<u128>(&hyp_ids, &refs_ids, 32)
        };
        let ref_lens: Vec<usize> = refs_ids.iter().map(Vec::len).collect();
        out[0] = hyp_ids.len() as f64;
        out[1] = closest_ref_len(hyp_ids.len(), &ref_lens) as f64;
        for n in 0..MAX_ORDER {
            out[2 + n] = correct[n] as f64;
            out[2 + MAX_ORDER + n] = total[n] as f64;
        }
    }

    /// `_compute_score_from_stats`, with the details sacrebleu prints.
    fn score(&self, stats: &[f64]) -> Score {
        let b = self.parts::<f64>(stats);
        let (sys_len, ref_len) = (stats[0] as u64, stats[1] as u64);
        // Like sacrebleu, the counts and totals reported include add-k's additions.
        let details =
            BleuScore { score: b.score, counts: b.correct, totals: b.total, precisions: b.precisions, bp: b.bp, sys_len, ref_len };
        Score { bleu: Some(details), ..Score::new(self.name(), b.score) }
    }

    /// BLEU's score is always a Python float (`bp * math.exp(...)`), whatever its statistics.
    fn bootstrap_score(&self, stats: &[f64]) -> Np {
        Np::Py(self.parts::<Np>(stats).score)
    }

    fn signature_fields(&self) -> Vec<SignatureField> {
        let smooth = match self.smooth.default_value() {
            Some(default) => format!("{}[{:.2}]", self.smooth.name(), self.smooth_value.unwrap_or(default)),
            None => self.smooth.name().to_string(),
        };
        vec![
            SignatureField::new("case", "c", if self.lowercase { "lc" } else { "mixed" }.to_string()),
            SignatureField::yes_no("eff", "e", self.effective_order),
            SignatureField::new("tok", "tok", self.tokenizer.name().to_string()),
            SignatureField::new("smooth", "s", smooth),
        ]
    }
}

impl Bleu {
    /// `_preprocess_segment`: optional lowercasing, then the tokenizer on the right-stripped line
    /// (tokens separated by single spaces).
    pub(crate) fn preprocess(&self, sent: &str) -> String {
        if self.lowercase {
            self.tokenize(py_rstrip(&py_lower(sent)))
        } else {
            self.tokenize(py_rstrip(sent))
        }
    }

    /// The tokenizer on one line (the SentencePiece ones with their loaded model).
    fn tokenize(&self, line: &str) -> String {
        match (&self.spm, self.tokenizer) {
            (Some(spm), Tokenizer::Flores101 | Tokenizer::Flores200) => spm.tokenize(line),
            (_, tok) => tok.tokenize(line),
        }
    }

    /// sacrebleu's `_compute_score_from_stats`: `compute_bleu` on a statistics row.
    fn parts<R: Real>(&self, stats: &[f64]) -> BleuParts<R> {
        let (correct, total) = split_stats(stats);
        compute_bleu(correct, total, stats[0] as u64, stats[1] as u64, self.smooth, self.smooth_value, self.effective_order)
    }
}

/// `(correct_1..4, total_1..4)` of a statistics row.
fn split_stats(stats: &[f64]) -> ([f64; MAX_ORDER], [f64; MAX_ORDER]) {
    let mut correct = [0.0; MAX_ORDER];
    let mut total = [0.0; MAX_ORDER];
    correct.copy_from_slice(&stats[2..2 + MAX_ORDER]);
    total.copy_from_slice(&stats[2 + MAX_ORDER..N_STATS]);
    (correct, total)
}

/// sacrebleu's `_get_closest_ref_len`: the closest length, the shorter one on ties.
fn closest_ref_len(hyp_len: usize, ref_lens: &[usize]) -> usize {
    let mut best: Option<(usize, usize)> = None;
    for &r in ref_lens {
        let diff = hyp_len.abs_diff(r);
        best = match best {
            None => Some((diff, r)),
            Some((bd, bl)) if diff < bd || (diff == bd && r < bl) => Some((diff, r)),
            keep => keep,
        };
    }
    best.map_or(0, |(_, l)| l)
}

/// Per order: hypothesis n-grams matched in the references (counts clipped to the maximum
/// count in any one reference, as sacrebleu merges references) and hypothesis n-grams.
fn clipped_counts<K: Key>(hyp: &[u32], refs: &[Vec<u32>], bits: u32) -> ([u64; MAX_ORDER], [u64; MAX_ORDER]) {
    let h = ngram_groups::<K>(hyp, MAX_ORDER, bits);
    let mut r = ngram_groups::<K>(&refs[0], MAX_ORDER, bits);
    for other in &refs[1..] {
        for (merged, o) in r.iter_mut().zip(ngram_groups::<K>(other, MAX_ORDER, bits)) {
            merged.extend(o);
            merged.sort_unstable();
            merged.dedup_by(|later, kept| {
                let same = later.0 == kept.0;
                if same {
                    kept.1 = kept.1.max(later.1);
                }
                same
            });
        }
    }
    let (mut correct, mut total) = ([0; MAX_ORDER], [0; MAX_ORDER]);
    for n in 0..MAX_ORDER {
        let (hc, _, mc) = match_counts(&h[n], &r[n]);
        correct[n] = mc;
        total[n] = hc;
    }
    (correct, total)
}

/// What `compute_bleu` computes, in the arithmetic `R` (see [`Real`]).
struct BleuParts<R> {
    /// Always a Python float (`bp * math.exp(...)`).
    score: f64,
    correct: [R; MAX_ORDER],
    total: [R; MAX_ORDER],
    precisions: [R; MAX_ORDER],
    bp: f64,
}

/// sacrebleu's `BLEU.compute_bleu`, operation for operation, on statistics held as `R`
/// (`f64`, or numpy float32 in the bootstrap).
fn compute_bleu<R: Real>(
    correct: [f64; MAX_ORDER],
    total: [f64; MAX_ORDER],
    sys_len: u64,
    ref_len: u64,
    smooth: Smooth,
    smooth_value: Option<f64>,
    effective_order: bool,
) -> BleuParts<R> {
    let mut correct = correct.map(R::stat);
    let mut total = total.map(R::stat);
    let zero = R::py(0.0);
    let smooth_value = smooth_value.or(smooth.default_value()).unwrap_or(0.0);
    let mut bp = 1.0;
    if sys_len < ref_len {
        bp = if sys_len > 0 { (1.0 - ref_len as f64 / sys_len as f64).exp() } else { 0.0 };
    }
    let mut precisions = [zero; MAX_ORDER];
    // Early stop if there are no matches (sacrebleu #141).
    if correct.iter().all(|&c| c == zero) {
        return BleuParts { score: 0.0, correct, total, precisions, bp };
    }
    let mut smooth_mteval = 1.0;
    let mut eff_order = MAX_ORDER;
    for n in 1..=MAX_ORDER {
        if smooth == Smooth::AddK && n > 1 {
            correct[n - 1] = correct[n - 1] + R::py(smooth_value);
            total[n - 1] = total[n - 1] + R::py(smooth_value);
        }
        if total[n - 1] == zero {
            break;
        }
        if effective_order {
            eff_order = n;
        }
        if correct[n - 1] == zero {
            match smooth {
                Smooth::Exp => {
                    smooth_mteval *= 2.0;
                    precisions[n - 1] = R::py(100.0) / (R::py(smooth_mteval) * total[n - 1]);
                }
                Smooth::Floor => precisions[n - 1] = R::py(100.0 * smooth_value) / total[n - 1],
                Smooth::AddK | Smooth::None => {}
            }
        } else {
            precisions[n - 1] = R::py(100.0) * correct[n - 1] / total[n - 1];
        }
    }
    // Python's `sum()` of a list: left to right from 0.
    let log_sum = precisions[..eff_order].iter().fold(0.0, |acc, &p| acc + my_log(p.to_f64()));
    let score = bp * (log_sum / eff_order as f64).exp();
    BleuParts { score, correct, total, precisions, bp }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(b: &Bleu, hyp: &str, refs: &[&str]) -> Vec<f64> {
        let mut out = vec![0.0; N_STATS];
        b.segment_stats(hyp, refs, &mut out);
        out
    }

    #[test]
    fn counts_clip_to_reference() {
        let b = Bleu::default();
        let s = stats(&b, "the the the the", &["the cat"]);
        assert_eq!(s, vec![4.0, 2.0, 1.0, 0.0, 0.0, 0.0, 4.0, 3.0, 2.0, 1.0]);
    }

    #[test]
    fn multi_reference_takes_max_counts_and_closest_length() {
        let b = Bleu::default();
        let s = stats(&b, "a a b", &["a c", "a a d e"]);
        // closest of 2 and 4 to 3: tie, the shorter wins.
        assert_eq!(&s[..4], &[3.0, 2.0, 2.0, 1.0]);
    }

    #[test]
    fn perfect_match_is_100() {
        let b = Bleu::default();
        let s = stats(&b, "a b c d e", &["a b c d e"]);
        // exp(log(100)) in floating point, as in sacrebleu.
        assert_eq!(b.score(&s).score, 100.00000000000004);
        assert_eq!(compute_bleu::<f64>([0.0; 4], [1.0; 4], 1, 1, Smooth::Exp, None, false).score, 0.0);
    }
}
