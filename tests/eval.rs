//! `terjemah eval` against sacrebleu: every metric on every case, compared with the values
//! sacrebleu 2.5.1 computed (`scripts/fixtures/sacrebleu-expected.py` wrote them into
//! `tests/fixtures/eval/`; no Python runs here). Scores must be the same floats, printed lines
//! and signatures the same strings.

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;
use std::sync::OnceLock;

use common::*;
use serde_json::Value;
use terjemah::eval::significance::{self, PairedTest};
use terjemah::eval::tokenize::{self, Tokenizer};
use terjemah::eval::{segment_stats, Metric, MetricName, MetricOptions, TestSet};

fn fx() -> PathBuf {
    fixtures().join("eval")
}

fn load(name: &str) -> Value {
    let p = fx().join(name);
    serde_json::from_str(&fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).unwrap()
}

fn expected() -> &'static Value {
    static E: OnceLock<Value> = OnceLock::new();
    E.get_or_init(|| load("expected.json"))
}

/// Floats are stored as Python's `repr` strings: parsing them is exact.
fn float(v: &Value) -> f64 {
    v.as_str().unwrap_or_else(|| panic!("expected a float string, got {v}")).parse().unwrap()
}

/// The stand-ins for the FLORES SentencePiece models the fixtures were computed with
/// (`SPM_STANDINS` of scripts/fixtures/sacrebleu-expected.py).
fn spm_standin(tok: &str) -> PathBuf {
    fixtures().join(if tok == "flores200" { "models/tiny-nllb/sentencepiece.bpe.model" } else { "models/tiny-marian/target.spm" })
}

/// The metric sacrebleu built as `BLEU(**kwargs)`, `CHRF(**kwargs)` or `TER(**kwargs)`.
fn metric_of(kind: &Value, kwargs: &Value, sentence: bool) -> Metric {
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
    Metric::new(name, &o, sentence).unwrap()
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
    let mut compared = 0;
    for (case, c) in cases {
        let set = read_set(c);
        for (name, e) in c["metrics"].as_object().unwrap() {
            let m = metric_of(&e["kind"], &e["kwargs"], false);
            let st = segment_stats(&m, &set.systems[0].lines, &set.refs);
            let score = m.score(&st.sum_all());
            let sig = m.signature(set.refs.len(), &[]);
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
    assert!(compared >= 350, "only {compared} comparisons: fixtures incomplete?");
    assert!(failures.is_empty(), "{} disagreements with sacrebleu:\n{}", failures.len(), failures.join("\n"));
}

/// Sentence-level scores (sentence BLEU with effective order, chrF, chrF++, TER) per line.
#[test]
fn sentence_scores_equal_sacrebleu() {
    let doc = load("expected-sentence.json");
    let mut failures = Vec::new();
    let mut compared = 0;
    for (case, c) in doc["cases"].as_object().unwrap() {
        let set = read_set(c);
        for (name, e) in c["metrics"].as_object().unwrap() {
            let m = metric_of(&e["kind"], &e["kwargs"], true);
            assert_eq!(m.signature(set.refs.len(), &[]), e["signature"].as_str().unwrap(), "{case} {name}");
            let st = segment_stats(&m, &set.systems[0].lines, &set.refs);
            for (i, want) in e["scores"].as_array().unwrap().iter().enumerate() {
                let (ours, want) = (m.score(st.row(i)).score, float(want));
                compared += 1;
                if ours.to_bits() != want.to_bits() {
                    failures.push(format!("{case} {name} line {}: terjemah {ours:?}, sacrebleu {want:?}", i + 1));
                }
            }
        }
    }
    println!("{compared} sentence scores compared");
    assert!(compared > 5000);
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
}

/// sacrebleu command lines run unchanged (plus `--spm-model` for the FLORES stand-ins): what
/// terjemah prints is byte for byte what sacrebleu printed, and the exit code is sacrebleu's.
#[test]
fn sacrebleu_command_lines_run_unchanged() {
    let cases = expected()["cli"].as_array().unwrap();
    let mut failures = Vec::new();
    for e in cases {
        let mut args = vec!["eval".to_string()];
        args.extend(e["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()));
        args.extend(e["extra"].as_array().unwrap().iter().map(|a| a.as_str().unwrap().to_string()));
        let mut cmd = terjemah(&args.iter().map(String::as_str).collect::<Vec<_>>());
        cmd.current_dir(fx()).env_remove("SACREBLEU_SEED").env_remove("SACREBLEU_FORMAT");
        for (k, v) in e["env"].as_object().unwrap() {
            cmd.env(k, v.as_str().unwrap());
        }
        let stdin_file = e["stdin"].as_str().map(|f| fs::File::open(fx().join(f)).unwrap());
        cmd.stdin(stdin_file.map_or_else(std::process::Stdio::null, std::process::Stdio::from));
        let o = cmd.output().unwrap();
        let want_code = e["code"].as_i64().unwrap() as i32;
        let what = e["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect::<Vec<_>>().join(" ");
        if o.status.code() != Some(want_code) {
            failures.push(format!("sacrebleu {what}: exit {:?}, sacrebleu {want_code}; stderr: {}", o.status.code(), stderr(&o)));
        } else if stdout(&o) != e["stdout"].as_str().unwrap() {
            failures.push(format!(
                "sacrebleu {what}: output differs\n--- terjemah\n{}--- sacrebleu\n{}",
                stdout(&o),
                e["stdout"].as_str().unwrap()
            ));
        } else if want_code != 0 && stderr(&o).trim().is_empty() {
            failures.push(format!("sacrebleu {what}: exit {want_code} without a message"));
        }
    }
    println!("{} sacrebleu command lines compared", cases.len());
    assert!(cases.len() >= 40);
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), cases.len(), failures.join("\n"));
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

// ---------------------------------------------------------------------------------------
// The command line: errors, JSON, articles, paired bootstrap

/// The JSON text holds exactly this float (as its shortest round-trip form, which is what
/// serde_json writes and Python's `repr` gives). serde_json's own parsing may be one unit in
/// the last place off, so exact checks look at the text.
#[track_caller]
fn assert_json_has(text: &str, key: &str, value: f64) {
    let needle = format!("\"{key}\": {value}");
    assert!(text.contains(&needle), "{needle} not in the JSON output");
}

/// Within one unit in the last place (the parsing above).
#[track_caller]
fn assert_ulp(ours: &Value, want: f64, what: &str) {
    let ours = ours.as_f64().unwrap_or_else(|| panic!("{what}: not a number"));
    assert!(ours.to_bits().abs_diff(want.to_bits()) <= 1, "{what}: {ours} vs {want}");
}

fn fx_arg(name: &str) -> String {
    fx().join(name).display().to_string()
}

#[test]
fn line_count_mismatch_is_a_usage_error_naming_files_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let short = dir.path().join("short.en");
    let lines: Vec<String> = fs::read_to_string(fx().join("news.noisy.en")).unwrap().lines().take(1000).map(String::from).collect();
    fs::write(&short, lines.join("\n") + "\n").unwrap();
    let reference = fx_arg("news.ref.en");
    let o = run(&["eval", "--hyp", short.to_str().unwrap(), "--ref", &reference]);
    assert_eq!(o.status.code(), Some(1), "sacrebleu's exit code; {}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains(short.to_str().unwrap()) && err.contains("1000 lines"), "{err}");
    assert!(err.contains(&reference) && err.contains("1954 lines"), "{err}");
    assert!(stdout(&o).is_empty(), "no partial score: {}", stdout(&o));

    // References that disagree with each other.
    let o = run(&["eval", "--hyp", &fx_arg("news.noisy.en"), "--ref", &reference, "--ref", short.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("reference files differ") && err.contains("1954 lines") && err.contains("1000 lines"), "{err}");

    // An empty hypothesis file.
    let empty = dir.path().join("empty.en");
    fs::write(&empty, "").unwrap();
    let o = run(&["eval", "--hyp", empty.to_str().unwrap(), "--ref", &reference]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("empty.en"), "{}", stderr(&o));
}

#[test]
fn unreadable_inputs_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("latin1.en");
    fs::write(&bad, b"caf\xe9\n").unwrap();
    let reference = dir.path().join("ref.en");
    fs::write(&reference, "cafe\n").unwrap();
    let o = run(&["eval", "--hyp", bad.to_str().unwrap(), "--ref", reference.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("latin1.en") && stderr(&o).contains("UTF-8"), "{}", stderr(&o));
    let o = run(&["eval", "--hyp", "/nonexistent/hyp.en", "--ref", reference.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("/nonexistent/hyp.en"), "{}", stderr(&o));
    let o = run(&["eval", "--hyp", reference.to_str().unwrap(), "--ref", reference.to_str().unwrap(), "--metrics", "bleu,meteor"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn json_output_carries_the_exact_scores() {
    let o = run(&["eval", "--hyp", &fx_arg("mt.gnmt.en"), "--ref", &fx_arg("mt.ref.en"), "--metrics", "bleu,chrf++,ter", "--json"]);
    assert_ok(&o);
    let text = stdout(&o);
    let v: Value = serde_json::from_str(&text).unwrap();
    let scores = v["systems"][0]["scores"].as_array().unwrap();
    let e = &expected()["cases"]["mt-gnmt"]["metrics"];
    for (s, key) in scores.iter().zip(["bleu-13a", "chrf++", "ter"]) {
        assert_ulp(&s["score"], float(&e[key]["score"]), key);
        assert_json_has(&text, "score", float(&e[key]["score"]));
        assert_eq!(s["signature"], e[key]["signature"]);
    }
    assert_eq!(scores[0]["bleu"]["sys_len"], e["bleu-13a"]["sys_len"]);
    assert_eq!(v["segments"], 2000);
}

#[test]
fn article_mode_aligns_blocks_and_scores_like_sacrebleu() {
    let art = fx().join("articles");
    let out = art.join("out").display().to_string();
    let refs = art.join("refs").display().to_string();
    let o = run(&["eval", "--hyp-dir", &out, "--ref-dir", &refs, "--metrics", "bleu,chrf,ter", "--json", "--worst", "3"]);
    assert_ok(&o);
    let text = stdout(&o);
    let v: Value = serde_json::from_str(&text).unwrap();
    let e = &expected()["articles"];

    // The aligned segments are the ones the fixture was built from (any article order).
    let mut segs: Vec<(String, String)> = v["articles"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["segments"].as_array().unwrap().iter())
        .map(|s| (s["hyp"].as_str().unwrap().to_string(), s["ref"].as_str().unwrap().to_string()))
        .collect();
    let mut want: Vec<(String, String)> =
        e["segments"].as_array().unwrap().iter().map(|s| (s["hyp"].as_str().unwrap().into(), s["ref"].as_str().unwrap().into())).collect();
    segs.sort();
    want.sort();
    assert_eq!(segs, want);

    let t = &v["totals"];
    assert_eq!((t["articles"].as_u64(), t["realigned_articles"].as_u64(), t["aligned_segments"].as_u64()), (Some(3), Some(2), Some(29)));
    assert_eq!((t["unaligned_hyp_blocks"].as_u64(), t["unaligned_ref_blocks"].as_u64()), (Some(1), Some(2)));
    let names: Vec<&str> = v["articles"].as_array().unwrap().iter().map(|a| a["article"].as_str().unwrap()).collect();
    assert_eq!(names, ["a", "c", "news/b"]);
    let b = &v["articles"][2];
    assert_eq!((b["hyp_blocks"].as_u64(), b["ref_blocks"].as_u64(), b["aligned"].as_u64()), (Some(13), Some(12), Some(11)));
    assert_eq!(b["unaligned_hyp"], serde_json::json!([13]));
    assert_eq!(b["unaligned_ref"], serde_json::json!([8]));
    assert_eq!(b["segments"][3]["hyp_blocks"], serde_json::json!([4, 5]));
    assert_eq!(v["articles"][1]["unaligned_ref"], serde_json::json!([6]));
    assert_eq!(v["missing_reference"], serde_json::json!(["e"]));
    assert_eq!(v["missing_translation"], serde_json::json!(["d"]));

    // Corpus scores over the aligned segments: sacrebleu's on the same segments.
    for (m, key) in v["metrics"].as_array().unwrap().iter().zip(["bleu-13a", "chrf", "ter"]) {
        assert_ulp(&m["corpus"]["score"], float(&e["metrics"][key]["score"]), key);
        assert_json_has(&text, "score", float(&e["metrics"][key]["score"]));
        assert_eq!(m["signature"], e["metrics"][key]["signature"]);
    }
    // Worst segments: the lowest sentence BLEU first.
    let worst: Vec<f64> = v["worst"].as_array().unwrap().iter().map(|w| w["score"].as_f64().unwrap()).collect();
    assert_eq!(worst.len(), 3);
    assert!(worst.windows(2).all(|w| w[0] <= w[1]), "{worst:?}");
    let all: Vec<f64> = v["articles"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["segments"].as_array().unwrap().iter().map(|s| s["score"].as_f64().unwrap()))
        .collect();
    assert_eq!(worst[0], all.iter().cloned().fold(f64::INFINITY, f64::min));

    // The text report shows the same.
    let o = run(&["eval", "--hyp-dir", &out, "--ref-dir", &refs]);
    assert_ok(&o);
    let text = stdout(&o);
    for needle in [
        "news/b (realigned)",
        "1 hyp, 1 ref",
        "29 aligned segments",
        "Worst 10 segments by sentence BLEU",
        "without a reference: e",
        "without a translation: d",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    let bleu_line = e["metrics"]["bleu-13a"]["line_w1"].as_str().unwrap();
    assert!(text.lines().any(|l| l.trim_start() == bleu_line), "no {bleu_line:?} in\n{text}");
}

#[test]
fn article_mode_errors() {
    let dir = tempfile::tempdir().unwrap();
    let refs = fx().join("articles").join("refs");
    let o = run(&["eval", "--hyp-dir", dir.path().to_str().unwrap(), "--ref-dir", refs.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no NAME.en.txt files"), "{}", stderr(&o));
    let o = run(&["eval", "--hyp-dir", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "--hyp-dir without --ref-dir");
}

/// `terjemah eval` on the two real MT systems (GNMT first, the baseline) against their reference.
fn two_systems(extra: &[&str]) -> std::process::Output {
    let (gnmt, gareng, reference) = (fx_arg("mt.gnmt.en"), fx_arg("mt.gareng.en"), fx_arg("mt.ref.en"));
    let mut args = vec!["eval", "--hyp", &gnmt, "--hyp", &gareng, "--ref", &reference];
    args.extend(extra);
    run(&args)
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
        let metrics: Vec<Metric> = case["metrics"].as_array().unwrap().iter().map(|m| metric_of(&m["kind"], &m["kwargs"], false)).collect();
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
        let st = segment_stats(&m, &set.systems[0].lines, &set.refs);
        let (mean, ci) = significance::confidence(&m, &st, case["n"].as_u64().unwrap() as usize, Some(case["seed"].as_u64().unwrap()));
        let what = format!("{} {} on {}", case["kind"], case["kwargs"], case["hyp"]);
        assert_eq!(ci.to_bits(), float(&case["ci"]).to_bits(), "{what}: ci {ci:?} vs {}", case["ci"]);
        assert_eq!(mean.to_bits(), float(&case["mean"]).to_bits(), "{what}: mean {mean:?} vs {}", case["mean"]);
    }
}

/// terjemah's own forms: `--paired-bootstrap N`, `--seed`, the detailed `--json`.
#[test]
fn paired_bootstrap_options_and_json() {
    let o = two_systems(&["--metrics", "bleu,chrf", "--paired-bootstrap", "200", "--seed", "7", "--json"]);
    assert_ok(&o);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!((v["test"].as_str(), v["samples"].as_u64(), v["seed"].as_u64()), (Some("bs"), Some(200), Some(7)));
    let m = &v["metrics"][0];
    assert!(m["signature"].as_str().unwrap().starts_with("nrefs:1|bs:200|seed:7|"), "{}", m["signature"]);
    assert!(m["systems"][0]["p_value"].is_null() && m["systems"][1]["p_value"].as_f64().unwrap() > 0.0);
    // Same seed, same numbers; SACREBLEU_SEED is the default seed.
    let again = terjemah(&[
        "eval",
        "--hyp",
        &fx_arg("mt.gnmt.en"),
        "--hyp",
        &fx_arg("mt.gareng.en"),
        "--ref",
        &fx_arg("mt.ref.en"),
        "--metrics",
        "bleu,chrf",
        "--paired-bootstrap",
        "200",
        "--json",
    ])
    .env("SACREBLEU_SEED", "7")
    .output()
    .unwrap();
    assert_eq!(stdout(&again), stdout(&o));
    let o = run(&["eval", "--hyp", &fx_arg("mt.gnmt.en"), "--ref", &fx_arg("mt.ref.en"), "--paired-bootstrap", "100"]);
    assert_eq!(o.status.code(), Some(1), "one system cannot be compared");
}

#[test]
fn command_line_forms_and_refusals() {
    let (r, h) = (fx_arg("mt.ref.en"), fx_arg("mt.gnmt.en"));
    // argparse's prefixes of long options and `-tok=VALUE`.
    let a = run(&["eval", &r, "-i", &h, "--tok", "intl", "--lowerc", "-f", "text"]);
    let b = run(&["eval", &r, "-i", &h, "-tok=intl", "-lc", "-f", "text"]);
    assert_ok(&a);
    assert_eq!(stdout(&a), stdout(&b));
    assert!(stdout(&a).contains("case:lc|eff:no|tok:intl"), "{}", stdout(&a));
    // MeCab tokenizers: refused, saying why.
    let o = run(&["eval", &r, "-i", &h, "-l", "en-ja"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("ja-mecab") && stderr(&o).contains("MeCab"), "{}", stderr(&o));
    // FLORES without a model: where to get it, and that terjemah does not download.
    let empty = tempfile::tempdir().unwrap();
    let o = terjemah(&["eval", &r, "-i", &h, "-tok", "flores200"]).env("SACREBLEU", empty.path()).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--spm-model") && stderr(&o).contains("does not download"), "{}", stderr(&o));
    // Test sets need downloads.
    let o = run(&["eval", "-t", "wmt17", "-l", "en-de", "-i", &h]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("test sets"), "{}", stderr(&o));
}

/// The block alignment on synthetic articles cut from a real test set (MT output against its
/// reference) with the edits a translated article shows: a block split in two, two blocks
/// merged, a block left untranslated, boilerplate added on one side.
#[test]
fn alignment_recovers_synthetic_edits() {
    use terjemah::eval::articles::align_blocks;
    use terjemah::eval::rng::Rng;
    let read = |f: &str| fs::read_to_string(fx().join(f)).unwrap().lines().map(String::from).collect::<Vec<_>>();
    let (hyp, refs, src) = (read("mt.gnmt.en"), read("mt.ref.en"), read("news.src.id"));
    let mut rng = Rng::new(2024, 0);
    let (mut right, mut total, mut exact, mut edited) = (0usize, 0usize, 0usize, 0usize);
    let articles = 150;
    for a in 0..articles {
        let start = 40 + a * 12;
        let n = 6 + rng.below(12) as usize;
        // (hyp blocks, ref blocks, expected (hyp, ref) segments)
        let mut h: Vec<String> = hyp[start..start + n].to_vec();
        let mut r: Vec<String> = refs[start..start + n].to_vec();
        let mut want: Vec<(String, String)> = h.iter().cloned().zip(r.iter().cloned()).collect();
        let edits = 1 + rng.below(2);
        for _ in 0..edits {
            let i = rng.below(h.len().min(r.len()) as u64 - 1) as usize;
            match rng.below(5) {
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
