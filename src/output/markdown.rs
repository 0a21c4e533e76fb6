//! `NAME.bi.md`: side-by-side Markdown, one table row per block.

use std::io::{self, Write};

use super::{Context, Writer};
use crate::align::AlignedDocument;

pub(crate) struct Markdown;

/// A table cell: pipes escaped, line breaks as <br>, and `<`/`&` as entities so that text
/// never turns into HTML when the file is rendered.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            '\n' => out.push_str("<br>"),
            '\r' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

impl Writer for Markdown {
    fn suffix(&self) -> &'static str {
        "bi.md"
    }

    fn write(&self, doc: &AlignedDocument, ctx: &Context, w: &mut dyn Write) -> io::Result<()> {
        let name = doc.doc.path.file_name().map_or_else(|| doc.doc.path.display().to_string(), |n| n.to_string_lossy().into_owned());
        writeln!(w, "# {}\n", cell(&name))?;
        writeln!(w, "Translated by terjemah with model `{}` ({}).\n", cell(ctx.model_name), ctx.model_fingerprint)?;
        writeln!(w, "| # | class | Indonesian | English |")?;
        writeln!(w, "|---|---|---|---|")?;
        for (i, b) in doc.blocks.iter().enumerate() {
            let english = if b.dropped() { "*(dropped)*".to_string() } else { cell(&b.target()) };
            writeln!(w, "| {} | {} | {} | {} |", i + 1, b.class.as_str(), cell(doc.source(&b.span)), english)?;
        }
        Ok(())
    }
}
