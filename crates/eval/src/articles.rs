//! Article mode: score a `terjemah translate` output folder (`NAME.en.txt`, one block per
//! non-blank line) against a folder of references (`NAME.en.txt` or `NAME.en` at the same
//! relative path, one block per non-blank line).
//!
//! When an article has as many blocks as its reference, block `i` is paired with reference
//! block `i`. Otherwise the blocks are aligned monotonically by dynamic programming over
//! 1-1, 2-1, 1-2 pairings and skips, scoring a pairing by character-trigram overlap and
//! length ratio; unpaired blocks are reported and left out of the scores. Scores: per article
//! and over all aligned segments (summed sufficient statistics, as for line files), plus the
//! worst segments by the first metric's sentence-level score.

use std::iter::Sum;
use std::ops::{AddAssign, Range};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::input::read_lines;
use crate::tokenize::{is_py_space, py_lower};
use crate::{Error, Result};
use crate::{Metric, Score};

/// Suffix of the English text `terjemah translate` writes.
pub(crate) const HYP_SUFFIX: &str = ".en.txt";
/// Accepted reference suffixes, in order of preference.
pub(crate) const REF_SUFFIXES: [&str; 2] = [".en.txt", ".en"];

/// A monotonic pairing of hypothesis blocks with reference blocks; one side may be empty
/// (an unaligned block).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Bead {
    /// Hypothesis blocks (0-based, end exclusive).
    pub hyp: Range<usize>,
    /// Reference blocks (0-based, end exclusive).
    #[serde(rename = "ref")]
    pub refs: Range<usize>,
}

impl Bead {
    /// True when both sides have blocks (a scored segment), false for an unaligned block.
    pub fn is_pair(&self) -> bool {
        !self.hyp.is_empty() && !self.refs.is_empty()
    }
}

/// Minimum combined similarity for two blocks to be worth pairing rather than skipping.
const PAIR_THRESHOLD: f64 = 0.3;

/// Character trigrams (lowercased, whitespace removed) of a block, sorted, and its length.
struct Profile {
    grams: Vec<u64>,
    chars: usize,
}

impl Profile {
    fn new(text: &str) -> Profile {
        let chars: Vec<char> = py_lower(text).chars().filter(|&c| !is_py_space(c)).collect();
        let mut grams: Vec<u64> = if chars.len() >= 3 {
            chars.windows(3).map(|w| ((w[0] as u64) << 42) | ((w[1] as u64) << 21) | w[2] as u64).collect()
        } else {
            chars.iter().map(|&c| c as u64).collect()
        };
        grams.sort_unstable();
        Profile { grams, chars: chars.len() }
    }

    /// Similarity in [0, 1]: Dice coefficient of trigram multisets, weighted with the
    /// length ratio (translations of one sentence have similar lengths).
    fn similarity(&self, other: &Profile) -> f64 {
        let (a, b) = (&self.grams, &other.grams);
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        let (mut i, mut j, mut common) = (0, 0, 0usize);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    common += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        let dice = 2.0 * common as f64 / (a.len() + b.len()) as f64;
        let ratio = self.chars.min(other.chars) as f64 / self.chars.max(other.chars) as f64;
        0.75 * dice + 0.25 * ratio
    }
}

/// Aligns hypothesis blocks with reference blocks: 1:1 when the counts match, otherwise the
/// best monotonic alignment (each pairing gains `(similarity - threshold) × characters
/// covered`; skipping a block gains nothing).
pub fn align_blocks(hyp: &[String], refs: &[String]) -> Vec<Bead> {
    if hyp.len() == refs.len() {
        return (0..hyp.len()).map(|i| Bead { hyp: i..i + 1, refs: i..i + 1 }).collect();
    }
    let (n, m) = (hyp.len(), refs.len());
    let hp: Vec<Profile> = hyp.iter().map(|t| Profile::new(t)).collect();
    let rp: Vec<Profile> = refs.iter().map(|t| Profile::new(t)).collect();
    // Profiles of two adjacent blocks joined, for 2-1 and 1-2 pairings.
    let hp2: Vec<Profile> = (0..n.saturating_sub(1)).map(|i| Profile::new(&format!("{} {}", hyp[i], hyp[i + 1]))).collect();
    let rp2: Vec<Profile> = (0..m.saturating_sub(1)).map(|j| Profile::new(&format!("{} {}", refs[j], refs[j + 1]))).collect();
    let gain = |a: &Profile, b: &Profile| (a.similarity(b) - PAIR_THRESHOLD) * (a.chars + b.chars) as f64;

    // best[i][j]: best total over hyp[..i], refs[..j]; moves as (di, dj).
    let w = m + 1;
    let mut best = vec![f64::NEG_INFINITY; (n + 1) * w];
    let mut back = vec![(0u8, 0u8); (n + 1) * w];
    best[0] = 0.0;
    for i in 0..=n {
        for j in 0..=m {
            let here = best[i * w + j];
            if here == f64::NEG_INFINITY {
                continue;
            }
            // Earlier moves win ties: 1-1 first, then merges, then skips.
            let mut relax = |di: usize, dj: usize, g: f64| {
                let (ni, nj) = (i + di, j + dj);
                if ni <= n && nj <= m && here + g > best[ni * w + nj] {
                    best[ni * w + nj] = here + g;
                    back[ni * w + nj] = (di as u8, dj as u8);
                }
            };
            if i < n && j < m {
                relax(1, 1, gain(&hp[i], &rp[j]));
            }
            if i + 1 < n && j < m {
                relax(2, 1, gain(&hp2[i], &rp[j]));
            }
            if i < n && j + 1 < m {
                relax(1, 2, gain(&hp[i], &rp2[j]));
            }
            relax(1, 0, 0.0);
            relax(0, 1, 0.0);
        }
    }
    let mut beads = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let (di, dj) = back[i * w + j];
        let (di, dj) = (di as usize, dj as usize);
        beads.push(Bead { hyp: i - di..i, refs: j - dj..j });
        i -= di;
        j -= dj;
    }
    beads.reverse();
    beads
}

/// Non-blank lines of a file, right-stripped.
pub(crate) fn read_blocks(path: &Path) -> Result<Vec<String>> {
    Ok(read_lines(path)?.into_iter().filter(|l| !l.is_empty()).collect())
}

/// One scored segment: aligned blocks joined with spaces.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Segment {
    /// 1-based block numbers.
    pub hyp_blocks: Vec<usize>,
    /// 1-based reference block numbers.
    pub ref_blocks: Vec<usize>,
    /// The hypothesis blocks, joined with spaces.
    pub hyp: String,
    /// The reference blocks, joined with spaces.
    #[serde(rename = "ref")]
    pub reference: String,
    /// Sentence-level score of the first metric.
    pub score: f64,
}

/// One article's alignment and scores.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ArticleReport {
    /// Relative name without the `.en.txt` suffix.
    pub article: String,
    /// The translated file.
    pub hyp_path: String,
    /// The reference file.
    pub ref_path: String,
    /// Non-blank lines of the translation.
    pub hyp_blocks: usize,
    /// Non-blank lines of the reference.
    pub ref_blocks: usize,
    /// Segments scored (pairings).
    pub aligned: usize,
    /// True when the block counts differed and the blocks were aligned by similarity.
    pub realigned: bool,
    /// 1-based numbers of blocks left out of the scores.
    pub unaligned_hyp: Vec<usize>,
    /// 1-based numbers of reference blocks left out of the scores.
    pub unaligned_ref: Vec<usize>,
    /// Scores over this article's segments, one per metric.
    pub scores: Vec<Score>,
    /// The scored segments, in order.
    pub segments: Vec<Segment>,
}

/// One metric over all articles.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MetricSummary {
    /// The metric's name.
    pub name: String,
    /// Its signature (one reference).
    pub signature: String,
    /// Over all aligned segments of all articles.
    pub corpus: Score,
}

/// A segment among the worst, with its article.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WorstSegment {
    /// The article's relative name.
    pub article: String,
    /// The segment.
    #[serde(flatten)]
    pub segment: Segment,
}

/// Counts over all articles.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Totals {
    /// Articles scored.
    pub articles: usize,
    /// Articles whose block counts differed (aligned by similarity).
    pub realigned_articles: usize,
    /// Translated blocks.
    pub hyp_blocks: usize,
    /// Reference blocks.
    pub ref_blocks: usize,
    /// Segments scored.
    pub aligned_segments: usize,
    /// Translated blocks left out of the scores.
    pub unaligned_hyp_blocks: usize,
    /// Reference blocks left out of the scores.
    pub unaligned_ref_blocks: usize,
}

impl Totals {
    /// One article's counts.
    fn of(a: &ArticleReport) -> Totals {
        Totals {
            articles: 1,
            realigned_articles: a.realigned as usize,
            hyp_blocks: a.hyp_blocks,
            ref_blocks: a.ref_blocks,
            aligned_segments: a.aligned,
            unaligned_hyp_blocks: a.unaligned_hyp.len(),
            unaligned_ref_blocks: a.unaligned_ref.len(),
        }
    }
}

impl AddAssign for Totals {
    fn add_assign(&mut self, o: Totals) {
        self.articles += o.articles;
        self.realigned_articles += o.realigned_articles;
        self.hyp_blocks += o.hyp_blocks;
        self.ref_blocks += o.ref_blocks;
        self.aligned_segments += o.aligned_segments;
        self.unaligned_hyp_blocks += o.unaligned_hyp_blocks;
        self.unaligned_ref_blocks += o.unaligned_ref_blocks;
    }
}

impl Sum for Totals {
    fn sum<I: Iterator<Item = Totals>>(iter: I) -> Totals {
        iter.fold(Totals::default(), |mut t, x| {
            t += x;
            t
        })
    }
}

/// Article mode's results.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ArticlesResult {
    /// The translate output folder.
    pub hyp_dir: String,
    /// The reference folder.
    pub ref_dir: String,
    /// Each metric over all aligned segments.
    pub metrics: Vec<MetricSummary>,
    /// Counts over all articles.
    pub totals: Totals,
    /// Each article, by relative name.
    pub articles: Vec<ArticleReport>,
    /// Name of the sentence-level score that ranks the worst segments.
    pub worst_by: String,
    /// The lowest-scoring segments, worst first.
    pub worst: Vec<WorstSegment>,
    /// Translated articles without a reference (not scored).
    pub missing_reference: Vec<String>,
    /// References without a translation (not scored).
    pub missing_translation: Vec<String>,
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn rel_name(root: &Path, path: &Path, suffix: &str) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?.to_str()?.replace('\\', "/");
    rel.strip_suffix(suffix).filter(|s| !s.is_empty()).map(str::to_string)
}

fn files_with_suffix(root: &Path, suffixes: &[&str]) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    for entry in WalkDir::new(root).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(root).to_path_buf();
            Error::io(&path, e.into_io_error().unwrap_or_else(|| std::io::Error::other("cannot walk the folder")))
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        if let Some(name) = suffixes.iter().find_map(|s| rel_name(root, entry.path(), s)) {
            out.push((name, entry.path().to_path_buf()));
        }
    }
    Ok(out)
}

/// Scores every translated article that has a reference with each of `metrics`, and lists the
/// `worst` segments by `rank`'s score of each segment (the first metric, at sentence level).
pub fn evaluate(hyp_dir: &Path, ref_dir: &Path, metrics: &[Box<dyn Metric>], rank: &dyn Metric, worst: usize) -> Result<ArticlesResult> {
    for (dir, flag) in [(hyp_dir, "--hyp-dir"), (ref_dir, "--ref-dir")] {
        if !dir.is_dir() {
            return Err(Error::Usage(format!("{flag} {}: not a folder", dir.display())));
        }
    }
    let hyps = files_with_suffix(hyp_dir, &[HYP_SUFFIX])?;
    if hyps.is_empty() {
        return Err(Error::Usage(format!(
            "{}: no NAME{HYP_SUFFIX} files; --hyp-dir takes a `terjemah translate` output folder",
            hyp_dir.display()
        )));
    }
    let mut pairs = Vec::new();
    let mut missing_reference = Vec::new();
    for (name, hyp_path) in &hyps {
        // (A reference folder that is the output folder itself holds NAME.en references.)
        match REF_SUFFIXES.iter().map(|s| ref_dir.join(format!("{name}{s}"))).find(|p| p.is_file() && !same_file(p, hyp_path)) {
            Some(ref_path) => pairs.push((name.clone(), hyp_path.clone(), ref_path)),
            None => missing_reference.push(name.clone()),
        }
    }
    let mut missing_translation: Vec<String> = files_with_suffix(ref_dir, &REF_SUFFIXES)?
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| !hyp_dir.join(format!("{name}{HYP_SUFFIX}")).is_file())
        .collect();
    missing_translation.dedup();
    if pairs.is_empty() {
        return Err(Error::Usage(format!(
            "no translated article in {} has a reference in {} (looked for NAME.en.txt or NAME.en at the same relative path)",
            hyp_dir.display(),
            ref_dir.display()
        )));
    }

    // Read and align every article.
    struct Loaded {
        name: String,
        hyp_path: PathBuf,
        ref_path: PathBuf,
        hyp: Vec<String>,
        refs: Vec<String>,
        beads: Vec<Bead>,
    }
    let loaded: Vec<Loaded> = pairs
        .into_par_iter()
        .map(|(name, hyp_path, ref_path)| {
            let hyp = read_blocks(&hyp_path)?;
            let refs = read_blocks(&ref_path)?;
            let beads = align_blocks(&hyp, &refs);
            Ok(Loaded { name, hyp_path, ref_path, hyp, refs, beads })
        })
        .collect::<Result<_>>()?;

    // All aligned segments, article by article.
    let mut seg_hyp = Vec::new();
    let mut seg_ref = Vec::new();
    // owner[s]: (article, segment number within it).
    let mut owner = Vec::new();
    for (a, l) in loaded.iter().enumerate() {
        for (k, b) in l.beads.iter().filter(|b| b.is_pair()).enumerate() {
            seg_hyp.push(l.hyp[b.hyp.clone()].join(" "));
            seg_ref.push(l.refs[b.refs.clone()].join(" "));
            owner.push((a, k));
        }
    }
    let refs = vec![seg_ref];
    let stats: Vec<_> = metrics.iter().map(|m| m.corpus_stats(&seg_hyp, &refs)).collect();
    // `rank` is the first metric built for sentence-level scoring, which changes how statistics
    // are scored (BLEU's effective order), never the statistics: the first metric's serve.
    let computed;
    let rank_stats = match stats.first() {
        Some(first) => first,
        None => {
            computed = rank.corpus_stats(&seg_hyp, &refs);
            &computed
        }
    };
    let seg_scores: Vec<f64> = (0..seg_hyp.len()).map(|i| rank.score(rank_stats.row(i)).score).collect();

    let mut articles = Vec::new();
    let mut first = 0;
    for (a, l) in loaded.iter().enumerate() {
        let count = owner[first..].iter().take_while(|&&(o, _)| o == a).count();
        let rows = first..first + count;
        let scores = metrics.iter().zip(&stats).map(|(m, st)| m.score(&st.sum(rows.clone()))).collect();
        let pairs: Vec<&Bead> = l.beads.iter().filter(|b| b.is_pair()).collect();
        let segments = pairs
            .iter()
            .zip(rows.clone())
            .map(|(b, s)| Segment {
                hyp_blocks: b.hyp.clone().map(|i| i + 1).collect(),
                ref_blocks: b.refs.clone().map(|i| i + 1).collect(),
                hyp: seg_hyp[s].clone(),
                reference: refs[0][s].clone(),
                score: seg_scores[s],
            })
            .collect();
        let unaligned_hyp: Vec<usize> = l.beads.iter().filter(|b| b.refs.is_empty()).flat_map(|b| b.hyp.clone().map(|i| i + 1)).collect();
        let unaligned_ref: Vec<usize> = l.beads.iter().filter(|b| b.hyp.is_empty()).flat_map(|b| b.refs.clone().map(|i| i + 1)).collect();
        let realigned = l.hyp.len() != l.refs.len();
        articles.push(ArticleReport {
            article: l.name.clone(),
            hyp_path: l.hyp_path.display().to_string(),
            ref_path: l.ref_path.display().to_string(),
            hyp_blocks: l.hyp.len(),
            ref_blocks: l.refs.len(),
            aligned: count,
            realigned,
            unaligned_hyp,
            unaligned_ref,
            scores,
            segments,
        });
        first += count;
    }

    let metric_summaries = metrics
        .iter()
        .zip(&stats)
        .map(|(m, st)| MetricSummary { name: m.name(), signature: m.signature(1, &[]).to_string(), corpus: m.score(&st.sum_all()) })
        .collect();
    let mut order: Vec<usize> = (0..seg_hyp.len()).collect();
    let higher_is_better = rank.higher_is_better();
    order.sort_by(|&a, &b| {
        let o = seg_scores[a].total_cmp(&seg_scores[b]);
        if higher_is_better {
            o
        } else {
            o.reverse()
        }
    });
    let worst = order
        .into_iter()
        .take(worst)
        .map(|s| {
            let (a, k) = owner[s];
            WorstSegment { article: articles[a].article.clone(), segment: articles[a].segments[k].clone() }
        })
        .collect();
    let totals = articles.iter().map(Totals::of).sum();
    Ok(ArticlesResult {
        hyp_dir: hyp_dir.display().to_string(),
        ref_dir: ref_dir.display().to_string(),
        metrics: metric_summaries,
        totals,
        articles,
        worst_by: format!("sentence {}", rank.name()),
        worst,
        missing_reference,
        missing_translation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn equal_counts_pair_one_to_one() {
        let b = align_blocks(&s(&["a", "b"]), &s(&["x", "y"]));
        assert_eq!(b, vec![Bead { hyp: 0..1, refs: 0..1 }, Bead { hyp: 1..2, refs: 1..2 }]);
    }

    #[test]
    fn split_and_missing_blocks_are_found() {
        let refs = s(&[
            "The president arrived in Jakarta on Monday for a three-day visit.",
            "He met the governor and discussed flood prevention projects in the capital.",
            "Editor: Budi Santoso",
            "The visit ends on Wednesday with a speech at the university.",
        ]);
        let hyp = s(&[
            "The president arrived in Jakarta on Monday for a visit of three days.",
            "He met with the governor.",
            "They discussed projects to prevent floods in the capital.",
            "The visit will end on Wednesday with a speech at the university.",
            "Read also: Floods hit Bekasi again",
        ]);
        let beads = align_blocks(&hyp, &refs);
        assert_eq!(
            beads,
            vec![
                Bead { hyp: 0..1, refs: 0..1 },
                Bead { hyp: 1..3, refs: 1..2 },
                Bead { hyp: 3..3, refs: 2..3 },
                Bead { hyp: 3..4, refs: 3..4 },
                Bead { hyp: 4..5, refs: 4..4 },
            ]
        );
    }
}
