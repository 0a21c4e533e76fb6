//! Property tests over the reader and the segmenter (the fuzzing of the reliability issue):
//! never panic, and every character of the input belongs to exactly one segment, in order, with
//! only whitespace between segments. Run longer with PROPTEST_CASES=200000.

use std::path::Path;

use proptest::prelude::*;
use terjemah::input::blocks::{lines, Document};
use terjemah::input::html::{Extract, Page, Placed};
use terjemah::text::plan::{plan, Boilerplate};
use terjemah::text::segment::{sentences, split_long};

/// Text that looks like scraped Indonesian news, with the hard parts over-represented.
fn newsish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => "[A-Za-z]{1,10}",
        1 => Just("Jl.".to_string()), 1 => Just("Dr.".to_string()), 1 => Just("dll.".to_string()),
        1 => Just("R.".to_string()), 1 => Just("S.H.".to_string()), 1 => Just("a.n.".to_string()),
        1 => "[0-9]{1,3}([.,][0-9]{3}){0,3}",
        1 => "[0-9]{2}[.:][0-9]{2}",
        2 => prop::sample::select(vec![".", "!", "?", "...", "…", ",", ";", ":", "\"", "“", "”", "'", "(", ")", "-", "–", "/"]).prop_map(str::to_string),
        1 => prop::sample::select(vec!["Baca Juga:", "Editor:", "Sumber:", "Halaman:", "Tags", "- 28 Januari 2022, 11:09 WIB", "/UPI/Foto"]).prop_map(str::to_string),
        1 => prop::sample::select(vec!["Jakarta, CNN Indonesia --", "KOMPAS.com -", "Jakarta (ANTARA) -", "Jakarta -", "(asp/asp)", "[Gambas:Video CNN]", "Baca juga", "JL.", "Pte.", "hal.", "A.S.", "ke-9 M.", "\" "]).prop_map(str::to_string),
        1 => prop::sample::select(vec!["\n", "\n\n", "\r\n", "\r", "\t", "  ", "\u{00a0}", "\u{2028}"]).prop_map(str::to_string),
        1 => "\\PC{1,3}",
    ];
    prop::collection::vec((piece, prop::sample::select(vec![" ", "", " ", "\n"])), 0..60)
        .prop_map(|v| v.into_iter().map(|(p, sep)| p + sep).collect())
}

/// Invariants of a structured document and its plan under every boilerplate policy.
fn check_document(doc: &Document) {
    let text = &doc.text;
    assert!(!text.contains('\r'), "line ends normalised");
    let mut pos = 0;
    for b in &doc.blocks {
        assert!(b.span.start >= pos && b.span.start < b.span.end, "blocks ordered and non-empty");
        assert!(text[pos..b.span.start].trim().is_empty(), "only whitespace between blocks");
        let t = &text[b.span.clone()];
        assert_eq!(t, t.trim(), "blocks are trimmed");
        pos = b.span.end;
    }
    assert!(text[pos..].trim().is_empty());
    for policy in [Boilerplate::Keep, Boilerplate::Translate, Boilerplate::Drop] {
        let mut pos = 0;
        for (block, pb) in doc.blocks.iter().zip(plan(doc, policy)) {
            assert_eq!(block.span, pb.span);
            for s in &pb.segments {
                assert!(
                    s.span.start >= pos && s.span.end <= pb.span.end && s.span.start >= pb.span.start,
                    "segments inside their block, in order"
                );
                assert!(text[pos..s.span.start].trim().is_empty(), "text lost between segments: {:?}", &text[pos..s.span.start]);
                assert!(!text[s.span.clone()].trim().is_empty(), "empty segment");
                pos = s.span.end;
            }
            assert!(text[pos..pb.span.end].trim().is_empty(), "text lost at the end of a block");
            pos = pb.span.end;
        }
        assert!(text[pos..].trim().is_empty());
    }
}

fn check_cover(text: &str, ranges: &[std::ops::Range<usize>]) {
    let mut pos = 0;
    for r in ranges {
        assert!(r.start >= pos && r.start < r.end && r.end <= text.len());
        assert!(text[pos..r.start].trim().is_empty(), "lost {:?}", &text[pos..r.start]);
        pos = r.end;
    }
    assert!(text[pos..].trim().is_empty(), "lost the tail {:?}", &text[pos..]);
}

/// Page-like markup: tags, entities, comments and text in any order, unbalanced included.
fn htmlish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => "[A-Za-z .,]{1,20}",
        2 => prop::sample::select(vec![
            "<p>", "</p>", "<div class=\"sidebar\">", "<div>", "</div>", "<br>", "<a href=\"/x\">", "</a>", "<b>", "</b>",
            "<script>var a = '<p>x</p>';</script>", "<style>p{}</style>", "<h1>", "</h1>", "<nav>", "</nav>", "&amp;", "&nbsp;",
            "&#34;", "<!-- c -->", "<picture><img src=x></picture>", "<figcaption>", "</figcaption>", "<html>", "<body>", "Baca juga: ",
        ]).prop_map(str::to_string),
    ];
    prop::collection::vec(piece, 0..50).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Any markup is read without a panic; its article text has one line per block, and the
    /// translated page can be made from any English.
    #[test]
    fn any_markup_reads_and_writes_back(html in htmlish(), all in any::<bool>()) {
        let page = Page::parse(&html, if all { Extract::All } else { Extract::Main });
        let blocks: Vec<String> = page.blocks().map(str::to_string).collect();
        let text = page.text();
        prop_assert_eq!(lines(&text).filter(|l| !l.is_empty()).count(), blocks.len());
        if !blocks.is_empty() {
            check_document(&Document::from_text(Path::new("x.html"), &text));
        }
        let english: Vec<String> = blocks.iter().enumerate().map(|(i, b)| if i % 2 == 0 { format!("EN {i} <&>") } else { b.clone() }).collect();
        let out = page.translated_page(&english.iter().cloned().map(Placed::from).collect::<Vec<_>>());
        // Elements without text (an empty link) may stand between the English's words
        // (a link around a script, say): the text a reader sees, scripts and tags removed.
        let text = regex::Regex::new(r"(?s)<script\b.*?</script>|<style\b.*?</style>|<[^>]*>").unwrap().replace_all(&out, "");
        prop_assert!(english.iter().step_by(2).all(|e| text.contains(&e.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;"))));
    }

    #[test]
    fn any_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(doc) = Document::from_bytes(Path::new("x.txt"), &bytes) {
            check_document(&doc);
        }
    }

    #[test]
    fn news_like_text_is_fully_accounted_for(text in newsish()) {
        match Document::from_bytes(Path::new("x.txt"), text.as_bytes()) {
            Ok(doc) => check_document(&doc),
            Err(e) => prop_assert!(text.trim().is_empty() || e.to_string().contains("x.txt"), "{e}"),
        }
        for line in lines(&text.replace('\r', "\n")) {
            let l = &text.replace('\r', "\n")[line];
            check_cover(l, &sentences(l));
        }
    }

    #[test]
    fn long_splitting_keeps_everything(text in newsish(), limit in 1usize..12) {
        let count = |s: &str| s.split_whitespace().count() + s.chars().count() / 16;
        let ranges = split_long(&text, limit, &count);
        check_cover(&text, &ranges);
        for r in &ranges {
            let piece = &text[r.clone()];
            prop_assert!(count(piece) <= limit || piece.chars().count() == 1, "piece {piece:?} over the limit");
        }
    }
}
