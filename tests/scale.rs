//! Translation memory across runs, sharding, manifests merge, shell niceties.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn outputs(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_type().is_file()
                && !e.file_name().to_string_lossy().starts_with("manifest")
                && !e.file_name().to_string_lossy().starts_with(".terjemah")
        })
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), fs::read(e.path()).unwrap()))
        .collect()
}

fn articles(dir: &Path, from: usize, to: usize) {
    let seed = fs::read_to_string(seed_article()).unwrap();
    for i in from..to {
        fs::create_dir_all(dir.join(format!("d{}", i % 4))).unwrap();
        fs::write(dir.join(format!("d{}/a{i}.txt", i % 4)), seed.replace("Blinken", &format!("Blinken{i}"))).unwrap();
    }
}

fn manifest(p: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn the_translation_memory_serves_repeated_sentences_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    articles(&input, 0, 6);
    let tm = dir.path().join("tm.sqlite");
    let m = model("tiny-marian");
    let go = |out: &str| {
        let o = run(&[
            "translate",
            input.to_str().unwrap(),
            "--out",
            dir.path().join(out).to_str().unwrap(),
            "--model",
            m.to_str().unwrap(),
            "--max-decoding-length",
            "8",
            "--quiet",
            "--tm",
            tm.to_str().unwrap(),
        ]);
        assert_ok(&o);
        manifest(&dir.path().join(out).join("manifest.json"))
    };
    let first = go("out1");
    let c1 = &first["counts"];
    // Chunks after the first already find the sentences the articles share.
    let translated_first = c1["unique_translated"].as_u64().unwrap();
    assert!(translated_first > 0 && c1["tm_hits"].as_u64().unwrap() > 0, "{c1}");

    // New articles share most sentences with the old ones: only the new sentences go to the model.
    articles(&input, 6, 8);
    let second = go("out2"); // a fresh output folder: every document is written again
    let c2 = &second["counts"];
    assert_eq!(c2["succeeded"], 8);
    let new_sentences = c2["unique_translated"].as_u64().unwrap();
    assert!(c2["tm_hits"].as_u64().unwrap() >= translated_first, "{c2}");
    assert_eq!(new_sentences, 2 * 3, "two new articles, three new sentences each (the ones naming Blinken): {c2}");
    // Outputs from the memory equal outputs from the model.
    let o3 = run(&[
        "translate",
        input.to_str().unwrap(),
        "--out",
        dir.path().join("out3").to_str().unwrap(),
        "--model",
        m.to_str().unwrap(),
        "--max-decoding-length",
        "8",
        "--quiet",
        "--no-tm",
    ]);
    assert_ok(&o3);
    assert_eq!(outputs(&dir.path().join("out2")), outputs(&dir.path().join("out3")));
    // Another decoding option is another key: nothing is served.
    let o4 = run(&[
        "translate",
        input.to_str().unwrap(),
        "--out",
        dir.path().join("out4").to_str().unwrap(),
        "--model",
        m.to_str().unwrap(),
        "--max-decoding-length",
        "9",
        "--quiet",
        "--tm",
        tm.to_str().unwrap(),
    ]);
    assert_ok(&o4);
    let c4 = manifest(&dir.path().join("out4/manifest.json"))["counts"].clone();
    assert!(c4["unique_translated"].as_u64().unwrap() >= translated_first, "every sentence translated again: {c4}");
}

#[test]
fn three_shards_give_the_same_outputs_as_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    articles(&input, 0, 13);
    let m = model("tiny-nllb");
    let single = dir.path().join("single");
    let base = ["--model", m.to_str().unwrap(), "--max-decoding-length", "8", "--quiet", "--no-tm"];
    let mut args = vec!["translate", input.to_str().unwrap(), "--out", single.to_str().unwrap()];
    args.extend(base);
    assert_ok(&run(&args));

    let sharded = dir.path().join("sharded");
    let shards: Vec<String> = (0..3).map(|k| format!("{k}/3")).collect();
    let children: Vec<_> = shards
        .iter()
        .map(|s| {
            let mut args = vec!["translate", input.to_str().unwrap(), "--out", sharded.to_str().unwrap(), "--shard", s];
            args.extend(base);
            terjemah(&args).spawn().unwrap()
        })
        .collect();
    for c in children {
        assert!(c.wait_with_output().unwrap().status.success());
    }
    assert_eq!(outputs(&single), outputs(&sharded), "the shards together wrote exactly the single run's files");
    let parts: Vec<PathBuf> = (0..3).map(|k| sharded.join(format!("manifest.shard-{k}-of-3.json"))).collect();
    let sizes: Vec<u64> = parts.iter().map(|p| manifest(p)["counts"]["succeeded"].as_u64().unwrap()).collect();
    assert_eq!(sizes.iter().sum::<u64>(), 13);
    assert!(sizes.iter().all(|&n| n > 0), "every shard had work: {sizes:?}");

    let mut args = vec!["merge-manifests"];
    let part_strs: Vec<String> = parts.iter().map(|p| p.to_str().unwrap().to_string()).collect();
    args.extend(part_strs.iter().map(String::as_str));
    assert_ok(&run(&args));
    let merged = manifest(&sharded.join("manifest.json"));
    let one = manifest(&single.join("manifest.json"));
    assert_eq!(merged["counts"]["succeeded"], 13);
    assert_eq!(merged["counts"]["segments"], one["counts"]["segments"]);
    let sources = |m: &serde_json::Value| {
        m["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["source"].as_str().unwrap().to_string())
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(sources(&merged), sources(&one));

    // Shards of different runs cannot be merged.
    let other = dir.path().join("other");
    let mut args = vec!["translate", input.to_str().unwrap(), "--out", other.to_str().unwrap(), "--shard", "0/3", "--beam", "1"];
    args.extend(base);
    assert_ok(&run(&args));
    let o = run(&[
        "merge-manifests",
        part_strs[1].as_str(),
        other.join("manifest.shard-0-of-3.json").to_str().unwrap(),
        "--out",
        dir.path().join("m.json").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("different models or options"));
}

#[test]
fn completions_models_and_json_progress() {
    for shell in ["bash", "zsh", "fish"] {
        let o = run(&["completions", shell]);
        assert_ok(&o);
        assert!(stdout(&o).contains("translate") && stdout(&o).contains("merge-manifests"), "{shell}");
    }
    let o = run(&["models", fixtures().join("models").to_str().unwrap()]);
    assert_ok(&o);
    let out = stdout(&o);
    assert!(out.lines().any(|l| l.starts_with("tiny-marian\tmarian")), "{out}");
    assert!(out.lines().any(|l| l.starts_with("tiny-nllb\tnllb\tind_Latn -> eng_Latn")), "{out}");
    let o = run(&["models", "--json", model("tiny-nllb").to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["fingerprint"].as_str().unwrap().len(), 16);

    let dir = tempfile::tempdir().unwrap();
    let m = model("tiny-marian");
    let o = run(&[
        "translate",
        seed_article().to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
        "--model",
        m.to_str().unwrap(),
        "--max-decoding-length",
        "8",
        "--json",
    ]);
    assert_ok(&o);
    let events: Vec<serde_json::Value> =
        stderr(&o).lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}"))).collect();
    assert_eq!(events.first().unwrap()["event"], "start");
    assert_eq!(events.last().unwrap()["event"], "done");
    assert!(events.iter().any(|e| e["event"] == "progress"));
}

#[test]
fn help_shows_examples_and_no_colour_when_asked() {
    let o = run(&["translate", "--help"]);
    assert_ok(&o);
    assert!(stdout(&o).contains("Examples:"));
    assert!(!stdout(&o).contains('\u{1b}'), "NO_COLOR: no escape sequences");
}
