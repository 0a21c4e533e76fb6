//! `terjemah translate data.jsonl|.csv|.tsv`: records in, the same records with their
//! translations out, alignment rows keyed by record id, malformed lines reported, kills resumed.

mod common;

use common::*;
use std::fs;
use std::path::Path;

fn records(n: usize) -> String {
    (0..n)
        .map(|i| {
            serde_json::json!({
                "id": format!("r{i}"),
                "title": format!("Judul berita nomor {i}"),
                "text": format!("Jakarta, CNN Indonesia -- Harga beras naik {i} persen. Pedagang mengeluh.\n\nBaca juga: Berita lain {i}"),
                "views": i * 10,
            })
            .to_string()
                + "\n"
        })
        .collect()
}

/// `translate INPUT --out OUT` with the tiny model, `extra` after.
fn translate_with(input: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    translate(input, out).max_decoding_length(12).args(extra).run()
}

/// The failures of the run in `out` (`FILE:LINE` for malformed records), by file name.
fn failed_lines(out: &Path) -> Vec<String> {
    let manifest = manifest(out);
    let names = manifest["failures"].as_array().unwrap().iter().map(|f| f["source"].as_str().unwrap());
    names.map(|s| Path::new(s).file_name().unwrap().to_string_lossy().into_owned()).collect()
}

#[test]
fn jsonl_records_come_back_in_order_with_translations_and_bad_lines_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("data.jsonl");
    let mut text = records(3);
    text.insert_str(text.find('\n').unwrap() + 1, "{\"id\": \"broken\", \"text\": \n");
    text.push_str("{\"id\":\"no-title\",\"text\":\"Satu kalimat saja.\"}\n");
    fs::write(&input, &text).unwrap();
    let out = dir.path().join("out");
    let o = translate_with(&input, &out, &["--fields", "title,text", "--id-field", "id"]);
    assert_eq!(o.status.code(), Some(1), "a malformed line is a failure: {}", stderr(&o));
    assert_eq!(failed_lines(&out), ["data.jsonl:2"], "the bad line is named by number");

    let rows = read_jsonl(&out.join("data.en.jsonl"));
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["r0", "r1", "r2", "no-title"], "record order kept, malformed line skipped");
    for r in &rows[..3] {
        assert!(r["title_en"].as_str().is_some_and(|t| !t.is_empty()));
        let en = r["text_en"].as_str().unwrap();
        assert!(en.starts_with("Jakarta, CNN Indonesia --"), "dateline kept, not translated: {en}");
        assert!(en.contains("\n\nBaca juga: Berita lain"), "layout and boilerplate kept: {en}");
        assert!(r["views"].is_number(), "other fields kept as they were");
    }
    assert!(rows[3].get("title_en").is_none(), "no translation for an absent field");
    // The original text of each record is kept byte for byte before the added fields.
    let first_in = text.lines().next().unwrap();
    let first_out = fs::read_to_string(out.join("data.en.jsonl")).unwrap().lines().next().unwrap().to_string();
    assert!(first_out.starts_with(first_in.strip_suffix('}').unwrap()));

    let align = read_jsonl(&out.join("data.align.jsonl"));
    assert!(align.iter().any(|a| a["record"] == "r1" && a["field"] == "text" && a["class"] == "dateline" && a["action"] == "rule"));
    assert!(align.iter().any(|a| a["record"] == "r2" && a["field"] == "title" && a["action"] == "translated"));

    // A second run finds everything current.
    let o = translate_with(&input, &out, &["--fields", "title,text", "--id-field", "id"]);
    assert_eq!(manifest(&out)["counts"]["up_to_date"], 1, "{}", stderr(&o));
}

#[test]
fn csv_and_tsv_columns() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("news.csv");
    fs::write(
        &csv,
        "no,judul,isi\n1,Harga naik,\"Harga beras naik. Pedagang mengeluh.\"\n2,kolom kurang\n3,\"Judul, dengan koma\",Isi ketiga.\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = translate_with(&csv, &out, &["--fields", "judul,isi", "--target-suffix", "_inggris"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(failed_lines(&out), ["news.csv:3"]);
    let mut r = csv::Reader::from_path(out.join("news.en.csv")).unwrap();
    assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), ["no", "judul", "isi", "judul_inggris", "isi_inggris"]);
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.iter().map(|r| r[0].to_string()).collect::<Vec<_>>(), ["1", "3"]);
    assert_eq!(&rows[1][1], "Judul, dengan koma");
    assert!(!rows[1][3].is_empty() && !rows[1][4].is_empty());
    let align = read_jsonl(&out.join("news.align.jsonl"));
    assert!(align.iter().any(|a| a["record"] == "4" && a["field"] == "isi"), "ids default to the line number");

    let tsv = dir.path().join("news.tsv");
    fs::write(&tsv, "id\ttext\nx1\tHarga beras naik.\n").unwrap();
    let o = translate_with(&tsv, &out, &["--fields", "text", "--id-field", "id"]);
    assert_ok(&o);
    let en = fs::read_to_string(out.join("news.en.tsv")).unwrap();
    assert!(en.starts_with("id\ttext\ttext_en\nx1\tHarga beras naik.\t"), "{en}");
    let o = translate_with(&tsv, &out, &["--fields", "body"]);
    assert_eq!(o.status.code(), Some(2), "an unknown column is a usage error: {}", stderr(&o));
}

#[test]
fn a_killed_dataset_run_resumes_to_the_same_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.jsonl");
    fs::write(&input, records(60)).unwrap();
    let whole = dir.path().join("whole");
    assert_ok(&translate_with(&input, &whole, &["--id-field", "id", "--chunk-sentences", "4", "--no-tm"]));

    // Kill a run (SIGKILL, by terjemah's testing hook: src/fault.rs) just after it recorded its
    // second chunk (the crash point after progress.json's second rename), then run it again.
    let out = dir.path().join("out");
    let run_of = || translate(&input, &out).max_decoding_length(12).args(["--id-field", "id", "--chunk-sentences", "4", "--no-tm"]);
    assert!(killed_at(&run_of(), 4), "the run finished before its 4th crash point");
    let progress = read_json(&out.join("big.progress.json"));
    assert_eq!(progress["complete"], false, "killed before the end");
    let done = progress["records"].as_u64().unwrap();
    assert!(done > 0 && done < 60, "{progress}");

    let o = run_of().verbose().ok();
    assert!(stderr(&o).contains("resuming at record"), "{}", stderr(&o));
    for name in ["big.en.jsonl", "big.align.jsonl"] {
        assert_eq!(fs::read_to_string(out.join(name)).unwrap(), fs::read_to_string(whole.join(name)).unwrap(), "{name}");
    }
}
