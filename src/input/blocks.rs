//! An article as the pipeline sees it: normalised text (BOM removed, line ends as LF) cut into
//! classified blocks (title, dateline, caption, paragraph, boilerplate).
//!
//! Offsets everywhere in terjemah are byte ranges into [`Document::text`]. Writers that
//! publish offsets convert them to character offsets.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::input::decode::{decode, normalize_newlines};
use crate::input::outlets;
use crate::text::lexicon;

/// What a block of an article is, which decides whether and how it is translated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockClass {
    /// The headline: the first block, when it has at most 30 words and no final full stop.
    Title,
    /// "- 28 Januari 2022, 11:09 WIB": month and day names are mapped by rule, never by the model.
    Dateline,
    /// Photo caption and its credit line.
    Caption,
    /// Article text: everything no other class claims.
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
    /// The class's name in outputs and the manifest: `title`, `dateline`, ... (lower case, as
    /// serialised).
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
    pub(crate) fn is_boilerplate(self) -> bool {
        matches!(self, BlockClass::Related | BlockClass::Metadata | BlockClass::Navigation | BlockClass::Promo)
    }
}

/// A trimmed part of an article: one line (scraped articles hold one paragraph per line), or
/// a part of one where a dateline opens the first paragraph ("Jakarta, CNN Indonesia --") or
/// editor initials close the last ("(asp/asp)").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// What the block is.
    pub class: BlockClass,
    /// Byte range in the document's text, trimmed of whitespace; never empty.
    pub span: Range<usize>,
}

/// An article: its normalised text and its blocks.
#[derive(Clone, Debug)]
pub struct Document {
    /// The path as given or found (for messages and the manifest); `-` for stdin.
    pub(crate) path: PathBuf,
    /// The text with line ends normalised to LF (and a file's BOM removed); block and segment
    /// spans index it.
    pub text: String,
    /// The classified parts of `text`: in order, not overlapping, only whitespace between them.
    pub blocks: Vec<Block>,
    /// Things the user should know that did not stop the file (e.g. transcoding).
    pub(crate) warnings: Vec<String>,
}

impl Document {
    /// Decode and structure a file's bytes. Every problem is an [`Error::Input`] naming the file.
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
    pub(crate) fn from_lines(path: &Path, text: String) -> Document {
        let blocks = lines(&text).filter(|r| !r.is_empty()).map(|span| Block { class: BlockClass::Paragraph, span }).collect();
        Document { path: path.to_path_buf(), text, blocks, warnings: Vec::new() }
    }

    pub(crate) fn block_text(&self, block: &Block) -> &str {
        &self.text[block.span.clone()]
    }
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
    let abbreviations = lexicon::MONTH_ABBREVIATIONS.iter().map(|a| a.to_lowercase());
    let months: Vec<String> = lexicon::MONTHS
        .iter()
        .map(|(id, _)| id.to_string())
        .chain(lexicon::ENGLISH_MONTHS.iter().map(|m| m.to_string()))
        .chain(abbreviations)
        .collect();
    let months = months.join("|");
    Regex::new(
        &r"(?xi)
        ^[-–—•|\s]*
        (?:[A-Z][A-Za-z .]{0,30},\s*)?                       # optional city
        (?:(?:DAYS),?\s*)?
        (?:\d{1,2}\s+(?:MONTHS)\.?\s+\d{4}
          |\d{1,2}[/-]\d{1,2}[/-]\d{2,4})
        (?:\s*[,|\-–]?\s*(?:pukul\s+)?\d{1,2}[.:]\d{2}(?:[.:]\d{2})?\s*(?:WIB|WITA|WIT|GMT|UTC)?)?
        \s*$"
            .replace("DAYS", &lexicon::alternation(lexicon::DAYS))
            .replace("MONTHS", &months),
    )
    .unwrap()
});

static RELATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        &r#"(?i)^(?:(?:RELATED_LABELS)\s*[:\-–]|next\s+article\s|(?:baca|lihat|simak)\s+juga\s*:?\s*$|(?:baca|lihat|simak|tonton|saksikan)\s+(?:juga\s+)?(?:video\b|["'“‘]))"#
            .replace("RELATED_LABELS", &lexicon::alternation(lexicon::RELATED_LABELS)),
    )
    .unwrap()
});

static METADATA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        &r"(?i)^(?:METADATA_LABELS)\s*[:|]|^©|^halaman\s*(?:\d+\s*)*$|^(?:\d+\s+){1,}(?:selanjutnya|berikutnya)?$"
            .replace("METADATA_LABELS", &lexicon::alternation(lexicon::METADATA_LABELS)),
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
