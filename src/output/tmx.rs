//! `NAME.tmx`: a TMX 1.4b translation memory, one `<tu>` per sentence pair, for CAT tools
//! (OmegaT, Trados, memoQ). Dropped segments and empty targets are left out.

use std::io::{self, Write};

use super::{Context, Writer};
use crate::align::AlignedDocument;
use crate::text::plan::Action;

pub(crate) struct Tmx;

/// Text for XML 1.0 content or attribute values (also valid HTML): markup characters as
/// entities, and characters XML 1.0 forbids (C0 controls other than tab/LF/CR, U+FFFE,
/// U+FFFF) removed, since no parser would accept them even as references. Tab, LF and CR
/// become character references so that attribute-value and line-end normalisation by the
/// parser cannot change them.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            _ => out.push(c),
        }
    }
    out
}

impl Writer for Tmx {
    fn suffix(&self) -> &'static str {
        "tmx"
    }

    fn write(&self, doc: &AlignedDocument, ctx: &Context, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(w, r#"<!DOCTYPE tmx SYSTEM "tmx14.dtd">"#)?;
        writeln!(w, r#"<tmx version="1.4">"#)?;
        writeln!(
            w,
            r#"  <header creationtool="terjemah" creationtoolversion="{}" segtype="sentence" o-tmf="terjemah" adminlang="en" srclang="id" datatype="plaintext">"#,
            escape(env!("CARGO_PKG_VERSION"))
        )?;
        writeln!(w, r#"    <prop type="x-model">{}</prop>"#, escape(ctx.model_name))?;
        writeln!(w, r#"    <prop type="x-model-fingerprint">{}</prop>"#, escape(ctx.model_fingerprint))?;
        writeln!(w, r#"    <prop type="x-source">{}</prop>"#, escape(&doc.doc.path.display().to_string()))?;
        writeln!(w, "  </header>")?;
        writeln!(w, "  <body>")?;
        for (bi, si, b, s) in doc.segments() {
            let source = doc.source(&s.span);
            if s.action == Action::Dropped || s.target.trim().is_empty() || source.trim().is_empty() {
                continue;
            }
            // tuid "block-sentence", the same numbering as the JSONL rows and HTML ids.
            writeln!(w, r#"    <tu tuid="{bi}-{si}">"#)?;
            writeln!(w, r#"      <prop type="x-class">{}</prop>"#, b.class.as_str())?;
            writeln!(w, r#"      <prop type="x-action">{}</prop>"#, action_name(s.action))?;
            if !s.flags.is_empty() {
                let names: Vec<&str> = s.flags.iter().map(|f| f.name()).collect();
                writeln!(w, r#"      <prop type="x-flags">{}</prop>"#, names.join(" "))?;
            }
            if let Some(c) = s.confidence {
                // The model's log-probability per output token: a CAT tool can sort or filter on it.
                writeln!(w, r#"      <prop type="x-confidence">{c}</prop>"#)?;
            }
            writeln!(w, r#"      <tuv xml:lang="id"><seg>{}</seg></tuv>"#, escape(source))?;
            writeln!(w, r#"      <tuv xml:lang="en"><seg>{}</seg></tuv>"#, escape(&s.target))?;
            writeln!(w, "    </tu>")?;
        }
        writeln!(w, "  </body>")?;
        writeln!(w, "</tmx>")
    }
}

pub(super) fn action_name(a: Action) -> &'static str {
    match a {
        Action::Translated => "translated",
        Action::Copied => "copied",
        Action::Rule => "rule",
        Action::Dropped => "dropped",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_makes_any_text_safe_xml() {
        assert_eq!(escape(r#"a<b & "c" 'd'>"#), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
        assert_eq!(escape("x\u{1}\u{1b}\u{ffff}y\tz\n"), "xy&#9;z&#10;");
        assert_eq!(escape("kopi ☕ 🇮🇩"), "kopi ☕ 🇮🇩");
    }
}
