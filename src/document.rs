//! Reading an article: bytes to normalised text, then text to classified blocks.
//!
//! Offsets everywhere in terjemah are byte ranges into [`Document::text`], the *normalised*
//! text: BOM removed, CRLF and lone CR turned into LF, nothing else changed. Writers that
//! publish offsets convert them to character offsets.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::input::outlets;

/// What a block of an article is, which decides whether and how it is translated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockClass {
    Title,
    /// "- 28 Januari 2022, 11:09 WIB": month and day names are mapped by rule, never by the model.
    Dateline,
    /// Photo caption and its credit line.
    Caption,
    Paragraph,
    /// "Baca Juga: ..." and similar links to other articles.
    Related,
    /// "Editor: ...", "Sumber: ...", "Halaman:", "Penulis: ..."
    Metadata,
    /// Tags and navigation words scraped with the page.
    Navigation,
    /// Advertisements, video embeds ("[Gambas:Video CNN]"), invitations to follow the outlet
    /// on a channel, in an app or by newsletter.
    Promo,
}

impl BlockClass {
    pub fn as_str(self) -> &'static str {
        match self {
            BlockClass::Title => "title",
            BlockClass::Dateline => "dateline",
            BlockClass::Caption => "caption",
            BlockClass::Paragraph => "paragraph",
            BlockClass::Related => "related",
            BlockClass::Metadata => "metadata",
            BlockClass::Navigation => "navigation",
            BlockClass::Promo => "promo",
        }
    }

    /// Boilerplate is copied verbatim by default (`--boilerplate translate|drop` changes that).
    pub fn is_boilerplate(self) -> bool {
        matches!(self, BlockClass::Related | BlockClass::Metadata | BlockClass::Navigation | BlockClass::Promo)
    }
}

/// A trimmed part of an article: one line (scraped articles hold one paragraph per line), or
/// a part of one where a dateline opens the first paragraph ("Jakarta, CNN Indonesia --") or
/// editor initials close the last ("(asp/asp)").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub class: BlockClass,
    pub span: Range<usize>,
}

#[derive(Clone, Debug)]
pub struct Document {
    /// The path as given or found (for messages and the manifest); `-` for stdin.
    pub path: PathBuf,
    pub text: String,
    pub blocks: Vec<Block>,
    /// Things the user should know that did not stop the file (e.g. transcoding).
    pub warnings: Vec<String>,
}

impl Document {
    /// Read and structure a file. Every problem is an [`Error::Input`] naming the file.
    pub fn read(path: &Path) -> Result<Document> {
        let bytes = std::fs::read(path).map_err(|e| Error::input(path, read_reason(&e)))?;
        Document::from_bytes(path, &bytes)
    }

    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Document> {
        let (text, warnings) = decode(bytes).map_err(|reason| Error::input(path, reason))?;
        if text.trim().is_empty() {
            let what = if text.is_empty() { "empty file" } else { "file holds only whitespace" };
            return Err(Error::input(path, format!("{what}: nothing to translate")));
        }
        let blocks = structure(&text);
        Ok(Document { path: path.to_path_buf(), text, blocks, warnings })
    }

    /// A document from text already decoded (a dataset record's field): newlines normalised,
    /// then structured like an article.
    pub fn from_text(path: &Path, text: &str) -> Document {
        let text = normalize_newlines(text);
        let blocks = structure(&text);
        Document { path: path.to_path_buf(), text, blocks, warnings: Vec::new() }
    }

    /// A document whose every non-empty line is a paragraph, with no article structure
    /// (line mode, where one input line must give one output line).
    pub fn from_lines(path: &Path, text: String) -> Document {
        let blocks = lines(&text).filter(|r| !r.is_empty()).map(|span| Block { class: BlockClass::Paragraph, span }).collect();
        Document { path: path.to_path_buf(), text, blocks, warnings: Vec::new() }
    }

    pub fn block_text(&self, block: &Block) -> &str {
        &self.text[block.span.clone()]
    }
}

impl Document {
    /// What a user should read when a file cannot be read.
    pub fn read_reason(e: &std::io::Error) -> String {
        read_reason(e)
    }
}

fn read_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied: cannot read the file".into(),
        std::io::ErrorKind::NotFound => "not found (a dangling link or a file removed during the run)".into(),
        _ if e.raw_os_error() == Some(21) => "is a folder, not a file".into(),
        _ => format!("cannot read: {e}"),
    }
}

/// Bytes to normalised text. Policy (documented in the README):
/// - UTF-8, with or without BOM, is read as is; UTF-16 with a BOM is transcoded.
/// - Text that is not UTF-8 and holds no valid multi-byte UTF-8 sequence is read as
///   Windows-1252 (a superset of Latin-1 for text), with a warning.
/// - UTF-8 with invalid bytes in it is refused, naming the line: guessing would garble it.
/// - Binary files (NUL bytes, known magic numbers) are refused.
pub fn decode(bytes: &[u8]) -> std::result::Result<(String, Vec<String>), String> {
    let mut warnings = Vec::new();
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        utf8_or_reason(rest)?
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let enc = if bytes[0] == 0xFF { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[2..]);
        if had_errors {
            return Err(format!("invalid {} text (odd byte count or unpaired surrogate)", enc.name()));
        }
        if text.contains('\0') {
            return Err("binary data (NUL characters) in a UTF-16 file".into());
        }
        text.into_owned()
    } else {
        if let Some(kind) = binary_kind(bytes) {
            return Err(format!("binary file ({kind}), not text: skipped"));
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_owned(),
            Err(e) if has_utf8_multibyte(bytes) => return Err(utf8_reason(bytes, e)),
            Err(_) => {
                warnings.push("not UTF-8; read as Windows-1252 (Latin-1)".to_string());
                encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned()
            }
        }
    };
    Ok((normalize_newlines(&text), warnings))
}

fn utf8_or_reason(bytes: &[u8]) -> std::result::Result<String, String> {
    std::str::from_utf8(bytes).map(str::to_owned).map_err(|e| utf8_reason(bytes, e))
}

fn utf8_reason(bytes: &[u8], e: std::str::Utf8Error) -> String {
    let at = e.valid_up_to();
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    format!(
        "invalid UTF-8 at byte {at} (line {line}); re-save the file as UTF-8 \
         (e.g. `iconv -f WINDOWS-1252 -t UTF-8`)"
    )
}

fn has_utf8_multibyte(bytes: &[u8]) -> bool {
    // Look for one well-formed 2-4 byte sequence: its presence means the file was meant as UTF-8.
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let n = match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => {
                i += 1;
                continue;
            }
        };
        if i + n <= bytes.len() && std::str::from_utf8(&bytes[i..i + n]).is_ok() {
            return true;
        }
        i += 1;
    }
    false
}

fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"\x89PNG", "PNG image"),
        (b"GIF8", "GIF image"),
        (b"%PDF", "PDF document"),
        (b"PK\x03\x04", "ZIP archive or Office document"),
        (b"\x1F\x8B", "gzip archive"),
        (b"\x7FELF", "executable"),
    ];
    if let Some((_, kind)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Some(kind);
    }
    if bytes.iter().take(1 << 16).any(|&b| b == 0) {
        return Some("NUL bytes");
    }
    None
}

/// CRLF and lone CR become LF; nothing else changes.
pub fn normalize_newlines(s: &str) -> String {
    if !s.contains('\r') {
        return s.to_owned();
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// Byte ranges of the lines of `text` (without their LF), trimmed of surrounding whitespace.
/// A blank line gives an empty range at its position.
pub fn lines(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    text.split_inclusive('\n').map(move |raw| {
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let lead = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        let s = start + lead;
        start += raw.len();
        s..s + trimmed.len()
    })
}

// ---------------------------------------------------------------------------------------------
// Block classification. Rules are tuned on scraped Indonesian news pages; each looks at one
// line and, where needed, its neighbours.

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)
        ^[-–—•|\s]*
        (?:[A-Z][A-Za-z .]{0,30},\s*)?                       # optional city
        (?:(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad),?\s*)?
        (?:\d{1,2}\s+(?:januari|februari|pebruari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember|january|february|march|may|june|july|august|october|december|jan|feb|mar|apr|jun|jul|agu|agt|ags|aug|sep|sept|okt|oct|nov|des|dec)\.?\s+\d{4}
          |\d{1,2}[/-]\d{1,2}[/-]\d{2,4})
        (?:\s*[,|\-–]?\s*(?:pukul\s+)?\d{1,2}[.:]\d{2}(?:[.:]\d{2})?\s*(?:WIB|WITA|WIT|GMT|UTC)?)?
        \s*$",
    )
    .unwrap()
});

static RELATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)^(?:(?:baca\s+(?:juga|pula|selengkapnya)|lihat\s+juga|simak\s+juga|simak|tonton\s+juga|artikel\s+terkait|berita\s+terkait|pilihan\s+editor)\s*[:\-–]|next\s+article\s|(?:baca|lihat|simak)\s+juga\s*:?\s*$|(?:baca|lihat|simak|tonton|saksikan)\s+(?:juga\s+)?(?:video\b|["'“‘]))"#,
    )
    .unwrap()
});

static METADATA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:editor|penyunting|redaktur|penulis|reporter|pewarta|kontributor|sumber|source|foto|fotografer|video|ilustrasi|laporan|writer|rep|red|tag|tags|topik|kata\s+kunci|halaman|copyright|hak\s+cipta)\s*[:|]|^©|^halaman\s*(?:\d+\s*)*$|^(?:\d+\s+){1,}(?:selanjutnya|berikutnya)?$",
    )
    .unwrap()
});

/// A photo credit at the end of a caption: "... /UPI/Stanislav Kozliuk/EPA-EFE",
/// "(ANTARA FOTO/Rivan Awal Lingga)", "Foto: Dok. Humas".
static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\s/\s?[A-Z][^/]{1,40}(?:/[^/]{1,40})*\s*$|\((?:ANTARA|ANTARA FOTO|Foto|FOTO|Dok|dok|Istimewa|ist)[^)]{0,80}\)\s*$|(?:^|\s)(?:Foto|FOTO):\s*\S)").unwrap()
});

/// "Baca Juga:" with nothing after it: the headline is on the next line.
static RELATED_LABEL_ONLY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)^(?:baca|lihat|simak)\s+juga\s*:?\s*$").unwrap());

const NAVIGATION_WORDS: &[&str] = &[
    "tags",
    "tag",
    "artikel pilihan",
    "terkait",
    "terkini",
    "terpopuler",
    "populer",
    "berita terkait",
    "berita terkini",
    "berita populer",
    "rekomendasi",
    "pilihan editor",
    "baca juga",
    "bagikan",
    "share",
    "komentar",
    "beranda",
    "home",
    "kabar daerah",
    "trending",
    "topik",
    "lainnya",
    "selanjutnya",
    "sebelumnya",
    "berita lainnya",
];

fn ends_like_sentence(line: &str) -> bool {
    let t = line.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»']);
    t.ends_with(['.', '!', '?', '…', ':', ';'])
}

fn word_count(line: &str) -> usize {
    line.split_whitespace().count()
}

/// Split normalised text into classified blocks (one per non-blank line, two or three where a
/// dateline opens a paragraph or editor initials close it).
pub fn structure(text: &str) -> Vec<Block> {
    let spans: Vec<Range<usize>> = lines(text).collect();
    let mut blocks: Vec<(usize, Block)> = Vec::new(); // (line number, block)
    for (ln, span) in spans.iter().enumerate() {
        if span.is_empty() {
            continue;
        }
        let line = &text[span.clone()];
        let class = if RELATED.is_match(line) {
            BlockClass::Related
        } else if METADATA.is_match(line) || outlets::is_metadata(line) {
            // "Foto: <a described scene> (credit)" is a caption; "Foto: ANTARA/Name" a credit.
            if outlets::is_photo_caption(line) {
                BlockClass::Caption
            } else {
                BlockClass::Metadata
            }
        } else if outlets::is_promo(line) {
            BlockClass::Promo
        } else if line.len() <= 80 && DATELINE.is_match(line) {
            BlockClass::Dateline
        } else if (CREDIT.is_match(line) || outlets::ends_with_photo_credit(line))
            && !line.contains("Baca")
            && outlets::initials_suffix(line).is_none()
        {
            BlockClass::Caption
        } else {
            BlockClass::Paragraph
        };
        if class != BlockClass::Paragraph {
            blocks.push((ln, Block { class, span: span.clone() }));
            continue;
        }
        // A paragraph may open with the outlet's dateline and close with editor initials.
        let mut body = span.clone();
        let first_paragraph = ln > 0 && !blocks.iter().skip(1).any(|(_, b)| matches!(b.class, BlockClass::Paragraph | BlockClass::Caption));
        let mut push = |class, span: Range<usize>| blocks.push((ln, Block { class, span }));
        if let Some(n) = outlets::dateline_prefix(line, first_paragraph) {
            push(BlockClass::Dateline, body.start..body.start + n);
            body.start += n + (line[n..].len() - line[n..].trim_start().len());
        }
        let mut initials = None;
        if let Some(at) = outlets::initials_suffix(&text[body.clone()]) {
            initials = Some(body.start + at..body.end);
            body.end = body.start + text[body.start..body.start + at].trim_end().len();
        }
        if !body.is_empty() {
            push(BlockClass::Paragraph, body);
        }
        if let Some(span) = initials {
            push(BlockClass::Metadata, span);
        }
    }

    // The first block is the title unless it reads like body text.
    if let Some((_, first)) = blocks.first_mut() {
        let line = &text[first.span.clone()];
        if first.class == BlockClass::Paragraph && word_count(line) <= 30 && !line.ends_with('.') {
            first.class = BlockClass::Title;
        }
    }

    // A caption is often printed twice, the first copy without its credit, on the line just
    // above: "Prajurit Ukraina memeriksa ... Rusia." then "Prajurit Ukraina ... /UPI/...".
    for i in 0..blocks.len().saturating_sub(1) {
        let (ln, ref b) = blocks[i];
        let (next_ln, ref next) = blocks[i + 1];
        if b.class == BlockClass::Paragraph && next.class == BlockClass::Caption && next_ln == ln + 1 {
            let (a, c) = (&text[b.span.clone()], &text[next.span.clone()]);
            if c.starts_with(a.trim_end_matches(['.', ' '])) {
                blocks[i].1.class = BlockClass::Caption;
            }
        }
    }

    // A bare "Baca Juga:" line labels the headline on the line after it.
    for i in 1..blocks.len() {
        let (prev_ln, ref prev) = blocks[i - 1];
        let (ln, ref b) = blocks[i];
        let line = &text[b.span.clone()];
        if prev.class == BlockClass::Related
            && RELATED_LABEL_ONLY.is_match(&text[prev.span.clone()])
            && ln > prev_ln
            && matches!(b.class, BlockClass::Paragraph | BlockClass::Title)
            && word_count(line) <= 20
            && !ends_like_sentence(line)
        {
            blocks[i].1.class = BlockClass::Related;
        }
    }

    // Navigation: after the last metadata line (Editor:, Sumber:, ...), short lines without
    // sentence punctuation are the page's tags and menus. Known menu words anywhere as well.
    let last_meta = blocks.iter().rposition(|(_, b)| b.class == BlockClass::Metadata);
    for (k, (_, b)) in blocks.iter_mut().enumerate() {
        if b.class != BlockClass::Paragraph {
            continue;
        }
        let line = &text[b.span.clone()];
        let lower = line.to_lowercase();
        let short = word_count(line) <= 5 && !ends_like_sentence(line);
        if NAVIGATION_WORDS.contains(&lower.trim_end_matches(':')) || (short && last_meta.is_some_and(|m| k > m)) {
            b.class = BlockClass::Navigation;
        }
    }
    blocks.into_iter().map(|(_, b)| b).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(text: &str) -> Vec<(BlockClass, String)> {
        structure(text).into_iter().map(|b| (b.class, text[b.span].to_string())).collect()
    }

    #[test]
    fn newlines_are_normalised() {
        assert_eq!(normalize_newlines("a\r\nb\rc\n"), "a\nb\nc\n");
    }

    #[test]
    fn decode_policy() {
        assert_eq!(decode(b"\xEF\xBB\xBFhalo\r\n").unwrap().0, "halo\n");
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("hé".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        assert_eq!(decode(&utf16).unwrap().0, "hé");
        let (t, w) = decode(b"caf\xE9 enak").unwrap();
        assert_eq!(t, "café enak");
        assert_eq!(w.len(), 1);
        assert!(decode("kopi ☕ enak \u{00e9}".as_bytes()).unwrap().1.is_empty());
        let bad = decode(b"baris satu \xE2\x80\x9Cok\xE2\x80\x9D\nbaris \xFF dua").unwrap_err();
        assert!(bad.contains("invalid UTF-8") && bad.contains("line 2"), "{bad}");
        assert!(decode(b"\xFF\xD8\xFF\xE0 JFIF").unwrap_err().contains("JPEG"));
        assert!(decode(b"abc\0def").unwrap_err().contains("NUL"));
    }

    #[test]
    fn lines_are_trimmed_ranges() {
        let t = " a \n\nbc\n";
        let r: Vec<_> = lines(t).collect();
        assert_eq!(r, vec![1..2, 4..4, 5..7]);
    }

    #[test]
    fn seed_article_blocks() {
        let text = "AS Menyerukan Pertemuan Dewan Keamanan PBB\n\n- 28 Januari 2022, 11:09 WIB\n Prajurit Ukraina memeriksa situasi. Amerika memanggil dewan.\nPrajurit Ukraina memeriksa situasi. Amerika memanggil dewan. /UPI/Stanislav Kozliuk/EPA-EFE\n\nMenteri Luar Negeri AS Antony Blinken pada hari Rabu mengatakan sesuatu.\n\nBaca Juga: 'Ikatan Cinta' Jumat 28 Januari 2022: Iqbal Dieksekusi\n\nHalaman:\n\nEditor: Didih Hudaya ZP\n\nSumber: UPI.com\n\n\nTags\n\nArtikel Pilihan\n\nKabar Daerah";
        let c: Vec<BlockClass> = classes(text).into_iter().map(|x| x.0).collect();
        use BlockClass::*;
        assert_eq!(
            c,
            vec![Title, Dateline, Caption, Caption, Paragraph, Related, Metadata, Metadata, Metadata, Navigation, Navigation, Navigation]
        );
    }

    #[test]
    fn datelines() {
        for d in ["- 28 Januari 2022, 11:09 WIB", "Jumat, 28 Januari 2022 | 11:09 WIB", "JAKARTA, 3 Mei 2023", "12/03/2021 10.15 WIB"] {
            assert!(DATELINE.is_match(d), "{d}");
        }
        assert!(!DATELINE.is_match("Pada 28 Januari 2022 presiden berkata."));
    }

    #[test]
    fn body_paragraph_first_is_not_a_title() {
        let t = "Ini adalah paragraf pertama yang panjang dan berakhir dengan titik.\n";
        assert_eq!(classes(t)[0].0, BlockClass::Paragraph);
    }
}
