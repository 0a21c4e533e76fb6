//! scripts/fetch-model.sh, offline: local Hugging Face folders (the tiny models of
//! scripts/fixtures/test-models.py) converted to CTranslate2 and loaded by terjemah; fetching
//! without network fails fast with a clear message.
//!
//! The conversion tier: these tests need the pinned Python packages, PyTorch among them (7.1 GB
//! that scripts/python-env installs on first use), so they are `#[ignore]`d with that reason:
//! `./scripts/test` skips them and says so, `./scripts/test --all` (and CI) installs the packages
//! and runs them.

mod common;

use common::*;
use std::process::Command;

fn fetch(args: &[&str]) -> std::process::Output {
    Command::new(manifest_dir().join("scripts/fetch-model.sh"))
        .args(args)
        .env("HF_ENDPOINT", "http://127.0.0.1:9") // a closed port: no network, whatever the machine
        .env("HF_HUB_OFFLINE", "1")
        .output()
        .expect("run scripts/fetch-model.sh")
}

#[test]
#[ignore = "conversion tier: needs PyTorch (./scripts/test --all)"]
fn local_hugging_face_folders_convert_and_load() {
    let dir = tempfile::tempdir().unwrap();
    for (hf, name, layout) in
        [("tiny-marian-hf", "conv-marian", "marian"), ("tiny-opus-hf", "conv-opus", "marian"), ("tiny-nllb-hf", "conv-nllb", "nllb")]
    {
        let out = dir.path().join(name);
        let o = fetch(&[name, "--from-dir", fixtures().join("hf").join(hf).to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        for f in ["model.bin", "config.json", "shared_vocabulary.json", "terjemah.json"] {
            assert!(out.join(f).is_file(), "{name}: {f} missing");
        }
        let m = run(&["models", out.to_str().unwrap()]);
        assert_ok(&m);
        assert!(stdout(&m).starts_with(&format!("{name}\t{layout}\t")), "{}", stdout(&m));
        let t = tempfile::tempdir().unwrap();
        let o = run(&[
            "translate",
            seed_article().to_str().unwrap(),
            "--out",
            t.path().to_str().unwrap(),
            "--model",
            out.to_str().unwrap(),
            "--max-decoding-length",
            "8",
            "--quiet",
        ]);
        assert_ok(&o);
        assert!(t.path().join(format!("{SEED}.en.txt")).is_file());
    }
}

#[test]
#[ignore = "conversion tier: needs PyTorch (./scripts/test --all)"]
fn fetching_without_network_fails_fast_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let t0 = std::time::Instant::now();
    let o = fetch(&["opus-mt-id-en", "--out", dir.path().join("x").to_str().unwrap()]);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("needs network access") && e.contains("--from-dir"), "{e}");
    assert!(t0.elapsed().as_secs() < 120, "fails fast");
    assert!(!dir.path().join("x").exists());
}

/// Refused before any Python runs: in the light tier.
#[test]
fn unknown_model_names_are_refused() {
    let o = fetch(&["no-such-model"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("known are"));
}
