//! `terjemah eval`'s command line against sacrebleu's: sacrebleu command lines run unchanged and
//! print what sacrebleu printed (`scripts/fixtures/sacrebleu-expected.py` wrote it into
//! `tests/fixtures/eval/`; no Python runs here), with its exit codes; terjemah's own options,
//! errors, JSON and article mode. The metrics themselves are tested in the eval crate
//! (`crates/eval/tests/sacrebleu.rs`).

mod common;
#[path = "../crates/eval/tests/support/expected.rs"]
mod expected;

use std::fs;

use common::*;
use expected::{expected, float, fx};
use serde_json::Value;

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
