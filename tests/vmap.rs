//! Vocabulary shortlists as a user builds and uses them: `terjemah vmap build`, then
//! `translate --vmap auto|off|PATH`, on the tiny test models.

mod common;

use common::*;
use std::fs;
use std::path::{Path, PathBuf};

fn parallel() -> (PathBuf, PathBuf) {
    (fixtures().join("parallel/tico19.id"), fixtures().join("parallel/tico19.en"))
}

/// A writable copy of a fixture model (a built shortlist lands in the model folder).
fn model_copy(name: &str, into: &Path) -> PathBuf {
    let dir = into.join(name);
    fs::create_dir_all(&dir).unwrap();
    for e in fs::read_dir(model(name)).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    dir
}

fn build(model_dir: &Path, extra: &[&str]) -> std::process::Output {
    let (src, tgt) = parallel();
    let mut args = vec!["vmap", "build", "--source", src.to_str().unwrap(), "--target", tgt.to_str().unwrap()];
    args.extend(["--model", model_dir.to_str().unwrap(), "--max-decoding-length", "12"]);
    args.extend(extra);
    run(&args)
}

/// A shortlist that lists the model's whole target vocabulary: decoding with it must give
/// exactly what the whole vocabulary gives.
fn whole_vocabulary_shortlist(model_dir: &Path, path: &Path, per_batch: bool) {
    let vocab: Vec<String> = serde_json::from_str(&fs::read_to_string(model_dir.join("shared_vocabulary.json")).unwrap()).unwrap();
    let mut text = format!("\t{}\n", vocab.join(" "));
    if per_batch {
        text.push_str(&format!("{}\t{}\n", vocab[5], vocab[6]));
    }
    fs::write(path, text).unwrap();
}

#[test]
fn a_shortlist_is_built_from_parallel_text_with_its_coverage() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = model_copy("tiny-marian", tmp.path());
    let o = build(&dir, &["--check", "20"]);
    assert_ok(&o);
    let err = stderr(&o);
    assert!(err.contains("coverage on 20 held-out sentences"), "{err}");
    let text = fs::read_to_string(dir.join("vmap.txt")).unwrap();
    let mut lines = text.lines();
    // The always line first (empty source), with the end token; then one line per source n-gram,
    // with bigrams among them.
    let always = lines.next().unwrap();
    assert!(always.starts_with('\t') && always[1..].split(' ').any(|t| t == "</s>"), "{always}");
    let rules: Vec<&str> = lines.collect();
    assert!(rules.len() > 100 && rules.iter().all(|l| l.split_once('\t').is_some_and(|(s, t)| !s.is_empty() && !t.is_empty())));
    assert!(rules.iter().any(|l| l.split('\t').next().unwrap().contains(' ')), "no bigram lines");
    let report = read_json(&dir.join("vmap.json"));
    assert_eq!((report["mode"].as_str(), report["kind"].as_str()), (Some("parallel"), Some("per-batch")));
    assert_eq!(report["pairs"], 380); // 400 less the 20 held out
    let c = &report["coverage"];
    assert_eq!(c["sentences"], 20);
    for k in ["identical_share", "covered_share", "pieces_covered_share"] {
        assert!((0.0..=1.0).contains(&c[k].as_f64().unwrap()), "{k}: {c}");
    }
    // Every candidate is a piece of the model's vocabulary.
    let vocab: std::collections::HashSet<String> =
        serde_json::from_str(&fs::read_to_string(dir.join("shared_vocabulary.json")).unwrap()).unwrap();
    for line in text.lines() {
        let (_, targets) = line.split_once('\t').unwrap();
        assert!(targets.split(' ').all(|t| vocab.contains(t)), "{line}");
    }
}

#[test]
fn auto_takes_the_folder_shortlist_and_the_manifest_records_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = model_copy("tiny-marian", tmp.path());
    let out = tmp.path().join("out");
    translate(seed_article(), &out).model_dir(&dir).ok();
    assert!(manifest(&out)["options"]["shortlist"].is_null());
    assert_ok(&build(&dir, &["--check", "0"]));
    // The shortlist decides translations: the article is translated again, with it.
    translate(seed_article(), &out).model_dir(&dir).ok();
    let m = manifest(&out);
    assert_eq!(m["counts"]["up_to_date"], 0, "{}", m["counts"]);
    let s = &m["options"]["shortlist"];
    assert!(s["path"].as_str().unwrap().ends_with("vmap.txt") && s["fingerprint"].as_str().unwrap().len() == 16, "{s}");
    assert_eq!(m["options"]["decisive"]["vmap"], s["fingerprint"]);
    // Off: the whole vocabulary again, recorded as none.
    translate(seed_article(), &out).model_dir(&dir).args(["--vmap", "off"]).ok();
    assert!(manifest(&out)["options"]["shortlist"].is_null());
}

#[test]
fn the_whole_vocabulary_as_a_shortlist_changes_no_translation() {
    // Many small batches: each replica decodes several with the shortlist in turn.
    let tmp = tempfile::tempdir().unwrap();
    let news = fixtures().join("parallel/tico19.id");
    for (name, per_batch) in [("tiny-marian", true), ("tiny-nllb", false)] {
        let vmap = tmp.path().join(format!("{name}.vmap.txt"));
        whole_vocabulary_shortlist(&model(name), &vmap, per_batch);
        let lines = |v: &str| {
            let out = tmp.path().join(format!("{name}-{}.en", v.len()));
            let args = ["translate", "--lines", news.to_str().unwrap(), "--out", out.to_str().unwrap(), "--model"];
            let model_dir = model(name);
            let mut all: Vec<&str> = args.to_vec();
            all.extend([model_dir.to_str().unwrap(), "--vmap", v, "--batch-tokens", "64", "--max-decoding-length", "10", "--no-tm"]);
            assert_ok(&run(&all));
            fs::read_to_string(out).unwrap()
        };
        let (off, with) = (lines("off"), lines(vmap.to_str().unwrap()));
        assert_eq!(off.lines().count(), 400);
        assert_eq!(off, with, "{name}: the shortlist changed translations");
    }
}

#[test]
fn nllb_takes_a_static_shortlist_and_refuses_a_per_batch_one() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = model_copy("tiny-nllb", tmp.path());
    // Built static by default for NLLB: one always line.
    assert_ok(&build(&dir, &["--check", "10", "--batch-tokens", "64"]));
    assert_eq!(read_json(&dir.join("vmap.json"))["kind"], "static");
    assert_eq!(fs::read_to_string(dir.join("vmap.txt")).unwrap().lines().count(), 1);
    translate(seed_article(), tmp.path().join("out")).model_dir(&dir).args(["--batch-tokens", "64"]).ok();
    // Per batch: CTranslate2 would force a wrong language token after the first batch.
    let per_batch = tmp.path().join("per-batch.txt");
    assert_ok(&build(&dir, &["--check", "0", "--kind", "per-batch", "--out", per_batch.to_str().unwrap()]));
    let o = translate(seed_article(), tmp.path().join("out2")).model_dir(&dir).args(["--vmap", per_batch.to_str().unwrap()]).run();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--kind static"), "{}", stderr(&o));
}

#[test]
fn a_shortlist_is_learnt_from_the_models_own_translations_of_articles() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("mine.txt");
    let o = run(&[
        "vmap",
        "build",
        seed_article().to_str().unwrap(),
        "--model",
        model("tiny-marian").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--check",
        "5",
        "--max-decoding-length",
        "8",
    ]);
    assert_ok(&o);
    let report = read_json(&tmp.path().join("mine.json"));
    assert_eq!(report["mode"], "translations");
    assert!(report["pairs"].as_u64().unwrap() >= 5 && report["coverage"]["sentences"] == 5, "{report}");
    assert!(stderr(&o).contains(&format!("--vmap {}", out.display())), "{}", stderr(&o));
    // The model folder is left as it was.
    assert!(!model("tiny-marian").join("vmap.txt").exists());
}

#[test]
fn shortlist_mistakes_are_explained() {
    let tmp = tempfile::tempdir().unwrap();
    // A --vmap file that is not there.
    let o = translate(seed_article(), tmp.path().join("o")).args(["--vmap", "nope/vmap.txt"]).run();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope/vmap.txt: no such file"), "{}", stderr(&o));
    // Parallel text whose sides differ in length.
    let short = tmp.path().join("short.en");
    fs::write(&short, "one line\n").unwrap();
    let (src, _) = parallel();
    let m = model("tiny-marian");
    let o = run(&["vmap", "build", "--source", src.to_str().unwrap(), "--target", short.to_str().unwrap(), "-m", m.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("has 400 lines") && stderr(&o).contains("short.en has 1"), "{}", stderr(&o));
    // Nothing to learn from.
    let o = run(&["vmap", "build", "-m", m.to_str().unwrap(), "--out", tmp.path().join("x.txt").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nothing to learn from"), "{}", stderr(&o));
    assert!(!tmp.path().join("x.txt").exists(), "no half-made shortlist is left");
}
