//! `scripts/install PREFIX`: the installed folder runs on its own, wherever it is moved, with an
//! empty environment (no PATH, no LD_LIBRARY_PATH, no TERJEMAH_MODEL, another working folder).

mod common;

use common::*;
use std::fs;
use std::path::Path;
use std::process::Command;

/// The C and C++ runtimes every Linux system has; anything else the binary loads must come from
/// the installed folder.
fn is_system(lib: &str) -> bool {
    ["linux-vdso", "ld-linux", "libc.so", "libm.so", "libdl.so", "libpthread.so", "librt.so", "libstdc++.so", "libgcc_s.so"]
        .iter()
        .any(|s| lib.starts_with(s))
}

#[test]
fn an_installed_folder_translates_from_an_empty_environment_after_a_move() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    install_to(&first);
    // Moved after installing: nothing may point back at the install path or the build folder.
    let prefix = dir.path().join("moved");
    fs::rename(&first, &prefix).unwrap();
    let bin = prefix.join("bin/terjemah");

    // Every library the loader picks outside the system's runtimes is one of the installed ones.
    let ldd = Command::new("ldd").arg(&bin).env_clear().output().unwrap();
    assert_ok(&ldd);
    let libdir = prefix.join("lib/terjemah").canonicalize().unwrap();
    for line in stdout(&ldd).lines() {
        assert!(!line.contains("not found"), "{}", stdout(&ldd));
        let Some((name, rest)) = line.trim().split_once(" => ") else { continue };
        let path = rest.split(" (").next().unwrap();
        if !is_system(name) {
            let found = Path::new(path).canonicalize().unwrap();
            assert!(found.starts_with(&libdir), "{name} loaded from {path}, not from {}:\n{}", libdir.display(), stdout(&ldd));
        }
    }

    // Libraries that came with a licence (the prebuilt oneDNN and its runtimes) bring it along.
    if prefix.join("lib/terjemah/libdnnl.so.3").exists() {
        let licences = prefix.join("share/terjemah/licenses");
        let n = fs::read_dir(&licences).map(|d| d.count()).unwrap_or(0);
        assert!(n >= 3, "{n} licence folders in {}", licences.display());
    }

    // No model argument: the installed starter model is the default.
    let work = dir.path().join("elsewhere");
    fs::create_dir(&work).unwrap();
    fs::copy(seed_article(), work.join("artikel.txt")).unwrap();
    let o =
        Command::new(&bin).args(["translate", "artikel.txt", "--out", "out", "--quiet"]).current_dir(&work).env_clear().output().unwrap();
    assert_ok(&o);
    let english = fs::read_to_string(work.join("out/artikel.en.txt")).unwrap();
    let source = fs::read_to_string(seed_article()).unwrap();
    let blocks = |t: &str| t.lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(blocks(&english), blocks(&source), "{english}");
    let model = &manifest(&work.join("out"))["model"]["dir"];
    assert!(model.as_str().unwrap().starts_with(prefix.to_str().unwrap()), "{model}");
}
