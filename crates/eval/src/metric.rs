//! The [`Metric`] trait, in the shape of sacrebleu's metric classes: sufficient statistics per
//! segment, a score computed from statistics summed over segments, and a signature. BLEU,
//! chrF/chrF++ and TER implement it; corpus and article scores, sentence-level scores and the
//! significance tests only go through it.
//!
//! The trait knows no metric: building one by name is `registry`'s job, so that the metrics
//! depend on the trait and not the other way round.

use std::fmt;

use rayon::prelude::*;

use crate::real::Np;
use crate::score::Score;

/// The sacrebleu release whose definitions and signatures we reproduce; it is the `version`
/// field of our signatures, so that they compare equal to sacrebleu's.
pub const SACREBLEU_VERSION: &str = "2.5.1";

/// A metric in the manner of sacrebleu's `Metric` class.
///
/// A score is computed in two steps, as sacrebleu does: [`Metric::segment_stats`] per segment
/// (`_extract_corpus_statistics`), then [`Metric::score`] on statistics summed over any set of
/// segments (`_compute_score_from_stats`): the whole corpus, one article, one segment, a
/// bootstrap resample. Summing in segment order and scoring with sacrebleu's floating-point
/// operations gives sacrebleu's floats.
pub trait Metric: Send + Sync {
    /// sacrebleu's name of the score: `BLEU`, `chrF2`, `chrF2++`, `TER`.
    fn name(&self) -> String;

    /// False for error rates (TER), whose best score is the lowest.
    fn higher_is_better(&self) -> bool {
        true
    }

    /// Number of statistics per segment.
    fn n_stats(&self) -> usize;

    /// The statistics of one segment against its references, written to `out`
    /// ([`Metric::n_stats`] values).
    fn segment_stats(&self, hyp: &str, refs: &[&str], out: &mut [f64]);

    /// The score of summed statistics, with the details sacrebleu reports.
    fn score(&self, stats: &[f64]) -> Score;

    /// The score alone as sacrebleu's bootstrap resampling computes it (`--paired-bs`,
    /// `--confidence`): the statistics are numpy `float32` sums there, and numpy's promotion
    /// rules decide each operation's precision (see [`Np`]).
    fn bootstrap_score(&self, stats: &[f64]) -> Np;

    /// The metric's own fields of its signature (after `nrefs` and the tests' fields).
    fn signature_fields(&self) -> Vec<SignatureField>;

    /// sacrebleu's signature for `nrefs` references. `tests` holds the fields of the
    /// significance tests (`bs`, `ar`, `seed`), which sacrebleu places right after `nrefs`.
    fn signature(&self, nrefs: usize, tests: &[(&'static str, String)]) -> Signature {
        let mut fields = vec![SignatureField::new("nrefs", "#", nrefs.to_string())];
        fields.extend(tests.iter().map(|(key, value)| {
            let short = if *key == "seed" { "rs" } else { key };
            SignatureField::new(key, short, value.clone())
        }));
        fields.extend(self.signature_fields());
        fields.push(SignatureField::new("version", "v", SACREBLEU_VERSION.to_string()));
        Signature(fields)
    }

    /// Statistics of every segment (`refs[k][i]` is reference `k` of segment `i`), computed
    /// in parallel.
    fn corpus_stats(&self, hyps: &[String], refs: &[Vec<String>]) -> Stats {
        let width = self.n_stats();
        let mut data = vec![0.0; hyps.len() * width];
        data.par_chunks_mut(width).with_min_len(64).enumerate().for_each(|(i, row)| {
            let r: Vec<&str> = refs.iter().map(|rs| rs[i].as_str()).collect();
            self.segment_stats(&hyps[i], &r, row);
        });
        Stats { width, data }
    }
}

/// One `key:value` field of a signature, with the key of the short form (`--short`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureField {
    /// The key of the long form (`case`).
    pub key: &'static str,
    /// The key of the short form (`c`).
    pub short: &'static str,
    /// The value (`mixed`).
    pub value: String,
}

impl SignatureField {
    /// A field.
    pub fn new(key: &'static str, short: &'static str, value: String) -> Self {
        SignatureField { key, short, value }
    }

    /// A `yes`/`no` field.
    pub fn yes_no(key: &'static str, short: &'static str, value: bool) -> Self {
        SignatureField::new(key, short, if value { "yes" } else { "no" }.to_string())
    }
}

/// sacrebleu's `Signature`: `nrefs:1|case:mixed|...|version:2.5.1`; `Display` gives the long
/// form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(pub Vec<SignatureField>);

impl Signature {
    /// sacrebleu's `Signature.format(short)`: the long form, or the short one
    /// (`#:1|c:mixed|...|v:2.5.1`).
    pub fn format(&self, short: bool) -> String {
        self.0.iter().map(|f| format!("{}:{}", if short { f.short } else { f.key }, f.value)).collect::<Vec<_>>().join("|")
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format(false))
    }
}
/// Per-segment statistics of one metric over one system: one row of [`Metric::n_stats`]
/// values per segment.
#[derive(Debug, Clone)]
pub struct Stats {
    width: usize,
    data: Vec<f64>,
}

impl Stats {
    /// Statistics per segment.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Number of segments.
    pub fn len(&self) -> usize {
        self.data.len() / self.width.max(1)
    }

    /// True without segments.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The statistics of segment `i`.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.width..(i + 1) * self.width]
    }

    /// Sums of the given rows, added in the given order (sacrebleu's `sum_of_lists`; the
    /// order matters for TER's fractional average reference lengths).
    pub fn sum(&self, rows: impl IntoIterator<Item = usize>) -> Vec<f64> {
        let mut total = vec![0.0; self.width];
        for i in rows {
            add_to(&mut total, self.row(i));
        }
        total
    }

    /// Sums of all rows, in order.
    pub fn sum_all(&self) -> Vec<f64> {
        self.sum(0..self.len())
    }
}

/// `total[k] += row[k]`.
pub(crate) fn add_to<T: Copy + std::ops::AddAssign>(total: &mut [T], row: &[T]) {
    total.iter_mut().zip(row).for_each(|(t, &v)| *t += v);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A metric with no statistics of its own, to test the trait's provided methods.
    struct Fixed;

    impl Metric for Fixed {
        fn name(&self) -> String {
            "FIXED".into()
        }
        fn n_stats(&self) -> usize {
            2
        }
        fn segment_stats(&self, hyp: &str, refs: &[&str], out: &mut [f64]) {
            out[0] = hyp.len() as f64;
            out[1] = refs.iter().map(|r| r.len()).sum::<usize>() as f64;
        }
        fn score(&self, stats: &[f64]) -> Score {
            Score::new(self.name(), stats[0])
        }
        fn bootstrap_score(&self, stats: &[f64]) -> Np {
            Np::Py(stats[0])
        }
        fn signature_fields(&self) -> Vec<SignatureField> {
            vec![SignatureField::yes_no("fixed", "f", true)]
        }
    }

    #[test]
    fn test_fields_follow_nrefs_and_version_ends() {
        let sig = Fixed.signature(2, &[("bs", "1000".into()), ("seed", "12345".into())]);
        assert_eq!(sig.to_string(), "nrefs:2|bs:1000|seed:12345|fixed:yes|version:2.5.1");
        assert_eq!(sig.format(true), "#:2|bs:1000|rs:12345|f:yes|v:2.5.1");
    }

    #[test]
    fn corpus_stats_rows_and_sums_in_order() {
        let hyps = vec!["a".to_string(), "bbb".into(), "cc".into()];
        let refs = vec![vec!["x".to_string(), "yy".into(), "".into()]];
        let st = Fixed.corpus_stats(&hyps, &refs);
        assert_eq!((st.len(), st.width()), (3, 2));
        assert_eq!(st.row(1), [3.0, 2.0]);
        assert_eq!(st.sum([2, 0]), [3.0, 1.0]);
        assert_eq!(st.sum_all(), [6.0, 3.0]);
    }
}
