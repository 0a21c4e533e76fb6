//! sacrebleu's BLEU tokenizers (`13a`, `intl`, `char`, `none`) and the Python string primitives
//! the metrics rely on (`str.split()`, `str.rstrip()`, `str.lower()`), reproduced exactly.
//!
//! The regex passes of sacrebleu are all of the form "a one-character class followed by a
//! one-character class, replaced by the two characters with spaces added". Python's `re.sub`
//! finds leftmost non-overlapping matches, which for a fixed two-character pattern is the same
//! as a left-to-right scan that skips both characters after a match: `pairs` does that scan.

pub mod spm;
pub mod zh;

use std::str::FromStr;
use std::sync::OnceLock;

use regex::Regex;

/// Python's `str.isspace()`: Unicode White_Space plus the four ASCII information separators
/// (U+001C..U+001F), which Python counts as whitespace and Rust does not.
#[inline]
pub fn is_py_space(c: char) -> bool {
    if c.is_ascii() {
        matches!(c, '\t' | '\n' | '\x0b' | '\x0c' | '\r' | '\x1c'..='\x1f' | ' ')
    } else {
        c.is_whitespace()
    }
}

/// Python's `str.split()` with no argument: runs of whitespace separate, no empty pieces.
pub fn py_split(s: &str) -> impl Iterator<Item = &str> {
    s.split(is_py_space).filter(|t| !t.is_empty())
}

/// Python's `str.strip()` with no argument.
pub fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// Python's `str.rstrip()` with no argument.
pub fn py_rstrip(s: &str) -> &str {
    s.trim_end_matches(is_py_space)
}

/// Python's `' '.join(s.split())`.
pub fn py_normalize_space(s: &str) -> String {
    if s.is_ascii() {
        // ASCII whitespace is all one byte: no decoding needed.
        let mut out = Vec::with_capacity(s.len());
        for t in s.as_bytes().split(|&b| is_py_space(b as char)).filter(|t| !t.is_empty()) {
            if !out.is_empty() {
                out.push(b' ');
            }
            out.extend_from_slice(t);
        }
        return String::from_utf8(out).expect("ASCII");
    }
    let mut out = String::with_capacity(s.len());
    for t in py_split(s) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(t);
    }
    out
}

/// Python's `str.lower()`. Rust applies the same full lowercase mapping (SpecialCasing,
/// final sigma); the two differ only on characters added to Unicode after the Python
/// version that computed the reference values (see `tests/sacrebleu.rs`, lowercase table).
pub fn py_lower(s: &str) -> String {
    if s.is_ascii() {
        s.to_ascii_lowercase()
    } else {
        s.to_lowercase()
    }
}

/// The tokenizers of sacrebleu's BLEU.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tokenizer {
    /// mteval-v13a.pl, WMT's standard (the default).
    #[default]
    #[serde(rename = "13a")]
    Tok13a,
    /// mteval-v14.pl's international tokenization: Unicode punctuation and symbols.
    Intl,
    /// Every character is a token.
    Char,
    /// Whitespace only.
    None,
    /// Chinese characters one per token, the rest as 13a (sacrebleu's default for `-l xx-zh`).
    Zh,
    /// SentencePiece with the FLORES-101 model (a file given with `--spm-model`).
    Flores101,
    /// SentencePiece with the FLORES-200 model (a file given with `--spm-model`).
    Flores200,
    /// MeCab with IPAdic: not available (no Rust segmenter gives MeCab's segmentation).
    JaMecab,
    /// MeCab with mecab-ko-dic: not available (as `ja-mecab`).
    KoMecab,
}

impl Tokenizer {
    /// Every name sacrebleu 2.5.1 accepts (`spm` is its old name of `flores101`).
    pub const ALL: [Tokenizer; 9] = [
        Tokenizer::None,
        Tokenizer::Zh,
        Tokenizer::Tok13a,
        Tokenizer::Intl,
        Tokenizer::Char,
        Tokenizer::JaMecab,
        Tokenizer::KoMecab,
        Tokenizer::Flores101,
        Tokenizer::Flores200,
    ];

    /// The name in sacrebleu's signatures and on our command line.
    pub fn name(self) -> &'static str {
        match self {
            Tokenizer::Tok13a => "13a",
            Tokenizer::Intl => "intl",
            Tokenizer::Char => "char",
            Tokenizer::None => "none",
            Tokenizer::Zh => "zh",
            Tokenizer::Flores101 => "flores101",
            Tokenizer::Flores200 => "flores200",
            Tokenizer::JaMecab => "ja-mecab",
            Tokenizer::KoMecab => "ko-mecab",
        }
    }

    /// sacrebleu's BLEU default for a target language (`-l SRC-TGT`): `zh` for Chinese,
    /// MeCab for Japanese and Korean, else 13a.
    pub fn default_for(target_lang: &str) -> Tokenizer {
        match target_lang {
            "zh" => Tokenizer::Zh,
            "ja" => Tokenizer::JaMecab,
            "ko" => Tokenizer::KoMecab,
            _ => Tokenizer::Tok13a,
        }
    }

    /// The tokenized line, tokens separated by single spaces (exactly sacrebleu's string).
    /// The SentencePiece and MeCab tokenizers need a loaded model: see [`spm::Spm`].
    pub fn tokenize(self, line: &str) -> String {
        match self {
            Tokenizer::Tok13a => tokenize_13a(line),
            Tokenizer::Intl => tokenize_intl(line),
            Tokenizer::Char => tokenize_char(line),
            Tokenizer::None => line.to_string(),
            Tokenizer::Zh => zh::tokenize_zh(line),
            Tokenizer::Flores101 | Tokenizer::Flores200 | Tokenizer::JaMecab | Tokenizer::KoMecab => {
                panic!("the {} tokenizer needs a model (Bleu::load_model)", self.name())
            }
        }
    }
}

impl FromStr for Tokenizer {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s == "spm" {
            return Ok(Tokenizer::Flores101);
        }
        Tokenizer::ALL.iter().copied().find(|t| t.name() == s).ok_or_else(|| {
            let names: Vec<&str> = Tokenizer::ALL.iter().map(|t| t.name()).collect();
            format!("unknown tokenizer {s:?}: expected one of {}", names.join(", "))
        })
    }
}

/// The left-to-right scan equivalent to `re.sub(r'(A)(B)', repl, s)` for one-character classes
/// A and B: `hit(a, b)` tells whether the pair matches, `emit` writes its replacement.
fn pairs<T: Copy>(s: &[T], hit: impl Fn(T, T) -> bool, emit: impl Fn(T, T, &mut Vec<T>)) -> Vec<T> {
    let mut out = Vec::with_capacity(s.len() + s.len() / 4 + 4);
    let mut i = 0;
    while i < s.len() {
        if i + 1 < s.len() && hit(s[i], s[i + 1]) {
            emit(s[i], s[i + 1], &mut out);
            i += 2;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

fn join_tokens(chars: &[char]) -> String {
    let mut out = String::with_capacity(chars.len());
    let mut pending_space = false;
    for &c in chars {
        if is_py_space(c) {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// `[\{-\~\[-\` -\&\(-\+\:-\@\/]` of sacrebleu's `TokenizerRegexp`: ASCII punctuation except
/// `'`, `,`, `-`, `.` (and the space itself, which only adds spaces).
#[inline]
fn is_13a_punct(c: u8) -> bool {
    matches!(c, b'{'..=b'~' | b'['..=b'`' | b' '..=b'&' | b'('..=b'+' | b':'..=b'@' | b'/')
}

/// sacrebleu's `Tokenizer13a` (mteval-v13a.pl).
///
/// The passes run on UTF-8 bytes: every class they test is ASCII, a non-ASCII byte is
/// "anything else" like the character it belongs to, and a pair can only match where the
/// character scan would match it (the byte before an ASCII byte ends a character), so the
/// spaces land where Python's character-level `re.sub` puts them.
pub(crate) fn tokenize_13a(line: &str) -> String {
    let mut s = std::borrow::Cow::Borrowed(line);
    // Most lines have none of these: one scan instead of seven replacements.
    if line.bytes().any(|b| matches!(b, b'<' | b'\n' | b'&')) {
        for (from, to) in [("<skipped>", ""), ("-\n", ""), ("\n", " ")] {
            if s.contains(from) {
                s = s.replace(from, to).into();
            }
        }
        if s.contains('&') {
            s = s.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").into();
        }
    }
    regexp_passes(&s, true)
}

/// sacrebleu's `TokenizerRegexp` (the passes shared by `13a`, `zh` and TER's normalisation)
/// on `line`, surrounded by one space on each side first when `pad` (13a's `f' {line} '`).
pub(crate) fn regexp_passes(line: &str, pad: bool) -> String {
    let p1 = space_punct(line, pad);
    number_passes(&p1)
}

/// `([\{-\~\[-\` -\&\(-\+\:-\@\/])` -> ` \1 `: each punctuation character gets spaces.
pub(crate) fn space_punct(line: &str, pad: bool) -> Vec<u8> {
    let mut p1 = Vec::with_capacity(line.len() + 16);
    if pad {
        p1.push(b' ');
    }
    for &c in line.as_bytes() {
        if is_13a_punct(c) {
            p1.extend([b' ', c, b' ']);
        } else {
            p1.push(c);
        }
    }
    if pad {
        p1.push(b' ');
    }
    p1
}

/// The last three passes of `TokenizerRegexp` (periods, commas and dashes next to digits),
/// then whitespace normalised.
pub(crate) fn number_passes(p1: &[u8]) -> String {
    let dot_comma = |c: u8| c == b'.' || c == b',';
    let digit = |c: u8| c.is_ascii_digit();
    // Period and comma unless preceded by a digit: `([^0-9])([\.,])` -> `\1 \2 `.
    let p2 = pairs(p1, |a, b| !digit(a) && dot_comma(b), |a, b, o| o.extend([a, b' ', b, b' ']));
    // Period and comma unless followed by a digit: `([\.,])([^0-9])` -> ` \1 \2`.
    let p3 = pairs(&p2, |a, b| dot_comma(a) && !digit(b), |a, b, o| o.extend([b' ', a, b' ', b]));
    // Dash when preceded by a digit: `([0-9])(-)` -> `\1 \2 `.
    let p4 = pairs(&p3, |a, b| digit(a) && b == b'-', |a, b, o| o.extend([a, b' ', b, b' ']));
    py_normalize_space(std::str::from_utf8(&p4).expect("spaces are inserted between characters"))
}

/// Unicode general categories P (punctuation), S (symbol), N (number) as the `intl` tokenizer
/// sees them (Python's `regex` module `\p{P}`, `\p{S}`, `\p{N}`), from the Unicode tables of the
/// `regex` crate. ASCII comes from a table; other characters ask the regexes.
struct Categories {
    p: Regex,
    s: Regex,
    n: Regex,
    ascii: [u8; 128],
}

const CAT_P: u8 = 1;
const CAT_S: u8 = 2;
const CAT_N: u8 = 4;

impl Categories {
    fn get() -> &'static Categories {
        static CATS: OnceLock<Categories> = OnceLock::new();
        CATS.get_or_init(|| {
            let p = Regex::new(r"^\p{P}$").unwrap();
            let s = Regex::new(r"^\p{S}$").unwrap();
            let n = Regex::new(r"^\p{N}$").unwrap();
            let mut ascii = [0u8; 128];
            for (b, slot) in ascii.iter_mut().enumerate() {
                let mut buf = [0u8; 4];
                let c = (b as u8 as char).encode_utf8(&mut buf);
                *slot = (p.is_match(c) as u8 * CAT_P) | (s.is_match(c) as u8 * CAT_S) | (n.is_match(c) as u8 * CAT_N);
            }
            Categories { p, s, n, ascii }
        })
    }

    #[inline]
    fn of(&self, c: char) -> u8 {
        if c.is_ascii() {
            return self.ascii[c as usize];
        }
        let mut buf = [0u8; 4];
        let s = c.encode_utf8(&mut buf);
        (self.p.is_match(s) as u8 * CAT_P) | (self.s.is_match(s) as u8 * CAT_S) | (self.n.is_match(s) as u8 * CAT_N)
    }
}

/// Membership of `c` in `\p{P}`, `\p{S}`, `\p{N}` (for the agreement test with Python's tables).
pub fn unicode_categories(c: char) -> (bool, bool, bool) {
    let k = Categories::get().of(c);
    (k & CAT_P != 0, k & CAT_S != 0, k & CAT_N != 0)
}

/// sacrebleu's `TokenizerV14International` (mteval-v14.pl).
pub(crate) fn tokenize_intl(line: &str) -> String {
    let cats = Categories::get();
    let chars: Vec<char> = line.chars().collect();
    let is = |c: char, k: u8| cats.of(c) & k != 0;
    // `(\P{N})(\p{P})` -> `\1 \2 `
    let p1 = pairs(&chars, |a, b| !is(a, CAT_N) && is(b, CAT_P), |a, b, o| o.extend([a, ' ', b, ' ']));
    // `(\p{P})(\P{N})` -> ` \1 \2`
    let p2 = pairs(&p1, |a, b| is(a, CAT_P) && !is(b, CAT_N), |a, b, o| o.extend([' ', a, ' ', b]));
    // `(\p{S})` -> ` \1 `
    let mut p3 = Vec::with_capacity(p2.len() + 8);
    for c in p2 {
        if is(c, CAT_S) {
            p3.extend([' ', c, ' ']);
        } else {
            p3.push(c);
        }
    }
    join_tokens(&p3)
}

/// sacrebleu's `TokenizerChar`: `" ".join(line)` (whitespace characters stay, and disappear
/// when the metric splits the line).
pub(crate) fn tokenize_char(line: &str) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    for (i, c) in line.chars().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t13a_basics() {
        assert_eq!(tokenize_13a("Hello, world."), "Hello , world .");
        assert_eq!(tokenize_13a("It costs $1,000.50 (approx.)"), "It costs $ 1,000.50 ( approx . )");
        assert_eq!(tokenize_13a("2020-2021 A-B"), "2020 - 2021 A-B");
        assert_eq!(tokenize_13a("a &amp;quot; b &lt;c&gt;"), "a & quot ; b < c >");
        assert_eq!(tokenize_13a("x<skipped>y"), "xy");
        assert_eq!(tokenize_13a("a.."), "a . .");
        assert_eq!(tokenize_13a("   "), "");
        assert_eq!(tokenize_13a("don't"), "don't");
    }

    #[test]
    fn intl_basics() {
        assert_eq!(tokenize_intl("Hello, world."), "Hello , world .");
        assert_eq!(tokenize_intl("1,000.50 and 3.14!"), "1,000.50 and 3.14!");
        assert_eq!(tokenize_intl("“Quote” — €5"), "“ Quote ” — € 5");
    }

    #[test]
    fn char_and_space() {
        assert_eq!(tokenize_char("ab c"), "a b   c");
        assert_eq!(py_split("a\x1cb\u{a0}c\u{200b}d").collect::<Vec<_>>(), ["a", "b", "c\u{200b}d"]);
        assert_eq!(py_rstrip("ab \r\x1f"), "ab");
        assert_eq!(py_lower("ΟΔΟΣ İ"), "οδος i\u{307}");
    }
}
