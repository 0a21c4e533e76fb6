//! `NAME.tsv`: one row per segment, `source` and `target` first (what spreadsheet and CAT-tool
//! imports look for), then where the pair comes from. Backslash, tab, LF and CR inside a field
//! are written `\\`, `\t`, `\n`, `\r`, so that every row is one line with a fixed column count.

use std::io::{self, Write};

use super::tmx::action_name;
use super::{Context, Writer};
use crate::align::AlignedDocument;

pub(crate) struct Tsv;

/// `confidence` is the model's log-probability per output token, empty where there is none.
const HEADER: &str = "source\ttarget\tblock\tsentence\tclass\taction\tflags\tconfidence";

/// A field with its backslash, tab and line-break characters escaped.
fn field(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ => out.push(c),
        }
    }
    out
}

impl Writer for Tsv {
    fn suffix(&self) -> &'static str {
        "tsv"
    }

    fn write(&self, doc: &AlignedDocument, _ctx: &Context, w: &mut dyn Write) -> io::Result<()> {
        writeln!(w, "{HEADER}")?;
        for (bi, si, b, s) in doc.segments() {
            let flags: Vec<&str> = s.flags.iter().map(|f| f.name()).collect();
            writeln!(
                w,
                "{}\t{}\t{bi}\t{si}\t{}\t{}\t{}\t{}",
                field(doc.source(&s.span)),
                field(&s.target),
                b.class.as_str(),
                action_name(s.action),
                flags.join(","),
                s.confidence.map(|c| c.to_string()).unwrap_or_default()
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_stay_on_one_line_and_in_their_column() {
        assert_eq!(field("a\tb\nc\r\\d"), "a\\tb\\nc\\r\\\\d");
        assert_eq!(field("\\t"), "\\\\t", "a literal backslash-t stays distinguishable from a tab");
    }
}
