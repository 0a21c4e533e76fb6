//! What `terjemah eval` runs: the modes of the sacrebleu command line (one system, several
//! systems, sentence level, paired tests, confidence intervals) with its checks and exit codes,
//! and terjemah's article mode.

use std::path::{Path, PathBuf};

use crate::compare::{self, CompareOptions};
use crate::significance::{self, PairedTest};
use crate::{articles, cli_output, input, report, Metric, MetricName, MetricOptions, System, TestSet};
use crate::{Error, Result};

/// Output format: sacrebleu's `-f json|text|latex`, or terjemah's detailed JSON (`--json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// sacrebleu's JSON (`-f json`).
    Json,
    /// sacrebleu's text (`-f text`).
    Text,
    /// sacrebleu's LaTeX tables (`-f latex`).
    Latex,
    /// Everything terjemah computed, as one JSON document.
    Detailed,
}

/// What `terjemah eval` was asked to do.
#[derive(Debug, Clone)]
pub struct EvalJob {
    /// Hypothesis files (`-i`, `--hyp`); the first is the baseline of paired tests.
    pub hyps: Vec<PathBuf>,
    /// Read the systems from standard input (tab-separated columns) when no file is given.
    pub hyp_stdin: bool,
    /// Reference files (one per reference stream, or one with `num_refs` tab-separated fields).
    pub refs: Vec<PathBuf>,
    /// References per line of the one reference file, tab-separated (`--num-refs`).
    pub num_refs: usize,
    /// Encoding of every input (`--encoding`, Python codec names).
    pub encoding: String,
    /// Article mode: a `terjemah translate` output folder.
    pub hyp_dir: Option<PathBuf>,
    /// Article mode: the folder of references.
    pub ref_dir: Option<PathBuf>,
    /// Empty: sacrebleu's default (BLEU), or BLEU and chrF in article mode.
    pub metrics: Vec<MetricName>,
    /// The metrics' options.
    pub options: MetricOptions,
    /// One score per line (BLEU with effective order), as `sacrebleu --sentence-level`.
    pub sentence_level: bool,
    /// A paired test of the systems against the first.
    pub paired: Option<PairedTest>,
    /// Bootstrap confidence intervals of one system with this many resamples (`--confidence`).
    pub confidence: Option<usize>,
    /// Seed of the resampling (`SACREBLEU_SEED`); `None` draws one from the OS.
    pub seed: Option<u64>,
    /// Article mode: how many worst segments to list.
    pub worst: usize,
    /// Also write the comparison report (`--report`).
    pub report: Option<ReportJob>,
    /// Decimals of printed scores (sacrebleu's `--width`, default 1).
    pub width: usize,
    /// `None`: sacrebleu's default (JSON), text in article mode.
    pub format: Option<Format>,
    /// Print the scores alone (`--score-only`).
    pub score_only: bool,
    /// Short signatures (`--short`).
    pub short: bool,
}

impl Default for EvalJob {
    fn default() -> Self {
        EvalJob {
            hyps: Vec::new(),
            hyp_stdin: false,
            refs: Vec::new(),
            num_refs: 1,
            encoding: "utf-8".into(),
            hyp_dir: None,
            ref_dir: None,
            metrics: Vec::new(),
            options: MetricOptions::default(),
            sentence_level: false,
            paired: None,
            confidence: None,
            seed: Some(significance::DEFAULT_SEED),
            worst: 10,
            report: None,
            width: 1,
            format: None,
            score_only: false,
            short: false,
        }
    }
}

/// `--report`: where to write the comparison page and its JSON twin.
#[derive(Debug, Clone)]
pub struct ReportJob {
    /// The HTML page.
    pub html: PathBuf,
    /// The JSON twin (by default the page's path with `.json`).
    pub json: PathBuf,
    /// A corpus to count word frequencies in (`--report-freq-file`; default: the reference).
    pub freq_file: Option<PathBuf>,
    /// Bootstrap resamples of the confidence intervals (`--confidence-n`, default 1000).
    pub resamples: usize,
    /// The paired test against the first system (default: bootstrap, 1000 resamples).
    pub paired: PairedTest,
}

/// What an evaluation gives back: the text to print and, in article mode, the scores of each
/// article (which the command layer adds to the translate run's `index.html`). An evaluation
/// writes nothing but the report of `--report`.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// What `terjemah eval` prints on standard output (without the final newline).
    pub text: String,
    /// Article mode's results (`--hyp-dir`/`--ref-dir`).
    pub articles: Option<articles::ArticlesResult>,
}

impl Outcome {
    fn text(text: String) -> Outcome {
        Outcome { text, articles: None }
    }
}

/// Runs an evaluation and returns what to print.
pub fn run(job: &EvalJob) -> Result<Outcome> {
    let mut names = job.metrics.clone();
    let mut seen = Vec::new();
    for m in &names {
        if seen.contains(m) {
            return Err(Error::Usage(format!("metric {} is listed twice in --metrics", m.name())));
        }
        seen.push(*m);
    }
    if let Some(r) = &job.report {
        // Before any scoring: a report that cannot be written fails at once.
        for path in [&r.html, &r.json] {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            if !dir.is_dir() {
                return Err(Error::io(path, std::io::Error::new(std::io::ErrorKind::NotFound, "its folder does not exist")));
            }
        }
    }
    if job.hyp_dir.is_some() || job.ref_dir.is_some() {
        if names.is_empty() {
            names = vec![MetricName::Bleu, MetricName::Chrf];
        }
        let outcome = run_articles(job, &names)?;
        if let (Some(r), Some(result)) = (&job.report, &outcome.articles) {
            write_report(job, r, &articles_test_set(job, result)?)?;
        }
        return Ok(outcome);
    }
    if names.is_empty() {
        names = vec![MetricName::Bleu];
    }
    if job.report.is_some() && job.sentence_level {
        return Err(Error::Usage("--report compares systems over the corpus: leave out --sentence-level".into()));
    }
    let set = read_test_set(job)?;
    let outcome = run_lines(job, &names, &set)?;
    if let Some(r) = &job.report {
        write_report(job, r, &set)?;
    }
    Ok(outcome)
}

/// The modes of sacrebleu's command line on line files.
fn run_lines(job: &EvalJob, names: &[MetricName], set: &TestSet) -> Result<Outcome> {
    let n_sys = set.systems.len();
    let format = job.format.unwrap_or(Format::Json);
    let sig =
        |m: &dyn Metric, extra: &[(&'static str, String)]| m.signature(set.refs.len(), extra).format(job.short && format != Format::Json);

    if job.sentence_level {
        if n_sys > 1 {
            return Err(Error::exit(1, "only one system can be evaluated in sentence-level mode"));
        }
        if job.confidence.is_some() || job.paired.is_some() {
            return Err(Error::exit(1, "statistical tests are unavailable in sentence-level mode"));
        }
        let metrics = MetricName::build_sorted(names, &job.options, true)?;
        let result = report::sentence_level(set, &metrics);
        if format == Format::Detailed {
            return Ok(Outcome::text(report::to_json(&result)));
        }
        // sacrebleu shortens sentence-level signatures whatever the format.
        let sigs: Vec<String> = metrics.iter().map(|m| m.signature(set.refs.len(), &[]).format(job.short)).collect();
        return Ok(Outcome::text(cli_output::sentence_lines(&result, &sigs, job.width, job.score_only)));
    }
    if n_sys > 1 && job.confidence.is_some() {
        return Err(Error::exit(1, "use a paired test (--paired-bs or --paired-ar) for several systems; --confidence is for one"));
    }
    let metrics = MetricName::build_sorted(names, &job.options, false)?;
    if let Some(test) = job.paired {
        if n_sys == 1 {
            return Err(Error::exit(1, "paired tests compare systems: give two or more to --input (-i) (the first is the baseline)"));
        }
        let result = significance::paired(set, &metrics, test, job.seed);
        return Ok(Outcome::text(match format {
            Format::Detailed => report::to_json(&result),
            Format::Json => cli_output::paired_json(&result),
            Format::Text | Format::Latex => cli_output::paired_table(&result, job.width, format == Format::Latex, job.short),
        }));
    }
    let confidence = job.confidence.map(|n| (n, job.seed));
    let result = report::corpus(set, &metrics, confidence);
    if format == Format::Detailed {
        return Ok(Outcome::text(report::to_json(&result)));
    }
    let extra = confidence.filter(|&(n, _)| n > 1).map(|(n, seed)| vec![("bs", n.to_string()), ("seed", significance::seed_label(seed))]);
    let sigs: Vec<String> = metrics.iter().map(|m| sig(m.as_ref(), extra.as_deref().unwrap_or(&[]))).collect();
    Ok(Outcome::text(if n_sys == 1 {
        cli_output::single_system(&result.systems[0].scores, &sigs, job.width, format == Format::Json, job.score_only)
    } else {
        cli_output::systems_table(&result, &sigs, job.width, format)
    }))
}

/// The references and systems of a job, named as sacrebleu names them, checked.
fn read_test_set(job: &EvalJob) -> Result<TestSet> {
    if job.refs.is_empty() {
        return Err(Error::exit(
            1,
            "no references: give reference files before -i/--input (sacrebleu's test sets, -t, need downloading and are not supported)",
        ));
    }
    let refs = input::read_refs(&job.refs, job.num_refs, &job.encoding)?;
    let mut systems: Vec<System> = Vec::new();
    if job.hyps.is_empty() {
        if !job.hyp_stdin || std::io::IsTerminal::is_terminal(&std::io::stdin()) {
            return Err(Error::Usage("eval needs hypotheses: -i FILE..., --hyp FILE, or piped into standard input".into()));
        }
        for (i, lines) in input::read_stdin_systems(&job.encoding)?.into_iter().enumerate() {
            systems.push(System { path: PathBuf::from("-"), name: format!("System {}", i + 1), lines });
        }
    } else {
        for path in &job.hyps {
            let name = path.display().to_string();
            if systems.iter().any(|s| s.name == name) {
                if job.paired.is_some() && systems[0].name == name {
                    continue; // sacrebleu ignores the baseline given again
                }
                return Err(Error::exit(1, format!("{name:?} already names a system: give each system file once")));
            }
            systems.push(System { path: path.clone(), name, lines: input::read_lines_in(path, &job.encoding)? });
        }
    }
    if job.paired.is_some() {
        // sacrebleu's names in paired mode.
        if job.hyps.is_empty() {
            for (i, s) in systems.iter_mut().enumerate() {
                s.name = if i == 0 { "Baseline".into() } else { format!("System {i}") };
            }
        } else {
            systems[0].name = format!("Baseline: {}", systems[0].name);
        }
    }
    let ref_paths = if job.num_refs > 1 { vec![job.refs[0].clone(); refs.len()] } else { job.refs.clone() };
    TestSet::new(systems, ref_paths, refs)
}

/// Article mode: the articles of a translate output folder against a folder of references.
fn run_articles(job: &EvalJob, names: &[MetricName]) -> Result<Outcome> {
    let (Some(hyp_dir), Some(ref_dir)) = (&job.hyp_dir, &job.ref_dir) else {
        return Err(Error::Usage("article mode needs both --hyp-dir (a translate output folder) and --ref-dir".into()));
    };
    if !job.hyps.is_empty() || !job.refs.is_empty() {
        return Err(Error::Usage("--hyp-dir/--ref-dir cannot be combined with reference or hypothesis files".into()));
    }
    if job.paired.is_some() || job.sentence_level || job.confidence.is_some() {
        return Err(Error::Usage(
            "paired tests, --confidence and --sentence-level work on hypothesis and reference files, not on folders".into(),
        ));
    }
    let metrics: Vec<Box<dyn Metric>> = names.iter().map(|&m| m.build(&job.options, false)).collect::<Result<_>>()?;
    // Worst segments rank by the first metric at sentence level (BLEU with effective order).
    let rank = names[0].build(&job.options, true)?;
    let result = articles::evaluate(hyp_dir, ref_dir, &metrics, rank.as_ref(), job.worst)?;
    let text = match job.format {
        Some(Format::Json | Format::Detailed) => report::to_json(&result),
        _ => report::articles_text(&result, job.width),
    };
    Ok(Outcome { text, articles: Some(result) })
}

/// `--report`: the comparison of the systems of `set`, with the job's metrics (default: BLEU,
/// chrF and TER), options and seed.
fn write_report(job: &EvalJob, r: &ReportJob, set: &TestSet) -> Result<()> {
    let o = CompareOptions {
        metrics: job.metrics.clone(),
        options: job.options.clone(),
        confidence: r.resamples,
        paired: r.paired,
        seed: job.seed,
        freq_file: r.freq_file.clone(),
        encoding: job.encoding.clone(),
        top: compare::TOP,
    };
    compare::write_report(&compare::compare(set, &o)?, &r.html, &r.json, job.width)
}

/// Article mode's aligned segments as a test set of one system (the translate output folder),
/// for the report.
fn articles_test_set(job: &EvalJob, result: &articles::ArticlesResult) -> Result<TestSet> {
    let (lines, refs): (Vec<String>, Vec<String>) =
        result.articles.iter().flat_map(|a| a.segments.iter().map(|s| (s.hyp.clone(), s.reference.clone()))).unzip();
    let hyp_dir = job.hyp_dir.clone().unwrap_or_default();
    let ref_dir = job.ref_dir.clone().unwrap_or_default();
    let system = System { name: hyp_dir.display().to_string(), path: hyp_dir, lines };
    TestSet::new(vec![system], vec![ref_dir], vec![refs])
}
