//! The review formats (HTML pages and index, TMX, TSV) and quality flags, as a user gets them:
//! the binary on the fixture articles and on an article full of markup characters, tabs,
//! emoji and a control character; every file checked with a real parser.

mod common;

use common::*;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use terjemah::align::AlignedDocument;
use terjemah::input::Document;
use terjemah::output::html::write_index;
use terjemah::output::{Context, Format};
use terjemah::quality::Flag;
use terjemah::text::plan::{plan, Boilerplate};
use terjemah::translate::Translation;

const TRICKY: &str = "tricky & 'odd' name";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
const ALL_FORMATS: &str = "html,tmx,tsv,jsonl,md,txt";

fn tricky_dir() -> PathBuf {
    fixtures().join("review")
}

/// What XML (and so the HTML writer) cannot carry: C0 controls other than tab, LF, CR.
fn xml_text(s: &str) -> String {
    s.chars().filter(|&c| c >= ' ' || matches!(c, '\t' | '\n' | '\r')).collect()
}

/// The page without its doctype and script, which is all the markup an XML parser may not
/// take; the rest must parse as is (so every `<`, `&` and quote in the text was escaped).
fn html_as_xml(html: &str) -> String {
    let body = html.strip_prefix("<!DOCTYPE html>\n").expect("an HTML5 doctype first");
    let start = body.find("<script>").expect("a script");
    let end = body.find("</script>").expect("a script end");
    assert_eq!(body.matches("<script").count(), 1, "one script element: text never turns into markup");
    format!("{}<script/>{}", &body[..start], &body[end + "</script>".len()..])
}

fn text_of(n: roxmltree::Node) -> String {
    n.descendants().filter(|d| d.is_text()).map(|d| d.text().unwrap()).collect()
}

fn has_class(n: &roxmltree::Node, class: &str) -> bool {
    n.attribute("class").is_some_and(|c| c.split(' ').any(|x| x == class))
}

/// Translate the fixture articles and the tricky one into one folder, all formats.
fn translate_all() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    translate(fixtures().join("articles"), out.path()).input(tricky_dir()).max_decoding_length(12).args(["--formats", ALL_FORMATS]).ok();
    out
}

fn check_html(path: &Path, rows: &[serde_json::Value]) {
    let html = fs::read_to_string(path).unwrap();
    for external in ["src=", "http://", "https://", "@import", "url("] {
        assert!(!html.contains(external), "{}: self-contained, yet has {external:?}", path.display());
    }
    let xml = html_as_xml(&html);
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{}: not well-formed: {e}", path.display()));
    let segs: HashMap<&str, roxmltree::Node> =
        doc.descendants().filter(|n| has_class(n, "seg")).map(|n| (n.attribute("id").expect("a sentence has an id"), n)).collect();
    assert_eq!(segs.len(), 2 * rows.len(), "{}: one element per side per segment", path.display());
    for r in rows {
        let id = format!("s-{}-{}", r["block"], r["sentence"]);
        let (src, tgt) = (segs[format!("{id}-id").as_str()], segs[format!("{id}-en").as_str()]);
        assert_eq!(text_of(src), xml_text(r["source"].as_str().unwrap()), "{id} source");
        assert_eq!(text_of(tgt), xml_text(r["target"].as_str().unwrap()), "{id} target");
        assert_eq!(src.attribute("data-pair"), tgt.attribute("id"), "{id}: source names its English");
        assert_eq!(tgt.attribute("data-pair"), src.attribute("id"), "{id}: English names its source");
        assert_eq!(src.ancestors().find(|a| a.has_tag_name("div")).unwrap().attribute("lang"), Some("id"));
        assert_eq!(tgt.ancestors().find(|a| a.has_tag_name("div")).unwrap().attribute("lang"), Some("en"));
        let section = src.ancestors().find(|a| a.has_tag_name("section")).unwrap();
        assert_eq!(section.attribute("data-class"), r["class"].as_str(), "{id}: block class");
        assert!(tgt.ancestors().any(|a| a == section), "{id}: both sides in one block");
        let boilerplate = ["related", "metadata", "navigation"].contains(&r["class"].as_str().unwrap());
        assert_eq!(has_class(&section, "boiler"), boilerplate, "{id}: boilerplate dimmed");
        let names: Vec<&str> = r["flags"].as_array().map_or(vec![], |f| f.iter().map(|f| f["flag"].as_str().unwrap()).collect());
        assert_eq!(has_class(&tgt, "flagged"), !names.is_empty(), "{id}: flagged mark");
        if !names.is_empty() {
            assert_eq!(tgt.attribute("data-flags"), Some(names.join(" ").as_str()));
            assert!(has_class(&section, "has-flags"));
        }
        let confidence = |v: Option<f64>| v.map(|c| (c * 1e4).round());
        assert_eq!(
            confidence(tgt.attribute("data-conf").map(|c| c.parse().unwrap())),
            confidence(r.get("confidence").and_then(|c| c.as_f64())),
            "{id}: confidence"
        );
    }
}

fn check_tmx(path: &Path, rows: &[serde_json::Value]) {
    let xml = fs::read_to_string(path).unwrap();
    // The DOCTYPE names the TMX DTD (as OmegaT's own files do); it is never fetched.
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    let doc =
        roxmltree::Document::parse_with_options(&xml, options).unwrap_or_else(|e| panic!("{}: not well-formed XML: {e}", path.display()));
    let tmx = doc.root_element();
    assert_eq!((tmx.tag_name().name(), tmx.attribute("version")), ("tmx", Some("1.4")));
    let header = tmx.children().find(|n| n.has_tag_name("header")).expect("a header");
    for (attr, value) in [
        ("creationtool", "terjemah"),
        ("creationtoolversion", env!("CARGO_PKG_VERSION")),
        ("segtype", "sentence"),
        ("adminlang", "en"),
        ("srclang", "id"),
        ("datatype", "plaintext"),
    ] {
        assert_eq!(header.attribute(attr), Some(value), "header {attr}");
    }
    assert!(header.attribute("o-tmf").is_some());
    let prop = |t: &str| header.children().find(|n| n.attribute("type") == Some(t)).and_then(|n| n.text()).map(str::to_string);
    assert_eq!(prop("x-model").as_deref(), Some("tiny-marian"));
    assert_eq!(prop("x-model-fingerprint").map(|f| f.len()), Some(16));

    let body = tmx.children().find(|n| n.has_tag_name("body")).expect("a body");
    let tus: Vec<_> = body.children().filter(|n| n.has_tag_name("tu")).collect();
    let pairs: Vec<_> = rows.iter().filter(|r| r["action"] != "dropped" && !r["target"].as_str().unwrap().trim().is_empty()).collect();
    assert_eq!(tus.len(), pairs.len(), "one <tu> per sentence pair");
    assert!(pairs.iter().any(|r| r["action"] == "translated") && pairs.iter().any(|r| r["action"] == "copied"));
    for (tu, r) in tus.iter().zip(&pairs) {
        assert_eq!(tu.attribute("tuid"), Some(format!("{}-{}", r["block"], r["sentence"]).as_str()));
        let tuvs: Vec<_> = tu.children().filter(|n| n.has_tag_name("tuv")).collect();
        assert_eq!(tuvs.len(), 2);
        let seg = |tuv: &roxmltree::Node| text_of(tuv.children().find(|n| n.has_tag_name("seg")).unwrap());
        assert_eq!(tuvs[0].attribute((XML_NS, "lang")), Some("id"));
        assert_eq!(tuvs[1].attribute((XML_NS, "lang")), Some("en"));
        assert_eq!(seg(&tuvs[0]), xml_text(r["source"].as_str().unwrap()));
        assert_eq!(seg(&tuvs[1]), xml_text(r["target"].as_str().unwrap()));
    }
}

fn unescape_tsv(field: &str) -> String {
    let mut out = String::new();
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            other => panic!("bad escape \\{other:?} in {field:?}"),
        }
    }
    out
}

fn check_tsv(path: &Path, rows: &[serde_json::Value]) {
    let tsv = fs::read_to_string(path).unwrap();
    let mut lines = tsv.lines();
    assert_eq!(lines.next(), Some("source\ttarget\tblock\tsentence\tclass\taction\tflags\tconfidence"));
    let lines: Vec<&str> = lines.collect();
    assert_eq!(lines.len(), rows.len(), "one line per segment");
    for (line, r) in lines.iter().zip(rows) {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 8, "fixed column count: {line:?}");
        assert_eq!(unescape_tsv(f[0]), r["source"].as_str().unwrap());
        assert_eq!(unescape_tsv(f[1]), r["target"].as_str().unwrap());
        assert_eq!(
            (f[2], f[3], f[4], f[5]),
            (
                r["block"].to_string().as_str(),
                r["sentence"].to_string().as_str(),
                r["class"].as_str().unwrap(),
                r["action"].as_str().unwrap()
            )
        );
        let names: Vec<&str> = r["flags"].as_array().map_or(vec![], |f| f.iter().map(|f| f["flag"].as_str().unwrap()).collect());
        assert_eq!(f[6], names.join(","));
        let confidence = r.get("confidence").map(|c| c.as_f64().unwrap());
        assert_eq!(f[7].parse::<f64>().ok().map(|c| (c * 1e4).round()), confidence.map(|c| (c * 1e4).round()), "{line:?}");
    }
}

#[test]
fn every_format_is_written_and_parses() {
    let out = translate_all();
    for stem in [SEED, TRICKY] {
        for suffix in ["bi.html", "tmx", "tsv", "align.jsonl", "bi.md", "en.txt"] {
            assert!(out.path().join(format!("{stem}.{suffix}")).is_file(), "{stem}.{suffix} written");
        }
        let rows = read_jsonl(&out.path().join(format!("{stem}.align.jsonl")));
        check_html(&out.path().join(format!("{stem}.bi.html")), &rows);
        check_tmx(&out.path().join(format!("{stem}.tmx")), &rows);
        check_tsv(&out.path().join(format!("{stem}.tsv")), &rows);
        // Flags in JSONL: only on translated segments, only known names, absent when none.
        for r in &rows {
            if let Some(flags) = r.get("flags") {
                assert_eq!(r["action"], "translated", "{r}");
                let flags = flags.as_array().unwrap();
                assert!(!flags.is_empty(), "an empty flags array is omitted: {r}");
                assert!(flags.iter().all(|f| terjemah::quality::Flag::NAMES.contains(&f["flag"].as_str().unwrap())), "{r}");
            }
            assert_eq!(r["hit_max_length"] == true, r["flags"].as_array().is_some_and(|f| f.iter().any(|f| f["flag"] == "max_length")));
        }
    }
    // The tricky text really was in there (the checks above compared it character by character).
    let tricky = read_jsonl(&out.path().join(format!("{TRICKY}.align.jsonl")));
    let all: String = tricky.iter().map(|r| r["source"].as_str().unwrap()).collect();
    for s in ["<b>", "&amp;", "\"", "'", "\t", "🇮🇩", "]]>", "\u{1b}", "<script>"] {
        assert!(all.contains(s), "the tricky article holds {s:?}");
    }
    let html = fs::read_to_string(out.path().join(format!("{TRICKY}.bi.html"))).unwrap();
    assert!(html.contains("<title>tricky &amp; &#39;odd&#39; name.txt · terjemah</title>"), "file name escaped");

    // The run wrote index.html listing every article page, with counts from the manifest.
    let index = fs::read_to_string(out.path().join("index.html")).expect("the run writes index.html");
    let manifest: serde_json::Value = serde_json::from_str(&fs::read_to_string(out.path().join("manifest.json")).unwrap()).unwrap();
    let docs = manifest["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 2);
    for d in docs {
        assert!(d["translated"].as_u64().unwrap() > 0 && d["segments"].as_u64() >= d["translated"].as_u64());
    }
    assert!(index.contains("000_43c79636b6b3480f.bi.html"), "seed article linked");
    assert!(index.contains("tricky%20%26%20") || index.contains("tricky &amp; &#39;odd&#39; name.bi.html"), "tricky article linked");
}

/// A document with hand-made translations and confidences, to see flags end to end without a
/// model; below a confidence of -1 a translation is flagged.
fn aligned(text: &str, targets: &[(&str, &str, f32)]) -> AlignedDocument {
    let doc = Document::from_bytes(Path::new("sub/berita <1>.txt"), text.as_bytes()).unwrap();
    let map: HashMap<String, Translation> = targets
        .iter()
        .map(|(s, t, c)| (s.to_string(), Translation { text: t.to_string(), pieces: 1, confidence: Some(*c), ..Default::default() }))
        .collect();
    let p = plan(&doc, Boilerplate::Keep);
    AlignedDocument::assemble(doc, p, &map, -1.0)
}

#[test]
fn flagged_sentences_are_marked_in_jsonl_and_html() {
    let text = "Judul Berita Hari Ini\n\nSebanyak 36 wanita dipenjara di Guatemala tahun lalu. Harga naik 3,5 persen menurut laporan pemerintah.\n\nEditor: Budi\n";
    let a = aligned(
        text,
        &[
            ("Judul Berita Hari Ini", "Today's News Headline", -0.25),
            ("Sebanyak 36 wanita dipenjara di Guatemala tahun lalu.", "Women were jailed in Guatemala last year.", -0.5),
            ("Harga naik 3,5 persen menurut laporan pemerintah.", "Harga naik 3,5 persen menurut laporan pemerintah.", -1.75),
        ],
    );
    let ctx = Context { model_name: "m<1>", model_fingerprint: "0123456789abcdef" };
    let render = |f: Format| {
        let mut buf = Vec::new();
        f.writer().write(&a, &ctx, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    };
    let rows: Vec<serde_json::Value> = render(Format::Jsonl).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let flags_of = |needle: &str| rows.iter().find(|r| r["source"].as_str().unwrap().starts_with(needle)).unwrap().get("flags").cloned();
    assert_eq!(flags_of("Judul"), None, "a good translation carries no flags key");
    assert_eq!(flags_of("Sebanyak"), Some(serde_json::json!([{"flag": "missing_numbers", "numbers": ["36"]}])));
    assert_eq!(flags_of("Harga"), Some(serde_json::json!([{"flag": "untranslated"}, {"flag": "low_confidence", "confidence": -1.75}])));
    assert_eq!(flags_of("Editor"), None, "copied boilerplate is not checked");
    let confidence = |needle: &str| rows.iter().find(|r| r["source"].as_str().unwrap().starts_with(needle)).unwrap()["confidence"].clone();
    assert_eq!((confidence("Judul"), confidence("Harga")), (serde_json::json!(-0.25), serde_json::json!(-1.75)));
    assert_eq!(confidence("Editor"), serde_json::Value::Null, "a copied line has no confidence");

    let html = render(Format::Html);
    check_html_str(&html, &rows);
    assert!(
        html.contains(r#"<span class="flag f-missing_numbers" title="numbers not in the output: 36">missing numbers: 36</span>"#),
        "{html}"
    );
    assert!(html.contains("<code>m&lt;1&gt;</code>"), "model name escaped");
    // The sentences by confidence, lowest first, the flagged one marked, each linking to itself.
    let list: Vec<&str> = html.lines().filter(|l| l.starts_with("<li")).collect();
    assert_eq!(list.len(), 3, "{html}");
    assert!(list[0].starts_with(r##"<li class="low"><a href="#s-1-1-en"><span class="c">-1.75</span> Harga naik"##), "{}", list[0]);
    assert!(list[1].starts_with(r##"<li><a href="#s-1-0-en"><span class="c">-0.50</span> Women"##), "{}", list[1]);
    assert!(list[2].starts_with(r##"<li><a href="#s-0-0-en"><span class="c">-0.25</span> Today"##), "{}", list[2]);
    assert!(html.contains("(1 low)"));
    let tsv = render(Format::Tsv);
    assert!(tsv.lines().any(|l| l.starts_with("Sebanyak") && l.ends_with("\tmissing_numbers\t-0.5")), "{tsv}");
    let tmx = render(Format::Tmx);
    assert!(tmx.contains(r#"<prop type="x-flags">untranslated low_confidence</prop>"#), "{tmx}");
    assert!(tmx.contains(r#"<prop type="x-confidence">-1.75</prop>"#), "{tmx}");
}

fn check_html_str(html: &str, rows: &[serde_json::Value]) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("page.html");
    fs::write(&p, html).unwrap();
    check_html(&p, rows);
}

/// The index as a run writes it and `eval` rewrites it with scores: every article of the
/// manifest with its counts and flags, sortable, and names that need escaping intact.
#[test]
fn index_lists_every_article_sortable_with_flags_and_scores() {
    let dir = tempfile::tempdir().unwrap();
    let (input, out, refs) = (dir.path().join("in"), dir.path().join("out"), dir.path().join("refs"));
    let tricky = "berita <1> & 'x' #2";
    fs::create_dir_all(input.join("sub")).unwrap();
    fs::write(input.join(format!("sub/{tricky}.txt")), "Judul\n\nSebanyak 36 wanita dipenjara.\n").unwrap();
    fs::write(input.join("b.txt"), "Presiden tiba di Jakarta.\n\nHarga beras naik lagi. Dia langsung rapat.\n\nEditor: Asp\n").unwrap();
    translate(&input, &out).args(["--formats", "html,txt", "--no-tm"]).ok();
    let documents = manifest(&out)["documents"].as_array().unwrap().clone();
    assert_eq!(documents.len(), 2);

    // A reference for the tricky article only: its English with one block changed.
    fs::create_dir_all(refs.join("sub")).unwrap();
    let en = fs::read_to_string(out.join(format!("sub/{tricky}.en.txt"))).unwrap();
    let reference: String = en.lines().enumerate().map(|(i, l)| if i == 0 { "A title\n".to_string() } else { format!("{l}\n") }).collect();
    fs::write(refs.join(format!("sub/{tricky}.en.txt")), reference).unwrap();
    let report = out.join("compare.html");
    let o = run(&[
        "eval",
        "--hyp-dir",
        out.to_str().unwrap(),
        "--ref-dir",
        refs.to_str().unwrap(),
        "--metrics",
        "bleu",
        "--format",
        "json",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_ok(&o);
    let scored: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let bleu = scored["articles"][0]["scores"][0]["score"].as_f64().unwrap();

    let html = fs::read_to_string(out.join("index.html")).unwrap();
    let xml = html_as_xml(&html);
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("index not well-formed: {e}"));
    let table = doc.descendants().find(|n| n.attribute("id") == Some("articles")).expect("the table");
    let heads: Vec<String> =
        table.descendants().filter(|n| n.has_tag_name("th") && n.attribute("scope") == Some("col")).map(text_of).collect();
    // A column for each flag some article has, in the flags' display order.
    let flagged: Vec<&str> = Flag::NAMES
        .iter()
        .copied()
        .filter(|f| documents.iter().any(|d| d["flags"].get(*f).is_some_and(|n| n.as_u64() > Some(0))))
        .collect();
    assert!(flagged.contains(&"missing_numbers"), "the tiny model drops the 36: {documents:?}");
    let mut expected = vec!["Article", "Blocks", "Sentences", "Translated", "Flagged"];
    expected.extend(flagged.iter().map(|f| Flag::label(f)));
    expected.push("BLEU");
    assert_eq!(heads, expected);
    assert!(
        table
            .descendants()
            .filter(|n| n.has_tag_name("th") && n.attribute("scope") == Some("col"))
            .all(|th| th.children().any(|c| c.has_tag_name("button"))),
        "every heading is a sort button"
    );
    let body = table.children().find(|n| n.has_tag_name("tbody")).unwrap();
    let rows: Vec<Vec<(String, String)>> = body
        .children()
        .filter(|n| n.has_tag_name("tr"))
        .map(|tr| {
            tr.children().filter(|c| c.has_tag_name("td")).map(|td| (td.attribute("data-v").unwrap().to_string(), text_of(td))).collect()
        })
        .collect();
    assert_eq!(rows.len(), 2, "one row per document of the manifest");
    for (row, d) in rows.iter().zip(&documents) {
        let source = d["source"].as_str().unwrap();
        assert!(
            source.ends_with(&row[0].1),
            "the article's name, escaped in the markup, intact after parsing: {:?} for {source}",
            row[0].1
        );
        let mut counts: Vec<String> = ["blocks", "segments", "translated", "flagged"].iter().map(|k| d[*k].to_string()).collect();
        counts.extend(flagged.iter().map(|f| d["flags"].get(*f).map_or("0".to_string(), |n| n.to_string())));
        assert_eq!(row[1..1 + counts.len()].iter().map(|c| c.1.clone()).collect::<Vec<_>>(), counts, "{source}");
        let score = &row[1 + counts.len()];
        if source.contains(tricky) {
            assert_eq!(score.0.parse::<f64>().unwrap(), bleu, "sorts on the full value");
            assert_eq!(score.1, format!("{bleu:.2}"));
        } else {
            assert_eq!(score.1, "–", "no reference, no score");
        }
    }
    let hrefs: Vec<&str> = body.descendants().filter_map(|n| n.attribute("href")).collect();
    let href = |d: &serde_json::Value| -> String {
        let page = d["outputs"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).find(|p| p.ends_with(".bi.html")).unwrap();
        let rel = Path::new(page).strip_prefix(&out).unwrap().to_str().unwrap().to_string();
        rel.bytes()
            .map(|b| if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
            .collect()
    };
    assert_eq!(hrefs, documents.iter().map(href).collect::<Vec<_>>(), "each row links its page");
    assert!(hrefs.contains(&"sub/berita%20%3C1%3E%20%26%20%27x%27%20%232.bi.html"), "{hrefs:?}");

    // The scores are recorded in the manifest, where the next run's index finds them: a run
    // that finds every article up to date and translates a new one lists them all, the scored
    // article with its score, the new one without.
    assert_eq!(manifest(&out)["documents"].as_array().unwrap().iter().filter(|d| d.get("scores").is_some()).count(), 1);
    fs::write(input.join("c.txt"), "Hujan turun di Bogor.\n").unwrap();
    translate(&input, &out).args(["--formats", "html,txt", "--no-tm"]).ok();
    assert_eq!((manifest(&out)["counts"]["up_to_date"].as_u64(), manifest(&out)["counts"]["succeeded"].as_u64()), (Some(2), Some(1)));
    let again = fs::read_to_string(out.join("index.html")).unwrap();
    assert_eq!(again.matches("<tr").count(), html.matches("<tr").count() + 1, "{again}");
    assert!(again.contains(&format!(r#"<td data-v="{bleu}">{bleu:.2}</td>"#)), "eval's score kept: {again}");
    // The index links eval's comparison report, before and after the next run.
    assert!(report.is_file());
    for page in [&html, &again] {
        assert!(page.contains(r#"<a class="report" href="compare.html">Comparison report</a>"#), "{page}");
    }
    assert_eq!(again.matches(r#"<td data-v="">–</td>"#).count(), 2, "two articles without a reference");
}

#[test]
fn an_empty_run_still_gets_an_index() {
    let out = tempfile::tempdir().unwrap();
    write_index(out.path(), &[], None).unwrap();
    let html = fs::read_to_string(out.path().join("index.html")).unwrap();
    roxmltree::Document::parse(&html_as_xml(&html)).unwrap();
    assert!(html.contains("No article was translated."));
}

#[test]
fn eval_with_references_puts_scores_in_the_index() {
    let out = tempfile::tempdir().unwrap();
    translate(fixtures().join("articles"), out.path()).args(["--formats", "html,txt"]).ok();
    let before = fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(!before.contains("BLEU"));
    // A reference: the English output itself with one block changed.
    let refs = tempfile::tempdir().unwrap();
    let en = fs::read_to_string(out.path().join("000_43c79636b6b3480f.en.txt")).unwrap();
    fs::write(refs.path().join("000_43c79636b6b3480f.en.txt"), en.replacen("January", "Januar", 1)).unwrap();
    let o = run(&["eval", "--hyp-dir", out.path().to_str().unwrap(), "--ref-dir", refs.path().to_str().unwrap(), "--metrics", "bleu,chrf"]);
    assert_ok(&o);
    let after = fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(after.contains("BLEU") && after.contains("chrF"), "score columns added");
}
