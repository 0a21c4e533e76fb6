//! Vocabulary shortlists (CTranslate2's `vmap.txt`): decoding over the target pieces a batch's
//! source can plausibly produce instead of the whole vocabulary, which makes the output layer,
//! the largest matrix of models with big vocabularies, that much smaller.
//!
//! The file CTranslate2 reads: one line per source n-gram, `n-gram<TAB>target pieces`, pieces
//! separated by spaces; the line with an empty n-gram lists the pieces that are always candidates.
//! Candidates are the union over a whole batch (`VocabularyMap::get_candidates`). CTranslate2
//! reads the file only from the model folder, as `vmap.txt`; a shortlist kept elsewhere is
//! loaded through a [`ModelView`].
//!
//! Built here ([`build`]) from sentence pairs in the model's own pieces: from the user's parallel
//! text, or from the model's own translations of a sample of the user's inputs.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::error::{Error, Result};

/// The file name CTranslate2 reads a shortlist from, in the model folder.
pub(crate) const VMAP_FILE: &str = "vmap.txt";

/// `--vmap`: which shortlist decoding uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum VmapChoice {
    /// The model folder's `vmap.txt` when it has one, else the whole vocabulary.
    #[default]
    Auto,
    /// The whole vocabulary, even when the model folder has a `vmap.txt`.
    Off,
    /// This shortlist file.
    Path(PathBuf),
}

impl FromStr for VmapChoice {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(match s {
            "auto" => VmapChoice::Auto,
            "off" => VmapChoice::Off,
            "" => return Err("expected auto, off or the path of a vmap.txt".into()),
            p => VmapChoice::Path(PathBuf::from(p)),
        })
    }
}

impl fmt::Display for VmapChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VmapChoice::Auto => f.write_str("auto"),
            VmapChoice::Off => f.write_str("off"),
            VmapChoice::Path(p) => write!(f, "{}", p.display()),
        }
    }
}

impl Serialize for VmapChoice {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The shortlist a run decodes with: its file and a hash of its content (outputs may differ
/// with it, so the hash is part of the options that decide a translation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Shortlist {
    pub(crate) path: PathBuf,
    pub(crate) fingerprint: String,
    /// Whether the candidates depend on the batch's source (lines with a source n-gram); a
    /// static shortlist (only the always line) gives every batch the same candidates.
    pub(crate) per_batch: bool,
}

/// Which shortlist `vmap build` writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Kind {
    /// Static for models decoded with a target-language prefix (NLLB, M2M-100), per batch otherwise.
    #[default]
    Auto,
    /// Candidates per batch: the union of its source n-grams' lists (the smallest output layer).
    PerBatch,
    /// One candidate list for every batch: every piece the per-batch lists hold (a sentence's
    /// English never depends on what it is batched with).
    Static,
}

impl VmapChoice {
    /// The shortlist this choice names for the model in `dir`, if any.
    pub(crate) fn resolve(&self, dir: &Path) -> Result<Option<Shortlist>> {
        let path = match self {
            VmapChoice::Off => return Ok(None),
            VmapChoice::Auto => {
                let p = dir.join(VMAP_FILE);
                if !p.is_file() {
                    return Ok(None);
                }
                p
            }
            VmapChoice::Path(p) => {
                if !p.is_file() {
                    return Err(Error::Usage(format!(
                        "--vmap {}: no such file (build one with `terjemah vmap build`, or pass --vmap auto or off)",
                        p.display()
                    )));
                }
                p.clone()
            }
        };
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        if std::str::from_utf8(&bytes).is_err() {
            return Err(Error::Usage(format!("{}: a vocabulary shortlist must be UTF-8 text", path.display())));
        }
        let fingerprint = crate::short_hash(blake3::hash(&bytes));
        let per_batch = bytes.split(|&b| b == b'\n').any(|line| !line.is_empty() && !line.starts_with(b"\t"));
        Ok(Some(Shortlist { path, fingerprint, per_batch }))
    }
}

/// A model folder seen with another shortlist as its `vmap.txt`: a temporary folder of links to
/// the model's files. CTranslate2 reads every file when the model loads, so the view may go
/// once the translator exists.
pub(crate) struct ModelView {
    dir: tempfile::TempDir,
}

impl ModelView {
    /// The folder to load: `model` itself when `shortlist` is already its `vmap.txt` (or none is
    /// used), else a view.
    pub(crate) fn for_model(model: &Path, shortlist: Option<&Shortlist>) -> Result<Option<ModelView>> {
        let Some(s) = shortlist else { return Ok(None) };
        let own = model.join(VMAP_FILE);
        if own.is_file() && crate::same_file(&own, &s.path) {
            return Ok(None);
        }
        let dir = tempfile::Builder::new().prefix("terjemah-model-").tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
        for entry in std::fs::read_dir(model).map_err(|e| Error::io(model, e))? {
            let entry = entry.map_err(|e| Error::io(model, e))?;
            if entry.file_name() == VMAP_FILE {
                continue;
            }
            let target = std::path::absolute(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
            std::os::unix::fs::symlink(&target, dir.path().join(entry.file_name())).map_err(|e| Error::io(dir.path(), e))?;
        }
        let vmap = std::path::absolute(&s.path).map_err(|e| Error::io(&s.path, e))?;
        std::os::unix::fs::symlink(&vmap, dir.path().join(VMAP_FILE)).map_err(|e| Error::io(dir.path(), e))?;
        Ok(Some(ModelView { dir }))
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// How a shortlist is built from sentence pairs.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct BuildParams {
    /// Target pieces kept per source n-gram (those most often in the same pair).
    pub(crate) top_k: usize,
    /// Most frequent target pieces, always candidates.
    pub(crate) always: usize,
    /// Longest source n-gram with its own line (1: single pieces).
    pub(crate) ngram: usize,
    /// Pairs an n-gram of two or more pieces must occur in to get a line.
    pub(crate) min_ngram_count: u32,
}

/// A built shortlist, before it is written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Vmap {
    /// Pieces always candidates (the line with an empty source).
    pub(crate) always: Vec<String>,
    /// Source n-gram (pieces joined by a space) -> its target pieces.
    pub(crate) rules: BTreeMap<String, Vec<String>>,
}

/// One sentence pair in the model's pieces (no special tokens).
pub(crate) type PiecePair = (Vec<String>, Vec<String>);

/// The n-grams of `pieces` up to `n` pieces long, each once.
fn ngrams(pieces: &[String], n: usize) -> HashSet<String> {
    let mut out = HashSet::new();
    for i in 0..pieces.len() {
        let mut gram = String::new();
        for (h, p) in pieces[i..].iter().take(n).enumerate() {
            if h > 0 {
                gram.push(' ');
            }
            gram.push_str(p);
            out.insert(gram.clone());
        }
    }
    out
}

/// Interned strings: pieces and n-grams as dense ids, for counting.
#[derive(Default)]
struct Interner {
    ids: FxHashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = self.names.len() as u32;
        self.ids.insert(s.to_string(), i);
        self.names.push(s.to_string());
        i
    }
}

/// Build a shortlist from sentence pairs, as CTranslate2's `vmap.txt` expects it:
/// - always candidates: the `always` target pieces found in most pairs, and `extra_always`
///   (special and language tokens);
/// - for each source piece: the `top_k` target pieces most often in the same pair (besides the
///   always candidates), and the piece itself when the target vocabulary has it (names and
///   numbers are copied);
/// - for each longer n-gram seen in at least `min_ngram_count` pairs: its own top pieces that
///   none of its pieces already brings (idioms whose words say little alone).
///
/// Every candidate is in `target_vocab` (CTranslate2 maps an unknown piece to `<unk>`).
pub(crate) fn build(pairs: &[PiecePair], params: &BuildParams, target_vocab: &HashSet<String>, extra_always: &[String]) -> Vmap {
    let n = params.ngram.max(1);
    // Target pieces by the number of pairs they occur in.
    let mut target_df: FxHashMap<&str, u32> = FxHashMap::default();
    for (_, tgt) in pairs {
        let seen: HashSet<&str> = tgt.iter().map(String::as_str).collect();
        for t in seen {
            *target_df.entry(t).or_default() += 1;
        }
    }
    let mut by_df: Vec<(&str, u32)> = target_df.into_iter().filter(|(t, _)| target_vocab.contains(*t)).collect();
    by_df.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut always: Vec<String> = extra_always.iter().filter(|t| target_vocab.contains(*t)).cloned().collect();
    for (t, _) in by_df.iter().take(params.always) {
        if !always.iter().any(|a| a == t) {
            always.push(t.to_string());
        }
    }
    let always_set: HashSet<&str> = always.iter().map(String::as_str).collect();

    // Source n-grams by the number of pairs they occur in: longer ones are counted with
    // targets only when frequent enough.
    let source_grams: Vec<HashSet<String>> = pairs.par_iter().map(|(src, _)| ngrams(src, n)).collect();
    let mut gram_df: FxHashMap<&str, u32> = FxHashMap::default();
    for grams in &source_grams {
        for g in grams {
            *gram_df.entry(g.as_str()).or_default() += 1;
        }
    }
    let counted = |g: &str| !g.contains(' ') || gram_df.get(g).is_some_and(|&c| c >= params.min_ngram_count);

    // Co-occurrence counts (source n-gram, target piece) over pairs, never of an always candidate.
    let mut interner = Interner::default();
    let rows: Vec<(Vec<u32>, Vec<u32>)> = source_grams
        .iter()
        .zip(pairs)
        .map(|(grams, (_, tgt))| {
            let mut s: Vec<u32> = grams.iter().filter(|g| counted(g)).map(|g| interner.id(g)).collect();
            s.sort_unstable();
            let t: HashSet<&str> =
                tgt.iter().map(String::as_str).filter(|t| !always_set.contains(t) && target_vocab.contains(*t)).collect();
            let mut t: Vec<u32> = t.into_iter().map(|t| interner.id(t)).collect();
            t.sort_unstable();
            (s, t)
        })
        .collect();
    let names = interner.names;
    // Counted per source id across threads, each thread a slice of the source ids.
    let threads = rayon::current_num_threads().max(1);
    let partial: Vec<FxHashMap<u32, FxHashMap<u32, u32>>> = (0..threads)
        .into_par_iter()
        .map(|part| {
            let mut m: FxHashMap<u32, FxHashMap<u32, u32>> = FxHashMap::default();
            for (s, t) in &rows {
                for &si in s.iter().filter(|&&si| si as usize % threads == part) {
                    let row = m.entry(si).or_default();
                    for &ti in t {
                        *row.entry(ti).or_default() += 1;
                    }
                }
            }
            m
        })
        .collect();
    let top = |row: &FxHashMap<u32, u32>, skip: &HashSet<&str>| -> Vec<String> {
        let mut v: Vec<(&str, u32)> =
            row.iter().map(|(&t, &c)| (names[t as usize].as_str(), c)).filter(|(t, _)| !skip.contains(t)).collect();
        v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.into_iter().take(params.top_k).map(|(t, _)| t.to_string()).collect()
    };
    let mut counts: FxHashMap<&str, &FxHashMap<u32, u32>> = FxHashMap::default();
    for m in &partial {
        for (s, row) in m {
            counts.insert(names[*s as usize].as_str(), row);
        }
    }
    let mut rules: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let empty = HashSet::new();
    // Single pieces first: longer n-grams only add what their pieces do not bring.
    let mut grams: Vec<&str> = counts.keys().copied().collect();
    grams.sort_unstable_by_key(|g| (g.matches(' ').count(), *g));
    for g in grams {
        let pieces: Vec<&str> = g.split(' ').collect();
        if pieces.len() == 1 {
            let mut list = top(counts[g], &empty);
            if target_vocab.contains(g) && !always_set.contains(g) && !list.iter().any(|t| t == g) {
                list.push(g.to_string());
            }
            rules.insert(g.to_string(), list);
        } else {
            let brought: HashSet<&str> = pieces.iter().flat_map(|p| rules.get(*p).into_iter().flatten()).map(String::as_str).collect();
            let list = top(counts[g], &brought);
            if !list.is_empty() {
                rules.insert(g.to_string(), list);
            }
        }
    }
    // Pieces of the source side never seen in a pair still copy themselves.
    for (src, _) in pairs {
        for p in src {
            if !rules.contains_key(p) && target_vocab.contains(p) && !always_set.contains(p.as_str()) {
                rules.insert(p.clone(), vec![p.clone()]);
            }
        }
    }
    rules.retain(|_, v| !v.is_empty());
    Vmap { always, rules }
}

impl Vmap {
    /// The static form: every candidate of every line in the always line, no other line.
    pub(crate) fn flatten(self) -> Vmap {
        let mut seen: HashSet<String> = HashSet::new();
        let mut always: Vec<String> = self.always.into_iter().filter(|t| seen.insert(t.clone())).collect();
        let mut rest: Vec<String> = self.rules.into_values().flatten().filter(|t| seen.insert(t.clone())).collect();
        rest.sort_unstable();
        always.append(&mut rest);
        Vmap { always, rules: BTreeMap::new() }
    }

    /// The file CTranslate2 reads: the always line first, then one line per n-gram (sorted).
    pub(crate) fn to_text(&self) -> String {
        let mut out = String::new();
        out.push('\t');
        out.push_str(&self.always.join(" "));
        out.push('\n');
        for (g, list) in &self.rules {
            out.push_str(g);
            out.push('\t');
            out.push_str(&list.join(" "));
            out.push('\n');
        }
        out
    }

    /// The candidates CTranslate2 decodes a batch of `sources` (pieces as the model sees them)
    /// over, as `VocabularyMap::get_candidates` collects them (without its special tokens).
    pub(crate) fn candidates<'a>(&'a self, sources: &[&[String]], ngram: usize) -> HashSet<&'a str> {
        let mut out: HashSet<&str> = self.always.iter().map(String::as_str).collect();
        for src in sources {
            for g in ngrams(src, ngram.max(1)) {
                if let Some(list) = self.rules.get(&g) {
                    out.extend(list.iter().map(String::as_str));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    fn params(top_k: usize, always: usize, ngram: usize) -> BuildParams {
        BuildParams { top_k, always, ngram, min_ngram_count: 2 }
    }

    #[test]
    fn choices_parse() {
        assert_eq!("auto".parse::<VmapChoice>(), Ok(VmapChoice::Auto));
        assert_eq!("off".parse::<VmapChoice>(), Ok(VmapChoice::Off));
        assert_eq!("m/vmap.txt".parse::<VmapChoice>(), Ok(VmapChoice::Path("m/vmap.txt".into())));
        assert!("".parse::<VmapChoice>().is_err());
    }

    #[test]
    fn shortlists_keep_what_each_source_piece_brings() {
        let pairs = vec![
            (p("▁rumah ▁besar"), p("▁big ▁house ▁.")),
            (p("▁rumah ▁kecil"), p("▁small ▁house ▁.")),
            (p("▁kucing ▁besar"), p("▁big ▁cat ▁.")),
            (p("▁rumah ▁sakit"), p("▁hospital ▁.")),
            (p("▁rumah ▁sakit ▁besar"), p("▁big ▁hospital ▁.")),
        ];
        let vocab: HashSet<String> = "▁big ▁house ▁small ▁cat ▁hospital ▁. </s> 123".split(' ').map(str::to_string).collect();
        let v = build(&pairs, &params(2, 1, 2), &vocab, &["</s>".into(), "<not-in-vocab>".into()]);
        // "▁." is in every pair: always; the special token given, unless the vocabulary lacks it.
        assert_eq!(v.always, ["</s>", "▁."]);
        // Counts: rumah -> big 2, hospital 2, house 2, small 1: the top two, ties by name.
        assert_eq!(v.rules["▁rumah"], ["▁big", "▁hospital"]);
        assert_eq!(v.rules["▁besar"], ["▁big", "▁cat"]);
        // "▁rumah ▁sakit" (2 pairs) brings only what neither piece does: nothing new here.
        assert!(!v.rules.contains_key("▁rumah ▁sakit"));
        // The always line comes first, with an empty source.
        assert!(v.to_text().starts_with("\t</s> ▁.\n"));
        // A batch decodes over the union of its sentences' candidates.
        let c = v.candidates(&[&p("▁kucing")], 2);
        assert!(c.contains("▁cat") && c.contains("▁.") && !c.contains("▁hospital"));
        // Static: one always line with every candidate, the same for any batch.
        let s = v.clone().flatten();
        assert!(s.rules.is_empty() && s.always[..2] == ["</s>", "▁."]);
        assert_eq!(s.candidates(&[&p("▁kucing")], 2), s.candidates(&[&p("▁rumah ▁besar")], 2));
        let all: HashSet<&str> = v.rules.values().flatten().chain(&v.always).map(String::as_str).collect();
        assert_eq!(s.candidates(&[], 2), all);
        assert_eq!(s.to_text().lines().count(), 1);
    }

    #[test]
    fn longer_ngrams_add_what_their_pieces_miss() {
        // "▁tanggung ▁jawab" means "responsibility": neither word alone brings it in the top 1.
        let mut pairs = vec![];
        for _ in 0..3 {
            pairs.push((p("▁tanggung ▁jawab"), p("▁responsibility")));
            pairs.push((p("▁tanggung"), p("▁bear")));
            pairs.push((p("▁tanggung"), p("▁bear")));
            pairs.push((p("▁jawab"), p("▁answer")));
            pairs.push((p("▁jawab"), p("▁answer")));
        }
        let vocab: HashSet<String> = "▁responsibility ▁bear ▁answer".split(' ').map(str::to_string).collect();
        let v = build(&pairs, &params(1, 0, 2), &vocab, &[]);
        assert_eq!(v.rules["▁tanggung"], ["▁bear"]);
        assert_eq!(v.rules["▁tanggung ▁jawab"], ["▁responsibility"]);
        // Unigram maps only: the idiom's piece is lost.
        let v1 = build(&pairs, &params(1, 0, 1), &vocab, &[]);
        assert!(!v1.candidates(&[&p("▁tanggung ▁jawab")], 1).contains("▁responsibility"));
        assert!(v.candidates(&[&p("▁tanggung ▁jawab")], 2).contains("▁responsibility"));
    }

    #[test]
    fn pieces_the_target_vocabulary_has_copy_themselves() {
        let pairs = vec![(p("▁Jokowi ▁datang"), p("▁Jokowi ▁came"))];
        let vocab: HashSet<String> = "▁Jokowi ▁came 2024".split(' ').map(str::to_string).collect();
        let v = build(&pairs, &params(5, 0, 1), &vocab, &[]);
        assert!(v.rules["▁Jokowi"].contains(&"▁Jokowi".to_string()));
        // Never a piece outside the vocabulary ("▁datang" is not English).
        assert!(v.rules.values().flatten().all(|t| vocab.contains(t)));
        // Ties by name (bytes: "J" before "c").
        assert_eq!(v.rules["▁datang"], ["▁Jokowi", "▁came"]);
    }
}
