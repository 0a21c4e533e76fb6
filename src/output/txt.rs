//! `NAME.en.txt`: the English article with the source's block layout.

use std::io::{self, Write};

use super::{Context, Writer};
use crate::align::AlignedDocument;

pub(crate) struct Txt;

impl Writer for Txt {
    fn suffix(&self) -> &'static str {
        "en.txt"
    }

    fn write(&self, doc: &AlignedDocument, _ctx: &Context, w: &mut dyn Write) -> io::Result<()> {
        w.write_all(doc.english().as_bytes())
    }
}
