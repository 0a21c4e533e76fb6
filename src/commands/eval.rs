//! `terjemah eval`: the evaluation (crate `terjemah-eval`, which only reads and computes), then,
//! in article mode, the one thing it leaves to the command layer: each article's scores
//! recorded in the translate run's manifest, and its `index.html` rebuilt with them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use terjemah_eval::articles::{ArticleReport, ArticlesResult};
use terjemah_eval::EvalJob;

use crate::run::manifest::{ArticleScore, Manifest};
use crate::run::outdir::OutputDir;
use crate::run::{index, write_json};
use crate::Result;

/// Runs an evaluation and returns what to print; in article mode, adds the scores to the
/// index of the translate run first.
pub fn run(job: &EvalJob) -> Result<String> {
    let outcome = terjemah_eval::run(job)?;
    if let (Some(result), Some(hyp_dir)) = (&outcome.articles, &job.hyp_dir) {
        annotate_index(hyp_dir, result, job.report.as_ref().map(|r| r.html.as_path()))?;
    }
    Ok(outcome.text)
}

/// Record each article's scores in the translate run's manifest (those of the latest `eval`
/// replace earlier ones), and the comparison report written (`--report`), then rebuild its
/// `index.html` from it (sortable score columns, a link to the report). Kept in the manifest,
/// the scores and the link stay in the index that later runs into the folder rebuild.
pub fn annotate_index(hyp_dir: &Path, result: &ArticlesResult, report: Option<&Path>) -> Result<()> {
    let path = hyp_dir.join("manifest.json");
    if Manifest::read_if_any(&path).is_none() {
        return Ok(()); // not a translate run's folder
    }
    // A run going on rewrites its manifest after every chunk: the scores would be lost.
    let _lock = match OutputDir::open(hyp_dir, None) {
        Ok(lock) => lock,
        Err(e) => {
            eprintln!("warning: the scores were not recorded in {}: {e}", path.display());
            return Ok(());
        }
    };
    let Some(mut manifest) = Manifest::read_if_any(&path) else { return Ok(()) };
    // Each path resolved once: a scored article is found by its English file's real path.
    let by_hyp: HashMap<PathBuf, &ArticleReport> =
        result.articles.iter().filter_map(|a| Some((Path::new(&a.hyp_path).canonicalize().ok()?, a))).collect();
    for doc in &mut manifest.documents {
        let report = doc.outputs.iter().find_map(|o| by_hyp.get(&o.canonicalize().ok()?));
        doc.scores =
            report.map_or_else(Vec::new, |r| r.scores.iter().map(|s| ArticleScore { metric: s.name.clone(), score: s.score }).collect());
    }
    if let Some(r) = report.and_then(|r| r.canonicalize().ok()) {
        manifest.report = Some(r);
    }
    write_json(&path, &manifest)?;
    index::write(hyp_dir, &manifest)?;
    Ok(())
}
