//! `NAME.en.html`: a saved web page with its article's English in place, written for each HTML
//! input beside the formats asked for. The page keeps everything else as it was (head,
//! navigation, images, links, blocks kept verbatim): [`Page::translated_page`].

use std::io::{self, Write};

use crate::align::AlignedDocument;
use crate::input::blocks::lines;
use crate::input::html::Page;

/// Written after the input's stem.
pub(crate) const SUFFIX: &str = "en.html";

/// Write `page` (the page `aligned` was made from) with the English of `aligned` in place.
pub(crate) fn write(page: &Page, aligned: &AlignedDocument, w: &mut dyn Write) -> io::Result<()> {
    w.write_all(page.translated_page(&english_lines(aligned)).as_bytes())
}

/// The lines of the article text of a page as their blocks are translated: for each chosen
/// block of the page (one a line), the English of the blocks of its line joined as in the
/// source.
fn english_lines(aligned: &AlignedDocument) -> Vec<String> {
    let text = &aligned.doc.text;
    let mut out = Vec::new();
    for line in lines(text).filter(|l| !l.is_empty()) {
        let mut en = String::new();
        let mut pos = line.start;
        for b in aligned.blocks.iter().filter(|b| b.span.start >= line.start && b.span.end <= line.end) {
            if !en.is_empty() || b.span.start > pos {
                en.push_str(&text[pos..b.span.start]);
            }
            en.push_str(&b.target());
            pos = b.span.end;
        }
        out.push(en.trim().to_string());
    }
    out
}
