//! `--glossary`: terms protected through translation, misses flagged, options keyed.

mod common;

use common::*;
use std::fs;

#[test]
fn glossary_terms_are_protected_or_flagged_with_both_layouts() {
    let dir = tempfile::tempdir().unwrap();
    let g = dir.path().join("istilah.tsv");
    fs::write(&g, "# do not translate\nAntony Blinken\nNATO\n# fixed translations\nDewan Keamanan PBB\tUN Security Council\n").unwrap();
    for m in ["tiny-marian", "tiny-nllb"] {
        let out = dir.path().join(m);
        let mp = model(m);
        let seed = seed_article();
        let translate = |extra: &[&str]| {
            let mut args = vec!["translate", seed.to_str().unwrap(), "--out", out.to_str().unwrap()];
            args.extend(["--model", mp.to_str().unwrap(), "--max-decoding-length", "12", "--quiet"]);
            args.extend(extra);
            run(&args)
        };
        assert_ok(&translate(&["--glossary", g.to_str().unwrap()]));
        let manifest: serde_json::Value = serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
        let c = &manifest["counts"];
        // Sentences holding a term: the title (Dewan Keamanan PBB), the Blinken paragraph, the
        // NATO ones... each went through the placeholder path.
        assert!(c["glossary_protected"].as_u64().unwrap() >= 5, "{m}: {c}");
        let rows = read_jsonl(&out.join(format!("{SEED}.align.jsonl")));
        for r in &rows {
            let src = r["source"].as_str().unwrap();
            let tgt = r["target"].as_str().unwrap();
            let flagged: Vec<String> = r["flags"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|f| f["flag"] == "glossary_missing")
                .flat_map(|f| f["terms"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()))
                .collect();
            if r["action"] != "translated" {
                continue;
            }
            for (term, target) in [("Antony Blinken", "Antony Blinken"), ("NATO", "NATO"), ("Dewan Keamanan PBB", "UN Security Council")] {
                if src.contains(term) {
                    // Either the target is in the output, or the sentence says it is missing.
                    assert!(tgt.contains(target) || flagged.iter().any(|t| t == target), "{m}: {term} neither kept nor flagged in {r}");
                }
            }
            assert!(!tgt.contains("830") && !tgt.contains("831"), "{m}: a placeholder leaked: {tgt}");
        }
        // The glossary is part of the options: without it, the outputs are not current.
        assert_ok(&translate(&[]));
        let manifest: serde_json::Value = serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["counts"]["succeeded"], 1, "{m}: translated again without the glossary");
    }
    let bad = dir.path().join("rusak.tsv");
    fs::write(&bad, "a\tb\tc\n").unwrap();
    let o = run(&[
        "translate",
        seed_article().to_str().unwrap(),
        "--out",
        dir.path().join("x").to_str().unwrap(),
        "--model",
        model("tiny-marian").to_str().unwrap(),
        "--glossary",
        bad.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("rusak.tsv") && stderr(&o).contains("line 1"), "{}", stderr(&o));
}
