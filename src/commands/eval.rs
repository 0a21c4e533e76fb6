//! `terjemah eval`: the evaluation (crate `terjemah-eval`, which only reads and computes), then,
//! in article mode, the one thing it leaves to the command layer: the translate run's
//! `index.html` rebuilt with each article's scores.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use terjemah_eval::articles::{ArticleReport, ArticlesResult};
use terjemah_eval::EvalJob;

use crate::output::html;
use crate::run::manifest::Manifest;
use crate::Result;

/// Runs an evaluation and returns what to print; in article mode, adds the scores to the
/// index of the translate run first.
pub fn run(job: &EvalJob) -> Result<String> {
    let outcome = terjemah_eval::run(job)?;
    if let (Some(result), Some(hyp_dir)) = (&outcome.articles, &job.hyp_dir) {
        annotate_index(hyp_dir, result)?;
    }
    Ok(outcome.text)
}

/// When the translate run wrote HTML pages, rebuild its index.html with each article's scores
/// (the index's sortable score columns).
pub fn annotate_index(hyp_dir: &Path, result: &ArticlesResult) -> Result<()> {
    let Some(manifest) = Manifest::read_if_any(&hyp_dir.join("manifest.json")) else { return Ok(()) };
    let mut entries = html::index_entries(hyp_dir, &manifest.documents);
    if entries.is_empty() {
        return Ok(());
    }
    // Each path resolved once: a scored article is found by its English file's real path.
    let by_hyp: HashMap<PathBuf, &ArticleReport> =
        result.articles.iter().filter_map(|a| Some((Path::new(&a.hyp_path).canonicalize().ok()?, a))).collect();
    // `entries` holds one row per document with a page, in the same order.
    for (doc, entry) in manifest.documents.iter().filter(|d| html::page_of(d).is_some()).zip(entries.iter_mut()) {
        let Some(report) = doc.outputs.iter().find_map(|o| by_hyp.get(&o.canonicalize().ok()?)) else { continue };
        entry.scores = report.scores.iter().map(|s| html::Score { label: s.name.clone(), value: s.score }).collect();
    }
    html::write_index(hyp_dir, &entries)
}
