//! Bad input, interruption and resume, locking, full and read-only disks: terjemah keeps going,
//! says what happened, and never loses or half-writes an output.

mod common;

use common::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn tiny() -> String {
    model("tiny-marian").to_str().unwrap().to_string()
}

/// Translate `input` into `out` with the tiny model; returns the process output.
fn translate(input: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let m = tiny();
    let mut args =
        vec!["translate", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--model", &m, "--max-decoding-length", "8", "--quiet"];
    args.extend(extra);
    run(&args)
}

/// Every file under `dir` (relative path -> bytes), manifest excluded (it holds timings).
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.file_name() != "manifest.json" && e.file_name() != ".terjemah.lock")
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), fs::read(e.path()).unwrap()))
        .collect()
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap()
}

/// A folder of `n` distinct articles built from the seed article.
fn corpus(dir: &Path, n: usize) {
    let seed = fs::read_to_string(seed_article()).unwrap();
    for i in 0..n {
        let sub = dir.join(format!("bagian{}", i % 3));
        fs::create_dir_all(&sub).unwrap();
        let text = seed.replace("Rusia", &format!("Rusia {i}")).replace("NATO", &format!("NATO-{}", i * 7));
        fs::write(sub.join(format!("artikel {i:03}.txt")), text).unwrap();
    }
}

/// `translate --json` into `out` with the tiny model: (exit status, stderr lines).
fn run_json(input: &Path, out: &Path) -> (std::process::ExitStatus, Vec<String>) {
    let o = translate_cmd(input, out).output().unwrap();
    (o.status, String::from_utf8_lossy(&o.stderr).lines().map(str::to_string).collect())
}

fn translate_cmd(input: &Path, out: &Path) -> Command {
    let m = tiny();
    let mut c = terjemah(&[
        "translate",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        &m,
        "--max-decoding-length",
        "8",
        "--json",
        "--chunk-sentences",
        "64",
    ]);
    c.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::piped());
    c
}

fn progress_events(lines: &[String]) -> u64 {
    lines.iter().filter(|l| l.contains("\"event\":\"progress\"")).count() as u64
}

/// Start a run, SIGKILL it `pause` after its `after`-th progress event (or after its start-up
/// when `after` is 0). Returns whether the run was still going when killed.
fn kill_after(input: &Path, out: &Path, after: u64, pause: Duration) -> bool {
    use std::io::BufRead;
    let mut child = translate_cmd(input, out).spawn().unwrap();
    // A thread drains stderr to the end, so the run never meets a closed pipe.
    let (tx, rx) = std::sync::mpsc::channel();
    let stream = std::io::BufReader::new(child.stderr.take().unwrap());
    let drain = std::thread::spawn(move || {
        for line in stream.lines().map_while(Result::ok) {
            if line.contains("\"event\":\"progress\"") {
                let _ = tx.send(());
            }
        }
    });
    // If the events stop early, the run is finishing on its own.
    for _ in 0..after {
        if rx.recv().is_err() {
            break;
        }
    }
    std::thread::sleep(pause);
    let killed = child.try_wait().unwrap().is_none();
    if killed {
        child.kill().unwrap(); // SIGKILL
    }
    child.wait().unwrap();
    drain.join().unwrap();
    killed
}

#[test]
fn killed_runs_resume_to_identical_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    corpus(&input, 24);
    let reference = dir.path().join("reference");
    assert_ok(&translate(&input, &reference, &["--chunk-sentences", "64"]));
    let expected = tree(&reference);
    assert_eq!(expected.len(), 24 * 3);

    // Count a full run's progress events (one per written chunk) to spread the kills over its
    // whole length. Kills follow the run's own events, not the clock, so that a fast machine
    // cannot finish every run before its kill.
    let (status, lines) = run_json(&input, &dir.path().join("timing"));
    assert!(status.success(), "{lines:?}");
    let events = progress_events(&lines);
    assert!(events >= 4, "the corpus spans several chunks ({events} progress events)");

    let out = dir.path().join("out");
    let mut state = 0x2545_f491_4f6c_dd1du64; // xorshift: reproducible "random" moments
    let mut next = move |bound: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % bound.max(1)
    };
    // Trials: from an empty folder, kill a run at a random moment, then kill the resuming run
    // too, then let a run finish; the result must equal the uninterrupted run's.
    let (mut kills, mut trials) = (0, 0);
    while kills < 20 {
        trials += 1;
        assert!(trials <= 40, "runs finish before the kill: {kills} kills in {trials} trials");
        let _ = fs::remove_dir_all(&out);
        for attempt in 0..3 {
            // After `after` progress events (0: during start-up), wait a few random
            // milliseconds so that the kill lands anywhere in the next chunk, then SIGKILL.
            let after = next(if attempt == 0 { events } else { events / 2 });
            let pause = Duration::from_micros(next(3000));
            if kill_after(&input, &out, after, pause) {
                kills += 1;
            }
        }
        assert_ok(&translate(&input, &out, &["--chunk-sentences", "64"]));
        assert_eq!(tree(&out), expected, "trial {trial}: resumed outputs differ from an uninterrupted run", trial = trials);
    }
    eprintln!("{kills} kills in {trials} trials, {events} progress events in a full run");
    assert_ok(&translate(&input, &out, &["--chunk-sentences", "64"]));
    assert_eq!(tree(&out), expected, "resumed outputs equal an uninterrupted run's; no temporary file left");

    // A run over finished outputs translates nothing; --force redoes all.
    assert_ok(&translate(&input, &out, &[]));
    let m2 = manifest(&out);
    assert_eq!(m2["counts"]["up_to_date"], 24);
    assert_eq!(m2["counts"]["succeeded"], 0);
    assert_eq!(m2["documents"].as_array().unwrap().len(), 24);
    assert_ok(&translate(&input, &out, &["--force"]));
    assert_eq!(manifest(&out)["counts"]["succeeded"], 24);
    // A changed source or option is translated again.
    let one = input.join("bagian0/artikel 000.txt");
    fs::write(&one, fs::read_to_string(&one).unwrap() + "\nKalimat baru di akhir.\n").unwrap();
    assert_ok(&translate(&input, &out, &[]));
    assert_eq!(manifest(&out)["counts"]["succeeded"], 1);
    assert_ok(&translate(&input, &out, &["--beam", "1"]));
    assert_eq!(manifest(&out)["counts"]["succeeded"], 24);
}

#[test]
fn a_second_run_on_the_same_folder_fails_fast_and_a_stale_lock_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    let lock_path = out.join(".terjemah.lock");
    fs::write(&lock_path, "pid 4242, started 1").unwrap();
    let holder = fs::OpenOptions::new().write(true).open(&lock_path).unwrap();
    holder.lock().unwrap(); // as a running terjemah would
    let o = translate(&seed_article(), &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("another terjemah run") && e.contains("pid 4242"), "{e}");
    assert!(!out.join(format!("{SEED}.en.txt")).exists());

    // The holder dies (its lock is released, its lock file stays): the next run takes over.
    drop(holder);
    let m = tiny();
    let o =
        run(&["translate", seed_article().to_str().unwrap(), "--out", out.to_str().unwrap(), "--model", &m, "--max-decoding-length", "8"]);
    assert_ok(&o);
    assert!(stderr(&o).contains("took over") && stderr(&o).contains("pid 4242"), "{}", stderr(&o));
    assert!(out.join(format!("{SEED}.en.txt")).exists());
}

/// Write each bad input and the reason terjemah must give for it.
#[test]
fn every_bad_input_is_reported_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(&input).unwrap();
    let w = |name: &str, bytes: &[u8]| fs::write(input.join(name), bytes).unwrap();
    w("baik.txt", fs::read_to_string(seed_article()).unwrap().as_bytes());
    w("utf8-rusak.txt", b"Judul \xE2\x80\x9Ckutipan\xE2\x80\x9D\n\nIsi yang \xC3 rusak di tengah.\n");
    w("kosong.txt", b"");
    w("spasi.txt", b"  \n\t\n   \n");
    w("foto.txt", b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00");
    w("dokumen.txt", b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj");
    w("nul.txt", b"teks\x00biner\x00");
    // Files that are odd but translatable.
    w("latin1.txt", b"Caf\xE9 di Bandung ramai.\n\nHarga kopi naik.\n");
    w("bom-utf8.txt", b"\xEF\xBB\xBFJudul berita\r\n\r\nKalimat pertama. Kalimat kedua.\r\n");
    let utf16 = |be: bool| -> Vec<u8> {
        let text = "Judul berita\n\nPresiden tiba di Jakarta.\n";
        let mut v = if be { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for u in text.encode_utf16() {
            v.extend(if be { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        v
    };
    w("bom-utf16le.txt", &utf16(false));
    w("bom-utf16be.txt", &utf16(true));
    w("cr-saja.txt", b"Judul\r\rBaris satu.\rBaris dua.\r");
    w("tanda baca & emoji ✓.txt", "Judul 🎉🎉\n\n!!! ??? ...\n\n😀😀😀\n\n— — —\n".as_bytes());
    w("url.txt", format!("Judul\n\nLihat https://contoh.co.id/{}\n", "a".repeat(5000)).as_bytes());
    w("berita lama.md", "Judul catatan\n\nIsi catatan.\n".as_bytes());
    w("berita lama.txt", "Judul lain\n\nIsi lain.\n".as_bytes()); // same output name as the .md
    fs::create_dir(input.join("folder.txt")).unwrap(); // a folder with a .txt name: not a file, ignored
    std::os::unix::fs::symlink(input.join("tidak-ada.txt"), input.join("putus.txt")).unwrap();
    fs::create_dir(input.join("lingkar")).unwrap();
    std::os::unix::fs::symlink(&input, input.join("lingkar/ke-atas")).unwrap();

    let out = input.join("hasil"); // output inside the input: must not be read back
    let m = tiny();
    let o = run(&["translate", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--model", &m, "--max-decoding-length", "8"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(!e.contains("panicked") && !e.contains("RUST_BACKTRACE"), "{e}");
    for (file, reason) in [
        ("utf8-rusak.txt", "invalid UTF-8 at byte"),
        ("kosong.txt", "empty file"),
        ("spasi.txt", "only whitespace"),
        ("foto.txt", "JPEG image"),
        ("dokumen.txt", "PDF document"),
        ("nul.txt", "NUL bytes"),
        ("putus.txt", "dangling symbolic link"),
        ("ke-atas", "symbolic link loop"),
        ("berita lama.txt", "would overwrite"),
    ] {
        assert!(e.lines().any(|l| l.contains(file) && l.contains(reason)), "no message for {file} ({reason}):\n{e}");
    }
    assert!(e.lines().any(|l| l.contains("latin1.txt") && l.contains("Windows-1252")), "transcoding is reported:\n{e}");
    for ok in ["baik", "latin1", "bom-utf8", "bom-utf16le", "bom-utf16be", "cr-saja", "tanda baca & emoji ✓", "url", "berita lama"] {
        assert!(out.join(format!("{ok}.en.txt")).is_file(), "{ok} was translated");
    }
    for bad in ["utf8-rusak", "kosong", "spasi", "foto", "dokumen", "nul"] {
        assert!(!out.join(format!("{bad}.en.txt")).exists());
    }
    assert!(!out.join("hasil").exists(), "our own outputs were not read as input");
    let latin = read_jsonl(&out.join("latin1.align.jsonl"));
    assert_eq!(latin[0]["source"], "Café di Bandung ramai.");
    let cr = fs::read_to_string(out.join("cr-saja.en.txt")).unwrap();
    assert_eq!(cr.lines().count(), 4, "lone CRs are line ends: {cr:?}");
    let url = read_jsonl(&out.join("url.align.jsonl"));
    let long = url.iter().find(|r| r["source"].as_str().unwrap().starts_with("Lihat")).unwrap();
    assert!(long["pieces"].as_u64().unwrap() > 1, "the long token was split: {long}");
    let mf = manifest(&out);
    assert_eq!(mf["failures"].as_array().unwrap().len(), 9, "{mf}");
    assert!(mf["documents"].as_array().unwrap().iter().any(|d| d["warnings"].to_string().contains("Windows-1252")));
}

#[test]
fn a_one_megabyte_paragraph_without_punctuation_is_split_and_kept_whole() {
    let dir = tempfile::tempdir().unwrap();
    let words = ["saya", "makan", "nasi", "goreng", "di", "warung", "dekat", "rumah", "setiap", "pagi"];
    let mut para = String::new();
    let mut i = 0;
    while para.len() < 1 << 20 {
        para.push_str(words[i % words.len()]);
        para.push(' ');
        i += 1;
    }
    let para = para.trim_end().to_string();
    fs::write(dir.path().join("panjang.txt"), format!("Judul\n\n{para}\n")).unwrap();
    let out = dir.path().join("out");
    let m = tiny();
    let o = run(&[
        "translate",
        dir.path().join("panjang.txt").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        &m,
        "--max-decoding-length",
        "2",
        "--quiet",
    ]);
    assert_ok(&o);
    let rows = read_jsonl(&out.join("panjang.align.jsonl"));
    let big = rows.iter().find(|r| r["class"] == "paragraph").unwrap();
    assert_eq!(big["source"].as_str().unwrap().len(), para.len(), "every character kept");
    assert!(big["pieces"].as_u64().unwrap() > 500, "split into pieces under the input limit");
}

/// Run a command as the unprivileged user `nobody` (root ignores file permissions, so the
/// permission tests need another user). Returns None when that is not possible here.
fn as_nobody(args: &[&str], work: &Path) -> Option<std::process::Output> {
    let is_root = Command::new("id").arg("-u").output().ok().is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !is_root {
        return None;
    }
    // The binary and the model must be readable by nobody: copy them next to the test data.
    let bin = work.join("terjemah");
    fs::copy(env!("CARGO_BIN_EXE_terjemah"), &bin).unwrap();
    let model_copy = work.join("model");
    fs::create_dir_all(&model_copy).unwrap();
    for f in fs::read_dir(model("tiny-marian")).unwrap() {
        let f = f.unwrap();
        fs::copy(f.path(), model_copy.join(f.file_name())).unwrap();
    }
    for p in [&bin, &model_copy] {
        Command::new("chmod").args(["-R", "a+rX", p.to_str().unwrap()]).status().unwrap();
    }
    let mut full = vec!["--reuid=nobody", "--regid=nogroup", "--clear-groups", bin.to_str().unwrap()];
    full.extend(args);
    full.extend(["--model", model_copy.to_str().unwrap(), "--max-decoding-length", "8"]);
    Some(Command::new("setpriv").args(&full).output().expect("setpriv"))
}

#[test]
fn unreadable_files_and_unwritable_output_folders() {
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
    let Some(_) = as_nobody(&["--version"], work) else {
        eprintln!("not root: permission tests need to run as root to switch to nobody");
        return;
    };
    Command::new("chmod").args(["000", input.join("rahasia.txt").to_str().unwrap()]).status().unwrap();
    Command::new("chmod").args(["555", ro.to_str().unwrap()]).status().unwrap();

    let o = as_nobody(&["translate", input.to_str().unwrap(), "--out", out.to_str().unwrap()], work).unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.lines().any(|l| l.contains("rahasia.txt") && l.contains("permission denied")), "{e}");
    assert!(out.join("baik.en.txt").is_file());

    let o = as_nobody(&["translate", input.join("baik.txt").to_str().unwrap(), "--out", ro.join("x").to_str().unwrap()], work).unwrap();
    assert!(!o.status.success());
    let e = stderr(&o);
    assert!(e.contains("cannot write to the output folder") && e.contains("permission denied"), "{e}");
    assert!(!e.contains("panicked"));
}

#[test]
fn a_full_disk_fails_clearly_without_partial_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    corpus(&input, 12);
    let small = dir.path().join("small");
    fs::create_dir_all(&small).unwrap();
    let mounted =
        Command::new("mount").args(["-t", "tmpfs", "-o", "size=48k", "tmpfs", small.to_str().unwrap()]).status().is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("cannot mount a small tmpfs here (not root?): disk-full test skipped");
        return;
    }
    let o = translate(&input, &small, &[]);
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
}

#[test]
fn broken_models_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let copy_of = |from: &str, name: &str| {
        let d = dir.path().join(name);
        fs::create_dir_all(&d).unwrap();
        for f in fs::read_dir(model(from)).unwrap() {
            let f = f.unwrap();
            fs::copy(f.path(), d.join(f.file_name())).unwrap();
        }
        d
    };
    let copy = |name: &str| copy_of("tiny-marian", name);
    let corrupt = copy("corrupt");
    let bin = fs::read(corrupt.join("model.bin")).unwrap();
    fs::write(corrupt.join("model.bin"), &bin[..bin.len() / 3]).unwrap();
    let mismatch = copy("mismatch");
    for f in ["source.spm", "target.spm"] {
        fs::copy(model("tiny-nllb").join("sentencepiece.bpe.model"), mismatch.join(f)).unwrap();
    }
    // OPUS-MT layout with another model's Indonesian tokenizer (same languages, similar data).
    let opus_mismatch = copy_of("tiny-opus", "opus-mismatch");
    fs::copy(model("tiny-marian").join("source.spm"), opus_mismatch.join("source.spm")).unwrap();
    for (m, expect) in
        [(&corrupt, "model.bin"), (&mismatch, "tokenizer does not match"), (&opus_mismatch, "pieces of source.spm are in the vocabulary")]
    {
        let o = run(&[
            "translate",
            seed_article().to_str().unwrap(),
            "--out",
            dir.path().join("o").to_str().unwrap(),
            "--model",
            m.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains(m.to_str().unwrap()) && e.contains(expect), "{e}");
        assert!(!e.contains("panicked"));
    }
}
