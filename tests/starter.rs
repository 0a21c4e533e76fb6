//! The bundled starter model (`models/id-en-starter`): the default when no `--model` is given,
//! listed by `terjemah models`, and usable with a glossary.

mod common;

use common::*;
use std::fs;
use std::path::PathBuf;

fn starter() -> PathBuf {
    manifest_dir().join("models/id-en-starter")
}

/// The note the recipe wrote into `terjemah.json`, which every run shows.
fn starter_note() -> String {
    read_json(&starter().join("terjemah.json"))["note"].as_str().unwrap().to_string()
}

#[test]
fn the_bundled_model_is_the_default_and_says_what_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // No --model, no TERJEMAH_MODEL, not quiet: as the README's first command runs it.
    let o = run(&["translate", seed_article().to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_ok(&o);
    let m = manifest(&out);
    assert!(m["model"]["dir"].as_str().unwrap().ends_with("models/id-en-starter"), "{}", m["model"]);
    // The model's note (e.g. that it is an interim CPU-trained model) reaches the user.
    assert!(stderr(&o).contains(&starter_note()), "{}", stderr(&o));

    let source = fs::read_to_string(seed_article()).unwrap();
    let english = fs::read_to_string(out.join(format!("{SEED}.en.txt"))).unwrap();
    let blocks = |t: &str| t.lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(blocks(&english), blocks(&source), "one English block per source block");
    // Paragraphs come out as English words, not copied Indonesian.
    let rows = read_jsonl(&out.join(format!("{SEED}.align.jsonl")));
    let translated: Vec<_> = rows.iter().filter(|r| r["action"] == "translated").collect();
    assert!(translated.len() >= 10, "{} translated sentences", translated.len());
    let copied = translated.iter().filter(|r| r["source"] == r["target"]).count();
    assert!(copied * 10 < translated.len(), "{copied} of {} sentences came back untranslated", translated.len());
    let words: Vec<String> = translated
        .iter()
        .flat_map(|r| r["target"].as_str().unwrap().split_whitespace().map(|w| w.to_lowercase()).collect::<Vec<_>>())
        .collect();
    let english_function_words =
        words.iter().filter(|w| ["the", "of", "and", "to", "in", "a", "is", "was", "said"].contains(&w.as_str())).count();
    assert!(english_function_words * 10 >= words.len(), "{english_function_words} English function words in {} words", words.len());
}

#[test]
fn a_dataset_run_says_what_the_model_is_too() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("data.jsonl");
    fs::write(&input, "{\"id\": 1, \"text\": \"Harga beras naik.\"}\n").unwrap();
    let o = translate(&input, dir.path().join("out")).model_dir(starter()).verbose().ok();
    assert!(stderr(&o).contains(&starter_note()), "{}", stderr(&o));
}

#[test]
fn the_bundled_model_is_listed_small_and_complete() {
    let o = run(&["models", "--json"]);
    assert_ok(&o);
    let listed: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let starter = listed.iter().find(|m| m["dir"].as_str().unwrap().ends_with("id-en-starter")).expect("id-en-starter listed");
    assert_eq!(starter["layout"]["kind"], "marian", "{starter}");
    assert!(starter["size_bytes"].as_u64().unwrap() <= 60_000_000, "{starter}");
    assert!(starter["note"].is_string(), "{starter}");
    for f in ["MODEL_CARD.md", "source.spm", "target.spm", "scores.json", "example.en.txt"] {
        assert!(self::starter().join(f).is_file(), "models/id-en-starter/{f}");
    }
}

#[test]
fn glossary_terms_with_the_starter_model_are_kept_or_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let g = dir.path().join("istilah.tsv");
    fs::write(&g, "Antony Blinken\nNATO\nDewan Keamanan PBB\tUN Security Council\n").unwrap();
    let out = dir.path().join("out");
    let o =
        run(&["translate", seed_article().to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet", "--glossary", g.to_str().unwrap()]);
    assert_ok(&o);
    let c = &manifest(&out)["counts"];
    assert!(c["glossary_protected"].as_u64().unwrap() >= 5, "{c}");
    for r in read_jsonl(&out.join(format!("{SEED}.align.jsonl"))) {
        let (src, tgt) = (r["source"].as_str().unwrap(), r["target"].as_str().unwrap());
        let flagged = r["flags"].as_array().into_iter().flatten().any(|f| f["flag"] == "glossary_missing");
        for (term, target) in [("Antony Blinken", "Antony Blinken"), ("NATO", "NATO"), ("Dewan Keamanan PBB", "UN Security Council")] {
            if r["action"] == "translated" && src.contains(term) {
                assert!(tgt.contains(target) || flagged, "{term} neither kept nor flagged: {r}");
            }
        }
        assert!(!tgt.contains("830"), "a placeholder leaked: {tgt}");
    }
}
