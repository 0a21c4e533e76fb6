//! sacrebleu's `zh` tokenizer (`tokenizers/tokenizer_zh.py`): every Chinese character becomes
//! a token of its own, the rest is tokenized by the 13a passes (without 13a's padding).

use super::{py_strip, regexp_passes};

/// The character ranges of `_UCODE_RANGES` as Python compares them. Two entries of sacrebleu's
/// list are written `u'\u20000'` and `u'\u2f800'`, which Python reads as two-character strings
/// (`'\u2000' + '0'`): a single character lies between `'\u2000' '0'` and `'\u2a6d' '6'` when
/// it is in U+2001..=U+2A6D, so that range covers general punctuation, symbols and arrows, and
/// not CJK Extension B. We reproduce the comparison, not the intent.
const RANGES: [(u32, u32); 22] = [
    (0x3400, 0x4db5),
    (0x4e00, 0x9fa5),
    (0x9fa6, 0x9fbb),
    (0xf900, 0xfa2d),
    (0xfa30, 0xfa6a),
    (0xfa70, 0xfad9),
    (0x2001, 0x2a6d), // u'\u20000'..u'\u2a6d6'
    (0x2f81, 0x2fa1), // u'\u2f800'..u'\u2fa1d'
    (0xff00, 0xffef),
    (0x2e80, 0x2eff),
    (0x3000, 0x303f),
    (0x31c0, 0x31ef),
    (0x2f00, 0x2fdf),
    (0x2ff0, 0x2fff),
    (0x3100, 0x312f),
    (0x31a0, 0x31bf),
    (0xfe10, 0xfe1f),
    (0xfe30, 0xfe4f),
    (0x2600, 0x26ff),
    (0x2700, 0x27bf),
    (0x3200, 0x32ff),
    (0x3300, 0x33ff),
];

/// `TokenizerZh._is_chinese_char`.
pub(crate) fn is_chinese_char(c: char) -> bool {
    let c = c as u32;
    RANGES.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// `TokenizerZh.__call__`: strip, space out Chinese characters, then `TokenizerRegexp`.
pub(crate) fn tokenize_zh(line: &str) -> String {
    let line = py_strip(line);
    let mut spaced = String::with_capacity(line.len() * 2);
    for c in line.chars() {
        if is_chinese_char(c) {
            spaced.push(' ');
            spaced.push(c);
            spaced.push(' ');
        } else {
            spaced.push(c);
        }
    }
    regexp_passes(&spaced, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_characters_split() {
        assert_eq!(tokenize_zh("我爱北京天安门。Hello, world."), "我 爱 北 京 天 安 门 。 Hello , world .");
        // The unpadded passes: a leading ".5" stays one token (13a would split it).
        assert_eq!(tokenize_zh(".5 km"), ".5 km");
        // Python's reading of u'\u20000': curly quotes count as Chinese, Extension B does not.
        assert!(is_chinese_char('“') && !is_chinese_char('\u{20000}') && !is_chinese_char('\u{2000}'));
    }
}
