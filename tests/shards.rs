//! A job spread over shards, one of which dies: `merge-manifests` names the shards missing or
//! incomplete instead of merging silently, rerunning the dead shard alone finishes the job, and
//! the per-shard translation memories merge into one (`terjemah tm merge`). The same job on a
//! real Slurm cluster: scripts/test-slurm.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::fs;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::Stdio;

fn outputs(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let name = e.file_name().to_string_lossy();
            e.file_type().is_file() && !name.starts_with("manifest") && !name.starts_with(".terjemah")
        })
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), fs::read(e.path()).unwrap()))
        .collect()
}

fn manifest(p: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(p).unwrap()).unwrap()
}

const ARTICLES: usize = 80;

fn translate_args<'a>(input: &'a str, out: &'a str, m: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["translate", input, "--out", out, "--model", m, "--max-decoding-length", "8"];
    args.extend(extra);
    args
}

/// Run shard 2 of 4 one document per chunk and SIGKILL it right after its second progress event
/// (the manifest is written after each chunk's event, so the first chunk's is there by then);
/// true when it was killed leaving an incomplete manifest (the kill can also land after the
/// run finished: then the caller tries again).
fn kill_shard(input: &str, out: &Path, m: &str, tm: &str) -> bool {
    let shard_manifest = out.join("manifest.shard-2-of-4.json");
    let _ = fs::remove_file(&shard_manifest);
    let o = out.to_str().unwrap();
    let args = translate_args(input, o, m, &["--shard", "2/4", "--tm", tm, "--json", "--chunk-sentences", "1", "--force"]);
    let mut child = terjemah(&args).stderr(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    let lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut lines = lines.map_while(Result::ok);
    let progressed = (0..2).all(|_| lines.any(|l| l.contains("\"event\":\"progress\"")));
    let running = child.try_wait().unwrap().is_none();
    if running {
        child.kill().unwrap(); // SIGKILL
    }
    let drain = std::thread::spawn(move || lines.count());
    child.wait().unwrap();
    drain.join().unwrap();
    progressed
        && running
        && fs::read(&shard_manifest)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .is_some_and(|v| v["complete"] == false)
}

#[test]
fn a_dead_shard_is_named_by_merge_manifests_and_rerunning_it_alone_finishes_the_job() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let seed = fs::read_to_string(seed_article()).unwrap();
    for i in 0..ARTICLES {
        fs::create_dir_all(input.join(format!("d{}", i % 4))).unwrap();
        fs::write(input.join(format!("d{}/a{i}.txt", i % 4)), seed.replace("Blinken", &format!("Blinken{i}"))).unwrap();
    }
    let model = model("tiny-nllb");
    let (input, m) = (input.to_str().unwrap(), model.to_str().unwrap());
    let single = dir.path().join("single");
    assert_ok(&run(&translate_args(input, single.to_str().unwrap(), m, &["--quiet", "--no-tm"])));

    let out = dir.path().join("sharded");
    let o = out.to_str().unwrap();
    let tm = |k: usize| dir.path().join(format!("tm-{k}.sqlite")).to_str().unwrap().to_string();
    for k in [0, 1, 3] {
        let (shard, tm) = (format!("{k}/4"), tm(k));
        assert_ok(&run(&translate_args(input, o, m, &["--quiet", "--shard", &shard, "--tm", &tm])));
    }
    let tries = (1..=10).find(|_| kill_shard(input, &out, m, &tm(2)));
    assert!(tries.is_some(), "shard 2 was never killed mid-run in 10 tries");
    eprintln!("shard 2 killed mid-run at try {}", tries.unwrap());
    let shard_manifest = |k: usize| out.join(format!("manifest.shard-{k}-of-4.json"));
    let done_before = manifest(&shard_manifest(2))["documents"].as_array().unwrap().len();
    assert!(done_before > 0);

    // Every shard manifest there: shard 2 is named incomplete, nothing is written.
    let all: Vec<String> = (0..4).map(|k| shard_manifest(k).to_str().unwrap().to_string()).collect();
    let merge = |paths: &[&String], extra: &[&str]| {
        let mut args = vec!["merge-manifests"];
        args.extend(paths.iter().map(|s| s.as_str()));
        args.extend(extra);
        run(&args)
    };
    let r = merge(&all.iter().collect::<Vec<_>>(), &[]);
    assert_eq!(r.status.code(), Some(1), "{}", stderr(&r));
    let err = stderr(&r);
    assert!(err.contains(&format!("shard 2 of 4: {} is incomplete ({done_before} documents done)", all[2])), "{err}");
    assert!(err.contains("--shard K/N") && !err.contains("shard 0 of 4") && !err.contains("shard 3 of 4"), "{err}");
    assert!(!out.join("manifest.json").exists());

    // Shard 3's manifest not passed (a glob written for another N, a file lost): named too.
    let r = merge(&[&all[0], &all[1]], &[]);
    assert_eq!(r.status.code(), Some(1));
    assert!(stderr(&r).contains(&format!("shard 3 of 4: not given (pass {} too)", all[3])), "{}", stderr(&r));
    // A shard that never wrote its manifest.
    let gone = dir.path().join("gone.json");
    fs::rename(shard_manifest(3), &gone).unwrap();
    let r = merge(&[&all[0], &all[1], &all[2]], &[]);
    assert!(stderr(&r).contains("shard 3 of 4: no manifest") && stderr(&r).contains("it never ran"), "{}", stderr(&r));
    fs::rename(&gone, shard_manifest(3)).unwrap();

    // --allow-incomplete merges what is there, marked incomplete.
    let r = merge(&all.iter().collect::<Vec<_>>(), &["--allow-incomplete"]);
    assert_ok(&r);
    assert!(stderr(&r).contains("warning: merging an unfinished job"), "{}", stderr(&r));
    assert_eq!(manifest(&out.join("manifest.json"))["complete"], false);

    // Shard 2 rerun alone (as its scheduler would rerun it): the documents it finished are
    // skipped, the rest translated; then the job merges, identical to one process's run.
    assert_ok(&run(&translate_args(input, o, m, &["--quiet", "--shard", "2/4", "--tm", &tm(2)])));
    let c2 = manifest(&shard_manifest(2))["counts"].clone();
    assert!(c2["up_to_date"].as_u64().unwrap() >= done_before as u64, "{c2}");
    let r = merge(&all.iter().collect::<Vec<_>>(), &[]);
    assert_ok(&r);
    let merged = manifest(&out.join("manifest.json"));
    assert_eq!(merged["complete"], true);
    assert!(merged.get("shard").is_none());
    assert_eq!(merged["documents"].as_array().unwrap().len(), ARTICLES);
    assert_eq!(outputs(&single), outputs(&out));

    // The four memories joined: a run over the same folder finds every sentence there.
    let joined = dir.path().join("tm.sqlite");
    let mut args = vec!["tm", "merge", joined.to_str().unwrap()];
    let tms: Vec<String> = (0..4).map(tm).collect();
    args.extend(tms.iter().map(String::as_str));
    let r = run(&args);
    assert_ok(&r);
    assert!(stderr(&r).contains("merged 4 translation memories"), "{}", stderr(&r));
    let again = dir.path().join("again");
    assert_ok(&run(&translate_args(input, again.to_str().unwrap(), m, &["--quiet", "--tm", joined.to_str().unwrap()])));
    let c = manifest(&again.join("manifest.json"))["counts"].clone();
    assert_eq!(c["unique_translated"], 0, "{c}");
    assert!(c["tm_hits"].as_u64().unwrap() > 0, "{c}");
    assert_eq!(outputs(&single), outputs(&again));
    // A missing memory is an error naming it.
    let r = run(&["tm", "merge", joined.to_str().unwrap(), dir.path().join("nope.sqlite").to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(1));
    assert!(stderr(&r).contains("nope.sqlite"), "{}", stderr(&r));
}
