//! `--report` end to end: the command line of `terjemah eval` (the crate's `EvalArgs`) writes the
//! comparison page and its JSON twin, whose corpus numbers are sacrebleu 2.5.1's (the values
//! committed in `tests/fixtures/eval/expected.json`); one system and article mode; escaping;
//! refused combinations. The statistics themselves are tested in `src/compare/`.

use std::fs;
use std::path::{Path, PathBuf};

use clap::Parser;
use serde_json::Value;
use terjemah_eval::cli::{normalize_args, EvalArgs};

#[path = "support/expected.rs"]
mod expected;

use expected::{expected, float, fx};

#[derive(Parser)]
#[command(infer_long_args = true)]
struct Cli {
    #[command(flatten)]
    args: EvalArgs,
}

/// `terjemah eval ARGS...` run from the fixtures folder: what it prints, or its error.
fn eval(args: &[&str]) -> Result<String, terjemah_eval::Error> {
    let argv = normalize_args(["terjemah", "eval"].iter().chain(args).map(Into::into));
    let cli = Cli::try_parse_from(argv.into_iter().skip(1)).map_err(|e| terjemah_eval::Error::Usage(e.to_string()))?;
    let job = cli.args.into_job_with(|_| None)?;
    terjemah_eval::run(&job).map(|o| o.text)
}

/// A fresh folder for one test's outputs.
fn out_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("terjemah-report-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(p).unwrap()).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("expected a number, got {v}"))
}

/// The page is self-contained: no script, nothing fetched.
fn assert_self_contained(html: &str) {
    assert!(html.starts_with("<!doctype html>"));
    assert!(!html.contains("<script"), "a script in the page");
    for remote in ["src=", "http://", "https://", "@import", "url("] {
        assert!(!html.contains(remote), "{remote} in the page");
    }
    assert!(html.contains(r#"name="viewport""#));
}

#[test]
fn two_systems_numbers_are_sacrebleus() {
    let dir = out_dir("two");
    let page = dir.join("cmp.html");
    let fxd = fx();
    let (r, a, b) = (fxd.join("mt.ref.en"), fxd.join("mt.gnmt.en"), fxd.join("mt.gareng.en"));
    // What eval prints is unchanged by --report.
    let plain = eval(&[s(&r), "-i", s(&a), s(&b), "-m", "bleu", "chrf", "ter", "-f", "text"]).unwrap();
    let printed = eval(&[s(&r), "-i", s(&a), s(&b), "-m", "bleu", "chrf", "ter", "-f", "text", "--report", s(&page)]).unwrap();
    assert_eq!(printed, plain);
    let j = read_json(&dir.join("cmp.json"));
    assert_eq!(j["segments"], 2000);
    assert_eq!(j["systems"].as_array().unwrap().len(), 2);

    // `terjemah eval --confidence` of the first system, as sacrebleu computed it.
    let sig = &expected()["significance"];
    for c in sig["confidence"].as_array().unwrap().iter().filter(|c| c["hyp"] == "mt.gnmt.en" && c["kwargs"] == serde_json::json!({})) {
        let k = ["bleu", "chrf", "ter"].iter().position(|m| c["kind"] == *m).unwrap();
        let got = &j["corpus"][k];
        assert_eq!(got["signature"], c["signature"]);
        let sys = &got["systems"][0];
        assert_eq!(f(&sys["score"]), float(&c["score"]), "{}", c["kind"]);
        assert_eq!(f(&sys["confidence"][0]), float(&c["mean"]), "{} mean", c["kind"]);
        assert_eq!(f(&sys["confidence"][1]), float(&c["ci"]), "{} ci", c["kind"]);
    }
    // The paired bootstrap test against the first system (1000 resamples, seed 12345).
    let paired = sig["paired"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["test"] == "bs" && p["hyps"] == serde_json::json!(["mt.gnmt.en", "mt.gareng.en"]))
        .unwrap();
    for k in 0..3 {
        for s in 0..2 {
            let want = &paired["results"][k][s];
            let got = &j["significance"]["metrics"][k]["systems"][s];
            assert_eq!(f(&got["score"]), float(&want["score"]));
            assert_eq!(f(&got["mean"]), float(&want["mean"]));
            assert_eq!(f(&got["ci"]), float(&want["ci"]));
            if s == 1 {
                assert_eq!(f(&got["p_value"]), float(&want["p_value"]));
                assert_eq!(f(&j["corpus"][k]["systems"][s]["p_value"]), float(&want["p_value"]));
            }
        }
    }
    // Every section has its numbers: buckets cover every sentence and word.
    let lengths: u64 = j["length_buckets"].as_array().unwrap().iter().map(|b| b["sentences"].as_u64().unwrap()).sum();
    assert_eq!(lengths, 2000);
    for s in 0..2 {
        let n: u64 = j["score_buckets"].as_array().unwrap().iter().map(|b| b["sentences"][s].as_u64().unwrap()).sum();
        assert_eq!(n, 2000);
    }
    let pair = &j["pairs"][0];
    for list in ["ngrams_baseline", "ngrams_system", "system_better", "baseline_better"] {
        assert_eq!(pair[list].as_array().unwrap().len(), 10, "{list}");
    }

    let html = fs::read_to_string(&page).unwrap();
    assert_self_contained(&html);
    assert!(html.contains("S1 vs") && html.contains("<mark>"));
    // S2 (GARENG) has the better BLEU: in bold.
    let bleu = format!("{:.1}", f(&j["corpus"][0]["systems"][1]["score"]));
    assert!(html.contains(&format!("<td><b>{bleu}</b><small")), "BLEU {bleu} of S2 on the page");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn one_system_with_a_json_path_and_frequencies() {
    let dir = out_dir("one");
    let (hyp, reference, freq) = (dir.join("hyp.en"), dir.join("ref.en"), dir.join("train.en"));
    fs::write(&reference, "The cat sat on the mat.\nA dog.\n").unwrap();
    fs::write(&hyp, "The cat sat on a mat.\nA dog barked.\n").unwrap();
    fs::write(&freq, "the cat\nthe\n").unwrap();
    let (page, json) = (dir.join("r.html"), dir.join("data/r.json"));
    fs::create_dir(dir.join("data")).unwrap();
    eval(&[s(&reference), "-i", s(&hyp), "--report", s(&page), "--report-json", s(&json), "--report-freq-file", s(&freq)]).unwrap();
    let j = read_json(&json);
    assert!(!dir.join("r.json").exists());
    assert_eq!(j["systems"].as_array().unwrap().len(), 1);
    assert!(j["significance"].is_null() && j["pairs"].as_array().unwrap().is_empty());
    assert_eq!(j["settings"]["frequencies"], s(&freq));
    // Reference words seen twice in train.en: "the" (lowercase, once in the references).
    assert_eq!(j["word_buckets"][2]["reference_words"], 1);
    let html = fs::read_to_string(&page).unwrap();
    assert_self_contained(&html);
    assert!(html.contains("One system"));
    assert!(html.contains(&format!("<code>{}</code>", s(&hyp))));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn differing_sentences_are_escaped() {
    let dir = out_dir("escape");
    let (a, b, reference) = (dir.join("a.en"), dir.join("b.en"), dir.join("ref.en"));
    fs::write(&reference, "It is <b>bold</b> & new.\nSame line.\n").unwrap();
    fs::write(&a, "It is <script>alert(1)</script> & new.\nSame line.\n").unwrap();
    fs::write(&b, "It is <b>bold</b> & new.\nSame line.\n").unwrap();
    let page = dir.join("r.html");
    eval(&[s(&reference), "-i", s(&a), s(&b), "--report", s(&page), "--paired-bs-n", "50", "--confidence-n", "50"]).unwrap();
    let html = fs::read_to_string(&page).unwrap();
    assert_self_contained(&html);
    // S1's words that match the reference ("It is < ... > & new ." as 13a splits them) marked,
    // the others not; every "<" escaped.
    assert!(html.contains(
        r#"<span class="lab">S1</span><mark>It is &lt;</mark>script<mark>&gt;</mark>alert(1)<mark>&lt;/</mark>script<mark>&gt; &amp; new.</mark></p>"#
    ));
    // S2 is the reference: all of it marked, as one run of matching words.
    assert!(html.contains("<mark>It is &lt;b&gt;bold&lt;/b&gt; &amp; new.</mark>"), "the matching words of S2 marked");
    let j = read_json(&dir.join("r.json"));
    assert_eq!(j["settings"]["confidence_resamples"], 50);
    assert_eq!(j["settings"]["paired_samples"], 50);
    assert_eq!(j["pairs"][0]["system_better"][0]["line"], 1);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn article_mode_reports_the_aligned_segments() {
    let dir = out_dir("articles");
    let page = dir.join("a.html");
    let arts = fx().join("articles");
    eval(&["--hyp-dir", s(&arts.join("out")), "--ref-dir", s(&arts.join("refs")), "-m", "bleu", "chrf", "ter", "--report", s(&page)])
        .unwrap();
    let j = read_json(&dir.join("a.json"));
    let want = &expected()["articles"];
    assert_eq!(j["segments"].as_u64().unwrap() as usize, want["segments"].as_array().unwrap().len());
    for (k, m) in ["bleu-13a", "chrf", "ter"].iter().enumerate() {
        assert_eq!(f(&j["corpus"][k]["systems"][0]["score"]), float(&want["metrics"][m]["score"]), "{m}");
    }
    assert_self_contained(&fs::read_to_string(&page).unwrap());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn refused_combinations() {
    let fxd = fx();
    let (r, a) = (fxd.join("mt.ref.en"), fxd.join("mt.gnmt.en"));
    let usage = |args: &[&str]| match eval(args) {
        Err(e) => assert_eq!(e.exit_code(), 2, "{e}"),
        Ok(_) => panic!("{args:?} accepted"),
    };
    usage(&[s(&r), "-i", s(&a), "--report-json", "x.json"]);
    usage(&[s(&r), "-i", s(&a), "--report", "x.html", "--sentence-level"]);
    usage(&[s(&r), "-i", s(&a), "--report", "x.html", "--report-json", "x.html"]);
    usage(&[s(&r), "-i", s(&a), "--report", "x.html", "--confidence-n", "0"]);
    // A folder that does not exist: an I/O error naming the path, before any scoring.
    let e = eval(&[s(&r), "-i", s(&a), "--report", "/nonexistent-terjemah/r.html"]).unwrap_err();
    assert_eq!(e.exit_code(), 1);
    assert!(e.to_string().contains("/nonexistent-terjemah/r.html"), "{e}");
}
