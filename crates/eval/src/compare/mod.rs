//! `terjemah eval --report`: a comparison of systems in the manner of compare-mt (Neubig et
//! al. 2019, github.com/neulab/compare-mt), as one self-contained HTML page and its JSON twin.
//!
//! What it holds, and where each definition lives:
//! - corpus scores of every system and metric with bootstrap 95% intervals (exactly
//!   `terjemah eval REF -i SYS --confidence`'s) and p-values of the paired test against the
//!   first system (exactly `terjemah eval REF -i SYS1 SYS2... --paired-bs`'s): the same code
//!   ([`crate::significance`]) on the same statistics, so sacrebleu's numbers;
//! - buckets of sentences by reference length and by sentence-level chrF, and word F-measure by
//!   word frequency ([`buckets`]);
//! - for the first system against each other one, the n-grams most in favour of each
//!   ([`ngrams`]) and the sentences where they differ most ([`sentences`]).
//!
//! Words are BLEU's tokens ([`words`]: its tokenizer and case, 13a and mixed case by default).
//! With several references, the scores use all of them and the word-level analyses the first
//! (compare-mt takes one reference).

mod buckets;
mod html;
mod ngrams;
mod sentences;
mod words;
mod write;

use std::path::PathBuf;

use serde::Serialize;

use crate::significance::{self, PairedResult, PairedTest};
use crate::{registry, Metric, MetricName, MetricOptions, Result, Score, Stats, TestSet};
pub(crate) use write::{default_json_path, write_report};

/// compare-mt's report length for sentences; the 10 for n-grams too.
pub(crate) const TOP: usize = 10;

/// What a comparison computes, and how.
#[derive(Debug, Clone)]
pub(crate) struct CompareOptions {
    /// The corpus metrics (empty: BLEU, chrF and TER).
    pub(crate) metrics: Vec<MetricName>,
    /// The metrics' options (the words follow BLEU's tokenizer and case).
    pub(crate) options: MetricOptions,
    /// Bootstrap resamples of the confidence intervals (`--confidence-n`).
    pub(crate) confidence: usize,
    /// The paired test against the first system.
    pub(crate) paired: PairedTest,
    /// The resampling seed (`None`: from the OS).
    pub(crate) seed: Option<u64>,
    /// A corpus to count word frequencies in (default: the reference).
    pub(crate) freq_file: Option<PathBuf>,
    /// Encoding of the frequency corpus.
    pub(crate) encoding: String,
    /// How many n-grams and sentences each way.
    pub(crate) top: usize,
}

/// The settings behind the numbers, for the page's notes and for programs.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Settings {
    /// BLEU's tokenizer, which splits the words.
    pub(crate) tokenizer: String,
    /// Words lowercased (BLEU's `-lc`).
    pub(crate) lowercase: bool,
    /// Where word frequencies were counted: a file, or `reference`.
    pub(crate) frequencies: String,
    /// The sentence-level score of the chrF buckets and of the differing sentences.
    pub(crate) sentence_metric: String,
    /// Resamples of the confidence intervals (none below 2, as sacrebleu).
    pub(crate) confidence_resamples: usize,
    /// `bs` or `ar`.
    pub(crate) paired_test: &'static str,
    /// Its resamples or trials.
    pub(crate) paired_samples: usize,
    /// The seed of both (`None`: drawn from the OS).
    pub(crate) seed: Option<u64>,
    /// n-grams and sentences listed each way.
    pub(crate) top: usize,
    /// The smoothing of the n-gram scores.
    pub(crate) ngram_alpha: f64,
}

/// One system's corpus score of one metric.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct CorpusScore {
    /// The score, its details and its bootstrap `(mean, half-width)` (`confidence`).
    #[serde(flatten)]
    pub(crate) score: Score,
    /// The paired test's p-value against the first system (none for it, or alone).
    pub(crate) p_value: Option<f64>,
}

/// One metric over every system.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CorpusMetric {
    /// `BLEU`, `chrF2`, `TER`.
    pub(crate) name: String,
    /// The signature of the intervals (`--confidence`'s, with `bs` and `seed`).
    pub(crate) signature: String,
    /// False for TER.
    pub(crate) higher_is_better: bool,
    /// In the systems' order.
    pub(crate) systems: Vec<CorpusScore>,
}

/// The first system against another one.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Pair {
    /// Index of the baseline (the first system).
    pub(crate) baseline: usize,
    /// Index of the other system.
    pub(crate) system: usize,
    /// The n-grams most in favour of the baseline.
    pub(crate) ngrams_baseline: Vec<ngrams::SalientNgram>,
    /// The n-grams most in favour of the system.
    pub(crate) ngrams_system: Vec<ngrams::SalientNgram>,
    /// Segments where the system's sentence score is highest above the baseline's.
    pub(crate) system_better: Vec<sentences::Example>,
    /// Segments where the baseline's is highest above the system's.
    pub(crate) baseline_better: Vec<sentences::Example>,
}

/// Everything the report shows: the JSON twin of the page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Comparison {
    /// Segments (lines).
    pub(crate) segments: usize,
    /// The reference files.
    pub(crate) references: Vec<String>,
    /// The systems' names; the first is the baseline.
    pub(crate) systems: Vec<String>,
    /// How the numbers were computed.
    pub(crate) settings: Settings,
    /// Corpus scores per metric.
    pub(crate) corpus: Vec<CorpusMetric>,
    /// The paired test in full, as `--paired-bs`/`--paired-ar` computes it (several systems).
    pub(crate) significance: Option<PairedResult>,
    /// The metrics of the length buckets' scores.
    pub(crate) length_metrics: Vec<String>,
    /// Sentences by reference length in words.
    pub(crate) length_buckets: Vec<buckets::LengthBucket>,
    /// Sentences by sentence-level chrF.
    pub(crate) score_buckets: Vec<buckets::ScoreBucket>,
    /// Word F-measure by word frequency.
    pub(crate) word_buckets: Vec<buckets::WordBucket>,
    /// The first system against each other one.
    pub(crate) pairs: Vec<Pair>,
}

/// Computes the comparison of the systems of `set`.
pub(crate) fn compare(set: &TestSet, o: &CompareOptions) -> Result<Comparison> {
    let mut names = if o.metrics.is_empty() { vec![MetricName::Bleu, MetricName::Chrf, MetricName::Ter] } else { o.metrics.clone() };
    names.sort_by_key(|m| *m as u8); // sacrebleu's order, as MetricName::build_sorted
    let metrics: Vec<Box<dyn Metric>> = names.iter().map(|m| m.build(&o.options, false)).collect::<Result<_>>()?;
    let stats: Vec<Vec<Stats>> =
        metrics.iter().map(|m| set.systems.iter().map(|s| m.corpus_stats(&s.lines, &set.refs)).collect()).collect();
    let n_sys = set.systems.len();

    let significance = (n_sys > 1).then(|| significance::paired_with_stats(set, &metrics, &stats, o.paired, o.seed));
    let extra = vec![("bs", o.confidence.to_string()), ("seed", significance::seed_label(o.seed))];
    // `--confidence` draws the same resamples for every metric and system: drawn once here.
    let n_seg = set.refs[0].len();
    let idxs = if o.confidence > 1 { significance::resample_indices(n_seg, o.confidence, o.seed) } else { Vec::new() };
    let corpus = metrics
        .iter()
        .zip(&stats)
        .enumerate()
        .map(|(k, (m, per_sys))| CorpusMetric {
            name: m.name(),
            signature: m.signature(set.refs.len(), if o.confidence > 1 { &extra } else { &[] }).to_string(),
            higher_is_better: m.higher_is_better(),
            systems: per_sys
                .iter()
                .enumerate()
                .map(|(s, st)| {
                    // As report::corpus computes `--confidence` (none for a single resample), the
                    // same resamples of every system (seed `None`: one draw for all).
                    let mut score = m.score(&st.sum_all());
                    if o.confidence > 1 {
                        let resampled = significance::resample_scores(m.as_ref(), st, &idxs, n_seg);
                        score.confidence = Some(significance::confidence_interval(&resampled));
                    }
                    let p_value = significance.as_ref().and_then(|p| p.metrics[k].systems[s].p_value);
                    CorpusScore { score, p_value }
                })
                .collect(),
        })
        .collect();

    // Sentence-level chrF, from the corpus metric's statistics when it is one of them.
    let chrf = MetricName::Chrf.build(&o.options, false)?;
    let chrf_stats: Vec<Stats> = match names.iter().position(|&m| m == MetricName::Chrf) {
        Some(k) => stats[k].clone(),
        None => set.systems.iter().map(|s| chrf.corpus_stats(&s.lines, &set.refs)).collect(),
    };
    let sentence: Vec<Vec<f64>> = chrf_stats.iter().map(|st| (0..st.len()).map(|i| chrf.score(st.row(i)).score).collect()).collect();

    let bleu = registry::bleu(&o.options, false)?;
    let lines: Vec<&[String]> = set.systems.iter().map(|s| s.lines.as_slice()).collect();
    let words = words::Tokenized::new(&bleu, &set.refs[0], &lines);
    let (freq, frequencies) = match &o.freq_file {
        Some(path) => (words.file_counts(&bleu, path, &o.encoding)?, path.display().to_string()),
        None => (words.reference_counts(), "reference".to_string()),
    };

    let base_ngrams = ngrams::matches(&words.refs, &words.systems[0]);
    let pairs = (1..n_sys)
        .map(|k| {
            let (ngrams_baseline, ngrams_system) =
                ngrams::salient(&base_ngrams, &ngrams::matches(&words.refs, &words.systems[k]), &words.words, o.top);
            let key = |i: usize| [set.refs[0][i].as_str(), set.systems[0].lines[i].as_str(), set.systems[k].lines[i].as_str()];
            let (up, down) = sentences::most_different(&sentence[0], &sentence[k], key, o.top);
            let example = |i: usize| {
                sentences::example(
                    &bleu,
                    i,
                    &set.refs[0][i],
                    (&set.systems[0].lines[i], sentence[0][i]),
                    (&set.systems[k].lines[i], sentence[k][i]),
                )
            };
            Pair {
                baseline: 0,
                system: k,
                ngrams_baseline,
                ngrams_system,
                system_better: up.into_iter().map(example).collect(),
                baseline_better: down.into_iter().map(example).collect(),
            }
        })
        .collect();

    Ok(Comparison {
        segments: set.refs[0].len(),
        references: set.ref_paths.iter().map(|p| p.display().to_string()).collect(),
        systems: set.systems.iter().map(|s| s.name.clone()).collect(),
        settings: Settings {
            tokenizer: o.options.tokenizer.name().to_string(),
            lowercase: o.options.lowercase,
            frequencies,
            sentence_metric: chrf.name(),
            confidence_resamples: o.confidence,
            paired_test: o.paired.key(),
            paired_samples: o.paired.samples(),
            seed: o.seed,
            top: o.top,
            ngram_alpha: ngrams::ALPHA,
        },
        corpus,
        significance,
        length_metrics: metrics.iter().map(|m| m.name()).collect(),
        length_buckets: buckets::by_length(&words, &metrics, &stats),
        score_buckets: buckets::by_score(&sentence),
        word_buckets: buckets::by_frequency(&words, &freq),
        pairs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::System;

    fn set(systems: &[&[&str]], refs: &[&str]) -> TestSet {
        let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let systems = systems
            .iter()
            .enumerate()
            .map(|(i, s)| System { path: format!("s{i}").into(), name: format!("s{i}"), lines: lines(s) })
            .collect();
        TestSet::new(systems, vec!["ref".into()], vec![lines(refs)]).unwrap()
    }

    fn options() -> CompareOptions {
        CompareOptions {
            metrics: Vec::new(),
            options: MetricOptions::default(),
            confidence: 200,
            paired: PairedTest::Bootstrap(200),
            seed: Some(significance::DEFAULT_SEED),
            freq_file: None,
            encoding: "utf-8".into(),
            top: TOP,
        }
    }

    const REFS: [&str; 6] = [
        "The cat sat on the mat.",
        "A dog barked at the postman yesterday.",
        "Prices rose by 5 percent in March.",
        "The minister said the plan would be announced soon.",
        "Rain is expected tomorrow.",
        "He said: \"we will win\".",
    ];
    const A: [&str; 6] = [
        "The cat sat on the mat.",
        "A dog barked at a postman yesterday.",
        "Prices went up 5 percent in March.",
        "The minister said that the plan will be announced soon.",
        "Rain expected tomorrow.",
        "He said: \"we win\".",
    ];
    const B: [&str; 6] = [
        "A cat is sitting on the mat.",
        "Dog barks at the postman.",
        "Prices rose by 5 percent in March.",
        "Minister says plan announced soon.",
        "It will rain tomorrow.",
        "He said <we will win>.",
    ];

    /// The report's corpus numbers are those of `terjemah eval --confidence` (report::corpus)
    /// and of `--paired-bs` (significance::paired), float for float.
    #[test]
    fn corpus_numbers_equal_eval_and_paired() {
        let s = set(&[&A, &B], &REFS);
        let o = options();
        let c = compare(&s, &o).unwrap();
        let metrics = MetricName::build_sorted(&[MetricName::Bleu, MetricName::Chrf, MetricName::Ter], &o.options, false).unwrap();
        let direct = crate::report::corpus(&s, &metrics, Some((o.confidence, o.seed)));
        let paired = significance::paired(&s, &metrics, o.paired, o.seed);
        assert_eq!(c.corpus.len(), 3);
        for (k, m) in c.corpus.iter().enumerate() {
            assert_eq!(m.name, metrics[k].name());
            for (sys, got) in m.systems.iter().enumerate() {
                let want = &direct.systems[sys].scores[k];
                // The score, its details and its bootstrap interval.
                assert_eq!(got.score, want.score);
                assert!(got.score.confidence.is_some());
                assert_eq!(m.signature, want.signature);
                assert_eq!(got.p_value, paired.metrics[k].systems[sys].p_value);
            }
        }
        assert!(c.corpus[0].systems[1].p_value.is_some());
        let sig = c.significance.as_ref().unwrap();
        assert_eq!(serde_json::to_string(sig).unwrap(), serde_json::to_string(&paired).unwrap());
    }

    #[test]
    fn one_system_has_no_comparison() {
        let c = compare(&set(&[&A], &REFS), &options()).unwrap();
        assert!(c.significance.is_none() && c.pairs.is_empty());
        assert!(c.corpus.iter().all(|m| m.systems.len() == 1 && m.systems[0].p_value.is_none()));
        // 13a tokens: line 4 has 10 (9 words and the full stop), the others fewer.
        let lengths: Vec<usize> = c.length_buckets.iter().map(|b| b.sentences).collect();
        assert_eq!(lengths, [5, 1, 0, 0, 0, 0, 0]);
        assert_eq!(c.score_buckets.iter().map(|b| b.sentences[0]).sum::<usize>(), 6);
    }

    #[test]
    fn pairs_list_ngrams_and_sentences_both_ways() {
        let c = compare(&set(&[&A, &B], &REFS), &options()).unwrap();
        let p = &c.pairs[0];
        assert_eq!((p.baseline, p.system), (0, 1));
        assert_eq!((p.ngrams_baseline.len(), p.ngrams_system.len()), (TOP, TOP));
        assert!(p.ngrams_baseline.windows(2).all(|w| w[0].score >= w[1].score));
        assert!(p.ngrams_system.windows(2).all(|w| w[0].score <= w[1].score));
        // Every n-gram listed: B alone matches "rose by" (line 3), A alone "sat" (line 1).
        let all = compare(&set(&[&A, &B], &REFS), &CompareOptions { top: 10_000, ..options() }).unwrap();
        let p_all = &all.pairs[0];
        assert!(p_all.ngrams_system.iter().any(|g| g.ngram == "rose by" && g.baseline == 0 && g.system == 1 && g.score < 0.5));
        assert!(p_all.ngrams_baseline.iter().any(|g| g.ngram == "sat" && g.baseline == 1 && g.system == 0 && g.score > 0.5));
        assert_eq!(p_all.ngrams_baseline.len(), p_all.ngrams_system.len());
        // Line 3: B is the reference, A is not: B better there.
        assert!(p.system_better.iter().any(|e| e.line == 3 && e.system.score == 100.0 && e.difference > 0.0));
        assert!(p.system_better.windows(2).all(|w| w[0].difference >= w[1].difference));
        assert!(p.baseline_better.iter().all(|e| e.difference < 0.0));
        assert!(p.baseline_better.iter().any(|e| e.line == 1));
        // The chrF buckets count every line of each system once.
        for s in 0..2 {
            assert_eq!(c.score_buckets.iter().map(|b| b.sentences[s]).sum::<usize>(), 6);
        }
        // Word buckets from a frequency file: words not in it land in bucket 0.
        let dir = std::env::temp_dir().join(format!("terjemah-compare-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let freq = dir.join("train.en");
        std::fs::write(&freq, "the the the cat\nthe dog\n").unwrap();
        let c2 = compare(&set(&[&A, &B], &REFS), &CompareOptions { freq_file: Some(freq.clone()), ..options() }).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(c2.settings.frequencies, freq.display().to_string());
        // "The" (capitalised) is not in the file; "the" 4 times (bucket "4"), "cat", "dog" once.
        let the_in_refs = REFS.iter().flat_map(|r| r.split(' ')).filter(|w| *w == "the").count() as u64;
        assert_eq!(c2.word_buckets[4].reference_words, the_in_refs);
        assert_eq!(c2.word_buckets[1].reference_words, 2);
        let total: u64 = c2.word_buckets.iter().map(|b| b.reference_words).sum();
        assert_eq!(total, c.word_buckets.iter().map(|b| b.reference_words).sum::<u64>());
    }
}
