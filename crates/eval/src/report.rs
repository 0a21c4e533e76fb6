//! What `terjemah eval` prints: sacrebleu-style text lines (`NAME|signature = score verbose`,
//! aligned on `=` as `sacrebleu -f text` aligns them), tables for paired tests and articles,
//! and JSON with everything.

use serde::Serialize;

use crate::articles::ArticlesResult;
use crate::{significance, Metric, Score, TestSet};

/// A score with its signature.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SignedScore {
    #[serde(flatten)]
    pub(crate) score: Score,
    pub(crate) signature: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) verbose: Option<String>,
}

impl SignedScore {
    fn new(score: Score, signature: String) -> Self {
        let verbose = score.verbose();
        SignedScore { score, signature, verbose }
    }
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct SystemScores {
    pub(crate) hyp: String,
    pub(crate) scores: Vec<SignedScore>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct CorpusResult {
    pub(crate) refs: Vec<String>,
    pub(crate) segments: usize,
    pub(crate) systems: Vec<SystemScores>,
}

/// Corpus scores of every system and metric, with bootstrap confidence intervals when asked
/// (`(resamples, seed)`; sacrebleu computes them for more than one resample).
pub(crate) fn corpus(set: &TestSet, metrics: &[Box<dyn Metric>], confidence: Option<(usize, Option<u64>)>) -> CorpusResult {
    let nrefs = set.refs.len();
    let systems = set
        .systems
        .iter()
        .map(|s| SystemScores {
            hyp: s.name.clone(),
            scores: metrics
                .iter()
                .map(|m| {
                    let st = m.corpus_stats(&s.lines, &set.refs);
                    let mut score = m.score(&st.sum_all());
                    let mut extra = Vec::new();
                    if let Some((n, seed)) = confidence.filter(|&(n, _)| n > 1) {
                        score.confidence = Some(significance::confidence(m.as_ref(), &st, n, seed));
                        extra = vec![("bs", n.to_string()), ("seed", significance::seed_label(seed))];
                    }
                    SignedScore::new(score, m.signature(nrefs, &extra).to_string())
                })
                .collect(),
        })
        .collect();
    CorpusResult { refs: set.ref_paths.iter().map(|p| p.display().to_string()).collect(), segments: set.refs[0].len(), systems }
}

/// `print_single_results`: lines right-aligned so that their ` = ` line up.
pub(crate) fn align_on_equals(lines: &[String]) -> String {
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

#[derive(Debug, Clone, Serialize)]
pub(crate) struct MetricInfo {
    pub(crate) name: String,
    pub(crate) signature: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct SentenceResult {
    pub(crate) hyp: String,
    pub(crate) refs: Vec<String>,
    pub(crate) metrics: Vec<MetricInfo>,
    /// `scores[line][metric]`.
    pub(crate) scores: Vec<Vec<Score>>,
}

/// Per-line scores (`sacrebleu --sentence-level`).
pub(crate) fn sentence_level(set: &TestSet, metrics: &[Box<dyn Metric>]) -> SentenceResult {
    let s = &set.systems[0];
    let stats: Vec<_> = metrics.iter().map(|m| m.corpus_stats(&s.lines, &set.refs)).collect();
    let scores = (0..s.lines.len()).map(|i| metrics.iter().zip(&stats).map(|(m, st)| m.score(st.row(i))).collect()).collect();
    SentenceResult {
        hyp: s.name.clone(),
        refs: set.ref_paths.iter().map(|p| p.display().to_string()).collect(),
        metrics: metrics.iter().map(|m| MetricInfo { name: m.name(), signature: m.signature(set.refs.len(), &[]).to_string() }).collect(),
        scores,
    }
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

/// Article mode as text: per-article table, corpus scores, worst segments.
pub(crate) fn articles_text(r: &ArticlesResult, width: usize) -> String {
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
pub(crate) fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).expect("results serialise")
}
