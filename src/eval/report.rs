//! What `terjemah eval` prints: sacrebleu-style text lines (`NAME|signature = score verbose`,
//! aligned on `=` as `sacrebleu -f text` aligns them), tables for paired tests and articles,
//! and JSON with everything.

use serde::Serialize;

use super::articles::ArticlesResult;
use super::bootstrap::PairedResult;
use super::{segment_stats, Metric, Score, TestSet};

/// A score with its signature.
#[derive(Debug, Clone, Serialize)]
pub struct SignedScore {
    #[serde(flatten)]
    pub score: Score,
    pub signature: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verbose: Option<String>,
}

impl SignedScore {
    fn new(score: Score, signature: String) -> Self {
        let verbose = score.verbose();
        SignedScore { score, signature, verbose }
    }

    pub fn line(&self, width: usize) -> String {
        self.score.format(width, &self.signature)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SystemScores {
    pub hyp: String,
    pub scores: Vec<SignedScore>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CorpusResult {
    pub refs: Vec<String>,
    pub segments: usize,
    pub systems: Vec<SystemScores>,
}

/// Corpus scores of every system and metric.
pub fn corpus(set: &TestSet, metrics: &[Metric]) -> CorpusResult {
    let nrefs = set.refs.len();
    let systems = set
        .systems
        .iter()
        .map(|s| SystemScores {
            hyp: s.path.display().to_string(),
            scores: metrics
                .iter()
                .map(|m| {
                    let st = segment_stats(m, &s.lines, &set.refs);
                    SignedScore::new(m.score(&st.sum_all()), m.signature(nrefs, &[]))
                })
                .collect(),
        })
        .collect();
    CorpusResult { refs: set.ref_paths.iter().map(|p| p.display().to_string()).collect(), segments: set.refs[0].len(), systems }
}

/// `print_single_results`: lines right-aligned so that their ` = ` line up.
fn align_on_equals(lines: &[String]) -> String {
    if lines.len() == 1 {
        return lines[0].clone();
    }
    let split: Vec<(String, &str)> = lines
        .iter()
        .map(|l| match l.find(" = ") {
            Some(i) => (l[..i].to_string(), &l[i..]),
            None => (String::new(), l.as_str()),
        })
        .collect();
    let w = split.iter().map(|(left, _)| left.chars().count()).max().unwrap_or(0);
    split.iter().map(|(left, right)| format!("{left:>w$}{right}")).collect::<Vec<_>>().join("\n")
}

pub fn corpus_text(r: &CorpusResult, width: usize) -> String {
    let mut blocks = Vec::new();
    for s in &r.systems {
        let lines: Vec<String> = s.scores.iter().map(|sc| sc.line(width)).collect();
        let body = align_on_equals(&lines);
        blocks.push(if r.systems.len() > 1 { format!("{}:\n{body}", s.hyp) } else { body });
    }
    blocks.join("\n\n")
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricInfo {
    pub name: String,
    pub signature: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SentenceResult {
    pub hyp: String,
    pub refs: Vec<String>,
    pub metrics: Vec<MetricInfo>,
    /// `scores[line][metric]`.
    pub scores: Vec<Vec<Score>>,
}

/// Per-line scores (`sacrebleu --sentence-level`).
pub fn sentence_level(set: &TestSet, metrics: &[Metric]) -> SentenceResult {
    let s = &set.systems[0];
    let stats: Vec<_> = metrics.iter().map(|m| segment_stats(m, &s.lines, &set.refs)).collect();
    let scores = (0..s.lines.len()).map(|i| metrics.iter().zip(&stats).map(|(m, st)| m.score(st.row(i))).collect()).collect();
    SentenceResult {
        hyp: s.path.display().to_string(),
        refs: set.ref_paths.iter().map(|p| p.display().to_string()).collect(),
        metrics: metrics.iter().map(|m| MetricInfo { name: m.name(), signature: m.signature(set.refs.len(), &[]) }).collect(),
        scores,
    }
}

/// One line per segment and metric, exactly as `sacrebleu --sentence-level -f text`.
pub fn sentences_text(r: &SentenceResult, width: usize) -> String {
    let mut out = Vec::with_capacity(r.scores.len() * r.metrics.len());
    for line in &r.scores {
        for (score, m) in line.iter().zip(&r.metrics) {
            out.push(score.format(width, &m.signature));
        }
    }
    out.join("\n")
}

/// Columns padded to their widest cell: the first (names) left-aligned, the others
/// right-aligned when `numeric`, else left-aligned.
fn table(rows: &[Vec<String>], numeric: bool) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..cols).map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0)).collect();
    rows.iter()
        .map(|r| {
            let cells: Vec<String> = r
                .iter()
                .enumerate()
                .map(|(c, s)| if c == 0 || !numeric { format!("{s:<w$}", w = widths[c]) } else { format!("{s:>w$}", w = widths[c]) })
                .collect();
            cells.join("  ").trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Paired test results as a table (score, bootstrap mean ± 95% interval, p-value).
pub fn paired_text(r: &PairedResult, width: usize) -> String {
    let mut header = vec!["System".to_string()];
    header.extend(r.metrics.iter().map(|m| format!("{} (μ ± 95% CI)", m.name)));
    let mut rows = vec![header];
    let n_sys = r.metrics[0].systems.len();
    for s in 0..n_sys {
        let name = &r.metrics[0].systems[s].system;
        let mut row = vec![if s == 0 { format!("Baseline: {name}") } else { name.clone() }];
        for m in &r.metrics {
            let x = &m.systems[s];
            let mut cell = format!("{:.width$} ({:.width$} ± {:.width$})", x.score, x.mean, x.ci);
            if let Some(p) = x.p_value {
                // sacrebleu's marks: `*` unless p > 0.05.
                cell.push_str(&format!(" (p = {p:.4}){}", if p > 0.05 { " " } else { "*" }));
            }
            row.push(cell);
        }
        rows.push(row);
    }
    let mut out = format!(
        "Paired bootstrap resampling: {} resamples (seed {}), {} segments; each system is compared with the baseline.\n\n",
        r.resamples, r.seed, r.segments
    );
    out.push_str(&table(&rows, false));
    out.push_str(
        "\n\n\
         Score on the test set (bootstrap mean ± half-width of the 95% interval). p: probability of a difference\n\
         at least this large between two systems that differ only by chance; * marks p <= 0.05 (the difference\n\
         is unlikely to be chance: the systems differ, whichever scores better).\n\nMetric signatures:\n",
    );
    for m in &r.metrics {
        out.push_str(&format!(" - {:<10} {}\n", m.name, m.signature));
    }
    out.trim_end().to_string()
}

/// Article mode as text: per-article table, corpus scores, worst segments.
pub fn articles_text(r: &ArticlesResult, width: usize) -> String {
    let mut header = vec!["Article".to_string(), "blocks".into(), "ref".into(), "aligned".into(), "unaligned".into()];
    header.extend(r.metrics.iter().map(|m| m.name.clone()));
    let mut rows = vec![header];
    for a in &r.articles {
        let unaligned = match (a.unaligned_hyp.len(), a.unaligned_ref.len()) {
            (0, 0) => "-".to_string(),
            (h, f) => format!("{h} hyp, {f} ref"),
        };
        let mut row = vec![
            if a.realigned { format!("{} (realigned)", a.article) } else { a.article.clone() },
            a.hyp_blocks.to_string(),
            a.ref_blocks.to_string(),
            a.aligned.to_string(),
            unaligned,
        ];
        row.extend(a.scores.iter().map(|s| if a.aligned == 0 { "-".into() } else { format!("{:.width$}", s.score) }));
        rows.push(row);
    }
    let t = &r.totals;
    let mut out = table(&rows, true);
    out.push_str(&format!(
        "\n\n{} articles, {} aligned segments ({} articles realigned by similarity; {} translated and {} reference blocks unaligned, left out of the scores).\n",
        t.articles, t.aligned_segments, t.realigned_articles, t.unaligned_hyp_blocks, t.unaligned_ref_blocks
    ));
    for (what, list) in [("without a reference", &r.missing_reference), ("references without a translation", &r.missing_translation)] {
        if !list.is_empty() {
            let shown: Vec<&str> = list.iter().take(10).map(String::as_str).collect();
            let more = if list.len() > 10 { format!(" and {} more", list.len() - 10) } else { String::new() };
            let label = if what.starts_with("without") { format!("translated articles {what}") } else { what.to_string() };
            out.push_str(&format!("Not scored, {label}: {}{more}\n", shown.join(", ")));
        }
    }
    out.push_str("\nCorpus (all aligned segments):\n");
    let lines: Vec<String> = r.metrics.iter().map(|m| m.corpus.format(width, &m.signature)).collect();
    out.push_str(&align_on_equals(&lines));
    if !r.worst.is_empty() {
        out.push_str(&format!("\n\nWorst {} segments by {}:\n", r.worst.len(), r.worst_by));
        for w in &r.worst {
            let blocks = |v: &[usize]| v.iter().map(|b| b.to_string()).collect::<Vec<_>>().join("+");
            out.push_str(&format!(
                "{:>w$.width$}  {} block {} / ref {}\n    hyp: {}\n    ref: {}\n",
                w.segment.score,
                w.article,
                blocks(&w.segment.hyp_blocks),
                blocks(&w.segment.ref_blocks),
                w.segment.hyp,
                w.segment.reference,
                w = width + 4,
            ));
        }
    }
    out.trim_end().to_string()
}

/// Any result as indented JSON.
pub fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).expect("results serialise")
}
