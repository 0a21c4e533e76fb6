//! compare-mt's buckets (Neubig et al. 2019, `compare_mt/bucketers.py`):
//!
//! - sentences by the length of their reference in words (`LengthSentenceBucketer`, cutoffs
//!   10, 20, ..., 60), each bucket scored as a corpus of its own (summed statistics of the
//!   bucket's segments, as compare-mt's `bucket_type=length,statistic_type=score`);
//! - sentences by their sentence-level chrF (`ScoreSentenceBucketer` with cutoffs 10, 20,
//!   ..., 90 of the score's scale), counted per system;
//! - words by their frequency (`FreqWordBucketer`, cutoffs 1, 2, 3, 4, 5, 10, 100, 1000: the
//!   buckets 0, 1, 2, 3, 4, 5-9, 10-99, 100-999, 1000+): per bucket, the reference words in
//!   it, the output words in it and the output words that match the reference
//!   ([`super::words::matched`]); recall = matches / reference words, precision = matches /
//!   output words, F-measure their harmonic mean, all three 0 without a match
//!   (`WordBucketer.calc_statistics`). A reference word falls in the bucket of its own
//!   frequency, and so does an output word (a matched one is the same word).
//!
//! A value goes in the first bucket whose cutoff it is below (`cutoff_into_bucket`).

use serde::Serialize;

use super::words::{matched, Tokenized};
use crate::{Metric, Stats};

/// Bucket boundaries: bucket `i` holds values below `cutoffs[i]` (and at or above the cutoff
/// before it); the last holds the rest.
#[derive(Debug, Clone)]
pub(crate) struct Cutoffs(pub(crate) Vec<f64>);

impl Cutoffs {
    /// compare-mt's `FreqWordBucketer` default.
    pub(crate) fn frequency() -> Cutoffs {
        Cutoffs(vec![1.0, 2.0, 3.0, 4.0, 5.0, 10.0, 100.0, 1000.0])
    }

    /// compare-mt's `LengthSentenceBucketer` default.
    pub(crate) fn length() -> Cutoffs {
        Cutoffs(vec![10.0, 20.0, 30.0, 40.0, 50.0, 60.0])
    }

    /// compare-mt's `ScoreSentenceBucketer` default for a score out of 100.
    pub(crate) fn score() -> Cutoffs {
        Cutoffs((1..10).map(|x| x as f64 * 10.0).collect())
    }

    /// Number of buckets.
    pub(crate) fn len(&self) -> usize {
        self.0.len() + 1
    }

    /// `cutoff_into_bucket`.
    pub(crate) fn bucket(&self, value: f64) -> usize {
        self.0.iter().position(|&c| value < c).unwrap_or(self.0.len())
    }

    /// Labels of counts (whole numbers from 0): `0`, `5-9`, `1000+`.
    pub(crate) fn count_labels(&self) -> Vec<String> {
        let c: Vec<u64> = self.0.iter().map(|&x| x as u64).collect();
        let range = |lo: u64, hi: u64| if lo == hi { lo.to_string() } else { format!("{lo}-{hi}") };
        let mut labels: Vec<String> = (0..c.len()).map(|i| range(if i == 0 { 0 } else { c[i - 1] }, c[i] - 1)).collect();
        labels.push(format!("{}+", c[c.len() - 1]));
        labels
    }

    /// Labels of scores out of 100: `[0,10)`, ..., `[90,100]`.
    pub(crate) fn score_labels(&self) -> Vec<String> {
        let mut labels: Vec<String> =
            (0..self.0.len()).map(|i| format!("[{},{})", if i == 0 { 0.0 } else { self.0[i - 1] }, self.0[i])).collect();
        labels.push(format!("[{},100]", self.0[self.0.len() - 1]));
        labels
    }
}

/// One bucket of sentences by reference length, scored per system.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct LengthBucket {
    /// Reference length in words: `0-9`, ..., `60+`.
    pub(crate) label: String,
    /// Sentences in the bucket.
    pub(crate) sentences: usize,
    /// `scores[metric][system]`: the bucket's corpus score (none for an empty bucket).
    pub(crate) scores: Vec<Vec<Option<f64>>>,
}

/// Sentences bucketed by the length of their reference in words, each bucket scored with every
/// metric (`stats[metric][system]`) on its segments' summed statistics.
pub(crate) fn by_length(words: &Tokenized, metrics: &[Box<dyn Metric>], stats: &[Vec<Stats>]) -> Vec<LengthBucket> {
    let cutoffs = Cutoffs::length();
    let mut members = vec![Vec::new(); cutoffs.len()];
    for (i, r) in words.refs.iter().enumerate() {
        members[cutoffs.bucket(r.len() as f64)].push(i);
    }
    cutoffs
        .count_labels()
        .into_iter()
        .zip(members)
        .map(|(label, rows)| LengthBucket {
            label,
            sentences: rows.len(),
            scores: metrics
                .iter()
                .zip(stats)
                .map(|(m, per_sys)| {
                    per_sys.iter().map(|st| (!rows.is_empty()).then(|| m.score(&st.sum(rows.iter().copied())).score)).collect()
                })
                .collect(),
        })
        .collect()
}

/// One bucket of sentences by sentence-level score.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct ScoreBucket {
    /// `[10,20)`.
    pub(crate) label: String,
    /// Sentences of each system in the bucket.
    pub(crate) sentences: Vec<usize>,
}

/// Each system's sentences counted by their sentence-level score (`scores[system][segment]`,
/// out of 100).
pub(crate) fn by_score(scores: &[Vec<f64>]) -> Vec<ScoreBucket> {
    let cutoffs = Cutoffs::score();
    let mut counts = vec![vec![0usize; scores.len()]; cutoffs.len()];
    for (s, sys) in scores.iter().enumerate() {
        for &x in sys {
            counts[cutoffs.bucket(x)][s] += 1;
        }
    }
    cutoffs.score_labels().into_iter().zip(counts).map(|(label, sentences)| ScoreBucket { label, sentences }).collect()
}

/// Word accuracy of one system in one frequency bucket (`WordBucketer.calc_statistics`).
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub(crate) struct WordAccuracy {
    /// Output words of the bucket that match the reference.
    pub(crate) matches: u64,
    /// Output words in the bucket.
    pub(crate) output_words: u64,
    /// Matches over the reference words of the bucket.
    pub(crate) recall: f64,
    /// Matches over the output words of the bucket.
    pub(crate) precision: f64,
    /// Harmonic mean of recall and precision.
    pub(crate) f_measure: f64,
}

impl WordAccuracy {
    fn new(matches: u64, reference_words: u64, output_words: u64) -> WordAccuracy {
        let (recall, precision, f_measure) = if matches == 0 {
            (0.0, 0.0, 0.0)
        } else {
            let rec = matches as f64 / reference_words as f64;
            let prec = matches as f64 / output_words as f64;
            (rec, prec, 2.0 * prec * rec / (prec + rec))
        };
        WordAccuracy { matches, output_words, recall, precision, f_measure }
    }
}

/// One frequency bucket of words.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct WordBucket {
    /// Frequency: `0`, `1`, ..., `5-9`, ..., `1000+`.
    pub(crate) label: String,
    /// Reference words in the bucket.
    pub(crate) reference_words: u64,
    /// Each system's accuracy on the bucket.
    pub(crate) systems: Vec<WordAccuracy>,
}

/// Word F-measure by frequency bucket, `freq[id]` being each word's frequency.
pub(crate) fn by_frequency(words: &Tokenized, freq: &[u64]) -> Vec<WordBucket> {
    let cutoffs = Cutoffs::frequency();
    let bucket = |w: u32| cutoffs.bucket(freq[w as usize] as f64);
    let mut ref_total = vec![0u64; cutoffs.len()];
    for &w in words.refs.iter().flatten() {
        ref_total[bucket(w)] += 1;
    }
    let per_system: Vec<Vec<(u64, u64)>> = words
        .systems
        .iter()
        .map(|sys| {
            // (matches, output words) per bucket.
            let mut t = vec![(0u64, 0u64); cutoffs.len()];
            for (out, reference) in sys.iter().zip(&words.refs) {
                for (&w, hit) in out.iter().zip(matched(reference, out)) {
                    let b = &mut t[bucket(w)];
                    b.0 += hit as u64;
                    b.1 += 1;
                }
            }
            t
        })
        .collect();
    cutoffs
        .count_labels()
        .into_iter()
        .enumerate()
        .map(|(b, label)| WordBucket {
            label,
            reference_words: ref_total[b],
            systems: per_system.iter().map(|t| WordAccuracy::new(t[b].0, ref_total[b], t[b].1)).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bleu::Bleu;
    use crate::chrf::Chrf;

    #[test]
    fn cutoffs_and_labels_follow_compare_mt() {
        let f = Cutoffs::frequency();
        assert_eq!(f.count_labels(), ["0", "1", "2", "3", "4", "5-9", "10-99", "100-999", "1000+"]);
        assert_eq!([0.0, 1.0, 4.0, 5.0, 9.0, 10.0, 999.0, 1000.0, 5e6].map(|x| f.bucket(x)), [0, 1, 4, 5, 5, 6, 7, 8, 8]);
        assert_eq!(Cutoffs::length().count_labels(), ["0-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60+"]);
        let s = Cutoffs::score();
        assert_eq!(s.score_labels()[0], "[0,10)");
        assert_eq!(s.score_labels()[9], "[90,100]");
        assert_eq!([0.0, 9.99, 10.0, 89.9, 90.0, 100.0].map(|x| s.bucket(x)), [0, 0, 1, 8, 9, 9]);
    }

    /// The hand-made example of the word, length and chrF buckets.
    fn example() -> (Vec<String>, Vec<String>, Vec<String>) {
        let refs = vec!["the cat sat on the mat".to_string(), "a dog".into(), "the the end".into()];
        let sys_a = vec!["the cat sat on a mat".to_string(), "a dog".into(), "the end".into()];
        let sys_b = vec!["cat the cat".to_string(), "dog dog".into(), "the the the end".into()];
        (refs, sys_a, sys_b)
    }

    #[test]
    fn word_f_measure_by_frequency_counted_by_hand() {
        let (refs, a, b) = example();
        let words = Tokenized::new(&Bleu::default(), &refs, &[&a, &b]);
        let freq = words.reference_counts();
        let buckets = by_frequency(&words, &freq);
        // Reference frequencies: the 4; cat, sat, on, mat, a, dog, end 1 each.
        // Bucket 0 (unseen words): none in the reference, none output (every output word occurs
        // in the references).
        assert_eq!((buckets[0].reference_words, buckets[0].systems[0].output_words), (0, 0));
        // Bucket "1": 7 reference words (cat sat on mat a dog end).
        // A outputs cat sat on a mat | a dog | end: 8 words of frequency 1; matched: cat sat on
        // mat (line 1, whose reference has no "a"), a dog, end = 7.
        let one = &buckets[1];
        assert_eq!(one.label, "1");
        assert_eq!(one.reference_words, 7);
        assert_eq!((one.systems[0].matches, one.systems[0].output_words), (7, 8));
        assert_eq!(one.systems[0].recall, 1.0);
        assert_eq!(one.systems[0].precision, 7.0 / 8.0);
        assert_eq!(one.systems[0].f_measure, 2.0 * (7.0 / 8.0) / (1.0 + 7.0 / 8.0));
        // B outputs cat cat | dog dog | end: 5 words of frequency 1, matched cat, dog, end = 3.
        assert_eq!((one.systems[1].matches, one.systems[1].output_words), (3, 5));
        // Bucket "4" ("the", 4 times in the references).
        let four = &buckets[4];
        assert_eq!(four.reference_words, 4);
        // A: the (line 1), the (line 3): both match. B: the (line 1, 1 of 2 in the reference
        // matched), the the the (line 3: 2 matched): 4 output, 3 matched.
        assert_eq!((four.systems[0].matches, four.systems[0].output_words), (2, 2));
        assert_eq!((four.systems[1].matches, four.systems[1].output_words), (3, 4));
        assert_eq!(four.systems[1].recall, 3.0 / 4.0);
        // Empty buckets are all zeros.
        assert_eq!(buckets[8].systems[1], WordAccuracy { matches: 0, output_words: 0, recall: 0.0, precision: 0.0, f_measure: 0.0 });
        // A frequency file moves words between buckets: "the" seen 1000 times elsewhere.
        let mut freq2 = freq.clone();
        freq2[words.id("the").unwrap() as usize] = 1000;
        let b2 = by_frequency(&words, &freq2);
        assert_eq!((b2[4].reference_words, b2[8].reference_words), (0, 4));
        assert_eq!(b2[8].systems[1].matches, 3);
    }

    #[test]
    fn length_buckets_score_their_own_segments() {
        let refs: Vec<String> = ["one two three", "x y", &"w ".repeat(12), &"v ".repeat(65)].iter().map(|s| s.to_string()).collect();
        let sys: Vec<String> = ["one two four", "x y", &"w ".repeat(10), "v"].iter().map(|s| s.to_string()).collect();
        let words = Tokenized::new(&Bleu::default(), &refs, &[&sys]);
        let chrf: Box<dyn Metric> = Box::new(Chrf::default());
        let stats = vec![vec![chrf.corpus_stats(&sys, std::slice::from_ref(&refs))]];
        let buckets = by_length(&words, &[chrf], &stats);
        let sentences: Vec<usize> = buckets.iter().map(|b| b.sentences).collect();
        assert_eq!(sentences, [2, 1, 0, 0, 0, 0, 1]);
        // Bucket 0-9 holds segments 0 and 1: their chrF as a corpus of two.
        let direct = Chrf::default().corpus_stats(&sys[..2], &[refs[..2].to_vec()]);
        assert_eq!(buckets[0].scores[0][0], Some(Chrf::default().score(&direct.sum_all()).score));
        assert_eq!(buckets[2].scores[0][0], None);
        assert_eq!(buckets[1].scores[0][0], Some(Chrf::default().score(direct_row(&sys[2], &refs[2]).as_slice()).score));
    }

    fn direct_row(hyp: &str, reference: &str) -> Vec<f64> {
        let c = Chrf::default();
        let mut row = vec![0.0; c.n_stats()];
        c.segment_stats(hyp, &[reference], &mut row);
        row
    }

    #[test]
    fn chrf_buckets_count_sentences_per_system() {
        let (refs, a, b) = example();
        let chrf = Chrf::default();
        let scores: Vec<Vec<f64>> =
            [&a, &b].iter().map(|sys| sys.iter().zip(&refs).map(|(h, r)| chrf.score(&direct_row(h, r)).score).collect()).collect();
        let buckets = by_score(&scores);
        assert_eq!(buckets.len(), 10);
        for (s, sys) in scores.iter().enumerate() {
            let mut expected = [0usize; 10];
            for &x in sys {
                expected[((x / 10.0).floor() as usize).min(9)] += 1;
            }
            let got: Vec<usize> = buckets.iter().map(|b| b.sentences[s]).collect();
            assert_eq!(got, expected);
        }
        // "a dog" against itself is 100: the top bucket.
        assert_eq!(scores[0][1], 100.0);
        assert!(buckets[9].sentences[0] >= 1);
    }
}
