//! Bad input, interruption and resume, locking, full and read-only disks: terjemah keeps going,
//! says what happened, and never loses or half-writes an output.

mod common;

use common::*;
use std::fs;
use std::path::Path;

#[test]
fn killed_runs_resume_to_identical_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    corpus(&input, 24);
    let reference = dir.path().join("reference");
    let chunked = |out: &Path| translate(&input, out).args(["--chunk-sentences", "64"]);
    chunked(&reference).ok();
    let expected = tree(&reference);
    assert_eq!(expected.len(), 24 * 3);
    // A run's crash points: two per file it writes (its outputs and a manifest per chunk).
    let counted = chunked(&dir.path().join("count")).verbose().args(["--json"]).ok();
    let chunks = stderr(&counted).lines().filter(|l| l.contains("\"event\":\"progress\"")).count() as u64;
    assert!(chunks >= 4, "the corpus spans several chunks ({chunks})");
    let points = 2 * (expected.len() as u64 + chunks);

    // Trials: from an empty folder, kill a run at a crash point, kill the run resuming it at
    // another, then let a run finish: the outputs must equal the uninterrupted run's. The first
    // kills walk over the whole run, odd points (a temporary file not yet renamed) and even
    // points (a file just renamed) alike.
    let out = dir.path().join("out");
    let mut state = 0x2545_f491_4f6c_dd1du64; // xorshift: reproducible "random" points
    let mut next = move |bound: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        1 + state % bound.max(1)
    };
    let trials = 16;
    let (mut kills, mut resumed_kills) = (0, 0);
    for trial in 0..trials {
        let _ = fs::remove_dir_all(&out);
        let first = 1 + trial * (points - 1) / (trials - 1);
        kills += u64::from(killed_at(&chunked(&out), first));
        resumed_kills += u64::from(killed_at(&chunked(&out), next(points / 2)));
        chunked(&out).ok();
        assert_eq!(tree(&out), expected, "trial {trial} (killed at {first}): resumed outputs differ from an uninterrupted run's");
    }
    eprintln!("{kills} + {resumed_kills} kills in {trials} trials, {points} crash points in a full run");
    assert!(kills >= trials - 1, "the first run of a trial is killed: {kills} of {trials}");
    assert!(resumed_kills >= trials / 2, "resuming runs are killed too: {resumed_kills} of {trials}");

    // A run over finished outputs translates nothing; --force redoes all.
    translate(&input, &out).ok();
    let m2 = manifest(&out);
    assert_eq!(m2["counts"]["up_to_date"], 24);
    assert_eq!(m2["counts"]["succeeded"], 0);
    assert_eq!(m2["documents"].as_array().unwrap().len(), 24);
    translate(&input, &out).args(["--force"]).ok();
    assert_eq!(manifest(&out)["counts"]["succeeded"], 24);
    // A changed source or option is translated again.
    let one = input.join("bagian0/artikel 000.txt");
    fs::write(&one, fs::read_to_string(&one).unwrap() + "\nKalimat baru di akhir.\n").unwrap();
    translate(&input, &out).ok();
    assert_eq!(manifest(&out)["counts"]["succeeded"], 1);
    translate(&input, &out).args(["--beam", "1"]).ok();
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
    let o = translate(seed_article(), &out).run();
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("another terjemah run") && e.contains("pid 4242"), "{e}");
    assert!(!out.join(format!("{SEED}.en.txt")).exists());

    // The holder dies (its lock is released, its lock file stays): the next run takes over.
    drop(holder);
    let o = translate(seed_article(), &out).verbose().ok();
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
    let o = translate(&input, &out).verbose().run();
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
    translate(dir.path().join("panjang.txt"), &out).max_decoding_length(2).ok();
    let rows = read_jsonl(&out.join("panjang.align.jsonl"));
    let big = rows.iter().find(|r| r["class"] == "paragraph").unwrap();
    assert_eq!(big["source"].as_str().unwrap().len(), para.len(), "every character kept");
    assert!(big["pieces"].as_u64().unwrap() > 500, "split into pieces under the input limit");
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
        let o = translate(seed_article(), dir.path().join("o")).model_dir(m).verbose().run();
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains(m.to_str().unwrap()) && e.contains(expect), "{e}");
        assert!(!e.contains("panicked"));
    }
}
