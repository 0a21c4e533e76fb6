//! Quality flags: per-segment signs that a translation deserves a reviewer's look.
//!
//! `check` is a pure function of the source and target text. The checks are heuristics tuned
//! for Indonesian to English news; thresholds are the consts below. They aim at few false
//! alarms: a reviewer who sees a flag should usually find something wrong.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

/// Why a translated segment is suspicious. Shown in JSONL, HTML and the manifest.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "flag", rename_all = "snake_case")]
pub enum Flag {
    /// The output reached --max-decoding-length and may be cut short.
    MaxLength,
    /// The output (nearly) repeats the source: the model copied instead of translating.
    Untranslated,
    /// Output length / source length (characters without spaces) outside 0.5 to 2 (`RATIO_LOW`,
    /// `RATIO_HIGH`) for a source of 20 such characters or more; below 0.3 (`RATIO_DROPPED`) it
    /// is [`Flag::DroppedContent`] instead.
    LengthRatio {
        /// Output length / source length, to two decimals.
        ratio: f64,
    },
    /// An n-gram repeated back to back, `count` times: a decoding loop (hallucination).
    Repetition {
        /// The repeated unit, lower-cased: words joined by a space, or the characters of a
        /// loop inside a word.
        ngram: String,
        /// How many times it occurs in a row.
        count: usize,
    },
    /// The output is much shorter than the source (empty, or ratio below `RATIO_DROPPED`, 0.3).
    DroppedContent {
        /// Output length / source length, to two decimals (0 for an empty output).
        ratio: f64,
    },
    /// Numbers of the source (as written there) that the output does not contain.
    MissingNumbers {
        /// The numbers, as written in the source, in source order.
        numbers: Vec<String>,
    },
    /// Unknown pieces in the output (`<unk>`, or ` ⁇ ` as SentencePiece decodes them).
    Unknown {
        /// Unknown pieces in the output beyond those in the source.
        count: usize,
    },
    /// Indonesian words left in the English as they were ("mencoba identified the political
    /// solution"): words of [`INDONESIAN_WORDS`] written in lower case (capitalized words are
    /// names; the first word counts when the source has it in lower case).
    SourceWords {
        /// The words, as the output writes them, in output order, each once.
        words: Vec<String>,
    },
    /// A word twice in a row ("Ukrainian Ukrainian Invasion", or mangled: "Zelenskyr Zelensky")
    /// that the source does not double.
    DoubledWord {
        /// The two words, lower-cased: "ukrainian ukrainian".
        words: String,
    },
    /// Glossary terms of the source whose fixed target is not in the output.
    GlossaryMissing {
        /// The fixed targets missing from the output, as the glossary writes them.
        terms: Vec<String>,
    },
    /// The model's confidence (log-probability per output token) is below the run's threshold
    /// (`--low-confidence`).
    LowConfidence {
        /// The confidence, as `NAME.align.jsonl` gives it.
        confidence: f32,
    },
}

impl Flag {
    /// Every flag name, in display order (index columns, legends).
    pub const NAMES: &'static [&'static str] = &[
        "max_length",
        "untranslated",
        "length_ratio",
        "repetition",
        "dropped_content",
        "missing_numbers",
        "unknown",
        "source_words",
        "doubled_word",
        "glossary_missing",
        "low_confidence",
    ];

    /// Short stable name (JSON `flag` value, HTML class, manifest counts).
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Flag::MaxLength => "max_length",
            Flag::Untranslated => "untranslated",
            Flag::LengthRatio { .. } => "length_ratio",
            Flag::Repetition { .. } => "repetition",
            Flag::DroppedContent { .. } => "dropped_content",
            Flag::MissingNumbers { .. } => "missing_numbers",
            Flag::Unknown { .. } => "unknown",
            Flag::SourceWords { .. } => "source_words",
            Flag::DoubledWord { .. } => "doubled_word",
            Flag::GlossaryMissing { .. } => "glossary_missing",
            Flag::LowConfidence { .. } => "low_confidence",
        }
    }

    /// A short human label for a flag name (legends, badges).
    pub fn label(name: &str) -> &'static str {
        match name {
            "max_length" => "max length",
            "untranslated" => "untranslated",
            "length_ratio" => "length ratio",
            "repetition" => "repetition",
            "dropped_content" => "dropped content",
            "missing_numbers" => "missing numbers",
            "unknown" => "unknown pieces",
            "source_words" => "Indonesian left",
            "doubled_word" => "doubled word",
            "glossary_missing" => "glossary term missing",
            "low_confidence" => "low confidence",
            _ => "flag",
        }
    }

    /// One line for a reviewer: what was found, with its evidence.
    pub(crate) fn describe(&self) -> String {
        match self {
            Flag::MaxLength => "the output reached --max-decoding-length and may be cut short".into(),
            Flag::Untranslated => "the output nearly repeats the source".into(),
            Flag::LengthRatio { ratio } => format!("output/source length ratio {ratio:.2}"),
            Flag::Repetition { ngram, count } => format!("\"{ngram}\" repeated {count} times in a row"),
            Flag::DroppedContent { ratio } => format!("output much shorter than the source (length ratio {ratio:.2})"),
            Flag::MissingNumbers { numbers } => format!("numbers not in the output: {}", numbers.join(", ")),
            Flag::Unknown { count } => format!("{count} unknown piece(s) in the output"),
            Flag::SourceWords { words } => format!("Indonesian words left in the English: {}", words.join(", ")),
            Flag::DoubledWord { words } => format!("a word twice in a row: \"{words}\""),
            Flag::GlossaryMissing { terms } => format!("glossary terms not in the output: {}", terms.join(", ")),
            Flag::LowConfidence { confidence } => format!("the model's confidence {confidence:.2} is below the run's threshold"),
        }
    }
}

/// How many segments carry each flag, by name (manifest and index counts).
pub(crate) fn count<'a>(flags: impl IntoIterator<Item = &'a Flag>) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for f in flags {
        *counts.entry(f.name()).or_insert(0) += 1;
    }
    counts
}

/// Below this many non-space characters of source, length ratios are noise ("Ya.", names).
const RATIO_MIN_SOURCE_CHARS: usize = 20;
/// English output is usually 0.8-1.1 times as long as the Indonesian; outside [LOW, HIGH] is odd.
const RATIO_LOW: f64 = 0.5;
const RATIO_HIGH: f64 = 2.0;
/// Below this ratio content was almost surely dropped (its own flag, not also LengthRatio).
const RATIO_DROPPED: f64 = 0.3;
/// Untranslated: the source has at least this many words...
const UNTRANSLATED_MIN_WORDS: usize = 4;
/// ...and this share of source and target words are shared (Dice coefficient over word
/// multisets). Names and numbers make real translations share ~20-50%.
const UNTRANSLATED_OVERLAP: f64 = 0.8;
/// Repetition: one word this many times in a row ("the the the the")...
const REPEAT_UNIGRAM: usize = 4;
/// ...or a 2- to [`REPEAT_MAX_N`]-word n-gram this many times in a row.
const REPEAT_NGRAM: usize = 3;
const REPEAT_MAX_N: usize = 6;
/// Unit lengths (characters) of loops without spaces; single characters ("!!!!", "0000") are
/// punctuation and numbers, not loops.
const REPEAT_UNIT_CHARS: std::ops::RangeInclusive<usize> = 2..=20;

/// Quality flags of one translated segment, in [`Flag::NAMES`] order (without `MaxLength`,
/// which the engine reports).
pub(crate) fn check(source: &str, target: &str) -> Vec<Flag> {
    let mut flags = Vec::new();
    if untranslated(source, target) {
        flags.push(Flag::Untranslated);
    }
    let (src_chars, tgt_chars) = (non_space_chars(source), non_space_chars(target));
    let has_content = source.chars().any(char::is_alphanumeric);
    let ratio = if src_chars == 0 { 1.0 } else { round2(tgt_chars as f64 / src_chars as f64) };
    let dropped = has_content && (tgt_chars == 0 || (src_chars >= RATIO_MIN_SOURCE_CHARS && ratio < RATIO_DROPPED));
    if !dropped && src_chars >= RATIO_MIN_SOURCE_CHARS && !(RATIO_LOW..=RATIO_HIGH).contains(&ratio) {
        flags.push(Flag::LengthRatio { ratio });
    }
    if let Some((ngram, count)) = repetition(target) {
        // A source that repeats itself as much ("ha ha ha ha") may be translated the same way.
        if repetition(source).is_none() {
            flags.push(Flag::Repetition { ngram, count });
        }
    }
    if dropped {
        flags.push(Flag::DroppedContent { ratio });
    }
    let missing = missing_numbers(source, target);
    if !missing.is_empty() {
        flags.push(Flag::MissingNumbers { numbers: missing });
    }
    let unknown = unknown_pieces(target).saturating_sub(unknown_pieces(source));
    if unknown > 0 {
        flags.push(Flag::Unknown { count: unknown });
    }
    // An untranslated output is all source words: that flag says it.
    let left = if flags.contains(&Flag::Untranslated) { Vec::new() } else { source_words(source, target) };
    if !left.is_empty() {
        flags.push(Flag::SourceWords { words: left });
    }
    // A longer loop is already a repetition.
    if let Some(words) = doubled_word(source, target).filter(|_| !flags.iter().any(|f| matches!(f, Flag::Repetition { .. }))) {
        flags.push(Flag::DoubledWord { words });
    }
    flags
}

/// `--low-confidence`'s default: the bundled starter model's confidence below which 10% of
/// its dev set's sentences fall (`scripts/bench/confidence`). Other models score on other
/// scales: the same script finds theirs.
pub const DEFAULT_LOW_CONFIDENCE: f64 = -0.59;

/// The low-confidence flag of a translation whose confidence is below `threshold`.
pub(crate) fn low_confidence(confidence: Option<f32>, threshold: f64) -> Option<Flag> {
    confidence.filter(|c| f64::from(*c) < threshold).map(|confidence| Flag::LowConfidence { confidence })
}

/// Indonesian words English text does not use, built from the training text by
/// `scripts/quality/build.py` (names and shared loanwords excluded).
static INDONESIAN_WORDS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("indonesian-words.txt").lines().filter(|l| !l.is_empty()).collect());

/// Words of letters with inner hyphens ("baru-baru"), with their byte offsets.
static LETTER_WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\p{L}+(?:-\p{L}+)*").expect("valid regex"));

/// The words of `target` that are Indonesian ([`Flag::SourceWords`]), each once.
fn source_words(source: &str, target: &str) -> Vec<String> {
    let source_lower: HashSet<&str> = LETTER_WORD.find_iter(source).map(|m| m.as_str()).filter(|w| *w == w.to_lowercase()).collect();
    let mut found: Vec<String> = Vec::new();
    for (i, m) in LETTER_WORD.find_iter(target).enumerate() {
        let w = m.as_str();
        let lower = w.to_lowercase();
        // A capitalized word is a name, unless it only starts the sentence.
        let counts = w == lower || (i == 0 && source_lower.contains(lower.as_str()));
        if counts && INDONESIAN_WORDS.contains(lower.as_str()) && !found.iter().any(|f| f.to_lowercase() == lower) {
            found.push(w.to_string());
        }
    }
    found
}

/// A mangled repeat of a name: one word is the other with one or two letters more at its end
/// ("zelenskyr zelensky"), both of [`NEAR_DOUBLE_MIN`] letters or more.
fn near_double(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let extra = long.chars().count() - short.chars().count();
    short.chars().count() >= NEAR_DOUBLE_MIN && (1..=2).contains(&extra) && long.starts_with(short)
}

const NEAR_DOUBLE_MIN: usize = 5;

/// Words English doubles on purpose.
const DOUBLED_ALLOWED: &[&str] = &["had", "that", "very", "bye", "ha", "no", "so"];

/// The first word that `target` writes twice in a row and `source` does not, with its double
/// ([`Flag::DoubledWord`]).
fn doubled_word(source: &str, target: &str) -> Option<String> {
    // (first word, the pair), lower-cased.
    let doubled = |text: &str| -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut prev: Option<(String, usize)> = None;
        for m in LETTER_WORD.find_iter(text) {
            let w = m.as_str().to_lowercase();
            // Only a space between them: "well, well" and "Bora-Bora" are not doubles.
            if let Some((p, end)) = &prev {
                if text[*end..m.start()].chars().all(|c| c == ' ') && (*p == w || near_double(p, &w)) {
                    out.push((p.clone(), format!("{p} {w}")));
                }
            }
            prev = Some((w, m.end()));
        }
        out
    };
    let in_source: Vec<String> = doubled(source).into_iter().map(|(_, pair)| pair).collect();
    doubled(target)
        .into_iter()
        .find(|(first, pair)| first.chars().count() > 1 && !DOUBLED_ALLOWED.contains(&first.as_str()) && !in_source.contains(pair))
        .map(|(_, pair)| pair)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn non_space_chars(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

/// Lower-cased words of letters and digits (punctuation and symbols dropped).
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

fn untranslated(source: &str, target: &str) -> bool {
    let letters = |w: &String| w.chars().any(char::is_alphabetic);
    let src: Vec<String> = words(source).into_iter().filter(letters).collect();
    let tgt: Vec<String> = words(target).into_iter().filter(letters).collect();
    if src.len() < UNTRANSLATED_MIN_WORDS || tgt.is_empty() {
        return false;
    }
    let mut bag: HashMap<&str, usize> = HashMap::new();
    for w in &src {
        *bag.entry(w).or_insert(0) += 1;
    }
    let mut common = 0;
    for w in &tgt {
        if let Some(n) = bag.get_mut(w.as_str()).filter(|n| **n > 0) {
            *n -= 1;
            common += 1;
        }
    }
    2.0 * common as f64 / (src.len() + tgt.len()) as f64 >= UNTRANSLATED_OVERLAP
}

/// Whether a translation is caught in a loop: what the `repetition` flag reports.
pub fn is_looping(text: &str) -> bool {
    repetition(text).is_some()
}

/// The longest back-to-back repetition of an n-gram of words, if it reaches the thresholds:
/// (the n-gram, how many times in a row). Smaller n-grams win ties (the loop's unit).
fn repetition(text: &str) -> Option<(String, usize)> {
    let w = words(text);
    let mut best: Option<(usize, usize, usize)> = None; // (count, n, start)
    for n in 1..=REPEAT_MAX_N.min(w.len() / 2) {
        let needed = if n == 1 { REPEAT_UNIGRAM } else { REPEAT_NGRAM };
        for start in 0..n {
            // Walk the text in steps of n from `start`, counting equal neighbours.
            let mut run_start = start;
            let mut count = 1;
            let mut i = start + n;
            while i + n <= w.len() {
                if w[i..i + n] == w[i - n..i] {
                    count += 1;
                } else {
                    run_start = i;
                    count = 1;
                }
                if count >= needed && best.is_none_or(|(c, _, _)| count > c) {
                    best = Some((count, n, run_start));
                }
                i += n;
            }
        }
    }
    best.map(|(count, n, start)| (w[start..start + n].join(" "), count)).or_else(|| char_repetition(text))
}

/// A loop inside a word, where subword pieces repeat without spaces ("sudahsudahsudahsudah",
/// "hahahaha"): a unit of [`REPEAT_UNIT_CHARS`] characters with a letter in it, back to back
/// [`REPEAT_UNIGRAM`] times or more. The most repeated unit wins, the shortest on ties.
fn char_repetition(text: &str) -> Option<(String, usize)> {
    let c: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let mut best: Option<(usize, usize, usize)> = None; // (count, unit length, start)
    for len in REPEAT_UNIT_CHARS {
        // c[i] == c[i + len] for a run of r positions from `start` means the unit
        // c[start..start + len] repeats (r + len) / len times.
        let mut run = 0;
        for i in 0..c.len().saturating_sub(len) {
            run = if c[i] == c[i + len] { run + 1 } else { 0 };
            let count = (run + len) / len;
            let start = i + 1 - run;
            if count >= REPEAT_UNIGRAM
                && best.is_none_or(|(n, _, _)| count > n)
                && c[start..start + len].iter().any(|ch| ch.is_alphabetic())
            {
                best = Some((count, len, start));
            }
        }
    }
    best.map(|(count, len, start)| (c[start..start + len].iter().collect(), count))
}

/// Numbers as written: digits with inner `.`, `,` or `:` separators ("1.000.000", "3,5", "11:09").
static NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d+(?:[.,:]\d+)*").unwrap());
static THOUSANDS_DOT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{1,3}(?:\.\d{3})+$").unwrap());
static THOUSANDS_COMMA: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{1,3}(?:,\d{3})+$").unwrap());
static TIME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\d{1,2})[.:](\d{2})$").unwrap());

/// Spelled-out numbers a translation may use for a digit in the source ("2 orang" -> "two people",
/// "ke-3" -> "third").
const SPELLED: &[(&str, u32)] = &[
    ("zero", 0),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("first", 1),
    ("second", 2),
    ("third", 3),
    ("fourth", 4),
    ("fifth", 5),
    ("sixth", 6),
    ("seventh", 7),
    ("eighth", 8),
    ("ninth", 9),
    ("tenth", 10),
];

/// Scale words after a number in English: "1.5 million" also stands for 1500000.
const SCALES: &[(&str, u32)] = &[("thousand", 3), ("million", 6), ("billion", 9), ("trillion", 12)];

/// A decimal number as a canonical string: no leading zeros, no trailing fractional zeros,
/// `.` as decimal point ("007" -> "7", "3.50" -> "3.5", "10.00" -> "10").
fn canonical(int: &str, frac: &str) -> String {
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    if frac.is_empty() {
        int.to_string()
    } else {
        format!("{int}.{frac}")
    }
}

/// Every value a written number may stand for, Indonesian and English conventions both
/// ("1.000" is 1000 in Indonesian and 1 in English; which one was meant is unknown, and a
/// missing-number flag should only fire when no reading matches).
fn readings(tok: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if tok.bytes().all(|b| b.is_ascii_digit()) {
        out.insert(canonical(tok, ""));
        return out;
    }
    if let Some(c) = TIME.captures(tok) {
        out.insert(format!("{}:{}", canonical(&c[1], ""), &c[2]));
    }
    if tok.contains(':') {
        return out; // times and ratios ("11:09", "2:1") are compared as written otherwise
    }
    // All separators as thousands: "1.000.000" (Indonesian), "1,000,000" (English).
    if THOUSANDS_DOT.is_match(tok) || THOUSANDS_COMMA.is_match(tok) {
        out.insert(canonical(&tok.replace([',', '.'], ""), ""));
    }
    // The last separator as the decimal mark, earlier ones as thousands of the other kind:
    // "3,5" and "3.5" -> 3.5; "1.000,5" and "1,000.5" -> 1000.5.
    let at = tok.rfind([',', '.']).expect("has a separator");
    let (int, frac) = (&tok[..at], &tok[at + 1..]);
    let mark = tok.as_bytes()[at];
    let other = if mark == b',' { '.' } else { ',' };
    if !int.contains(mark as char)
        && (int.bytes().all(|b| b.is_ascii_digit()) || THOUSANDS_DOT.is_match(int) || THOUSANDS_COMMA.is_match(int))
    {
        out.insert(canonical(&int.replace(other, ""), frac));
    }
    if out.is_empty() {
        out.insert(tok.to_string()); // "28.01.2022": compared as written
    }
    out
}

/// Numbers of the source that no reading of any number in the target matches, as written
/// in the source, without duplicates.
fn missing_numbers(source: &str, target: &str) -> Vec<String> {
    let mut have: BTreeSet<String> = BTreeSet::new();
    for m in NUMBER.find_iter(target) {
        let values = readings(m.as_str());
        // "1.5 million" -> 1500000 as well: the source may have written the digits out.
        let next = target[m.end()..].split_whitespace().next().unwrap_or("").to_lowercase();
        if let Some((_, zeros)) = SCALES.iter().find(|(w, _)| next.trim_end_matches(|c: char| !c.is_alphabetic()) == *w) {
            for v in &values {
                if let Some(scaled) = scale(v, *zeros) {
                    have.insert(scaled);
                }
            }
        }
        have.extend(values);
    }
    let w = words(target);
    for (i, word) in w.iter().enumerate() {
        let spelled = SPELLED.iter().find(|(s, _)| s == word).map(|(_, n)| *n);
        if let Some(n) = spelled {
            have.insert(n.to_string());
        }
        // "one million", "a thousand".
        let zeros = w.get(i + 1).and_then(|next| SCALES.iter().find(|(s, _)| s == next)).map(|(_, z)| *z);
        if let (Some(n), Some(z)) = (spelled.or((word == "a").then_some(1)), zeros) {
            have.extend(scale(&n.to_string(), z));
        }
    }
    let mut missing: Vec<String> = Vec::new();
    for m in NUMBER.find_iter(source) {
        let tok = m.as_str();
        if readings(tok).is_disjoint(&have) && !missing.iter().any(|x| x == tok) {
            missing.push(tok.to_string());
        }
    }
    missing
}

/// A canonical decimal times 10^zeros, canonical again ("1.5", 6 -> "1500000").
fn scale(v: &str, zeros: u32) -> Option<String> {
    if v.contains(':') {
        return None;
    }
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    let zeros = zeros as usize;
    if frac.len() > zeros {
        return Some(canonical(&format!("{int}{}", &frac[..zeros]), &frac[zeros..]));
    }
    Some(canonical(&format!("{int}{frac}{}", "0".repeat(zeros - frac.len())), ""))
}

/// `<unk>` tokens and U+2047 (SentencePiece's rendering of an unknown piece).
fn unknown_pieces(s: &str) -> usize {
    s.matches("<unk>").count() + s.matches('\u{2047}').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(source: &str, target: &str) -> Vec<&'static str> {
        check(source, target).iter().map(Flag::name).collect()
    }

    const SRC: &str = "Presiden Joko Widodo meresmikan jembatan baru di Surabaya pada hari Senin.";
    const GOOD: &str = "President Joko Widodo inaugurated a new bridge in Surabaya on Monday.";

    #[test]
    fn a_good_translation_has_no_flags() {
        assert_eq!(check(SRC, GOOD), vec![]);
        assert_eq!(check("Ya.", "Yes."), vec![]);
        assert_eq!(check("", ""), vec![]);
    }

    #[test]
    fn untranslated() {
        assert_eq!(names(SRC, SRC), ["untranslated"]);
        // One word changed is still a copy.
        assert_eq!(names(SRC, "Presiden Joko Widodo meresmikan jembatan baru di Surabaya pada hari Monday."), ["untranslated"]);
        assert!(!names(SRC, GOOD).contains(&"untranslated"));
        // A name alone stays the same in English: too short to judge.
        assert!(!names("Joko Widodo.", "Joko Widodo.").contains(&"untranslated"));
    }

    #[test]
    fn length_ratio() {
        let long = format!("{GOOD} {GOOD} And then something else entirely was said by him.");
        let f = check(SRC, &long);
        assert!(matches!(f.as_slice(), [Flag::LengthRatio { ratio }] if *ratio > RATIO_HIGH), "{f:?}");
        let f = check(SRC, "President inaugurated a bridge.");
        assert!(matches!(f.as_slice(), [Flag::LengthRatio { ratio }] if *ratio < RATIO_LOW), "{f:?}");
        assert!(!names(SRC, GOOD).contains(&"length_ratio"));
        // Short sources are not judged: "Ya." -> "Yes, that is right." is fine.
        assert!(!names("Ya.", "Yes, that is right indeed.").contains(&"length_ratio"));
    }

    #[test]
    fn repetition() {
        let f = check(SRC, "President Joko Widodo inaugurated the bridge bridge bridge bridge in Surabaya.");
        assert_eq!(f, vec![Flag::Repetition { ngram: "bridge".into(), count: 4 }]);
        let f = check(SRC, "The new bridge in Surabaya, the new bridge in Surabaya, the new bridge in Surabaya on Monday.");
        assert!(f.contains(&Flag::Repetition { ngram: "the new bridge in surabaya".into(), count: 3 }), "{f:?}");
        assert!(!names(SRC, GOOD).contains(&"repetition"));
        // Subword loops without spaces, as small models produce them.
        let f = check(SRC, "President inaugurated sudahsudahsudahsudahsudah the bridge in Surabaya on Monday.");
        assert_eq!(f, vec![Flag::Repetition { ngram: "sudah".into(), count: 5 }]);
        assert!(!names("Dana Rp 100.000.000 untuk desa di Jawa Barat cair.", "Funds of Rp 100000000 for villages in West Java were paid.")
            .contains(&"repetition"));
        // Three times one word is emphasis, not a loop; repeating what the source repeats is fine.
        assert!(!names("Sangat sangat sangat bagus sekali hari ini.", "Very very very good today indeed.").contains(&"repetition"));
        assert!(!names("Ha ha ha ha, katanya sambil tertawa.", "Ha ha ha ha, he said laughing.").contains(&"repetition"));
    }

    #[test]
    fn dropped_content() {
        let f = check(SRC, "President.");
        assert!(matches!(f.as_slice(), [Flag::DroppedContent { .. }]), "{f:?}");
        assert_eq!(names("Ya.", ""), ["dropped_content"]);
        assert!(!names(SRC, GOOD).contains(&"dropped_content"));
        // Nothing to translate, nothing dropped.
        assert!(!names("...", "").contains(&"dropped_content"));
    }

    #[test]
    fn missing_numbers() {
        let src = "Sebanyak 1.000.000 warga menerima Rp 3,5 juta pada 28 Januari 2022 pukul 10.00 WIB.";
        let f = check(src, "As many as 1,000,000 residents received Rp 3.5 million on 28 January 2022 at 10:00 WIB.");
        assert_eq!(f, vec![]);
        let f = check(src, "As many as 1000000 residents received Rp 3.5 million on January 28, 2022 at 10.00 WIB.");
        assert_eq!(f, vec![]);
        let f = check(src, "As many as one million residents received Rp 3.5 million on 28 January 2022 at 10 WIB.");
        assert_eq!(f, vec![]);
        let f = check(src, "As many as 100,000 residents received Rp 5 million on 28 January at 10:00 WIB.");
        assert_eq!(f, vec![Flag::MissingNumbers { numbers: vec!["1.000.000".into(), "3,5".into(), "2022".into()] }]);
        // Spelled-out small numbers, ordinals and scale words count.
        assert_eq!(check("Dua orang tewas, 3 orang luka-luka.", "Two people died, three were injured."), vec![]);
        assert_eq!(check("Ini tahap ke-2 dari program.", "This is the second stage of the program."), vec![]);
        assert_eq!(check("Dana 1.500.000.000 rupiah dikucurkan ke desa.", "Funds of 1.5 billion rupiah went to villages."), vec![]);
        // "3.5" does not stand for 35, and a different number is still missing.
        assert_eq!(names("Harga naik 3,5 persen tahun ini.", "Prices rose 35 percent this year."), ["missing_numbers"]);
    }

    #[test]
    fn number_readings() {
        let r = |t: &str| readings(t).into_iter().collect::<Vec<_>>();
        assert_eq!(r("1.000.000"), ["1000000"]);
        assert_eq!(r("1,000,000"), ["1000000"]);
        assert_eq!(r("3,5"), ["3.5"]);
        assert_eq!(r("1.000"), ["1", "1000"]);
        assert_eq!(r("1.000,50"), ["1000.5"]);
        assert_eq!(r("10.00"), ["10", "10:00"]);
        assert_eq!(r("07"), ["7"]);
        assert_eq!(r("28.01.2022"), ["28.01.2022"]);
        assert_eq!(scale("1.5", 9).as_deref(), Some("1500000000"));
        assert_eq!(scale("1.2345", 3).as_deref(), Some("1234.5"));
    }

    #[test]
    fn unknown_pieces() {
        assert_eq!(check(SRC, "President Joko Widodo inaugurated a new bridge in ⁇  on Monday."), vec![Flag::Unknown { count: 1 }]);
        assert_eq!(names(SRC, "President <unk> inaugurated a new bridge in Surabaya on Monday."), ["unknown"]);
        assert!(!names(SRC, GOOD).contains(&"unknown"));
        // An unknown piece that was in the source already is not the model's doing.
        assert!(!names("Tanda ⁇ muncul di layar komputer itu.", "The sign ⁇ appeared on that computer screen.").contains(&"unknown"));
    }

    #[test]
    fn indonesian_words_left_in_the_english() {
        // The seed article's sentence.
        let src = "Kami mencoba mengidentifikasi solusi politik untuk konflik ini.";
        let f = check(src, "We mencoba identified the political solution to this conflict.");
        assert_eq!(f, vec![Flag::SourceWords { words: vec!["mencoba".into()] }]);
        // Each word once, in output order; a sentence-initial one when the source has it in lower case.
        let f = check("Warga yang mencoba masuk dan keluar ditolak.", "Mencoba residents yang entered dan yang left were refused.");
        assert_eq!(f, vec![Flag::SourceWords { words: vec!["Mencoba".into(), "yang".into(), "dan".into()] }]);
        // Names are capitalized, loanwords English shares are not listed.
        assert_eq!(check("Bapak Suharto tiba di Hotel Indonesia.", "Mr Suharto arrived at Hotel Indonesia."), vec![]);
        assert_eq!(check("Data bank itu bocor ke publik kemarin.", "The bank data leaked to the public yesterday."), vec![]);
        assert_eq!(check("Dia makan rendang di Padang kemarin.", "Dan ate rendang in Padang yesterday."), vec![]);
        assert!(INDONESIAN_WORDS.contains("mencoba") && INDONESIAN_WORDS.contains("yang"));
        for english in ["the", "data", "hotel", "bank", "rendang", "program", "total"] {
            assert!(!INDONESIAN_WORDS.contains(english), "{english} is not to be flagged");
        }
    }

    #[test]
    fn doubled_words() {
        let src = "Invasi Ukraina oleh Rusia terus berlanjut hingga hari ini.";
        let f = check(src, "The Ukrainian Ukrainian Invasion by Russia continues to this day.");
        assert_eq!(f, vec![Flag::DoubledWord { words: "ukrainian ukrainian".into() }]);
        let f = check("Dia berbicara dengan Volodymyr Zelensky kemarin.", "He spoke to Volodymyr Zelenskyr Zelensky yesterday.");
        assert_eq!(f, vec![Flag::DoubledWord { words: "zelenskyr zelensky".into() }]);
        assert_eq!(check("Anak-anak itu bermain di taman.", "The child children played in the park."), vec![]);
        // What English doubles, what the source doubles, and what only punctuation separates.
        assert_eq!(check("Dia bilang yang dia punya sudah habis.", "He said that that he had had was gone."), vec![]);
        assert_eq!(check("Mereka berlibur ke Bora Bora tahun lalu.", "They vacationed in Bora Bora last year."), vec![]);
        assert_eq!(check("Nah, nah, katanya kepada anak itu.", "Well, well, he said to the child."), vec![]);
        // A longer loop is a repetition, not also a doubled word.
        let f = check(SRC, "President Joko Widodo inaugurated the bridge bridge bridge bridge in Surabaya.");
        assert_eq!(f.iter().map(Flag::name).collect::<Vec<_>>(), ["repetition"]);
    }

    #[test]
    fn low_confidence_below_the_threshold_only() {
        assert_eq!(low_confidence(Some(-1.5), -1.0), Some(Flag::LowConfidence { confidence: -1.5 }));
        assert_eq!(low_confidence(Some(-0.5), -1.0), None);
        assert_eq!(low_confidence(Some(-1.0), -1.0), None);
        assert_eq!(low_confidence(None, -1.0), None, "a translation without a score is not judged");
    }

    #[test]
    fn flags_serialize_with_their_evidence() {
        let j = serde_json::to_value(Flag::MissingNumbers { numbers: vec!["36".into()] }).unwrap();
        assert_eq!(j, serde_json::json!({"flag": "missing_numbers", "numbers": ["36"]}));
        assert_eq!(serde_json::to_value(Flag::MaxLength).unwrap(), serde_json::json!({"flag": "max_length"}));
        let j = serde_json::to_value(Flag::LowConfidence { confidence: -1.25 }).unwrap();
        assert_eq!(j, serde_json::json!({"flag": "low_confidence", "confidence": -1.25}));
        for f in [Flag::MaxLength, Flag::Untranslated, Flag::Unknown { count: 1 }, Flag::DoubledWord { words: "a a".into() }] {
            assert!(Flag::NAMES.contains(&f.name()));
        }
    }
}
