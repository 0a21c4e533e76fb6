//! The reliability tests that need root: file permissions (root ignores them, so terjemah runs
//! as the user `nobody`) and a full disk (a small tmpfs, mounted). As another user, or where
//! mounting is refused, each is reported as ignored with its reason, not as passed. CI runs as
//! root. A libtest-mimic harness (`harness = false` in Cargo.toml): libtest cannot decide at
//! run time that a test is ignored.

mod common;

use common::*;
use libtest_mimic::{Arguments, Completion, Failed, Trial};
use std::fs;
use std::path::Path;
use std::process::Command;

fn main() {
    let args = Arguments::from_args();
    let tests = vec![
        Trial::ignorable_test("unreadable_files_and_unwritable_output_folders", unreadable_files_and_unwritable_output_folders),
        Trial::ignorable_test("a_full_disk_fails_clearly_without_partial_files", a_full_disk_fails_clearly_without_partial_files),
    ];
    libtest_mimic::run(&args, tests).exit();
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Run a command as the unprivileged user `nobody` (root ignores file permissions, so the
/// permission tests need another user).
fn as_nobody(args: &[&str], work: &Path) -> std::process::Output {
    // The binary, the shared libraries it loads (the build's are under root's home, which nobody
    // cannot read) and the model must be readable by nobody: install them next to the test data.
    let prefix = work.join("installed");
    let bin = install_to(&prefix);
    let model_copy = work.join("model");
    fs::create_dir_all(&model_copy).unwrap();
    for f in fs::read_dir(model("tiny-marian")).unwrap() {
        let f = f.unwrap();
        fs::copy(f.path(), model_copy.join(f.file_name())).unwrap();
    }
    for p in [&prefix, &model_copy] {
        Command::new("chmod").args(["-R", "a+rX", p.to_str().unwrap()]).status().unwrap();
    }
    let mut full = vec!["--reuid=nobody", "--regid=nogroup", "--clear-groups", bin.to_str().unwrap()];
    full.extend(args);
    full.extend(["--model", model_copy.to_str().unwrap(), "--max-decoding-length", "8"]);
    Command::new("setpriv").args(&full).output().expect("setpriv (util-linux)")
}

fn unreadable_files_and_unwritable_output_folders() -> Result<Completion, Failed> {
    if !is_root() {
        return Ok(Completion::ignored_with("needs root, to run terjemah as the user nobody"));
    }
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    Command::new("chmod").args(["755", work.to_str().unwrap()]).status().unwrap();
    let input = work.join("in");
    fs::create_dir_all(&input).unwrap();
    fs::copy(seed_article(), input.join("baik.txt")).unwrap();
    fs::write(input.join("rahasia.txt"), "Judul\n\nIsi rahasia.\n").unwrap();
    Command::new("chmod").args(["-R", "a+rX", input.to_str().unwrap()]).status().unwrap();
    let out = work.join("out");
    fs::create_dir_all(&out).unwrap();
    let ro = work.join("readonly");
    fs::create_dir_all(&ro).unwrap();
    Command::new("chmod").args(["-R", "a+rwX", out.to_str().unwrap()]).status().unwrap();
    Command::new("chmod").args(["000", input.join("rahasia.txt").to_str().unwrap()]).status().unwrap();
    Command::new("chmod").args(["555", ro.to_str().unwrap()]).status().unwrap();

    let o = as_nobody(&["translate", input.to_str().unwrap(), "--out", out.to_str().unwrap()], work);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.lines().any(|l| l.contains("rahasia.txt") && l.contains("permission denied")), "{e}");
    assert!(out.join("baik.en.txt").is_file());

    let o = as_nobody(&["translate", input.join("baik.txt").to_str().unwrap(), "--out", ro.join("x").to_str().unwrap()], work);
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("cannot write to the output folder") && e.contains("permission denied"), "{e}");
    assert!(!e.contains("panicked"));
    Ok(Completion::Completed)
}

fn a_full_disk_fails_clearly_without_partial_files() -> Result<Completion, Failed> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    corpus(&input, 12);
    let small = dir.path().join("small");
    fs::create_dir_all(&small).unwrap();
    if !is_root() {
        return Ok(Completion::ignored_with("needs root, to mount a small tmpfs"));
    }
    let mounted =
        Command::new("mount").args(["-t", "tmpfs", "-o", "size=48k", "tmpfs", small.to_str().unwrap()]).status().is_ok_and(|s| s.success());
    if !mounted {
        return Ok(Completion::ignored_with("cannot mount a tmpfs here (a container without CAP_SYS_ADMIN?)"));
    }
    let o = translate(&input, &small).run();
    let result = std::panic::catch_unwind(|| {
        assert!(!o.status.success());
        let e = stderr(&o);
        assert!(e.contains("disk full") || e.contains("No space left"), "{e}");
        assert!(!e.contains("panicked"));
        // Whatever was written is whole: no temporary file, and every JSONL line parses.
        for f in walkdir::WalkDir::new(&small).into_iter().filter_map(|e| e.ok()).filter(|e| e.file_type().is_file()) {
            let name = f.file_name().to_string_lossy().to_string();
            assert!(!name.ends_with(".tmp"), "temporary file left: {name}");
            if name.ends_with(".jsonl") {
                read_jsonl(f.path());
            }
        }
    });
    Command::new("umount").arg(&small).status().unwrap();
    result.unwrap();
    Ok(Completion::Completed)
}
