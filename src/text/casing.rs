//! Titles in sentence case before they reach the model. Indonesian news titles capitalize
//! every word ("AS Menyerukan Pertemuan Dewan Keamanan PBB tentang Ukraina yang Terancam
//! Invasi Rusia"); a model trained on sentences reads those words as names and garbles the
//! title ("US Administration of the UN Security Council on Ukraine invasion"). Lowercasing the
//! words that running text writes in lower case gives it a sentence it knows ("The US calls
//! for UN Security Council meetings on ..."). Names, acronyms and phrases that running text
//! writes capitalized ("Timur Tengah") keep their capitals.
//!
//! Which words are common comes from `casing-id.txt`, counted by `scripts/casing/build.py` on
//! the parallel training text: a word is listed when it appears in lower case mid-sentence more
//! often than capitalized. The list is Indonesian; other source languages pass unchanged.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Words ranked below this in frequency are function words ("yang", "di", "tentang", "hingga"):
/// Indonesian titles often keep them in lower case, so they say nothing about a title.
const FUNCTION_WORDS: usize = 150;

struct Casing {
    /// Lower-case form -> frequency rank (0: most frequent).
    common: HashMap<String, usize>,
    /// Two-word phrases written in Title Case in running text, lower case.
    phrases: HashSet<(String, String)>,
}

static CASING: LazyLock<Casing> = LazyLock::new(|| parse(include_str!("casing-id.txt")));

fn parse(list: &str) -> Casing {
    let mut c = Casing { common: HashMap::new(), phrases: HashSet::new() };
    for line in list.lines().filter(|l| !l.starts_with('#')) {
        match line.split(' ').collect::<Vec<_>>()[..] {
            ["w", w] => {
                let rank = c.common.len();
                c.common.insert(w.to_string(), rank);
            }
            ["p", a, b] => {
                c.phrases.insert((a.to_string(), b.to_string()));
            }
            _ => {}
        }
    }
    c
}

/// A word of the text: its letters, byte range, and whether it starts a clause (first word,
/// or after sentence punctuation, a quote or a bracket), where a capital says nothing.
struct Word<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    after_stop: bool,
}

/// Letters with inner hyphens or apostrophes ("baru-baru", "Qur'an"), as the list counts them.
fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut gap_start = 0;
    while let Some((i, ch)) = chars.next() {
        if !ch.is_alphabetic() {
            continue;
        }
        let mut end = i + ch.len_utf8();
        while let Some(&(j, c)) = chars.peek() {
            if c.is_alphabetic() {
                end = j + c.len_utf8();
                chars.next();
            } else if matches!(c, '-' | '\'' | '’') && text[j + c.len_utf8()..].chars().next().is_some_and(char::is_alphabetic) {
                chars.next();
            } else {
                break;
            }
        }
        let gap = &text[gap_start..i];
        let after_stop = out.is_empty() || gap.contains(['.', '!', '?', ':', ';', '"', '“', '”', '‘', '(', '[']);
        out.push(Word { text: &text[i..end], start: i, end, after_stop });
        gap_start = end;
    }
    out
}

fn is_title_form(w: &str) -> bool {
    let mut cs = w.chars();
    cs.next().is_some_and(char::is_uppercase) && cs.all(|c| !c.is_uppercase())
}

/// `text` with the common words of a Title Case title in lower case; any other text unchanged.
/// A title: at least two content words (common, not function words) capitalized mid-clause,
/// and none in lower case. Owned exactly when `text` is a title.
pub(crate) fn sentence_case_title(text: &str) -> Cow<'_, str> {
    let casing = &*CASING;
    let ws = words(text);
    // Most words are lower case already: borrowed, not copied.
    let lower: Vec<Cow<str>> = ws
        .iter()
        .map(|w| if w.text.chars().any(char::is_uppercase) { Cow::Owned(w.text.to_lowercase()) } else { Cow::Borrowed(w.text) })
        .collect();
    let (mut capitalized, mut lowercase) = (0, 0);
    for (w, l) in ws.iter().zip(&lower) {
        let content = casing.common.get(l.as_ref()).is_some_and(|&rank| rank >= FUNCTION_WORDS);
        if w.after_stop || !content {
            continue;
        }
        if is_title_form(w.text) {
            capitalized += 1;
        } else if w.text == l.as_ref() {
            lowercase += 1;
        }
    }
    if capitalized < 2 || lowercase > 0 {
        return Cow::Borrowed(text);
    }
    let title = |i: usize| is_title_form(ws[i].text);
    let in_phrase = |i: usize| {
        let with = |j: usize| title(j) && casing.phrases.contains(&(lower[i.min(j)].to_string(), lower[i.max(j)].to_string()));
        (i > 0 && !ws[i].after_stop && with(i - 1)) || (i + 1 < ws.len() && !ws[i + 1].after_stop && with(i + 1))
    };
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (i, w) in ws.iter().enumerate() {
        if w.after_stop || !title(i) || !casing.common.contains_key(lower[i].as_ref()) || in_phrase(i) {
            continue;
        }
        out.push_str(&text[copied..w.start]);
        out.push_str(&lower[i]);
        copied = w.end;
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// English words a title keeps in lower case unless first or last (articles, coordinating
/// conjunctions, short prepositions), as AP and Chicago style do.
const SMALL_WORDS: [&str; 19] =
    ["a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on", "or", "the", "to", "vs", "with"];

/// The English of a title in Title Case, as the source was: each word capitalized but the small
/// ones inside; words already holding a capital (names, acronyms) as they are.
pub(crate) fn title_case(text: &str) -> String {
    let ws = words(text);
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (i, w) in ws.iter().enumerate() {
        let inner = !w.after_stop && i + 1 < ws.len();
        if w.text.chars().any(char::is_uppercase) || (inner && SMALL_WORDS.contains(&w.text)) {
            continue;
        }
        let mut cs = w.text.chars();
        out.push_str(&text[copied..w.start]);
        out.extend(cs.next().into_iter().flat_map(char::to_uppercase));
        out.push_str(cs.as_str());
        copied = w.end;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_come_in_sentence_case() {
        assert_eq!(
            sentence_case_title("AS Menyerukan Pertemuan Dewan Keamanan PBB tentang Ukraina yang Terancam Invasi Rusia"),
            "AS menyerukan pertemuan Dewan Keamanan PBB tentang Ukraina yang terancam invasi Rusia"
        );
        // A phrase written capitalized in running text keeps its capitals.
        assert_eq!(
            sentence_case_title("Harga Minyak Dunia Naik Tajam Setelah Serangan di Timur Tengah"),
            "Harga minyak dunia naik tajam setelah serangan di Timur Tengah"
        );
    }

    #[test]
    fn sentences_pass_unchanged() {
        for s in [
            "Presiden Joko Widodo dan Menteri Keuangan Sri Mulyani bertemu di Jakarta.",
            "Menteri Luar Negeri AS Antony Blinken pada hari Rabu mengatakan tanggapan tertulis.",
            "Editor: Didih Hudaya ZP",
            "",
            "PBB",
        ] {
            assert!(matches!(sentence_case_title(s), Cow::Borrowed(_)), "{s}");
        }
    }

    #[test]
    fn clause_starts_and_all_caps_keep_their_case() {
        // After a colon or a quote a capital starts a clause; acronyms are never touched.
        assert_eq!(
            sentence_case_title("Baca Juga: Harga Minyak Dunia Naik Tajam, Kata \"Menteri\" PBB"),
            "Baca juga: Harga minyak dunia naik tajam, kata \"Menteri\" PBB"
        );
    }

    #[test]
    fn english_titles_come_back_in_title_case() {
        assert_eq!(
            title_case("the US calls for a UN Security Council meeting on the threat of invasion"),
            "The US Calls for a UN Security Council Meeting on the Threat of Invasion"
        );
        assert_eq!(
            title_case("floods in Jakarta: schools close for a week-long break in"),
            "Floods in Jakarta: Schools Close for a Week-long Break In"
        );
    }

    #[test]
    fn words_keep_inner_hyphens_and_apostrophes() {
        let t = "Baru-baru Ini, Qur'an (Kitab) dan 2022";
        let ws: Vec<(&str, bool)> = words(t).iter().map(|w| (w.text, w.after_stop)).collect();
        assert_eq!(ws, [("Baru-baru", true), ("Ini", false), ("Qur'an", false), ("Kitab", true), ("dan", false)]);
    }

    #[test]
    fn the_list_is_loaded() {
        let c = &*CASING;
        assert!(c.common.len() > 5_000 && c.common.get("yang").is_some_and(|&r| r < FUNCTION_WORDS));
        assert!(!c.common.contains_key("ukraina") && c.phrases.contains(&("timur".into(), "tengah".into())));
    }
}
