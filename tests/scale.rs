//! Translation memory across runs, sharding, manifests merge, shell niceties.

mod common;

use common::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn articles(dir: &Path, from: usize, to: usize) {
    let seed = fs::read_to_string(seed_article()).unwrap();
    for i in from..to {
        fs::create_dir_all(dir.join(format!("d{}", i % 4))).unwrap();
        fs::write(dir.join(format!("d{}/a{i}.txt", i % 4)), seed.replace("Blinken", &format!("Blinken{i}"))).unwrap();
    }
}

#[test]
fn the_translation_memory_serves_repeated_sentences_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    articles(&input, 0, 6);
    let tm = dir.path().join("tm.sqlite");
    let go = |out: &str| {
        translate(&input, dir.path().join(out)).args(["--tm".as_ref(), tm.as_os_str()]).ok();
        manifest(&dir.path().join(out))
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
    translate(&input, dir.path().join("out3")).args(["--no-tm"]).ok();
    assert_eq!(tree(&dir.path().join("out2")), tree(&dir.path().join("out3")));
    // Another decoding option is another key: nothing is served.
    translate(&input, dir.path().join("out4")).max_decoding_length(9).args(["--tm".as_ref(), tm.as_os_str()]).ok();
    let c4 = manifest(&dir.path().join("out4"))["counts"].clone();
    assert!(c4["unique_translated"].as_u64().unwrap() >= translated_first, "every sentence translated again: {c4}");
}

#[test]
fn three_shards_give_the_same_outputs_as_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    articles(&input, 0, 13);
    let run_of = |out: &Path| translate(&input, out).model("tiny-nllb").args(["--no-tm"]);
    let single = dir.path().join("single");
    run_of(&single).ok();

    let sharded = dir.path().join("sharded");
    let shards: Vec<String> = (0..3).map(|k| format!("{k}/3")).collect();
    let children: Vec<_> = shards.iter().map(|s| run_of(&sharded).args(["--shard", s]).command().spawn().unwrap()).collect();
    for c in children {
        assert!(c.wait_with_output().unwrap().status.success());
    }
    assert_eq!(tree(&single), tree(&sharded), "the shards together wrote exactly the single run's files");
    let parts: Vec<PathBuf> = (0..3).map(|k| sharded.join(format!("manifest.shard-{k}-of-3.json"))).collect();
    let sizes: Vec<u64> = parts.iter().map(|p| read_json(p)["counts"]["succeeded"].as_u64().unwrap()).collect();
    assert_eq!(sizes.iter().sum::<u64>(), 13);
    assert!(sizes.iter().all(|&n| n > 0), "every shard had work: {sizes:?}");

    let mut args = vec!["merge-manifests"];
    let part_strs: Vec<String> = parts.iter().map(|p| p.to_str().unwrap().to_string()).collect();
    args.extend(part_strs.iter().map(String::as_str));
    assert_ok(&run(&args));
    let merged = manifest(&sharded);
    let one = manifest(&single);
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
    run_of(&other).args(["--shard", "0/3", "--beam", "1"]).ok();
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
    let o = translate(seed_article(), dir.path()).verbose().args(["--json"]).ok();
    let events: Vec<serde_json::Value> =
        stderr(&o).lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}"))).collect();
    assert_eq!(events.first().unwrap()["event"], "start");
    assert_eq!(events.last().unwrap()["event"], "done");
    assert!(events.iter().any(|e| e["event"] == "progress"));
}

#[test]
fn help_shows_examples() {
    let o = run(&["translate", "--help"]);
    assert_ok(&o);
    assert!(stdout(&o).contains("Examples:"));
}

/// `command` on a pseudo-terminal (util-linux `script`), with `TERM` set and `NO_COLOR` set or
/// not: what a user's terminal gets, stdout and stderr together.
fn on_a_terminal(command: &Command, no_colour: bool) -> String {
    let line = std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|a| format!("'{}'", a.to_str().unwrap().replace('\'', r"'\''")))
        .collect::<Vec<_>>()
        .join(" ");
    let mut script = Command::new("script");
    script.args(["--quiet", "--return", "--command", &line, "/dev/null"]);
    for (k, v) in command.get_envs() {
        match v {
            Some(v) => script.env(k, v),
            None => script.env_remove(k),
        };
    }
    script.env("TERM", "xterm-256color").env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    if no_colour {
        script.env("NO_COLOR", "1");
    }
    let o = script.stdin(Stdio::null()).output().expect("script (util-linux) runs a command on a pseudo-terminal");
    assert_ok(&o);
    stdout(&o)
}

/// SGR sequences: colours and text styles (not the cursor moves a progress bar also makes).
fn styles(terminal: &str) -> usize {
    terminal
        .match_indices("\u{1b}[")
        .filter(|(i, _)| terminal[i + 2..].trim_start_matches(|c: char| c.is_ascii_digit() || c == ';').starts_with('m'))
        .count()
}

#[test]
fn colour_on_a_terminal_and_none_with_no_color() {
    // Help (clap, on stdout) and the progress bar (indicatif, on stderr) style their text on a
    // terminal; NO_COLOR takes every style away.
    let dir = tempfile::tempdir().unwrap();
    let help = terjemah(&["translate", "--help"]);
    let bar = |out: &str| translate(seed_article(), dir.path().join(out)).verbose().command();
    for (what, coloured, plain) in [
        ("help", on_a_terminal(&help, false), on_a_terminal(&help, true)),
        ("progress bar", on_a_terminal(&bar("a"), false), on_a_terminal(&bar("b"), true)),
    ] {
        assert!(styles(&coloured) > 0, "{what}: styled on a terminal without NO_COLOR:\n{coloured:?}");
        assert_eq!(styles(&plain), 0, "{what}: NO_COLOR, yet styled:\n{plain:?}");
        assert!(plain.contains(if what == "help" { "Examples:" } else { "documents" }), "{what}: {plain:?}");
    }
}
