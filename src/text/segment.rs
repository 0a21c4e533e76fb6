//! Indonesian sentence segmentation and splitting of over-long sentences.
//!
//! Both return byte ranges into the text they are given, trimmed of whitespace, in order and
//! non-overlapping; what lies between two ranges is whitespace only. So every character of a
//! block belongs to exactly one sentence, which is what lets the alignment account for all of
//! the source.

use std::ops::Range;

use crate::text::lexicon;

/// Words that a capitalised word follows without a sentence break: titles, ranks, address and
/// money prefixes. Case-sensitive ("dr." is a physician, "Dr." a doctorate; both are here).
// Grouped by kind, one comment per group: keep rustfmt from reflowing the groups together.
#[rustfmt::skip]
const NON_BREAKING: &[&str] = &[
    // titles and honorifics
    "Dr", "dr", "Drs", "Dra", "Prof", "Ir", "H", "Hj", "KH", "K.H", "Ust", "Ustadz", "Tn", "Ny", "Nn", "Sdr",
    "Sdri", "Bpk", "Bp", "Yth", "yth", "Pdt", "Mgr", "Rm", "Mr", "Mrs", "Ms", "St", "Sta", "Hon", "Rev",
    // military and police ranks
    "Jend", "Jen", "Kol", "Kapt", "Letjen", "Mayjen", "Brigjen", "Letkol", "Lettu", "Letda", "Serka",
    "Sertu", "Kombes", "Kompol", "Komjen", "Irjen", "AKBP", "AKP", "Ipda", "Iptu", "Aiptu",
    "Bripka", "Brigpol", "Laksma", "Laksda", "Laksdya", "Marsda", "Marsma", "Marsdya", "Gen", "Col", "Lt",
    "Capt", "Sgt",
    // places, addresses, organisations, money, references
    "Jl", "jl", "Jln", "jln", "Gg", "No", "Kab", "Kec", "Kel", "Ds", "Kp", "Prov", "Rp", "PT", "CV", "UD",
    "Vol", "vol", "Tgl", "tgl", "a.n", "u.p", "u.b", "Ket", "ket", "Bag", "Ps",
    "Psl", "Sdn", "Pte", "vs", "Vs", "cf", "cq", "Ttd", "ttd", "Telp", "telp",
    "Fax", "Hp", "HP", "Ext", "Dept", "Univ", "Fak",
];

/// References that are abbreviations only before a number: "hal. 5" is a page, while "hal" is
/// also the everyday word "matter" ("banyak hal. Sementara itu" ends a sentence).
const BEFORE_NUMBER: &[&str] = &["Hal", "hal", "Hlm", "hlm"];

/// Words that open a sentence and never a name: after an initial or dotted letters ("A.S.",
/// "3 C."), a break before them is a sentence end.
#[rustfmt::skip]
const SENTENCE_OPENERS: &[&str] = &[
    "Sejak", "Namun", "Tetapi", "Tapi", "Sementara", "Selain", "Sedangkan", "Kemudian", "Lalu", "Setelah",
    "Sebelum", "Sebelumnya", "Saat", "Ketika", "Menurut", "Meski", "Meskipun", "Walaupun", "Karena", "Oleh",
    "Hal", "Ini", "Itu", "Ia", "Dia", "Mereka", "Kami", "Kita", "Saya", "Para", "Pada", "Di", "Dalam",
    "Dengan", "Untuk", "Bagi", "Dari", "Akibatnya", "Adapun", "Bahkan", "Jika", "Kalau", "Apabila",
    "Hingga", "Sampai", "Kini", "Sekarang", "Selanjutnya", "Sehingga", "Maka", "Selama", "Tak", "Tidak",
    "Yang", "The", "It", "In",
];

const TERMINAL: &[char] = &['.', '!', '?', '…'];
const CLOSING: &[char] = &['"', '\'', '”', '’', ')', ']', '»', '}'];
const OPENING: &[char] = &['"', '\'', '“', '‘', '(', '[', '«', '{', '¿', '¡'];

/// Sentence ranges of `text` (byte offsets), trimmed, covering every non-whitespace character.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0usize; // byte offset where the current sentence starts (before trimming)
    let mut i = 0;
    while i < chars.len() {
        let (_, c) = chars[i];
        if !TERMINAL.contains(&c) {
            i += 1;
            continue;
        }
        // The run of terminal punctuation, then closing quotes/brackets.
        let punct_start = i;
        while i < chars.len() && TERMINAL.contains(&chars[i].1) {
            i += 1;
        }
        let after_terminal = i;
        while i < chars.len() && CLOSING.contains(&chars[i].1) {
            i += 1;
        }
        let mut closed = i > after_terminal;
        let mut end = chars.get(i).map_or(text.len(), |&(b, _)| b);
        // A break needs whitespace after it, then the start of a new sentence.
        let skip_space = |mut j: usize| {
            while j < chars.len() && chars[j].1.is_whitespace() {
                j += 1;
            }
            j
        };
        let mut j = skip_space(i);
        if j == i || j == chars.len() {
            continue;
        }
        // A lone closing quote after a space belongs to the sentence it closes: `siap. " Lalu`.
        if matches!(chars[j].1, '"' | '\'' | '”' | '’') && chars.get(j + 1).is_none_or(|&(_, c)| c.is_whitespace()) {
            i = j + 1;
            end = chars.get(i).map_or(text.len(), |&(b, _)| b);
            closed = true;
            j = skip_space(i);
            if j == chars.len() {
                continue;
            }
        }
        let next = chars[j].1;
        let starts_sentence =
            next.is_uppercase() || next.is_ascii_digit() || OPENING.contains(&next) || matches!(next, '-' | '–' | '—' | '•');
        if !starts_sentence {
            continue;
        }
        // A single period right after a word may end an abbreviation rather than a sentence.
        if after_terminal - punct_start == 1 && chars[punct_start].1 == '.' && !closed {
            let at = chars[punct_start].0;
            let word = word_before(text, at);
            let before = word_before(text, text[..at - word.len()].trim_end().len());
            if is_non_breaking(word, before, word_after(text, chars[j].0), &text[start..at]) {
                continue;
            }
        }
        push_trimmed(text, start..end, &mut out);
        start = end;
    }
    push_trimmed(text, start..text.len(), &mut out);
    out
}

/// The word starting at byte offset `at` (up to whitespace or punctuation).
fn word_after(text: &str, at: usize) -> &str {
    let tail = &text[at..];
    &tail[..tail.find(|c: char| !c.is_alphanumeric()).unwrap_or(tail.len())]
}

/// The token right before byte offset `at`: back to whitespace or an opening bracket/quote.
fn word_before(text: &str, at: usize) -> &str {
    let head = &text[..at];
    let from = head
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || OPENING.contains(&c) || c == '/')
        .map_or(0, |(b, c)| b + c.len_utf8());
    &head[from..]
}

/// Whether the period after `word` (preceded by the token `before`, followed by the word
/// `next`) ends an abbreviation rather than the sentence.
fn is_non_breaking(word: &str, before: &str, next: &str, sentence_so_far: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    let number_follows = next.starts_with(|c: char| c.is_ascii_digit());
    if NON_BREAKING.contains(&word) || (number_follows && BEFORE_NUMBER.contains(&word)) {
        return true;
    }
    // Other capitalisation of a listed abbreviation: "JL. Merdeka", "PROF. Budi".
    if word.len() > 1 && word.chars().all(|c| c.is_ascii_uppercase()) {
        let title: String = word.chars().enumerate().map(|(i, c)| if i == 0 { c } else { c.to_ascii_lowercase() }).collect();
        if NON_BREAKING.contains(&title.as_str()) {
            return true;
        }
    }
    let mut cs = word.chars();
    let first = cs.next().unwrap();
    // An initial: "Joe R. Biden", "A. Yani"; but a unit or era letter after a number ends the
    // sentence ("naik 3 C. Para ahli", "abad ke-9 M. Kerajaan"), as does a sentence opener.
    if cs.next().is_none() && first.is_alphabetic() {
        return !before.ends_with(|c: char| c.is_ascii_digit()) && !SENTENCE_OPENERS.contains(&next);
    }
    // Dotted initials and academic titles before a name or a comma: "S.H.", "M.Si.", "Ph.D."
    // are only non-breaking when a capitalised *name* could follow, which we cannot tell; we
    // keep them breaking except for the forms made of single letters ("A.B."), and those too
    // before a word that opens sentences and never names ("A.S. Sejak itu").
    if word.split('.').all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic)) {
        return !SENTENCE_OPENERS.contains(&next);
    }
    // Month abbreviations: not a break when a number follows ("Jan. 2022", "Sept. 11").
    if number_follows && lexicon::MONTH_ABBREVIATIONS.contains(&word) {
        return true;
    }
    // An enumeration at the start: "1. Pertama", "a. Kedua", "II. Bab".
    let so_far = sentence_so_far.trim();
    if so_far == word && word.len() <= 4 && (word.chars().all(|c| c.is_ascii_digit()) || is_roman(word)) {
        return true;
    }
    false
}

fn is_roman(w: &str) -> bool {
    !w.is_empty() && w.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'))
}

/// `r` without its leading and trailing whitespace; `None` when nothing else is left.
pub(crate) fn trimmed(text: &str, r: Range<usize>) -> Option<Range<usize>> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    (!t.is_empty()).then(|| r.start + lead..r.start + lead + t.len())
}

fn push_trimmed(text: &str, r: Range<usize>, out: &mut Vec<Range<usize>>) {
    out.extend(trimmed(text, r));
}

/// Split `text` into pieces of at most `max_tokens` tokens as counted by `count`: at clause
/// punctuation first (the split point closest to the middle), then at spaces, then inside a
/// token (a 5,000-character URL). Ranges are trimmed byte ranges of `text`, in order; nothing is
/// dropped. A piece that cannot be split further (one character) is returned as is.
pub fn split_long(text: &str, max_tokens: usize, count: &dyn Fn(&str) -> usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    split_into(text, 0..text.len(), max_tokens.max(1), count, &mut out);
    out
}

fn split_into(text: &str, r: Range<usize>, max: usize, count: &dyn Fn(&str) -> usize, out: &mut Vec<Range<usize>>) {
    let s = &text[r.clone()];
    if s.trim().is_empty() {
        return;
    }
    if count(s) <= max {
        push_trimmed(text, r, out);
        return;
    }
    let Some(cut) = best_cut(s) else {
        push_trimmed(text, r, out);
        return;
    };
    split_into(text, r.start..r.start + cut, max, count, out);
    split_into(text, r.start + cut..r.end, max, count, out);
}

/// Where to cut `s` (a byte offset strictly inside it): after clause punctuation followed by a
/// space, else at a space, else at a character boundary; always the candidate nearest the middle.
fn best_cut(s: &str) -> Option<usize> {
    let mid = s.len() / 2;
    let nearest = |cands: &mut dyn Iterator<Item = usize>| cands.filter(|&b| b > 0 && b < s.len()).min_by_key(|&b| b.abs_diff(mid));
    let bytes = s.as_bytes();
    let clause = nearest(&mut s.char_indices().filter_map(|(b, c)| {
        let after = b + c.len_utf8();
        (matches!(c, ',' | ';' | ':' | '—' | '–' | ')' | '.' | '!' | '?') && bytes.get(after) == Some(&b' ')).then_some(after)
    }));
    if clause.is_some() {
        return clause;
    }
    let space = nearest(&mut s.char_indices().filter(|&(_, c)| c.is_whitespace()).map(|(b, _)| b));
    if space.is_some() {
        return space;
    }
    nearest(&mut s.char_indices().map(|(b, _)| b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    /// (input, expected sentences) pairs: the Indonesian cases the splitter must get right.
    const CASES: &[(&str, &[&str])] = &[
        ("Presiden tiba. Dia langsung rapat.", &["Presiden tiba.", "Dia langsung rapat."]),
        ("Apa kabar? Baik sekali!", &["Apa kabar?", "Baik sekali!"]),
        ("Dia datang! Lalu pergi.", &["Dia datang!", "Lalu pergi."]),
        ("Kantornya di Jl. Sudirman No. 5 Jakarta.", &["Kantornya di Jl. Sudirman No. 5 Jakarta."]),
        ("Ia diperiksa dr. Andi di puskesmas.", &["Ia diperiksa dr. Andi di puskesmas."]),
        ("Menurut Dr. Budi, hal itu benar.", &["Menurut Dr. Budi, hal itu benar."]),
        ("Prof. Dr. Ir. Siti Nurbaya hadir.", &["Prof. Dr. Ir. Siti Nurbaya hadir."]),
        ("H. Agus Salim dan Hj. Fatimah datang.", &["H. Agus Salim dan Hj. Fatimah datang."]),
        ("Mereka membeli buah, sayur, dll. Kemudian pulang.", &["Mereka membeli buah, sayur, dll.", "Kemudian pulang."]),
        ("Ada apel, jeruk, dsb. di pasar.", &["Ada apel, jeruk, dsb. di pasar."]),
        ("Harganya Rp. 5.000 per kilo.", &["Harganya Rp. 5.000 per kilo."]),
        ("Saham PT. Bank Mandiri naik.", &["Saham PT. Bank Mandiri naik."]),
        ("Laba PT Unilever Indonesia Tbk. Sementara itu, IHSG turun.", &["Laba PT Unilever Indonesia Tbk.", "Sementara itu, IHSG turun."]),
        ("Petronas Sdn. Bhd. menandatangani kontrak.", &["Petronas Sdn. Bhd. menandatangani kontrak."]),
        ("Transfer a.n. Budi Santoso sudah masuk.", &["Transfer a.n. Budi Santoso sudah masuk."]),
        ("Jend. Sudirman memimpin perang gerilya.", &["Jend. Sudirman memimpin perang gerilya."]),
        ("Kol. Untung ditangkap.", &["Kol. Untung ditangkap."]),
        ("Ahmad, S.H. mengatakan bahwa kasus itu selesai.", &["Ahmad, S.H. mengatakan bahwa kasus itu selesai."]),
        ("Dananya Rp1.000.000 untuk tiap desa. Itu cukup.", &["Dananya Rp1.000.000 untuk tiap desa.", "Itu cukup."]),
        ("Inflasi naik 3,5 persen. Bank sentral bereaksi.", &["Inflasi naik 3,5 persen.", "Bank sentral bereaksi."]),
        ("Presiden AS Joe R. Biden berbicara.", &["Presiden AS Joe R. Biden berbicara."]),
        ("Jalan A. Yani macet total.", &["Jalan A. Yani macet total."]),
        ("Dia ragu... Tapi akhirnya setuju.", &["Dia ragu...", "Tapi akhirnya setuju."]),
        ("Dia ragu... tapi akhirnya setuju.", &["Dia ragu... tapi akhirnya setuju."]),
        ("Tunggu… Siapa itu?", &["Tunggu…", "Siapa itu?"]),
        ("“Kami siap.” Kata itu diulang.", &["“Kami siap.”", "Kata itu diulang."]),
        ("“Kami siap,” kata Menteri.", &["“Kami siap,” kata Menteri."]),
        ("“Apa benar?” tanya dia.", &["“Apa benar?” tanya dia."]),
        ("\"Tidak ada perubahan.\" Blinken menegaskan.", &["\"Tidak ada perubahan.\"", "Blinken menegaskan."]),
        ("Kejadian pukul 11.09 WIB. Polisi datang.", &["Kejadian pukul 11.09 WIB.", "Polisi datang."]),
        ("Rapat dimulai pukul 09.30. Semua hadir.", &["Rapat dimulai pukul 09.30.", "Semua hadir."]),
        ("Jumlahnya 1.000.000 orang.", &["Jumlahnya 1.000.000 orang."]),
        ("Situs kompas.com melaporkan hal itu.", &["Situs kompas.com melaporkan hal itu."]),
        ("Dibaca di detik.com. Lalu dibagikan.", &["Dibaca di detik.com.", "Lalu dibagikan."]),
        ("1. Siapkan bahan. 2. Masak air.", &["1. Siapkan bahan.", "2. Masak air."]),
        ("Lihat hlm. 12 untuk rinciannya.", &["Lihat hlm. 12 untuk rinciannya."]),
        ("Peristiwa itu terjadi pada Jan. 2022 lalu.", &["Peristiwa itu terjadi pada Jan. 2022 lalu."]),
        ("Ia lahir tahun 1990. Sejak itu tinggal di Bandung.", &["Ia lahir tahun 1990.", "Sejak itu tinggal di Bandung."]),
        ("Benarkah?! Saya tak percaya.", &["Benarkah?!", "Saya tak percaya."]),
        ("Kapolda Irjen. Fadil Imran hadir.", &["Kapolda Irjen. Fadil Imran hadir."]),
        ("Tim U.S.A. Menang lagi.", &["Tim U.S.A. Menang lagi."]),
        ("Ia tinggal di Kec. Cicendo, Kab. Bandung.", &["Ia tinggal di Kec. Cicendo, Kab. Bandung."]),
        ("Sidang (ditunda.) Hakim pulang.", &["Sidang (ditunda.)", "Hakim pulang."]),
        ("Nilainya naik. (Sumber: BPS)", &["Nilainya naik.", "(Sumber: BPS)"]),
        ("Satu kalimat tanpa titik", &["Satu kalimat tanpa titik"]),
        ("  Spasi di depan. Dan di belakang.  ", &["Spasi di depan.", "Dan di belakang."]),
        ("Ia berkata: \"Kita menang. Kita juara.\" Lalu pulang.", &["Ia berkata: \"Kita menang.", "Kita juara.\"", "Lalu pulang."]),
        ("Harga naik 5 % . Warga mengeluh.", &["Harga naik 5 % .", "Warga mengeluh."]),
        ("Ketua DPR, Puan Maharani, S.I.P. Menyampaikan pidato.", &["Ketua DPR, Puan Maharani, S.I.P. Menyampaikan pidato."]),
        ("Wow!!! Hebat.", &["Wow!!!", "Hebat."]),
        ("Mr. Smith datang. Ms. Jones pergi.", &["Mr. Smith datang.", "Ms. Jones pergi."]),
        // The misses measured against the outside gold standard (issue 13).
        ("Kontrak dengan Sinar Jaya Pte. Ltd. diteken kemarin.", &["Kontrak dengan Sinar Jaya Pte. Ltd. diteken kemarin."]),
        ("Ia membahas banyak hal. Sementara itu, rapat ditunda.", &["Ia membahas banyak hal.", "Sementara itu, rapat ditunda."]),
        ("Semua hal. Kami setuju.", &["Semua hal.", "Kami setuju."]),
        ("Lihat hal. 7 dan Hlm. 9 buku itu.", &["Lihat hal. 7 dan Hlm. 9 buku itu."]),
        ("Suhu naik 3 C. Para ahli khawatir.", &["Suhu naik 3 C.", "Para ahli khawatir."]),
        ("Candi itu dibangun abad ke-9 M. Kerajaan Mataram berkuasa.", &["Candi itu dibangun abad ke-9 M.", "Kerajaan Mataram berkuasa."]),
        (
            "Ia lama tinggal di A.S. Sejak itu ia fasih berbahasa Inggris.",
            &["Ia lama tinggal di A.S.", "Sejak itu ia fasih berbahasa Inggris."],
        ),
        ("Kantornya di JL. Merdeka Barat.", &["Kantornya di JL. Merdeka Barat."]),
        ("Rumahnya di jl. Sudirman dan PROF. Budi datang.", &["Rumahnya di jl. Sudirman dan PROF. Budi datang."]),
        ("Dia berkata, \"Kami siap. \" Lalu ia pergi.", &["Dia berkata, \"Kami siap. \"", "Lalu ia pergi."]),
        ("\"Kami menang! ” Para pendukung bersorak.", &["\"Kami menang! ”", "Para pendukung bersorak."]),
        ("Ia menutup rapat. \"", &["Ia menutup rapat. \""]),
        ("Presiden AS Joe R. Biden dan A.S. Hikam hadir.", &["Presiden AS Joe R. Biden dan A.S. Hikam hadir."]),
    ];

    #[test]
    fn indonesian_cases() {
        assert!(CASES.len() >= 40);
        for (input, expected) in CASES {
            assert_eq!(&split(input), expected, "input: {input}");
        }
    }

    #[test]
    fn sentences_cover_all_non_whitespace() {
        for (input, _) in CASES {
            let rs = sentences(input);
            let mut last = 0;
            for r in &rs {
                assert!(input[last..r.start].trim().is_empty(), "gap holds text in {input:?}");
                last = r.end;
            }
            assert!(input[last..].trim().is_empty());
        }
    }

    fn words(s: &str) -> usize {
        s.split_whitespace().count()
    }

    #[test]
    fn long_sentences_split_at_clauses_first() {
        let s = "satu dua tiga empat, lima enam tujuh delapan; sembilan sepuluh sebelas dua belas";
        let parts: Vec<&str> = split_long(s, 6, &words).into_iter().map(|r| &s[r]).collect();
        assert_eq!(parts, vec!["satu dua tiga empat,", "lima enam tujuh delapan;", "sembilan sepuluh sebelas dua belas"]);
    }

    #[test]
    fn long_sentences_without_punctuation_split_at_spaces() {
        let s = "a b c d e f g h i j";
        let parts: Vec<&str> = split_long(s, 3, &words).into_iter().map(|r| &s[r]).collect();
        assert!(parts.iter().all(|p| words(p) <= 3), "{parts:?}");
        assert_eq!(parts.join(" "), s);
    }

    #[test]
    fn a_single_huge_token_is_cut_inside() {
        let s = "x".repeat(5000);
        let chars = |t: &str| t.len() / 100 + 1;
        let parts = split_long(&s, 10, &chars);
        assert!(parts.len() > 1);
        assert!(parts.iter().all(|r| chars(&s[r.clone()]) <= 10));
        assert_eq!(parts.iter().map(|r| r.len()).sum::<usize>(), 5000);
    }

    #[test]
    fn short_sentences_are_left_alone() {
        assert_eq!(split_long("  halo dunia ", 5, &words), vec![2..12]);
    }
}
