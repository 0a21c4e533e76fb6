//! The block classifier on articles written in the patterns of eleven Indonesian outlets
//! (`tests/fixtures/outlets/`, every line labelled with its expected class) and on a held-out
//! set written after the rules were frozen (`heldout/`): per-class precision and recall,
//! printed as the README's tables (`cargo test --release --test outlets -- --nocapture
//! --test-threads 1`), with floors asserted.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

mod common;
use terjemah::input::blocks::{structure, BlockClass};

/// A labelled article: its text and the expected blocks (class name, byte span).
fn load(path: &Path) -> (String, Vec<(String, Range<usize>)>) {
    let mut text = String::new();
    let mut expected = Vec::new();
    for (n, line) in std::fs::read_to_string(path).unwrap().lines().enumerate() {
        if line.is_empty() {
            text.push('\n');
            continue;
        }
        let (label, content) = line.split_once('\t').unwrap_or_else(|| panic!("{}:{}: no label", path.display(), n + 1));
        match label.strip_prefix('+') {
            Some(label) => {
                assert!(text.ends_with('\n'), "{}:{}: nothing to continue", path.display(), n + 1);
                text.pop();
                text.push(' ');
                expected.push((label.to_string(), text.len()..text.len() + content.len()));
            }
            None => expected.push((label.to_string(), text.len()..text.len() + content.len())),
        }
        text.push_str(content);
        text.push('\n');
    }
    (text, expected)
}

#[derive(Default)]
struct Tally {
    expected: usize,
    predicted: usize,
    correct: usize,
}

/// Per-class tallies over the labelled articles of `dir`, printed as a Markdown table with the
/// blocks the classifier got wrong; returns the per-class (precision, recall) and the accuracy.
fn measure(dir: &Path) -> (BTreeMap<String, (f64, f64)>, f64, usize) {
    let mut files: Vec<_> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "txt")).collect();
    files.sort();
    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    let mut misses = Vec::new();
    for path in &files {
        let (text, expected) = load(path);
        let predicted: Vec<(BlockClass, Range<usize>)> = structure(&text).into_iter().map(|b| (b.class, b.span)).collect();
        for (class, span) in &expected {
            tally.entry(class.clone()).or_default().expected += 1;
            let got = predicted.iter().find(|(_, s)| s == span).map(|(c, _)| c.as_str());
            if got == Some(class.as_str()) {
                tally.get_mut(class).unwrap().correct += 1;
            } else {
                let name = path.file_stem().unwrap().to_string_lossy();
                misses.push(format!("{name}: {:?} expected {class}, got {}", &text[span.clone()], got.unwrap_or("(other span)")));
            }
        }
        for (class, _) in &predicted {
            tally.entry(class.as_str().to_string()).or_default().predicted += 1;
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    println!("{} ({} outlets)\n| class | blocks | precision | recall |\n|---|---|---|---|", dir.display(), files.len());
    let (mut all_correct, mut all_expected) = (0, 0);
    let mut scores = BTreeMap::new();
    for (class, t) in &tally {
        let (p, r) = (ratio(t.correct, t.predicted), ratio(t.correct, t.expected));
        println!("| {class} | {} | {p:.3} | {r:.3} |", t.expected);
        scores.insert(class.clone(), (p, r));
        all_correct += t.correct;
        all_expected += t.expected;
    }
    let accuracy = ratio(all_correct, all_expected);
    println!("| all blocks (accuracy) | {all_expected} | | {accuracy:.3} |\nmisses:\n  {}\n", misses.join("\n  "));
    (scores, accuracy, files.len())
}

fn fixtures() -> std::path::PathBuf {
    common::fixtures().join("outlets")
}

/// The articles the rules were written against.
#[test]
fn classifier_on_the_outlet_articles() {
    let (scores, accuracy, outlets) = measure(&fixtures());
    assert!(outlets >= 8, "at least eight outlets");
    for (class, (p, r)) in scores {
        assert!(p >= 0.9 && r >= 0.9, "{class}: precision {p:.3}, recall {r:.3}");
    }
    assert!(accuracy >= 0.95);
}

/// Articles written after the rules were frozen, in the patterns of six outlets (four not in
/// the set above): what to expect on pages the rules have not seen.
#[test]
fn classifier_on_held_out_articles() {
    let (scores, accuracy, _) = measure(&fixtures().join("heldout"));
    for (class, (p, r)) in scores {
        assert!(p >= 0.6 && r >= 0.5, "{class}: precision {p:.3}, recall {r:.3}");
    }
    assert!(accuracy >= 0.8);
}
