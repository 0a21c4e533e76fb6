//! `index.html`, the run's table of articles, built in one place from the manifest alone: after
//! a run, after `merge-manifests`, and after `eval`. `eval` records each article's scores in the
//! manifest's entry, so the index of a later run still shows them for the articles it did not
//! translate again (an article translated again has new English and no scores until the next
//! `eval`).

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::output::html::{self, IndexEntry};
use crate::output::Format;
use crate::run::manifest::{DocumentEntry, Manifest};

/// The side-by-side review page a document's run wrote, if HTML was among its formats.
pub(crate) fn page_of(d: &DocumentEntry) -> Option<&PathBuf> {
    let suffix = format!(".{}", Format::Html.writer().suffix());
    d.outputs.iter().find(|p| p.to_string_lossy().ends_with(&suffix))
}

/// The index's rows: the documents with a review page, in the manifest's order (so that it
/// lists every article, also those a resumed run found up to date), with their scores.
fn entries(out_dir: &Path, documents: &[DocumentEntry]) -> Vec<IndexEntry> {
    documents
        .iter()
        .filter_map(|d| {
            let page = page_of(d)?;
            Some(IndexEntry {
                page: page.strip_prefix(out_dir).unwrap_or(page).to_path_buf(),
                source: d.source.display().to_string(),
                blocks: d.blocks,
                segments: d.segments,
                translated: d.translated,
                flagged: d.flagged,
                flags: d.flags.iter().map(|(k, v)| (k.clone(), *v)).collect(),
                scores: d.scores.iter().map(|s| html::Score { label: s.metric.clone(), value: s.score }).collect(),
            })
        })
        .collect()
}

/// Write `OUT/index.html` for the manifest's documents; nothing when none has a review page.
/// Returns whether it was written.
pub(crate) fn write(out_dir: &Path, manifest: &Manifest) -> Result<bool> {
    let rows = entries(out_dir, &manifest.documents);
    if rows.is_empty() {
        return Ok(false);
    }
    // A report moved or deleted since is not linked.
    let report = manifest.report.as_deref().filter(|r| r.is_file());
    html::write_index(out_dir, &rows, report)?;
    Ok(true)
}
