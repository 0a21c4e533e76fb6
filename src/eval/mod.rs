//! `terjemah eval`: BLEU, chrF, chrF++ and TER with numbers identical to sacrebleu 2.x.
//!
//! Every metric follows sacrebleu's two steps: per-segment sufficient statistics (computed in
//! parallel), summed over the corpus in segment order, then the score of the sums with the
//! same floating-point operations as sacrebleu's Python. Corpus scores, article scores and
//! bootstrap resamples all go through [`Metric::score`] on summed statistics.
//!
//! Files are read the way the sacrebleu command line reads them: UTF-8, lines split on `\n`
//! only, each line right-stripped of (Python) whitespace, so CRLF files score like LF files.

pub mod articles;
pub mod bleu;
pub mod bootstrap;
pub mod chrf;
pub mod report;
pub mod ter;
pub mod tokenize;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::{BitAnd, BitOr, Shl, Shr, Sub};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rayon::prelude::*;

use crate::{Error, Result};
use bleu::{Bleu, BleuScore, Smooth};
use chrf::Chrf;
use ter::Ter;
use tokenize::{py_rstrip, Tokenizer};

/// The sacrebleu release whose definitions and signatures we reproduce; it is the `version`
/// field of our signatures, so that they compare equal to sacrebleu's.
pub const SACREBLEU_VERSION: &str = "2.5.1";

/// A metric as named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricName {
    Bleu,
    Chrf,
    ChrfPlusPlus,
    Ter,
}

impl MetricName {
    pub fn name(self) -> &'static str {
        match self {
            MetricName::Bleu => "bleu",
            MetricName::Chrf => "chrf",
            MetricName::ChrfPlusPlus => "chrf++",
            MetricName::Ter => "ter",
        }
    }
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
#[derive(Debug, Clone, Default)]
pub struct MetricOptions {
    pub tokenizer: Tokenizer,
    /// BLEU only, as sacrebleu's `--lowercase`.
    pub lowercase: bool,
    pub smooth: Smooth,
    pub smooth_value: Option<f64>,
    pub chrf_lowercase: bool,
    pub ter_case_sensitive: bool,
}

/// A configured metric.
#[derive(Debug, Clone)]
pub enum Metric {
    Bleu(Bleu),
    Chrf(Chrf),
    Ter(Ter),
}

impl Metric {
    /// `sentence_level` turns on BLEU's effective order, as `sacrebleu --sentence-level` does.
    pub fn new(name: MetricName, o: &MetricOptions, sentence_level: bool) -> Metric {
        match name {
            MetricName::Bleu => Metric::Bleu(Bleu {
                tokenizer: o.tokenizer,
                lowercase: o.lowercase,
                smooth: o.smooth,
                smooth_value: o.smooth_value,
                effective_order: sentence_level,
            }),
            MetricName::Chrf => Metric::Chrf(Chrf { lowercase: o.chrf_lowercase, ..Chrf::default() }),
            MetricName::ChrfPlusPlus => Metric::Chrf(Chrf { lowercase: o.chrf_lowercase, ..Chrf::plus_plus() }),
            MetricName::Ter => Metric::Ter(Ter { case_sensitive: o.ter_case_sensitive }),
        }
    }

    /// sacrebleu's score name: `BLEU`, `chrF2`, `chrF2++`, `TER`.
    pub fn name(&self) -> String {
        match self {
            Metric::Bleu(_) => "BLEU".into(),
            Metric::Chrf(c) => c.name(),
            Metric::Ter(_) => "TER".into(),
        }
    }

    /// TER is an error rate.
    pub fn higher_is_better(&self) -> bool {
        !matches!(self, Metric::Ter(_))
    }

    pub fn n_stats(&self) -> usize {
        match self {
            Metric::Bleu(_) => bleu::N_STATS,
            Metric::Chrf(c) => c.n_stats(),
            Metric::Ter(_) => ter::N_STATS,
        }
    }

    pub fn segment_stats(&self, hyp: &str, refs: &[&str], out: &mut [f64]) {
        match self {
            Metric::Bleu(m) => m.segment_stats(hyp, refs, out),
            Metric::Chrf(m) => m.segment_stats(hyp, refs, out),
            Metric::Ter(m) => m.segment_stats(hyp, refs, out),
        }
    }

    /// The score of summed statistics.
    pub fn score(&self, stats: &[f64]) -> Score {
        match self {
            Metric::Bleu(m) => {
                let b = m.score(stats);
                Score { name: self.name(), score: b.score, bleu: Some(b), ter: None }
            }
            Metric::Chrf(m) => Score { name: self.name(), score: m.f_score(stats), bleu: None, ter: None },
            Metric::Ter(m) => Score {
                name: self.name(),
                score: m.score(stats),
                bleu: None,
                ter: Some(TerDetail { edits: stats[0], ref_length: stats[1] }),
            },
        }
    }

    /// sacrebleu's signature string (long form). `extra` holds the bootstrap fields, which
    /// sacrebleu places right after `nrefs`.
    pub fn signature(&self, nrefs: usize, extra: &[(&str, String)]) -> String {
        let mut fields: Vec<(&str, String)> = vec![("nrefs", nrefs.to_string())];
        fields.extend(extra.iter().cloned());
        fields.extend(match self {
            Metric::Bleu(m) => m.signature_fields(),
            Metric::Chrf(m) => m.signature_fields(),
            Metric::Ter(m) => m.signature_fields(),
        });
        fields.push(("version", SACREBLEU_VERSION.to_string()));
        fields.iter().map(|(k, v)| format!("{k}:{v}")).collect::<Vec<_>>().join("|")
    }
}

/// TER's statistics, as sacrebleu's `TERScore` keeps them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TerDetail {
    pub edits: f64,
    pub ref_length: f64,
}

/// One score of one metric.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Score {
    pub name: String,
    pub score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bleu: Option<BleuScore>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ter: Option<TerDetail>,
}

impl Score {
    /// sacrebleu's verbose part (BLEU only).
    pub fn verbose(&self) -> Option<String> {
        self.bleu.as_ref().map(BleuScore::verbose)
    }

    /// sacrebleu's `Score.format(width, signature=...)`: `NAME|SIG = 12.3 verbose`.
    pub fn format(&self, width: usize, signature: &str) -> String {
        let mut s = if signature.is_empty() { self.name.clone() } else { format!("{}|{}", self.name, signature) };
        s.push_str(&format!(" = {:.width$}", self.score));
        if let Some(v) = self.verbose() {
            s.push(' ');
            s.push_str(&v);
        }
        s
    }
}

/// Per-segment statistics of one metric over one system: `n` rows of `width` values.
#[derive(Debug, Clone)]
pub struct Stats {
    pub width: usize,
    pub data: Vec<f64>,
}

impl Stats {
    pub fn len(&self) -> usize {
        self.data.len() / self.width.max(1)
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.width..(i + 1) * self.width]
    }

    /// Sums of the given rows, added in the given order (sacrebleu's `sum_of_lists`; the
    /// order matters for TER's fractional average reference lengths).
    pub fn sum(&self, rows: impl IntoIterator<Item = usize>) -> Vec<f64> {
        let mut total = vec![0.0; self.width];
        for i in rows {
            for (t, v) in total.iter_mut().zip(self.row(i)) {
                *t += v;
            }
        }
        total
    }

    pub fn sum_all(&self) -> Vec<f64> {
        self.sum(0..self.len())
    }
}

/// Statistics of every segment (`refs[k][i]` is reference `k` of segment `i`), in parallel.
pub fn segment_stats(metric: &Metric, hyps: &[String], refs: &[Vec<String>]) -> Stats {
    let width = metric.n_stats();
    let mut data = vec![0.0; hyps.len() * width];
    data.par_chunks_mut(width).with_min_len(64).enumerate().for_each(|(i, row)| {
        let r: Vec<&str> = refs.iter().map(|rs| rs[i].as_str()).collect();
        metric.segment_stats(&hyps[i], &r, row);
    });
    Stats { width, data }
}

/// The corpus score of `hyps` against `refs`.
pub fn corpus_score(metric: &Metric, hyps: &[String], refs: &[Vec<String>]) -> Score {
    metric.score(&segment_stats(metric, hyps, refs).sum_all())
}

/// The score of one segment on its own (sacrebleu's `sentence_score`).
pub fn sentence_score(metric: &Metric, hyp: &str, refs: &[&str]) -> Score {
    let mut row = vec![0.0; metric.n_stats()];
    metric.segment_stats(hyp, refs, &mut row);
    metric.score(&row)
}

/// A text file as the sacrebleu command line reads it: UTF-8, lines split on `\n` only (a
/// final newline ends the last line), each line right-stripped.
pub fn read_lines(path: &Path) -> Result<Vec<String>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        Error::input(path, format!("not valid UTF-8 (line {line}, byte {at}); eval reads UTF-8 text, as sacrebleu does"))
    })?;
    Ok(split_lines(&text))
}

/// [`read_lines`] on a string.
/// When the translate run wrote HTML pages, rebuild its index.html with each article's scores
/// (the index's sortable score columns).
fn annotate_index(hyp_dir: &Path, result: &articles::ArticlesResult) -> Result<()> {
    let manifest_path = hyp_dir.join("manifest.json");
    let Ok(bytes) = std::fs::read(&manifest_path) else { return Ok(()) };
    let Ok(manifest) = serde_json::from_slice::<crate::manifest::Manifest>(&bytes) else { return Ok(()) };
    let mut entries = crate::output::html::index_entries(hyp_dir, &manifest.documents);
    if entries.is_empty() {
        return Ok(());
    }
    // Each path resolved once: a scored article is found by its English file's real path.
    let by_hyp: HashMap<PathBuf, &articles::ArticleReport> =
        result.articles.iter().filter_map(|a| Some((Path::new(&a.hyp_path).canonicalize().ok()?, a))).collect();
    // `entries` holds one row per document with a page, in the same order.
    for (doc, entry) in manifest.documents.iter().filter(|d| crate::output::html::page_of(d).is_some()).zip(entries.iter_mut()) {
        let Some(report) = doc.outputs.iter().find_map(|o| by_hyp.get(&o.canonicalize().ok()?)) else { continue };
        entry.scores = report.scores.iter().map(|s| crate::output::html::Score { label: s.name.clone(), value: s.score }).collect();
    }
    crate::output::html::write_index(hyp_dir, &entries)
}

pub fn split_lines(text: &str) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    let body = text.strip_suffix('\n').unwrap_or(text);
    body.split('\n').map(|l| py_rstrip(l).to_string()).collect()
}

/// One system (hypothesis file) and its lines.
#[derive(Debug, Clone)]
pub struct System {
    pub path: PathBuf,
    pub lines: Vec<String>,
}

/// Hypotheses and references read and checked: every file has the same number of lines.
#[derive(Debug, Clone)]
pub struct TestSet {
    pub systems: Vec<System>,
    pub ref_paths: Vec<PathBuf>,
    /// `refs[k][i]`: reference `k` of segment `i`.
    pub refs: Vec<Vec<String>>,
}

impl TestSet {
    pub fn read(hyps: &[PathBuf], refs: &[PathBuf]) -> Result<TestSet> {
        if hyps.is_empty() {
            return Err(Error::Usage("eval needs a hypothesis file (--hyp FILE) or --hyp-dir".into()));
        }
        if refs.is_empty() {
            return Err(Error::Usage("eval needs a reference file (--ref FILE) or --ref-dir".into()));
        }
        let read_all = |paths: &[PathBuf]| -> Result<Vec<Vec<String>>> { paths.par_iter().map(|p| read_lines(p)).collect() };
        let (sys_lines, ref_lines) = rayon::join(|| read_all(hyps), || read_all(refs));
        let (sys_lines, ref_lines) = (sys_lines?, ref_lines?);
        let systems: Vec<System> = hyps.iter().zip(sys_lines).map(|(p, lines)| System { path: p.clone(), lines }).collect();
        let set = TestSet { systems, ref_paths: refs.to_vec(), refs: ref_lines };
        set.check()?;
        Ok(set)
    }

    /// sacrebleu refuses to score streams of different lengths; so do we, naming every file.
    fn check(&self) -> Result<()> {
        let n = self.refs[0].len();
        let counts = |paths: &[&PathBuf], lens: &[usize]| -> String {
            paths.iter().zip(lens).map(|(p, l)| format!("{} has {l} lines", p.display())).collect::<Vec<_>>().join(", ")
        };
        if self.refs.iter().any(|r| r.len() != n) {
            let paths: Vec<&PathBuf> = self.ref_paths.iter().collect();
            let lens: Vec<usize> = self.refs.iter().map(Vec::len).collect();
            return Err(Error::Usage(format!(
                "the reference files differ in line count: {}; each must have one line per segment",
                counts(&paths, &lens)
            )));
        }
        for s in &self.systems {
            if s.lines.is_empty() {
                return Err(Error::Usage(format!("hypothesis file {} is empty", s.path.display())));
            }
            if s.lines.len() != n {
                let what = if self.refs.len() == 1 { "reference" } else { "references" };
                return Err(Error::Usage(format!(
                    "line count mismatch: hypothesis {} has {} lines but {what} {}; \
                     the files must be line-parallel (no partial score is computed)",
                    s.path.display(),
                    s.lines.len(),
                    counts(&self.ref_paths.iter().collect::<Vec<_>>(), &self.refs.iter().map(Vec::len).collect::<Vec<_>>())
                )));
            }
        }
        Ok(())
    }
}

/// What `terjemah eval` was asked to do.
#[derive(Debug, Clone)]
pub struct EvalJob {
    pub hyps: Vec<PathBuf>,
    pub refs: Vec<PathBuf>,
    pub hyp_dir: Option<PathBuf>,
    pub ref_dir: Option<PathBuf>,
    pub metrics: Vec<MetricName>,
    pub options: MetricOptions,
    /// One score per line (BLEU with effective order), as `sacrebleu --sentence-level`.
    pub sentence_level: bool,
    /// Paired bootstrap resampling with this many resamples, as `sacrebleu --paired-bs`.
    pub paired_bootstrap: Option<usize>,
    pub seed: u64,
    /// Article mode: how many worst segments to list.
    pub worst: usize,
    /// Decimals of printed scores (sacrebleu's `--width`, default 1).
    pub width: usize,
    pub json: bool,
}

impl Default for EvalJob {
    fn default() -> Self {
        EvalJob {
            hyps: Vec::new(),
            refs: Vec::new(),
            hyp_dir: None,
            ref_dir: None,
            metrics: vec![MetricName::Bleu, MetricName::Chrf],
            options: MetricOptions::default(),
            sentence_level: false,
            paired_bootstrap: None,
            seed: bootstrap::DEFAULT_SEED,
            worst: 10,
            width: 1,
            json: false,
        }
    }
}

/// Runs an evaluation and returns what to print (text or JSON).
pub fn run(job: &EvalJob) -> Result<String> {
    if job.metrics.is_empty() {
        return Err(Error::Usage("--metrics is empty: name at least one of bleu, chrf, chrf++, ter".into()));
    }
    let mut seen = Vec::new();
    for m in &job.metrics {
        if seen.contains(m) {
            return Err(Error::Usage(format!("metric {} is listed twice in --metrics", m.name())));
        }
        seen.push(*m);
    }
    let article_mode = job.hyp_dir.is_some() || job.ref_dir.is_some();
    if article_mode {
        let (Some(hyp_dir), Some(ref_dir)) = (&job.hyp_dir, &job.ref_dir) else {
            return Err(Error::Usage("article mode needs both --hyp-dir (a translate output folder) and --ref-dir".into()));
        };
        if !job.hyps.is_empty() || !job.refs.is_empty() {
            return Err(Error::Usage("--hyp-dir/--ref-dir cannot be combined with --hyp/--ref".into()));
        }
        if job.paired_bootstrap.is_some() || job.sentence_level {
            return Err(Error::Usage("--paired-bootstrap and --sentence-level work on --hyp/--ref files, not on folders".into()));
        }
        let metrics: Vec<Metric> = job.metrics.iter().map(|&m| Metric::new(m, &job.options, false)).collect();
        let result = articles::evaluate(hyp_dir, ref_dir, &metrics, job.worst)?;
        annotate_index(hyp_dir, &result)?;
        return Ok(if job.json { report::to_json(&result) } else { report::articles_text(&result, job.width) });
    }

    let set = TestSet::read(&job.hyps, &job.refs)?;
    if let Some(n) = job.paired_bootstrap {
        if set.systems.len() < 2 {
            return Err(Error::Usage(
                "--paired-bootstrap compares systems: give two or more --hyp files (the first is the baseline)".into(),
            ));
        }
        if n == 0 {
            return Err(Error::Usage("--paired-bootstrap needs a number of resamples above 0 (sacrebleu's default is 1000)".into()));
        }
        if job.sentence_level {
            return Err(Error::Usage("--sentence-level cannot be combined with --paired-bootstrap".into()));
        }
        let metrics: Vec<Metric> = job.metrics.iter().map(|&m| Metric::new(m, &job.options, false)).collect();
        let result = bootstrap::paired(&set, &metrics, n, job.seed);
        return Ok(if job.json { report::to_json(&result) } else { report::paired_text(&result, job.width) });
    }
    if job.sentence_level {
        if set.systems.len() > 1 {
            return Err(Error::Usage("--sentence-level scores one system: give one --hyp file".into()));
        }
        let metrics: Vec<Metric> = job.metrics.iter().map(|&m| Metric::new(m, &job.options, true)).collect();
        let result = report::sentence_level(&set, &metrics);
        return Ok(if job.json { report::to_json(&result) } else { report::sentences_text(&result, job.width) });
    }
    let metrics: Vec<Metric> = job.metrics.iter().map(|&m| Metric::new(m, &job.options, false)).collect();
    let result = report::corpus(&set, &metrics);
    Ok(if job.json { report::to_json(&result) } else { report::corpus_text(&result, job.width) })
}

/// Per-segment string → small integer ids (from 1; 0 pads n-gram keys), so n-grams become
/// fixed-size keys.
pub(crate) struct Interner<'a> {
    map: HashMap<&'a str, u32, BuildHasherDefault<FxHasher>>,
}

impl Default for Interner<'_> {
    fn default() -> Self {
        Interner { map: HashMap::with_capacity_and_hasher(64, Default::default()) }
    }
}

impl<'a> Interner<'a> {
    pub(crate) fn id(&mut self, w: &'a str) -> u32 {
        let next = self.map.len() as u32 + 1;
        *self.map.entry(w).or_insert(next)
    }

    /// Number of distinct strings seen.
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// Ids of the tokens of a line split as Python's `str.split()` splits it (the `none` and
    /// `char` tokenizers leave tabs and other whitespace in place).
    pub(crate) fn ids(&mut self, line: &'a str) -> Vec<u32> {
        tokenize::py_split(line).map(|t| self.id(t)).collect()
    }
}

/// An integer wide enough to pack `max_order` ids (u64 or u128).
pub(crate) trait Key:
    Copy
    + Ord
    + Default
    + From<u32>
    + Shl<u32, Output = Self>
    + Shr<u32, Output = Self>
    + BitOr<Output = Self>
    + BitAnd<Output = Self>
    + Sub<Output = Self>
{
}
impl Key for u64 {}
impl Key for u128 {}

/// Counted n-grams of orders `1..=max_order` of a sequence of ids (each in `1..2^bits`), one
/// sorted list of `(key, count)` per order.
///
/// One sort serves every order: position `i` gets the key of the `max_order` ids starting
/// there (zero-padded past the end), and keys sorted in full are also sorted by any prefix,
/// so the n-grams of order `n` are the runs of equal `n`-id prefixes (a prefix ending in the
/// padding is no n-gram).
pub(crate) fn ngram_groups<K: Key>(ids: &[u32], max_order: usize, bits: u32) -> Vec<Vec<(K, u32)>> {
    let mut keys: Vec<K> = (0..ids.len())
        .map(|i| (0..max_order).fold(K::default(), |k, j| (k << bits) | K::from(ids.get(i + j).copied().unwrap_or(0))))
        .collect();
    keys.sort_unstable();
    let slot = (K::from(1) << bits) - K::from(1);
    (1..=max_order)
        .map(|n| {
            let shift = bits * (max_order - n) as u32;
            let mut out: Vec<(K, u32)> = Vec::with_capacity(keys.len());
            for &k in &keys {
                let p = k >> shift;
                if p & slot == K::default() {
                    continue;
                }
                match out.last_mut() {
                    Some((lk, c)) if *lk == p => *c += 1,
                    _ => out.push((p, 1)),
                }
            }
            out
        })
        .collect()
}

/// `(hyp n-grams, ref n-grams, clipped matches)` of two sorted count lists.
pub(crate) fn match_counts<K: Key>(hyp: &[(K, u32)], refs: &[(K, u32)]) -> (u64, u64, u64) {
    let (mut hc, mut mc, mut r) = (0u64, 0u64, 0usize);
    for &(k, c) in hyp {
        hc += c as u64;
        while r < refs.len() && refs[r].0 < k {
            r += 1;
        }
        if r < refs.len() && refs[r].0 == k {
            mc += c.min(refs[r].1) as u64;
        }
    }
    (hc, refs.iter().map(|&(_, c)| c as u64).sum(), mc)
}

/// The Fx hash (rustc's): fast for short keys; hash-flooding is not a concern here.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.hash = (self.hash.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf) ^ ((rest.len() as u64) << 56));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_like_python() {
        assert_eq!(split_lines(""), Vec::<String>::new());
        assert_eq!(split_lines("a\r\nb \n"), ["a", "b"]);
        assert_eq!(split_lines("a\n\n"), ["a", ""]);
        assert_eq!(split_lines("a\rb\x0cc"), ["a\rb\x0cc"]);
    }

    #[test]
    fn formats_like_python() {
        // Python: f"{x:.1f}" rounds the exact binary value, ties to even.
        for (x, w, s) in [(0.25, 1, "0.2"), (0.35, 1, "0.3"), (2.5, 0, "2"), (0.375, 2, "0.38"), (0.125, 2, "0.12"), (99.95, 1, "100.0")] {
            assert_eq!(format!("{x:.w$}"), s, "{x} at {w}");
        }
    }
}
