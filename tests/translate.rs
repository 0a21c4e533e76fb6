//! `terjemah translate` as a user runs it, on the tiny test models.

mod common;

use common::*;
use std::fs;
use std::path::Path;

fn translate_seed(model_name: &str) -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().unwrap();
    translate(seed_article(), out.path()).model(model_name).max_decoding_length(12).ok();
    (out, fs::read_to_string(seed_article()).unwrap())
}

fn check_seed_outputs(out: &Path, source: &str) {
    let en = fs::read_to_string(out.join(format!("{SEED}.en.txt"))).unwrap();
    let md = fs::read_to_string(out.join(format!("{SEED}.bi.md"))).unwrap();
    let rows = read_jsonl(&out.join(format!("{SEED}.align.jsonl")));
    let manifest: serde_json::Value = serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();

    // Every character of the source is in exactly one segment; between segments, only whitespace.
    let chars: Vec<char> = source.chars().collect();
    let mut pos = 0usize;
    for r in &rows {
        let (start, end) = (r["start"].as_u64().unwrap() as usize, r["end"].as_u64().unwrap() as usize);
        assert!(start >= pos, "segments overlap or go backwards at {r}");
        assert!(chars[pos..start].iter().all(|c| c.is_whitespace()), "text lost before {r}");
        let src: String = chars[start..end].iter().collect();
        assert_eq!(src, r["source"].as_str().unwrap(), "offsets do not match the source text");
        pos = end;
    }
    assert!(chars[pos..].iter().all(|c| c.is_whitespace()), "text lost at the end");

    // Block structure: one Markdown row per non-blank source line, same lines in the English.
    let source_blocks: Vec<&str> = source.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let table: Vec<Vec<String>> = md.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| # ")).map(md_cells).collect();
    assert_eq!(table.len(), source_blocks.len(), "one row per block");
    for (row, src) in table.iter().zip(&source_blocks) {
        assert_eq!(row.len(), 4, "row {row:?}");
        assert_eq!(&row[2], src);
    }
    let en_lines: Vec<&str> = en.lines().collect();
    let src_lines: Vec<&str> = source.lines().collect();
    assert_eq!(en_lines.len(), src_lines.len(), "English keeps the line layout");
    for (e, s) in en_lines.iter().zip(&src_lines) {
        assert_eq!(e.trim().is_empty(), s.trim().is_empty(), "blank lines stay blank: {s:?} -> {e:?}");
    }

    // Classes and boilerplate handling.
    let class_of = |needle: &str| {
        rows.iter().find(|r| r["source"].as_str().unwrap().starts_with(needle)).unwrap_or_else(|| panic!("no segment {needle}"))
    };
    assert_eq!(class_of("AS Menyerukan")["class"], "title");
    let dateline = class_of("- 28 Januari");
    assert_eq!((dateline["class"].as_str(), dateline["target"].as_str()), (Some("dateline"), Some("- 28 January 2022, 11:09 WIB")));
    assert_eq!(class_of("Prajurit Ukraina")["class"], "caption");
    assert_eq!(class_of("Menteri Luar Negeri")["class"], "paragraph");
    for (needle, class) in [
        ("Baca Juga", "related"),
        ("Editor:", "metadata"),
        ("Sumber:", "metadata"),
        ("Halaman:", "metadata"),
        ("Tags", "navigation"),
        ("Terpopuler", "navigation"),
    ] {
        let r = class_of(needle);
        assert_eq!(r["class"], class, "{needle}");
        assert_eq!(r["action"], "copied", "{needle} is copied by default");
        assert_eq!(r["target"], r["source"], "{needle} verbatim");
        assert!(en.contains(r["source"].as_str().unwrap()));
    }
    // The paragraph sentences were translated (gibberish, but not a copy and not empty).
    let para: Vec<_> = rows.iter().filter(|r| r["class"] == "paragraph").collect();
    assert_eq!(para.len(), 9, "nine paragraph sentences in the seed article");
    assert!(para.iter().all(|r| r["action"] == "translated" && !r["target"].as_str().unwrap().is_empty()));

    assert_eq!(manifest["counts"]["succeeded"], 1);
    assert_eq!(manifest["counts"]["failed"], 0);
    assert_eq!(manifest["documents"][0]["outputs"].as_array().unwrap().len(), 3);
    assert!(manifest["model"]["fingerprint"].as_str().unwrap().len() == 16);
}

#[test]
fn marian_layout_translates_the_seed_article() {
    let (out, source) = translate_seed("tiny-marian");
    check_seed_outputs(out.path(), &source);
}

/// The layout Helsinki-NLP ships: source.spm (Indonesian), target.spm (English), one joint
/// vocabulary that neither tokenizer covers alone.
#[test]
fn opus_mt_layout_translates_the_seed_article() {
    let (out, source) = translate_seed("tiny-opus");
    check_seed_outputs(out.path(), &source);
    let m = run(&["models", model("tiny-opus").to_str().unwrap()]);
    assert_ok(&m);
    assert!(stdout(&m).starts_with("tiny-opus\tmarian\t"), "{}", stdout(&m));
}

#[test]
fn nllb_layout_translates_the_seed_article() {
    let (out, source) = translate_seed("tiny-nllb");
    check_seed_outputs(out.path(), &source);
    let rows = read_jsonl(&out.path().join(format!("{SEED}.align.jsonl")));
    assert!(rows.iter().all(|r| !r["target"].as_str().unwrap().contains("eng_Latn")), "the target language token is dropped");
    let manifest = fs::read_to_string(out.path().join("manifest.json")).unwrap();
    assert!(manifest.contains("ind_Latn") && manifest.contains("eng_Latn"));
}

/// The random-weight model loops on most sentences ("a a a a ..."): each looping output is
/// decoded again without repeated trigrams, so none reaches the user, and the manifest counts
/// them; `--loop-retry-ngram 0` leaves the engine's outputs as they are.
#[test]
fn looping_outputs_are_decoded_again() {
    let counts = |extra: &[&str]| {
        let out = tempfile::tempdir().unwrap();
        translate(seed_article(), out.path()).max_decoding_length(64).args(["--no-tm"]).args(extra).ok();
        manifest(out.path())["counts"].clone()
    };
    let retried = counts(&[]);
    assert!(retried["redecoded"].as_u64().unwrap() > 0, "{retried}");
    assert!(retried["flags"].get("repetition").is_none(), "{retried}");
    let left = counts(&["--loop-retry-ngram", "0"]);
    assert_eq!(left["redecoded"].as_u64(), Some(0), "{left}");
    assert!(left["flags"]["repetition"].as_u64().unwrap() > 0, "{left}");
}

#[test]
fn translations_follow_their_sentences() {
    // Sorting and de-duplication must not shuffle outputs: the same sentence gives the same
    // output wherever it is, and the tiny model gives different outputs for different input.
    let dir = tempfile::tempdir().unwrap();
    let a = "Harga beras naik lagi.\n\nPresiden tiba di Jakarta.\n";
    let b = "Presiden tiba di Jakarta.\n\nDia langsung rapat di kantor.\n\nHarga beras naik lagi.\n";
    fs::write(dir.path().join("a.txt"), a).unwrap();
    fs::write(dir.path().join("b.txt"), b).unwrap();
    let out = dir.path().join("out");
    let m = model("tiny-marian");
    translate(dir.path(), &out).max_decoding_length(12).ok();
    let mut seen = std::collections::HashMap::new();
    for f in ["a", "b"] {
        for r in read_jsonl(&out.join(format!("{f}.align.jsonl"))) {
            let (s, t) = (r["source"].as_str().unwrap().to_string(), r["target"].as_str().unwrap().to_string());
            if let Some(prev) = seen.insert(s.clone(), t.clone()) {
                assert_eq!(prev, t, "{s} translated two ways");
            }
        }
    }
    let outputs: std::collections::HashSet<_> = seen.values().collect();
    assert_eq!(outputs.len(), 3, "three different sentences, three different outputs: {seen:?}");

    // Standard input gives the same translation as the file.
    let o = run_stdin(&["translate", "-", "--model", m.to_str().unwrap(), "--max-decoding-length", "12"], a.as_bytes());
    assert_ok(&o);
    assert_eq!(stdout(&o), fs::read_to_string(out.join("a.en.txt")).unwrap());
}

#[test]
fn nested_folders_are_mirrored() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir_all(input.join("2022/januari")).unwrap();
    fs::create_dir_all(input.join("lain")).unwrap();
    fs::copy(seed_article(), input.join("2022/januari/berita satu.txt")).unwrap();
    fs::write(input.join("lain/catatan.md"), "Judul catatan\n\nIsi catatan pertama. Isi kedua.\n").unwrap();
    fs::write(input.join("lain/gambar.jpg"), b"\xFF\xD8\xFF").unwrap();
    let out = dir.path().join("out");
    translate(&input, &out).max_decoding_length(12).ok();
    for f in [
        "2022/januari/berita satu.en.txt",
        "2022/januari/berita satu.bi.md",
        "2022/januari/berita satu.align.jsonl",
        "lain/catatan.en.txt",
        "manifest.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    assert!(!out.join("lain/gambar.en.txt").exists(), "only *.txt and *.md by default");

    // --glob selects other files; --formats selects outputs.
    let out2 = dir.path().join("out2");
    translate(&input, &out2).max_decoding_length(12).args(["--glob", "*.md", "--formats", "jsonl"]).ok();
    assert!(out2.join("lain/catatan.align.jsonl").is_file());
    assert!(!out2.join("lain/catatan.en.txt").exists());
    assert!(!out2.join("2022").exists());
}

#[test]
fn line_mode_keeps_one_line_per_line() {
    let input = "Presiden tiba di Jakarta.\n\nHarga naik. Warga mengeluh.\n   \nSatu lagi\n";
    let m = model("tiny-nllb");
    let o = run_stdin(&["translate", "--lines", "--model", m.to_str().unwrap(), "--max-decoding-length", "12"], input.as_bytes());
    assert_ok(&o);
    let out = stdout(&o);
    let lines: Vec<&str> = out.split('\n').collect();
    assert_eq!(lines.len(), 6, "five lines and the final newline: {out:?}");
    assert_eq!(lines[5], "");
    assert!(!lines[0].is_empty() && !lines[2].is_empty() && !lines[4].is_empty());
    assert_eq!((lines[1], lines[3]), ("", ""), "empty in, empty out");

    // To a file, from a file (CRLF input): same lines.
    let dir = tempfile::tempdir().unwrap();
    let (src, dst) = (dir.path().join("test.id"), dir.path().join("test.en"));
    fs::write(&src, input.replace('\n', "\r\n")).unwrap();
    let o = run(&[
        "translate",
        "--lines",
        src.to_str().unwrap(),
        "--out",
        dst.to_str().unwrap(),
        "--model",
        m.to_str().unwrap(),
        "--max-decoding-length",
        "12",
    ]);
    assert_ok(&o);
    assert_eq!(fs::read_to_string(&dst).unwrap(), out);
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2, "no temporary file left");
    let summary = stderr(&o);
    assert!(summary.contains("translated 5 lines (3 sentences"), "the summary a run over files gives: {summary}");
}

/// `--manifest FILE` records a streamed run the way a run over files records its folder: the
/// model, the decisive options and their key, the counts, the timings, the one document.
#[test]
fn streamed_runs_write_a_manifest_when_asked() {
    let m = model("tiny-marian");
    let dir = tempfile::tempdir().unwrap();
    let (src, dst, lines_manifest) = (dir.path().join("test.id"), dir.path().join("test.en"), dir.path().join("lines.json"));
    fs::write(&src, "Presiden tiba di Jakarta.\n\nHarga naik. Warga mengeluh.\n").unwrap();
    let (s, d, lm, mm) = (src.to_str().unwrap(), dst.to_str().unwrap(), lines_manifest.to_str().unwrap(), m.to_str().unwrap());
    let o = run(&["translate", "--lines", s, "--out", d, "--manifest", lm, "--model", mm, "--max-decoding-length", "12", "--no-tm"]);
    assert_ok(&o);
    let lines = read_json(&lines_manifest);
    assert_eq!(lines["complete"], true);
    assert_eq!((lines["counts"]["documents"].as_u64(), lines["counts"]["succeeded"].as_u64()), (Some(1), Some(1)));
    assert_eq!(lines["counts"]["translated_segments"], 2, "two non-empty lines, each whole: {lines}");
    assert_eq!(lines["options"]["lines"], true);
    assert_eq!(lines["options"]["decisive"]["beam"].as_u64(), Some(2));
    let doc = &lines["documents"][0];
    assert_eq!((doc["source"].as_str(), doc["outputs"][0].as_str()), (Some(s), Some(d)));
    assert_eq!((doc["segments"].as_u64(), doc["translated"].as_u64()), (Some(2), Some(2)));
    assert_eq!(doc["options_key"], lines["options_key"]);
    assert!(lines["timings"]["total_s"].as_f64().unwrap() > 0.0);

    // Standard input as one article: the same record, its sentences split.
    let stdin_manifest = dir.path().join("stdin.json");
    let sm = stdin_manifest.to_str().unwrap();
    let o =
        run_stdin(&["translate", "-", "--manifest", sm, "--model", mm, "--max-decoding-length", "12", "--no-tm"], &fs::read(&src).unwrap());
    assert_ok(&o);
    let article = read_json(&stdin_manifest);
    assert_eq!(article["options"]["lines"], false);
    assert_eq!(article["counts"]["translated_segments"], 3, "{article}");
    assert_eq!(article["documents"][0]["source_hash"], doc["source_hash"], "the same bytes read");
    assert_eq!((article["documents"][0]["source"].as_str(), article["documents"][0]["outputs"][0].as_str()), (Some("-"), Some("-")));
}

/// A Title Case title goes to the model in sentence case and its English comes back in Title
/// Case; other lines are untouched; `--keep-title-case` hands the title over as written.
#[test]
fn titles_come_back_in_title_case() {
    let input = "AS Menyerukan Pertemuan Dewan Keamanan PBB tentang Ukraina yang Terancam Invasi Rusia\nHarga minyak dunia naik tajam.\n";
    let m = model("tiny-marian");
    let lines = |extra: &[&str]| {
        let mut args = vec!["translate", "--lines", "--no-tm", "--model", m.to_str().unwrap(), "--max-decoding-length", "16"];
        args.extend(extra);
        let o = run_stdin(&args, input.as_bytes());
        assert_ok(&o);
        stdout(&o).lines().map(str::to_string).collect::<Vec<_>>()
    };
    let (cased, kept) = (lines(&[]), lines(&["--keep-title-case"]));
    let small =
        ["a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on", "or", "the", "to", "vs", "with"];
    let words: Vec<&str> = cased[0].split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).collect();
    assert!(!words.is_empty(), "{cased:?}");
    for w in &words {
        // Capitalized, a small word, or holding a capital already (a name as the model wrote it).
        assert!(w.chars().any(char::is_uppercase) || small.contains(w), "{w:?} in {:?}", cased[0]);
    }
    assert_ne!(cased[0], kept[0], "the model saw another input");
    assert_eq!(cased[1], kept[1], "a sentence is not a title");
}

#[test]
fn long_sentences_are_split_not_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let words: Vec<String> = (0..120).map(|i| format!("kata{i}")).collect();
    let long = format!("{}, {}; {}.", words[..40].join(" "), words[40..80].join(" "), words[80..].join(" "));
    fs::write(dir.path().join("panjang.txt"), format!("Judul\n\n{long}\n")).unwrap();
    let out = dir.path().join("out");
    let m = model("tiny-marian");
    let o = run(&[
        "translate",
        dir.path().join("panjang.txt").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        m.to_str().unwrap(),
        "--max-input-tokens",
        "64",
        "--max-decoding-length",
        "4",
        "--quiet",
    ]);
    assert_ok(&o);
    let rows = read_jsonl(&out.join("panjang.align.jsonl"));
    let para = rows.iter().find(|r| r["class"] == "paragraph").unwrap();
    assert_eq!(para["source"].as_str().unwrap(), long);
    let pieces = para["pieces"].as_u64().unwrap();
    assert!(pieces >= 3, "split into pieces: {para}");
    let manifest: serde_json::Value = serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["counts"]["split_for_length"], 1);
    assert!(manifest["counts"]["hit_max_length"].as_u64().unwrap() >= 1, "reaching the decoding limit is reported");
}

#[test]
fn missing_model_is_a_clear_usage_error() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&["translate", seed_article().to_str().unwrap(), "--out", out.path().to_str().unwrap(), "--model", "/no/such/model"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("/no/such/model") && e.contains("not found"), "{e}");

    let incomplete = tempfile::tempdir().unwrap();
    fs::copy(model("tiny-marian").join("config.json"), incomplete.path().join("config.json")).unwrap();
    fs::copy(model("tiny-marian").join("model.bin"), incomplete.path().join("model.bin")).unwrap();
    fs::copy(model("tiny-marian").join("shared_vocabulary.json"), incomplete.path().join("shared_vocabulary.json")).unwrap();
    fs::copy(model("tiny-marian").join("source.spm"), incomplete.path().join("source.spm")).unwrap();
    let o = run(&[
        "translate",
        seed_article().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--model",
        incomplete.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("target.spm is missing"), "{}", stderr(&o));
}

#[test]
fn a_bad_file_fails_alone() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(seed_article(), dir.path().join("baik.txt")).unwrap();
    fs::write(dir.path().join("kosong.txt"), "").unwrap();
    fs::write(dir.path().join("rusak.txt"), b"Judul \xE2\x80\x9Cok\xE2\x80\x9D\nisi \xFF rusak\n").unwrap();
    let out = dir.path().join("out");
    let m = model("tiny-marian");
    let o = run(&[
        "translate",
        dir.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        m.to_str().unwrap(),
        "--max-decoding-length",
        "8",
    ]);
    assert_eq!(o.status.code(), Some(1), "some files failed: exit 1");
    let e = stderr(&o);
    assert!(e.contains("kosong.txt") && e.contains("empty file"), "{e}");
    assert!(e.contains("rusak.txt") && e.contains("invalid UTF-8") && e.contains("line 2"), "{e}");
    assert!(!e.contains("panicked"));
    assert!(out.join("baik.en.txt").is_file());
    assert!(!out.join("kosong.en.txt").exists() && !out.join("rusak.en.txt").exists());
    let manifest: serde_json::Value = serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["counts"]["failed"], 2);
    assert_eq!(manifest["failures"].as_array().unwrap().len(), 2);
}

#[test]
fn usage_errors_exit_2() {
    let o = run(&["translate"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["translate", "/no/such/input", "--out", "/tmp/x", "--model", model("tiny-marian").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/no/such/input"));
    let o = run(&["translate", "x", "--formats", "pdf"]);
    assert_eq!(o.status.code(), Some(2));
}

/// Without --compute-type, the faster of int8 and float32 is measured on the first run, cached
/// per model and machine, and reused; the manifest says which and why.
#[test]
fn compute_type_is_measured_once_then_cached() {
    let cache = tempfile::tempdir().unwrap();
    let (m, seed) = (model("tiny-marian"), seed_article());
    let translate = |out: &Path, extra: &[&str]| {
        let mut args = vec!["translate", seed.to_str().unwrap(), "--out", out.to_str().unwrap(), "--model", m.to_str().unwrap()];
        args.extend(["--max-decoding-length", "12"]); // not --quiet: the note is checked
        args.extend(extra);
        let o = terjemah(&args).env_remove("TERJEMAH_COMPUTE_TYPE").env("XDG_CACHE_HOME", cache.path()).output().unwrap();
        assert_ok(&o);
        let manifest: serde_json::Value = serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
        // The type decides the English (the reuse key's part); why it was chosen does not.
        let (decisive, engine) = (&manifest["options"]["decisive"], &manifest["options"]["engine"]);
        (decisive["compute_type"].as_str().unwrap().to_string(), engine["compute_reason"].as_str().unwrap().to_string(), stderr(&o))
    };
    let dir = tempfile::tempdir().unwrap();
    let (first, why, err) = translate(&dir.path().join("a"), &[]);
    assert!(first == "int8" || first == "float32", "{first}");
    assert!(why.starts_with(&format!("{first} is the faster on this CPU (measured now: float32 ")), "{why}");
    assert!(err.contains("note: compute type"), "the measurement is announced: {err}");
    let cached = fs::read_to_string(cache.path().join("terjemah/compute-types.json")).unwrap();
    assert!(cached.contains(&format!("\"compute\": \"{first}\"")), "{cached}");

    let (second, why, err) = translate(&dir.path().join("b"), &[]);
    assert_eq!(second, first, "the cached choice is reused");
    assert!(why.contains("measured earlier on this machine"), "{why}");
    assert!(!err.contains("note: compute type"), "{err}");

    let (given, why, _) = translate(&dir.path().join("c"), &["--compute-type", "int8"]);
    assert_eq!((given.as_str(), why.as_str()), ("int8", "given (--compute-type)"));
}

/// A compute type this build cannot run is the user's choice to change (exit 2, naming the
/// type and what works), not a broken model.
#[test]
fn a_compute_type_the_build_lacks_is_a_usage_error() {
    let (m, seed) = (model("tiny-marian"), seed_article());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run(&[
        "translate",
        seed.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--model",
        m.to_str().unwrap(),
        "--compute-type",
        "int16",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("--compute-type int16") && err.contains("MKL") && err.contains("int8"), "{err}");
    assert!(!err.contains("corrupt"), "not blamed on the model: {err}");
    assert!(!out.join("manifest.json").exists());
}
