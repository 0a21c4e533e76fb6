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
        let go = |extra: &[&str]| translate(seed_article(), &out).model(m).max_decoding_length(12).args(extra).run();
        assert_ok(&go(&["--glossary", g.to_str().unwrap()]));
        let first = manifest(&out);
        let c = &first["counts"];
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
        assert_ok(&go(&[]));
        assert_eq!(manifest(&out)["counts"]["succeeded"], 1, "{m}: translated again without the glossary");
    }
    let bad = dir.path().join("rusak.tsv");
    fs::write(&bad, "a\tb\tc\n").unwrap();
    let o = translate(seed_article(), dir.path().join("x")).verbose().args(["--glossary".as_ref(), bad.as_os_str()]).run();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("rusak.tsv") && stderr(&o).contains("line 1"), "{}", stderr(&o));
}
