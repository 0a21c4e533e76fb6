//! `terjemah eval`'s command line: sacrebleu 2.5.1's (`sacrebleu --help`), so that a sacrebleu
//! command line runs unchanged, plus terjemah's own options (`--hyp`/`--ref`, article mode,
//! `--json`, `--seed`, `--spm-model`).
//!
//! sacrebleu (argparse) has single-dash long options (`-tok`, `-lc`, `-sl`, `-nr`, ...), which
//! clap would read as a short option with a value (`-t ok`). [`normalize_args`] rewrites them
//! to their long forms before clap sees them, for the `eval` subcommand only; argparse's
//! prefixes of long options (`--tok`) are accepted through clap's `infer_long_args`.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::bleu::Smooth;
use crate::significance::{PairedTest, DEFAULT_SEED};
use crate::tokenize::Tokenizer;
use crate::{Error, Result};
use crate::{EvalJob, Format, MetricName, MetricOptions, ReportJob};

/// sacrebleu's single-dash long options and their long forms.
const SINGLE_DASH: [(&str, &str); 16] = [
    ("-tok", "--tokenize"),
    ("-lc", "--lowercase"),
    ("-sl", "--sentence-level"),
    ("-sv", "--smooth-value"),
    ("-nr", "--num-refs"),
    ("-cc", "--chrf-char-order"),
    ("-cw", "--chrf-word-order"),
    ("-ci", "--confidence"),
    ("-cin", "--confidence-n"),
    ("-par", "--paired-ar"),
    ("-pbs", "--paired-bs"),
    ("-parn", "--paired-ar-n"),
    ("-pbsn", "--paired-bs-n"),
    ("-sh", "--short"),
    ("-nc", "--no-color"),
    ("-ol", "--origlang"),
];

/// `argv` with sacrebleu's single-dash long options of the `eval` subcommand rewritten to
/// their long forms (`-tok intl` and `-tok=intl` to `--tokenize ...`); arguments after `--`
/// and other subcommands are left alone.
pub fn normalize_args(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    if args.get(1).and_then(|a| a.to_str()) != Some("eval") {
        return args;
    }
    for a in args.iter_mut().skip(2) {
        let Some(s) = a.to_str() else { continue };
        if s == "--" {
            break;
        }
        let (flag, value) = match s.split_once('=') {
            Some((f, v)) => (f, Some(v)),
            None => (s, None),
        };
        if let Some((_, long)) = SINGLE_DASH.iter().find(|(short, _)| *short == flag) {
            *a = match value {
                Some(v) => format!("{long}={v}").into(),
                None => (*long).into(),
            };
        }
    }
    args
}

/// `-f/--format` (no doc comments on the variants: clap would print them in `--help`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    Json,
    Text,
    Latex,
}

/// The arguments of `terjemah eval`.
#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Reference files, line-parallel to the hypotheses (sacrebleu: before -i)
    #[arg(value_name = "REF")]
    pub(crate) refs: Vec<PathBuf>,
    /// Hypothesis files, one per system (the first is the baseline of paired tests) [default:
    /// standard input, systems as tab-separated columns]
    #[arg(short = 'i', long = "input", num_args = 1.., value_name = "FILE")]
    pub(crate) input: Vec<PathBuf>,
    /// Hypothesis file (repeatable), as -i
    #[arg(long = "hyp", value_name = "FILE")]
    pub(crate) hyp: Vec<PathBuf>,
    /// Reference file (repeatable), as a positional REF
    #[arg(long = "ref", value_name = "FILE")]
    pub(crate) ref_files: Vec<PathBuf>,
    /// A `terjemah translate` output folder (NAME.en.txt per article): article mode
    #[arg(long, value_name = "DIR", requires = "ref_dir")]
    pub(crate) hyp_dir: Option<PathBuf>,
    /// References for article mode: NAME.en.txt or NAME.en at the same relative path, one block per line
    #[arg(long, value_name = "DIR", requires = "hyp_dir")]
    pub(crate) ref_dir: Option<PathBuf>,
    /// Split each line of the one reference file on tabs into this many references (-nr)
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub(crate) num_refs: usize,
    /// Encoding of the inputs (Python codec names: utf-8, utf-8-sig, latin-1; or WHATWG labels)
    #[arg(short = 'e', long, default_value = "utf-8")]
    pub(crate) encoding: String,
    /// Metrics, space- or comma-separated: bleu, chrf, ter (sacrebleu's), chrf++ [default: bleu;
    /// bleu chrf in article mode]
    #[arg(short = 'm', long, num_args = 1.., value_delimiter = ',')]
    pub(crate) metrics: Vec<MetricName>,
    /// One score per line (-sl; sentence BLEU uses the effective order)
    #[arg(long)]
    pub(crate) sentence_level: bool,

    /// BLEU smoothing: exp, floor, add-k, none
    #[arg(short = 's', long, default_value = "exp", help_heading = "BLEU")]
    pub(crate) smooth_method: Smooth,
    /// Value of floor (default 0.1) and add-k (default 1) smoothing (-sv)
    #[arg(long, help_heading = "BLEU")]
    pub(crate) smooth_value: Option<f64>,
    /// BLEU tokenizer (-tok): 13a, intl, char, none, zh, flores101, flores200 [default: zh for
    /// -l xx-zh, 13a otherwise]
    #[arg(long, help_heading = "BLEU")]
    pub(crate) tokenize: Option<Tokenizer>,
    /// Case-insensitive BLEU (-lc)
    #[arg(long, help_heading = "BLEU")]
    pub(crate) lowercase: bool,
    /// Accepted for sacrebleu compatibility (it only silences a warning)
    #[arg(long, hide = true)]
    pub(crate) force: bool,
    /// SentencePiece model of -tok flores101/flores200 [default: sacrebleu's cache,
    /// ~/.sacrebleu/models]; terjemah never downloads it
    #[arg(long, value_name = "PATH", help_heading = "BLEU")]
    pub(crate) spm_model: Option<PathBuf>,
    /// Source-target language pair (e.g. en-zh): picks BLEU's default tokenizer by target
    #[arg(short = 'l', long = "language-pair", value_name = "SRC-TGT", help_heading = "BLEU")]
    pub(crate) language_pair: Option<String>,

    /// Character n-gram order (-cc)
    #[arg(long, default_value_t = crate::chrf::CHAR_ORDER, help_heading = "chrF")]
    pub(crate) chrf_char_order: usize,
    /// Word n-gram order (-cw); 2 is chrF++
    #[arg(long, default_value_t = 0, help_heading = "chrF")]
    pub(crate) chrf_word_order: usize,
    /// Weight of recall against precision
    #[arg(long, default_value_t = crate::chrf::BETA, help_heading = "chrF")]
    pub(crate) chrf_beta: u32,
    /// Keep whitespace in character n-grams
    #[arg(long, help_heading = "chrF")]
    pub(crate) chrf_whitespace: bool,
    /// Case-insensitive chrF
    #[arg(long, help_heading = "chrF")]
    pub(crate) chrf_lowercase: bool,
    /// Epsilon smoothing as chrF++.py, NLTK and Moses, instead of effective-order averaging
    #[arg(long, help_heading = "chrF")]
    pub(crate) chrf_eps_smoothing: bool,

    /// Case-sensitive TER (TER ignores case by default)
    #[arg(long, help_heading = "TER")]
    pub(crate) ter_case_sensitive: bool,
    /// Split CJK characters (with --ter-normalized), remove CJK punctuation (with --ter-no-punct)
    #[arg(long, help_heading = "TER")]
    pub(crate) ter_asian_support: bool,
    /// Remove punctuation
    #[arg(long, help_heading = "TER")]
    pub(crate) ter_no_punct: bool,
    /// Tercom's normalisation and tokenization
    #[arg(long, help_heading = "TER")]
    pub(crate) ter_normalized: bool,

    /// Bootstrap 95% confidence interval of one system (-ci)
    #[arg(long, help_heading = "Significance")]
    pub(crate) confidence: bool,
    /// Resamples of --confidence, and of --report's intervals (-cin)
    #[arg(long, default_value_t = 1000, value_name = "N", help_heading = "Significance")]
    pub(crate) confidence_n: usize,
    /// Paired approximate randomization test of each system against the first (-par)
    #[arg(long, conflicts_with_all = ["paired_bs", "paired_bootstrap"], help_heading = "Significance")]
    pub(crate) paired_ar: bool,
    /// Paired bootstrap resampling test of each system against the first (-pbs)
    #[arg(long, help_heading = "Significance")]
    pub(crate) paired_bs: bool,
    /// Trials of --paired-ar (-parn)
    #[arg(long, default_value_t = 10000, value_name = "N", help_heading = "Significance")]
    pub(crate) paired_ar_n: usize,
    /// Resamples of --paired-bs, and of --report's paired test (-pbsn)
    #[arg(long, default_value_t = 1000, value_name = "N", help_heading = "Significance")]
    pub(crate) paired_bs_n: usize,
    /// Paired bootstrap with N resamples (as --paired-bs --paired-bs-n N)
    #[arg(long, value_name = "N", help_heading = "Significance")]
    pub(crate) paired_bootstrap: Option<usize>,
    /// Accepted for sacrebleu compatibility: terjemah uses every core (RAYON_NUM_THREADS)
    #[arg(short = 'j', long, hide = true)]
    pub(crate) paired_jobs: Option<usize>,
    /// Seed of the resampling [default: $SACREBLEU_SEED, else 12345; "none": random]
    #[arg(long, help_heading = "Significance")]
    pub(crate) seed: Option<String>,

    /// Output format: json (sacrebleu's default; $SACREBLEU_FORMAT overrides), text, latex
    #[arg(short = 'f', long, help_heading = "Output")]
    pub(crate) format: Option<FormatArg>,
    /// Everything computed as one JSON document (terjemah's format)
    #[arg(long, conflicts_with = "format", help_heading = "Output")]
    pub(crate) json: bool,
    /// Decimals of printed scores (-w)
    #[arg(short = 'w', long, default_value_t = 1, help_heading = "Output")]
    pub(crate) width: usize,
    /// Print the scores alone (-b)
    #[arg(short = 'b', long, help_heading = "Output")]
    pub(crate) score_only: bool,
    /// Short signatures (-sh)
    #[arg(long, help_heading = "Output")]
    pub(crate) short: bool,
    /// Accepted for sacrebleu compatibility (terjemah prints no log lines)
    #[arg(short = 'q', long, hide = true)]
    pub(crate) quiet: bool,
    /// Accepted for sacrebleu compatibility (terjemah prints no colours)
    #[arg(long, hide = true)]
    pub(crate) no_color: bool,
    /// Article mode: how many worst segments to list
    #[arg(long, default_value_t = 10, value_name = "N", help_heading = "Output")]
    pub(crate) worst: usize,

    /// Write a comparison of the systems (compare-mt style: scores with intervals and paired
    /// tests, buckets, n-grams, differing sentences) as one self-contained HTML page
    #[arg(long, value_name = "FILE.html", help_heading = "Report")]
    pub(crate) report: Option<PathBuf>,
    /// The report's JSON twin, every number of the page [default: the page's path with .json]
    #[arg(long, value_name = "FILE", requires = "report", help_heading = "Report")]
    pub(crate) report_json: Option<PathBuf>,
    /// Count the report's word frequencies in this corpus, one sentence a line (e.g. the English
    /// side of the training data) [default: the reference]
    #[arg(long, value_name = "FILE", requires = "report", help_heading = "Report")]
    pub(crate) report_freq_file: Option<PathBuf>,

    // sacrebleu's test-set options: refused with an explanation.
    #[arg(short = 't', long, hide = true)]
    pub(crate) test_set: Option<String>,
    #[arg(long, hide = true)]
    pub(crate) list: bool,
    #[arg(long, hide = true)]
    pub(crate) download: Option<String>,
    #[arg(long, hide = true, num_args = 1..)]
    pub(crate) echo: Vec<String>,
    #[arg(long, hide = true)]
    pub(crate) citation: bool,
    #[arg(long, hide = true)]
    pub(crate) origlang: Option<String>,
    #[arg(long, hide = true)]
    pub(crate) subset: Option<String>,
    #[arg(short = 'd', long, hide = true)]
    pub(crate) detail: bool,
}

impl EvalArgs {
    /// The job these arguments ask for, with sacrebleu's environment variables
    /// (`SACREBLEU_FORMAT`, `SACREBLEU_SEED`) applied.
    pub fn into_job(self) -> Result<EvalJob> {
        self.into_job_with(|k| std::env::var(k).ok())
    }

    /// [`EvalArgs::into_job`] with the environment given.
    pub fn into_job_with(self, env: impl Fn(&str) -> Option<String>) -> Result<EvalJob> {
        if self.test_set.is_some()
            || self.list
            || self.download.is_some()
            || !self.echo.is_empty()
            || self.citation
            || self.origlang.is_some()
            || self.subset.is_some()
            || self.detail
        {
            return Err(Error::Usage(
                "sacrebleu's test sets (-t, --list, --echo, --download, --citation, --origlang, --subset, --detail) \
                 need its downloads, which terjemah does not do: save the references (sacrebleu -t TEST -l PAIR --echo ref) \
                 and give them as files"
                    .into(),
            ));
        }
        let target = match &self.language_pair {
            Some(pair) => Some(
                pair.split_once('-')
                    .map(|(_, t)| t.to_string())
                    .ok_or_else(|| Error::Usage(format!("-l {pair:?}: expected SRC-TGT, e.g. en-zh")))?,
            ),
            None => None,
        };
        let tokenizer = self.tokenize.or(target.as_deref().map(Tokenizer::default_for)).unwrap_or_default();
        let seed = match self.seed.or_else(|| env("SACREBLEU_SEED")) {
            None => Some(DEFAULT_SEED),
            Some(s) if s.eq_ignore_ascii_case("none") => None,
            Some(s) => Some(s.trim().parse().map_err(|_| Error::Usage(format!("seed {s:?}: expected a number or none")))?),
        };
        let env_format = env("SACREBLEU_FORMAT").and_then(|f| match f.to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "text" => Some(Format::Text),
            "latex" => Some(Format::Latex),
            _ => None,
        });
        let format = if self.json {
            Some(Format::Detailed)
        } else {
            env_format.or(self.format.map(|f| match f {
                FormatArg::Json => Format::Json,
                FormatArg::Text => Format::Text,
                FormatArg::Latex => Format::Latex,
            }))
        };
        let paired = if self.paired_ar {
            Some(PairedTest::Randomization(self.paired_ar_n))
        } else if let Some(n) = self.paired_bootstrap {
            Some(PairedTest::Bootstrap(n))
        } else if self.paired_bs {
            Some(PairedTest::Bootstrap(self.paired_bs_n))
        } else {
            None
        };
        if self.report.is_some() && self.report_json == self.report {
            return Err(Error::Usage("--report and --report-json name the same file: give two".into()));
        }
        // The report's test: the one asked for, else the paired bootstrap (with -pbsn).
        let report_paired = paired.unwrap_or(PairedTest::Bootstrap(self.paired_bs_n));
        let report = self.report.is_some();
        if paired.is_some_and(|p| p.samples() == 0)
            || ((self.confidence || report) && self.confidence_n == 0)
            || (report && report_paired.samples() == 0)
        {
            return Err(Error::Usage("the number of resamples or trials must be above 0".into()));
        }
        if self.num_refs == 0 {
            return Err(Error::Usage("--num-refs must be at least 1".into()));
        }
        let mut hyps = self.input;
        hyps.extend(self.hyp);
        let mut refs = self.refs;
        refs.extend(self.ref_files);
        let article_mode = self.hyp_dir.is_some();
        Ok(EvalJob {
            hyp_stdin: hyps.is_empty() && !article_mode,
            hyps,
            refs,
            num_refs: self.num_refs,
            encoding: self.encoding,
            hyp_dir: self.hyp_dir,
            ref_dir: self.ref_dir,
            metrics: self.metrics,
            options: MetricOptions {
                tokenizer,
                spm_model: self.spm_model,
                lowercase: self.lowercase,
                smooth: self.smooth_method,
                smooth_value: self.smooth_value,
                chrf_char_order: self.chrf_char_order,
                chrf_word_order: self.chrf_word_order,
                chrf_beta: self.chrf_beta,
                chrf_lowercase: self.chrf_lowercase,
                chrf_whitespace: self.chrf_whitespace,
                chrf_eps_smoothing: self.chrf_eps_smoothing,
                ter_case_sensitive: self.ter_case_sensitive,
                ter_normalized: self.ter_normalized,
                ter_no_punct: self.ter_no_punct,
                ter_asian_support: self.ter_asian_support,
            },
            sentence_level: self.sentence_level,
            paired,
            confidence: self.confidence.then_some(self.confidence_n),
            seed,
            worst: self.worst,
            report: self.report.map(|html| ReportJob {
                json: self.report_json.unwrap_or_else(|| crate::compare::default_json_path(&html)),
                html,
                freq_file: self.report_freq_file,
                resamples: self.confidence_n,
                paired: report_paired,
            }),
            width: self.width,
            format,
            score_only: self.score_only,
            short: self.short,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(args: &[&str]) -> Vec<String> {
        normalize_args(args.iter().map(OsString::from)).into_iter().map(|a| a.into_string().unwrap()).collect()
    }

    #[test]
    fn single_dash_long_options() {
        assert_eq!(
            norm(&["terjemah", "eval", "r.en", "-i", "h.en", "-tok", "intl", "-lc", "-sl", "-nr=2", "--", "-lc"]),
            [
                "terjemah",
                "eval",
                "r.en",
                "-i",
                "h.en",
                "--tokenize",
                "intl",
                "--lowercase",
                "--sentence-level",
                "--num-refs=2",
                "--",
                "-lc"
            ]
        );
        // Other subcommands are untouched.
        assert_eq!(norm(&["terjemah", "translate", "-lc"]), ["terjemah", "translate", "-lc"]);
    }
}
