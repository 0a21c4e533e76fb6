//! The words of the comparison report: every line split into BLEU's tokens (the tokenizer and
//! case of the BLEU score, 13a and mixed case by default), interned to ids; which output words
//! match the reference (compare-mt's `_calc_trg_matches`); word frequencies.

use std::path::Path;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::bleu::Bleu;
use crate::input::read_lines_in;
use crate::tokenize::py_split;
use crate::Result;

/// BLEU's tokens of a line, as BLEU counts them (split as Python's `str.split()`).
pub(crate) fn tokens(bleu: &Bleu, line: &str) -> Vec<String> {
    py_split(&bleu.preprocess(line)).map(str::to_string).collect()
}

/// A corpus of lines as word ids: the reference and each system.
pub(crate) struct Tokenized {
    /// `refs[i]`: the words of the (first) reference of segment `i`.
    pub(crate) refs: Vec<Vec<u32>>,
    /// `systems[s][i]`: the words of system `s`'s segment `i`.
    pub(crate) systems: Vec<Vec<Vec<u32>>>,
    /// Id → word.
    pub(crate) words: Vec<String>,
    /// Word → id.
    ids: FxHashMap<String, u32>,
}

impl Tokenized {
    /// Tokenizes the reference and every system (in parallel), ids in order of first sight.
    pub(crate) fn new(bleu: &Bleu, refs: &[String], systems: &[&[String]]) -> Tokenized {
        let split = |lines: &[String]| -> Vec<Vec<String>> { lines.par_iter().map(|l| tokens(bleu, l)).collect() };
        let ref_tokens = split(refs);
        let sys_tokens: Vec<Vec<Vec<String>>> = systems.iter().map(|s| split(s)).collect();
        let mut t = Tokenized { refs: Vec::new(), systems: Vec::new(), words: Vec::new(), ids: FxHashMap::default() };
        t.refs = ref_tokens.into_iter().map(|line| t.intern(line)).collect();
        t.systems = sys_tokens.into_iter().map(|sys| sys.into_iter().map(|line| t.intern(line)).collect()).collect();
        t
    }

    fn intern(&mut self, line: Vec<String>) -> Vec<u32> {
        line.into_iter()
            .map(|w| match self.ids.get(&w) {
                Some(&id) => id,
                None => {
                    let id = self.words.len() as u32;
                    self.ids.insert(w.clone(), id);
                    self.words.push(w);
                    id
                }
            })
            .collect()
    }

    /// The id of a word seen in the test set.
    pub(crate) fn id(&self, word: &str) -> Option<u32> {
        self.ids.get(word).copied()
    }

    /// Occurrences of each word (by id) in the references: compare-mt's default frequency.
    pub(crate) fn reference_counts(&self) -> Vec<u64> {
        let mut counts = vec![0u64; self.words.len()];
        for &w in self.refs.iter().flatten() {
            counts[w as usize] += 1;
        }
        counts
    }

    /// Occurrences of each word of the test set (by id) in a corpus file (one sentence a line,
    /// tokenized as BLEU tokenizes; words absent from the test set are not kept): compare-mt's
    /// `--freq_corpus_file`, typically the target side of the training data.
    pub(crate) fn file_counts(&self, bleu: &Bleu, path: &Path, encoding: &str) -> Result<Vec<u64>> {
        let lines = read_lines_in(path, encoding)?;
        let counts = lines
            .par_chunks(1024)
            .map(|chunk| {
                let mut c = vec![0u64; self.words.len()];
                for line in chunk {
                    for w in py_split(&bleu.preprocess(line)) {
                        if let Some(id) = self.id(w) {
                            c[id as usize] += 1;
                        }
                    }
                }
                c
            })
            .reduce(
                || vec![0u64; self.words.len()],
                |mut a, b| {
                    a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                    a
                },
            );
        Ok(counts)
    }
}

/// Which output words match the reference, as compare-mt's `_calc_trg_matches`: the `k`-th
/// occurrence of a word in the output matches when the reference has at least `k` occurrences
/// of it (each reference word is matched at most once, in order).
pub(crate) fn matched(reference: &[u32], output: &[u32]) -> Vec<bool> {
    let mut left: FxHashMap<u32, u32> = FxHashMap::default();
    for &w in reference {
        *left.entry(w).or_default() += 1;
    }
    output
        .iter()
        .map(|w| match left.get_mut(w) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kth_occurrence_matches_while_the_reference_has_one() {
        // reference: a b a c; output: a a a b d
        assert_eq!(matched(&[0, 1, 0, 2], &[0, 0, 0, 1, 3]), [true, true, false, true, false]);
        assert_eq!(matched(&[], &[0]), [false]);
    }

    #[test]
    fn words_are_bleus_tokens_interned_in_order() {
        let bleu = Bleu::default();
        assert_eq!(tokens(&bleu, "Hello, world."), ["Hello", ",", "world", "."]);
        let refs = vec!["a b.".to_string(), "b".into()];
        let sys = vec!["b a".to_string(), "c".into()];
        let t = Tokenized::new(&bleu, &refs, &[&sys]);
        assert_eq!(t.words, ["a", "b", ".", "c"]);
        assert_eq!(t.refs, [vec![0, 1, 2], vec![1]]);
        assert_eq!(t.systems[0], [vec![1, 0], vec![3]]);
        assert_eq!(t.reference_counts(), [1, 2, 1, 0]);
    }
}
