//! `terjemah eval`: BLEU, chrF, chrF++ and TER with numbers identical to sacrebleu 2.x, its
//! command line, its significance tests, and terjemah's article mode.
//!
//! Every metric implements [`Metric`], sacrebleu's two steps: per-segment sufficient statistics
//! (computed in parallel), summed over the corpus in segment order, then the score of the sums
//! with the same floating-point operations as sacrebleu's Python. Corpus scores, article
//! scores, sentence scores and bootstrap resamples all go through [`Metric::score`] (or
//! [`Metric::bootstrap_score`]) on summed statistics.
//!
//! Files are read the way the sacrebleu command line reads them ([`TestSet`]): UTF-8, lines split
//! on `\n` only, each line right-stripped of (Python) whitespace, so CRLF files score like LF
//! files.
//!
//! The crate reads and computes; it writes nothing but the comparison report asked for with
//! `--report` ([`ReportJob`]). [`run`] returns what to print and, in article mode, the
//! per-article results, which the terjemah binary adds to the translate run's `index.html`. It needs no CTranslate2; the SentencePiece tokenizers of `-tok flores101` and
//! `flores200` come with the `sentencepiece` feature.
//!
//! Modules by stage: [`cli`] (arguments) → [`run`] (modes, checks) → `input` (files) →
//! `registry` (metrics by name) → [`bleu`], [`chrf`], [`ter`] (with [`tokenize`]; each
//! implements the `metric` trait and returns a `score`) → `report` (corpus and sentence scores),
//! [`articles`], [`significance`] (with `numpy_rng`, `real`) → `cli_output` (with `pyfmt`);
//! `compare` (the `--report` page: buckets, n-grams and sentences, compare-mt's definitions).
#![warn(missing_docs)]

pub mod articles;
pub mod bleu;
pub mod chrf;
pub mod cli;
mod cli_output;
mod compare;
mod error;
mod input;
mod metric;
mod ngram;
mod numpy_rng;
mod pyfmt;
mod real;
mod registry;
mod report;
mod run;
mod score;
pub mod significance;
pub mod ter;
pub mod tokenize;

pub use error::{Error, Result};
pub use input::{System, TestSet, EXIT_FIELDS};
pub use metric::{Metric, Signature, SignatureField, Stats, SACREBLEU_VERSION};
pub use real::Np;
pub use registry::{MetricName, MetricOptions};
pub use run::{run, EvalJob, Format, Outcome, ReportJob};
pub use score::Score;
