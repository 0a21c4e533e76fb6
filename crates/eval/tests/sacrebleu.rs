//! The metrics against sacrebleu: every metric on every case, compared with the values
//! sacrebleu 2.5.1 computed (`scripts/fixtures/sacrebleu-expected.py` wrote them into
//! `tests/fixtures/eval/` of the terjemah repository; no Python runs here). Scores must be the
//! same floats, signatures the same strings. The command line is tested by terjemah's
//! `tests/eval.rs`.

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

use serde_json::Value;
use terjemah_eval::significance::{self, PairedTest};
use terjemah_eval::tokenize::{self, Tokenizer};
use terjemah_eval::{Metric, MetricName, MetricOptions, TestSet};

#[path = "support/expected.rs"]
mod expected;

use expected::{expected, float, fx, load};

/// terjemah's test fixtures (the workspace root's `tests/fixtures`).
fn fixtures() -> PathBuf {
    fx().parent().expect("tests/fixtures").to_path_buf()
}

/// The stand-ins for the FLORES SentencePiece models the fixtures were computed with
/// (`SPM_STANDINS` of scripts/fixtures/sacrebleu-expected.py).
fn spm_standin(tok: &str) -> PathBuf {
    fixtures().join(if tok == "flores200" { "models/tiny-nllb/sentencepiece.bpe.model" } else { "models/tiny-marian/target.spm" })
}

/// Whether the FLORES tokenizers can run: they need the `sentencepiece` feature (on when the
/// whole workspace is tested, off for `cargo test -p terjemah-eval`).
const SPM: bool = cfg!(feature = "sentencepiece");

/// Whether sacrebleu's `kwargs` need a SentencePiece model that this build cannot load.
fn needs_spm(kwargs: &Value) -> bool {
    !SPM && kwargs["tokenize"].as_str().is_some_and(|t| t.starts_with("flores"))
}

/// The metric sacrebleu built as `BLEU(**kwargs)`, `CHRF(**kwargs)` or `TER(**kwargs)`.
fn metric_of(kind: &Value, kwargs: &Value, sentence: bool) -> Box<dyn Metric> {
    let mut o = MetricOptions::default();
    for (k, v) in kwargs.as_object().unwrap() {
        let flag = || v.as_bool().unwrap();
        let int = || v.as_u64().unwrap() as usize;
        match (kind.as_str().unwrap(), k.as_str()) {
            ("bleu", "tokenize") => {
                o.tokenizer = v.as_str().unwrap().parse().unwrap();
                o.spm_model = Some(spm_standin(v.as_str().unwrap()));
            }
            ("bleu", "lowercase") => o.lowercase = flag(),
            ("bleu", "smooth_method") => o.smooth = v.as_str().unwrap().parse().unwrap(),
            ("bleu", "smooth_value") => o.smooth_value = v.as_f64(),
            ("chrf", "char_order") => o.chrf_char_order = int(),
            ("chrf", "word_order") => o.chrf_word_order = int(),
            ("chrf", "beta") => o.chrf_beta = int() as u32,
            ("chrf", "lowercase") => o.chrf_lowercase = flag(),
            ("chrf", "whitespace") => o.chrf_whitespace = flag(),
            ("chrf", "eps_smoothing") => o.chrf_eps_smoothing = flag(),
            ("ter", "case_sensitive") => o.ter_case_sensitive = flag(),
            ("ter", "normalized") => o.ter_normalized = flag(),
            ("ter", "no_punct") => o.ter_no_punct = flag(),
            ("ter", "asian_support") => o.ter_asian_support = flag(),
            (kind, k) => panic!("unknown option {k} of {kind}"),
        }
    }
    let name: MetricName = kind.as_str().unwrap().parse().unwrap();
    name.build(&o, sentence).unwrap()
}

fn read_set(case: &Value) -> TestSet {
    let hyp = fx().join(case["hyp"].as_str().unwrap());
    let refs: Vec<PathBuf> = case["refs"].as_array().unwrap().iter().map(|r| fx().join(r.as_str().unwrap())).collect();
    TestSet::read(&[hyp], &refs).unwrap()
}

/// Corpus scores: every metric configuration on every case, the same floats as sacrebleu's,
/// the same statistics, signatures and printed lines. Prints the agreement table.
#[test]
fn corpus_scores_equal_sacrebleu() {
    let cases = expected()["cases"].as_object().unwrap();
    let mut failures = Vec::new();
    let mut table = String::from("case | metric | terjemah | sacrebleu | same float\n");
    let (mut compared, mut skipped) = (0, 0);
    for (case, c) in cases {
        let set = read_set(c);
        for (name, e) in c["metrics"].as_object().unwrap() {
            if needs_spm(&e["kwargs"]) {
                skipped += 1;
                continue;
            }
            let m = metric_of(&e["kind"], &e["kwargs"], false);
            let st = m.corpus_stats(&set.systems[0].lines, &set.refs);
            let score = m.score(&st.sum_all());
            let sig = m.signature(set.refs.len(), &[]).to_string();
            let want = float(&e["score"]);
            let same = score.score.to_bits() == want.to_bits();
            compared += 1;
            writeln!(table, "{case} | {name} | {:.6} | {want:.6} | {}", score.score, if same { "yes" } else { "NO" }).unwrap();
            let mut check = |what: &str, ours: String, theirs: String| {
                if ours != theirs {
                    failures.push(format!("{case} {name} {what}: terjemah {ours:?}, sacrebleu {theirs:?}"));
                }
            };
            check("score", format!("{:?}", score.score), format!("{want:?}"));
            check("signature", sig.clone(), e["signature"].as_str().unwrap().into());
            for (w, key) in [(1, "line_w1"), (2, "line_w2"), (4, "line_w4")] {
                check(key, score.format(w, &sig), e[key].as_str().unwrap().into());
            }
            if let Some(b) = &score.bleu {
                let ints = |v: &Value| v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect::<Vec<_>>();
                check("counts", format!("{:?}", b.counts.to_vec()), format!("{:?}", ints(&e["counts"])));
                check("totals", format!("{:?}", b.totals.to_vec()), format!("{:?}", ints(&e["totals"])));
                check("lengths", format!("{} {}", b.sys_len, b.ref_len), format!("{} {}", e["sys_len"], e["ref_len"]));
                check("bp", format!("{:?}", b.bp), format!("{:?}", float(&e["bp"])));
                let precisions: Vec<f64> = e["precisions"].as_array().unwrap().iter().map(float).collect();
                check("precisions", format!("{:?}", b.precisions.to_vec()), format!("{precisions:?}"));
            }
            if let Some(t) = &score.ter {
                check("edits", format!("{}", t.edits), format!("{}", e["num_edits"]));
                check("ref_length", format!("{:?}", t.ref_length), format!("{:?}", float(&e["ref_length"])));
            }
        }
    }
    println!("{table}");
    println!("{skipped} FLORES configurations skipped (no `sentencepiece` feature)");
    assert!(compared + skipped >= 350, "only {compared} comparisons: fixtures incomplete?");
    assert!(SPM || skipped > 0);
    assert!(failures.is_empty(), "{} disagreements with sacrebleu:\n{}", failures.len(), failures.join("\n"));
}

/// Sentence-level scores (sentence BLEU with effective order, chrF, chrF++, TER) per line.
#[test]
fn sentence_scores_equal_sacrebleu() {
    let doc = load("expected-sentence.json");
    let mut failures = Vec::new();
    let (mut compared, mut skipped) = (0, 0);
    for (case, c) in doc["cases"].as_object().unwrap() {
        let set = read_set(c);
        for (name, e) in c["metrics"].as_object().unwrap() {
            if needs_spm(&e["kwargs"]) {
                skipped += 1;
                continue;
            }
            let m = metric_of(&e["kind"], &e["kwargs"], true);
            assert_eq!(m.signature(set.refs.len(), &[]).to_string(), e["signature"].as_str().unwrap(), "{case} {name}");
            let st = m.corpus_stats(&set.systems[0].lines, &set.refs);
            for (i, want) in e["scores"].as_array().unwrap().iter().enumerate() {
                let (ours, want) = (m.score(st.row(i)).score, float(want));
                compared += 1;
                if ours.to_bits() != want.to_bits() {
                    failures.push(format!("{case} {name} line {}: terjemah {ours:?}, sacrebleu {want:?}", i + 1));
                }
            }
        }
    }
    println!("{compared} sentence scores compared, {skipped} FLORES configurations skipped");
    assert!(compared > 5000);
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn tokenizers_equal_sacrebleu() {
    let t = &expected()["tokenized"];
    let lines = t["lines"].as_array().unwrap();
    for tok in [Tokenizer::Tok13a, Tokenizer::Intl, Tokenizer::Char, Tokenizer::Zh] {
        for (line, want) in lines.iter().zip(t[tok.name()].as_array().unwrap()) {
            assert_eq!(tok.tokenize(line.as_str().unwrap()), want.as_str().unwrap(), "{} on {line}", tok.name());
        }
    }
}

fn in_ranges(ranges: &Value, cp: u32) -> bool {
    let r = ranges.as_array().unwrap();
    let i = r.partition_point(|x| x[1].as_u64().unwrap() < cp as u64);
    i < r.len() && r[i][0].as_u64().unwrap() <= cp as u64
}

/// Unicode as sacrebleu sees it through Python: `regex`'s \p{P}, \p{S}, \p{N} (the intl
/// tokenizer), `str.isspace` (splitting, stripping) and `str.lower` must agree with ours on
/// every character Python's Unicode database knows.
#[test]
fn unicode_tables_agree_with_python() {
    let u = load("unicode-python.json");
    let lower = u["lower"].as_object().unwrap();
    let mut bad = Vec::new();
    let mut newer = 0;
    for cp in (0..0x110000u32).filter(|c| !(0xD800..=0xDFFF).contains(c)) {
        let c = char::from_u32(cp).unwrap();
        let assigned = in_ranges(&u["assigned"], cp);
        let (p, s, n) = tokenize::unicode_categories(c);
        let py = (in_ranges(&u["P"], cp), in_ranges(&u["S"], cp), in_ranges(&u["N"], cp));
        let py_lower = lower.get(&cp.to_string()).map(|v| v.as_str().unwrap().to_string()).unwrap_or_else(|| c.to_string());
        let agree = (p, s, n) == py && tokenize::py_lower(&c.to_string()) == py_lower;
        if tokenize::is_py_space(c) != in_ranges(&u["space"], cp) {
            bad.push(format!("U+{cp:04X} isspace"));
        }
        match (agree, assigned) {
            (true, _) => {}
            (false, true) => bad.push(format!(
                "U+{cp:04X}: ours P/S/N {:?} lower {:?}; Python {py:?} {py_lower:?}",
                (p, s, n),
                c.to_lowercase().to_string()
            )),
            // Characters newer than Python's Unicode database: sacrebleu's results there
            // depend on the Python version anyway.
            (false, false) => newer += 1,
        }
    }
    println!("{newer} differences on characters unassigned in Python's Unicode {}", u["python_unicode"]);
    assert!(bad.is_empty(), "{} disagreements:\n{}", bad.len(), bad.iter().take(50).cloned().collect::<Vec<_>>().join("\n"));
}

fn float_or_null(v: &Value) -> Option<f64> {
    v.as_str().map(|s| s.parse().unwrap())
}

/// Paired bootstrap and approximate randomization: sacrebleu's numbers exactly (its numpy
/// draws reproduced, float32 resample sums and scores), on real and synthetic systems, several
/// seeds, metric options and references.
#[test]
fn paired_tests_equal_sacrebleu() {
    let mut compared = 0;
    for case in expected()["significance"]["paired"].as_array().unwrap() {
        let hyps: Vec<PathBuf> = case["hyps"].as_array().unwrap().iter().map(|h| fx().join(h.as_str().unwrap())).collect();
        let refs: Vec<PathBuf> = case["refs"].as_array().unwrap().iter().map(|r| fx().join(r.as_str().unwrap())).collect();
        let set = TestSet::read(&hyps, &refs).unwrap();
        let metrics: Vec<Box<dyn Metric>> =
            case["metrics"].as_array().unwrap().iter().map(|m| metric_of(&m["kind"], &m["kwargs"], false)).collect();
        let n = case["n"].as_u64().unwrap() as usize;
        let test = if case["test"] == "bs" { PairedTest::Bootstrap(n) } else { PairedTest::Randomization(n) };
        let r = significance::paired(&set, &metrics, test, Some(case["seed"].as_u64().unwrap()));
        let what = format!("{} {} seed {} on {:?}", case["test"], n, case["seed"], case["hyps"]);
        for ((m, sig), results) in r.metrics.iter().zip(case["signatures"].as_array().unwrap()).zip(case["results"].as_array().unwrap()) {
            assert_eq!(&m.signature, sig.as_str().unwrap(), "{what}");
            for (ours, theirs) in m.systems.iter().zip(results.as_array().unwrap()) {
                let want = |k: &str| float_or_null(&theirs[k]);
                let got = [Some(ours.score), ours.p_value, ours.mean, ours.ci];
                let wanted = [want("score"), want("p_value"), want("mean"), want("ci")];
                assert_eq!(
                    got.map(|x| x.map(f64::to_bits)),
                    wanted.map(|x| x.map(f64::to_bits)),
                    "{what} {} {}: ours {got:?}, sacrebleu {wanted:?}",
                    m.name,
                    ours.system
                );
                compared += 1;
            }
        }
    }
    assert!(compared >= 30, "{compared}");
}

/// `--confidence`: sacrebleu's bootstrap mean and 95% interval of one system.
#[test]
fn confidence_intervals_equal_sacrebleu() {
    for case in expected()["significance"]["confidence"].as_array().unwrap() {
        let refs: Vec<PathBuf> = case["refs"].as_array().unwrap().iter().map(|r| fx().join(r.as_str().unwrap())).collect();
        let set = TestSet::read(&[fx().join(case["hyp"].as_str().unwrap())], &refs).unwrap();
        let m = metric_of(&case["kind"], &case["kwargs"], false);
        let st = m.corpus_stats(&set.systems[0].lines, &set.refs);
        let (mean, ci) =
            significance::confidence(m.as_ref(), &st, case["n"].as_u64().unwrap() as usize, Some(case["seed"].as_u64().unwrap()));
        let what = format!("{} {} on {}", case["kind"], case["kwargs"], case["hyp"]);
        assert_eq!(ci.to_bits(), float(&case["ci"]).to_bits(), "{what}: ci {ci:?} vs {}", case["ci"]);
        assert_eq!(mean.to_bits(), float(&case["mean"]).to_bits(), "{what}: mean {mean:?} vs {}", case["mean"]);
    }
}

/// The block alignment on synthetic articles cut from a real test set (MT output against its
/// reference) with the edits a translated article shows: a block split in two, two blocks
/// merged, a block left untranslated, boilerplate added on one side.
#[test]
fn alignment_recovers_synthetic_edits() {
    use rand::{RngExt, SeedableRng};
    use rand_xorshift::XorShiftRng;
    use terjemah_eval::articles::align_blocks;
    let read = |f: &str| fs::read_to_string(fx().join(f)).unwrap().lines().map(String::from).collect::<Vec<_>>();
    let (hyp, refs, src) = (read("mt.gnmt.en"), read("mt.ref.en"), read("news.src.id"));
    let mut rng = XorShiftRng::seed_from_u64(2024);
    let (mut right, mut total, mut exact, mut edited) = (0usize, 0usize, 0usize, 0usize);
    let articles = 150;
    for a in 0..articles {
        let start = 40 + a * 12;
        let n = 6 + rng.random_range(0..12usize);
        // (hyp blocks, ref blocks, expected (hyp, ref) segments)
        let mut h: Vec<String> = hyp[start..start + n].to_vec();
        let mut r: Vec<String> = refs[start..start + n].to_vec();
        let mut want: Vec<(String, String)> = h.iter().cloned().zip(r.iter().cloned()).collect();
        let edits = 1 + rng.random_range(0..2);
        for _ in 0..edits {
            let i = rng.random_range(0..h.len().min(r.len()) - 1);
            match rng.random_range(0..5) {
                0 => {
                    // Split hypothesis block i at a word boundary.
                    let words: Vec<&str> = h[i].split(' ').collect();
                    if words.len() < 6 || want.iter().all(|(wh, _)| wh != &h[i]) {
                        continue;
                    }
                    let (x, y) = (words[..words.len() / 2].join(" "), words[words.len() / 2..].join(" "));
                    h.splice(i..=i, [x, y]);
                }
                1 => {
                    // Merge hypothesis blocks i and i+1 (one paragraph for two).
                    let k1 = want.iter().position(|(wh, _)| wh == &h[i]);
                    let k2 = want.iter().position(|(wh, _)| wh == &h[i + 1]);
                    let (Some(k1), Some(k2)) = (k1, k2) else { continue };
                    if k2 != k1 + 1 {
                        continue;
                    }
                    let merged = format!("{} {}", h[i], h[i + 1]);
                    let rr = format!("{} {}", want[k1].1, want[k2].1);
                    want.splice(k1..=k2, [(merged.clone(), rr)]);
                    h.splice(i..=i + 1, [merged]);
                }
                2 => {
                    // Block i not translated.
                    if let Some(k) = want.iter().position(|(wh, _)| wh == &h[i]) {
                        want.remove(k);
                        h.remove(i);
                    }
                }
                3 => h.insert(i, src[start + i].clone()), // untranslated boilerplate
                _ => r.insert(i, format!("Editor: {}", ["Budi Santoso", "Ahmad Yani", "Rina Wulandari"][i % 3])),
            }
        }
        if h.len() == r.len() {
            continue; // equal counts are paired 1:1 by design
        }
        edited += 1;
        let beads = align_blocks(&h, &r);
        let got: Vec<(String, String)> =
            beads.iter().filter(|b| b.is_pair()).map(|b| (h[b.hyp.clone()].join(" "), r[b.refs.clone()].join(" "))).collect();
        total += want.len();
        right += want.iter().filter(|w| got.contains(w)).count();
        exact += (got == want) as usize;
    }
    let accuracy = right as f64 / total as f64;
    println!("alignment: {right}/{total} segments recovered ({:.1}%), {exact} of {edited} articles exact", 100.0 * accuracy);
    assert!(total > 500, "too few edited articles: {total} segments");
    assert!(accuracy >= 0.97, "only {right} of {total} segments recovered");
}
