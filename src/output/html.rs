//! `NAME.bi.html`: a self-contained review page per article (inline CSS and JS, nothing fetched),
//! Indonesian left and English right, block by block; and `index.html`, the run's table of
//! articles. Hovering or clicking a sentence highlights its counterpart (ids `s-B-S-id` and
//! `s-B-S-en`, each naming the other in `data-pair`). The markup is well-formed XML apart from
//! the script, so tests can check it with an XML parser.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use super::tmx::{action_name, escape};
use super::{write_atomic, Context, Writer};
use crate::align::AlignedDocument;
use crate::quality::Flag;
use crate::text::plan::Action;

pub(crate) struct Html;

// The pages are single files that work offline, so their CSS and JS are inlined; they are kept
// as files next to this one to be edited as CSS and JS.
/// Styles shared by the review pages and the index.
const STYLE: &str = include_str!("assets/review.css");
/// A review page's own styles (the side-by-side table, flags, pinned rows).
const PAGE_STYLE: &str = include_str!("assets/page.css");
/// A review page's script: highlight the aligned pair under the pointer, pin one, filter flags.
const PAGE_SCRIPT: &str = include_str!("assets/page.js");
/// The index's own styles.
const INDEX_STYLE: &str = include_str!("assets/index.css");
/// The index's script: sort and filter the table of documents.
const INDEX_SCRIPT: &str = include_str!("assets/index.js");

/// The name a page shows for a document: its file name (the path for stdin and odd paths).
fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// The text of a flag's badge: its label with the evidence a reader needs to judge it.
fn badge(f: &Flag) -> String {
    let label = Flag::label(f.name());
    match f {
        Flag::LengthRatio { ratio } => format!("{label} {ratio:.2}"),
        Flag::DroppedContent { ratio } => format!("{label} (length ratio {ratio:.2})"),
        Flag::Repetition { ngram, count } => {
            let short: String = ngram.chars().take(24).collect();
            let more = if short.len() < ngram.len() { "…" } else { "" };
            format!("{label}: “{short}{more}” ×{count}")
        }
        Flag::MissingNumbers { numbers } => format!("{label}: {}", numbers.join(", ")),
        Flag::GlossaryMissing { terms } => format!("{label}: {}", terms.join(", ")),
        Flag::Unknown { count } => format!("{label} ×{count}"),
        Flag::SourceWords { words } => format!("{label}: {}", words.join(", ")),
        Flag::DoubledWord { words } => format!("{label}: “{words}”"),
        Flag::LowConfidence { confidence } => format!("{label} {confidence:.2}"),
        Flag::MaxLength | Flag::Untranslated => label.to_string(),
    }
}

fn head(w: &mut dyn Write, title: &str, page_style: &str) -> io::Result<()> {
    writeln!(w, "<!DOCTYPE html>")?;
    writeln!(w, r#"<html lang="en">"#)?;
    writeln!(w, "<head>")?;
    writeln!(w, r#"<meta charset="utf-8"/>"#)?;
    writeln!(w, r#"<meta name="viewport" content="width=device-width, initial-scale=1"/>"#)?;
    writeln!(w, r#"<meta name="generator" content="terjemah {}"/>"#, env!("CARGO_PKG_VERSION"))?;
    writeln!(w, "<title>{}</title>", escape(title))?;
    writeln!(w, "<style>{STYLE}{page_style}</style>")?;
    writeln!(w, "</head>")
}

impl Writer for Html {
    fn suffix(&self) -> &'static str {
        "bi.html"
    }

    fn write(&self, doc: &AlignedDocument, ctx: &Context, w: &mut dyn Write) -> io::Result<()> {
        let name = display_name(&doc.doc.path);
        head(w, &format!("{name} · terjemah"), PAGE_STYLE)?;
        writeln!(w, "<body>")?;

        let all = || doc.segments().map(|(_, _, _, s)| s);
        let segments = all().count();
        let translated = all().filter(|s| s.action == Action::Translated).count();
        let flagged = all().filter(|s| !s.flags.is_empty()).count();
        let counts = crate::quality::count(all().flat_map(|s| &s.flags));
        writeln!(w, r#"<header class="top">"#)?;
        writeln!(w, "<h1>{}</h1>", escape(&name))?;
        writeln!(
            w,
            "<p class=\"meta\">Indonesian → English by terjemah, model <code>{}</code> ({}). {} blocks, {} sentences ({} translated), {} flagged.</p>",
            escape(ctx.model_name),
            escape(ctx.model_fingerprint),
            doc.blocks.len(),
            segments,
            translated,
            flagged
        )?;
        if flagged > 0 {
            write!(w, r#"<div class="tools"><label><input type="checkbox" id="only-flagged"/> Only blocks with flags</label>"#)?;
            for name in Flag::NAMES {
                if let Some(n) = counts.get(name) {
                    write!(w, r#"<span class="flag">{n} {}</span>"#, escape(Flag::label(name)))?;
                }
            }
            writeln!(w, "</div>")?;
        }
        by_confidence(doc, w)?;
        // The column heads are hidden when the columns stack.
        writeln!(w, r#"<p class="meta phone-only">Each block: Indonesian, then its English indented below.</p>"#)?;
        writeln!(w, "</header>")?;

        writeln!(w, "<main>")?;
        writeln!(w, r#"<div class="row head" aria-hidden="true"><div>Indonesian</div><div>English</div></div>"#)?;
        for (bi, b) in doc.blocks.iter().enumerate() {
            let class = b.class.as_str();
            let mut classes = format!("row b-{class}");
            if b.class.is_boilerplate() {
                classes.push_str(" boiler");
            }
            if b.segments.iter().any(|s| !s.flags.is_empty()) {
                classes.push_str(" has-flags");
            }
            // A block kept verbatim says so; on a phone its English copy is not repeated.
            let copied = b.segments.iter().all(|s| s.action == Action::Copied);
            if copied {
                classes.push_str(" copied");
            }
            writeln!(w, r#"<section class="{classes}" id="b-{bi}" data-class="{class}">"#)?;
            // Paragraphs are the norm; every other class is labelled, boilerplate included.
            let tag = match (b.class, copied) {
                (_, true) => format!(r#"<span class="cls">{class}<span class="kept"> · kept as is</span></span>"#),
                (crate::input::BlockClass::Paragraph, false) => String::new(),
                _ => format!(r#"<span class="cls">{class}</span>"#),
            };
            write!(w, r#"<div class="cell src" lang="id">{tag}"#)?;
            for (si, s) in b.segments.iter().enumerate() {
                let sep = if si > 0 { " " } else { "" };
                write!(
                    w,
                    r#"{sep}<span class="seg" id="s-{bi}-{si}-id" data-pair="s-{bi}-{si}-en">{}</span>"#,
                    escape(doc.source(&s.span))
                )?;
            }
            writeln!(w, "</div>")?;
            write!(w, r#"<div class="cell tgt" lang="en">{tag}"#)?;
            for (si, s) in b.segments.iter().enumerate() {
                let sep = if si > 0 { " " } else { "" };
                let action = action_name(s.action);
                let conf = s.confidence.map(|c| format!(r#" data-conf="{c}""#)).unwrap_or_default();
                if s.flags.is_empty() {
                    write!(w, r#"{sep}<span class="seg" id="s-{bi}-{si}-en" data-pair="s-{bi}-{si}-id" data-action="{action}"{conf}>"#)?;
                } else {
                    let names: Vec<&str> = s.flags.iter().map(Flag::name).collect();
                    let why: Vec<String> = s.flags.iter().map(Flag::describe).collect();
                    write!(
                        w,
                        r#"{sep}<span class="seg flagged" id="s-{bi}-{si}-en" data-pair="s-{bi}-{si}-id" data-action="{action}"{conf} data-flags="{}" title="{}">"#,
                        names.join(" "),
                        escape(&why.join("; "))
                    )?;
                }
                write!(w, "{}</span>", escape(&s.target))?;
                for f in &s.flags {
                    write!(w, r#"<span class="flag f-{}" title="{}">{}</span>"#, f.name(), escape(&f.describe()), escape(&badge(f)))?;
                }
            }
            writeln!(w, "</div>")?;
            writeln!(w, "</section>")?;
        }
        writeln!(w, "</main>")?;
        writeln!(w, "<script>{PAGE_SCRIPT}</script>")?;
        writeln!(w, "</body>")?;
        writeln!(w, "</html>")
    }
}

/// The translated sentences sorted by the model's confidence, lowest first, each linking to
/// its place in the page; those flagged as low-confidence are marked. Folded by default: it is
/// a reviewer's way into a long article, not the article.
fn by_confidence(doc: &AlignedDocument, w: &mut dyn Write) -> io::Result<()> {
    let mut scored: Vec<(f32, usize, usize, &str, bool)> = Vec::new();
    for (bi, b) in doc.blocks.iter().enumerate() {
        for (si, s) in b.segments.iter().enumerate() {
            if let Some(c) = s.confidence {
                let low = s.flags.iter().any(|f| matches!(f, Flag::LowConfidence { .. }));
                scored.push((c, bi, si, &s.target, low));
            }
        }
    }
    if scored.is_empty() {
        return Ok(());
    }
    // Stable: equal confidences keep document order.
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    let low = scored.iter().filter(|s| s.4).count();
    writeln!(w, r#"<details class="by-conf"><summary>Sentences by the model's confidence, lowest first ({low} low)</summary>"#)?;
    writeln!(w, r#"<p class="meta">Confidence: the model's log-probability per word piece of its English (0 at best).</p><ol>"#)?;
    for (c, bi, si, target, low) in scored {
        let class = if low { r#" class="low""# } else { "" };
        writeln!(w, r##"<li{class}><a href="#s-{bi}-{si}-en"><span class="c">{c:.2}</span> {}</a></li>"##, escape(target))?;
    }
    writeln!(w, "</ol></details>")
}

// ---------------------------------------------------------------------------------------------
// The run's index

/// A score of an article against its reference (from `eval`).
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// Column heading: "BLEU", "chrF", ...
    pub label: String,
    /// The score as `eval` reports it (BLEU, chrF: 0 to 100); shown with two decimals, sorted
    /// on the full value.
    pub value: f64,
}

/// One article of `index.html`.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexEntry {
    /// The article's page relative to the index's folder ("sub/NAME.bi.html").
    pub page: PathBuf,
    /// The input as given or found, shown as the article's name.
    pub source: String,
    /// Blocks of the article, dropped ones included.
    pub blocks: usize,
    /// Segments of the article, whatever their action.
    pub segments: usize,
    /// Segments sent to the model.
    pub translated: usize,
    /// Segments with at least one flag.
    pub flagged: usize,
    /// Segments per flag name (see [`Flag::NAMES`]); a flag no segment has may be left out.
    pub flags: BTreeMap<String, usize>,
    /// Scores against the article's reference, one column each; empty without `eval`.
    pub scores: Vec<Score>,
}

/// A relative path as a URL path: components joined by `/`, each percent-encoded except
/// RFC 3986 unreserved characters (file names with spaces, `#`, `?` or `%` still link).
fn href(path: &Path) -> String {
    let mut out = String::new();
    for c in path.components() {
        let part = match c {
            Component::Normal(p) => p.to_string_lossy(),
            Component::ParentDir => "..".into(),
            _ => continue,
        };
        if !out.is_empty() {
            out.push('/');
        }
        for b in part.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

fn num_cell(w: &mut dyn Write, n: usize, hot: bool) -> io::Result<()> {
    let class = if n == 0 {
        r#" class="zero""#
    } else if hot {
        r#" class="hot""#
    } else {
        ""
    };
    write!(w, r#"<td data-v="{n}"{class}>{n}</td>"#)
}

/// Write `OUT/index.html` (atomically): every article with its counts, flags and scores,
/// sortable by clicking a column heading, and a link to `report` (eval's comparison report).
/// Flag columns appear for flags some article has; score columns for every score label given.
/// With no entries the page says so.
pub fn write_index(out_dir: &Path, entries: &[IndexEntry], report: Option<&Path>) -> crate::Result<()> {
    let report = report.map(|r| match out_dir.canonicalize().ok().and_then(|o| r.strip_prefix(o).ok().map(Path::to_path_buf)) {
        Some(inside) => href(&inside),
        None if r.is_absolute() => format!("file:///{}", href(r)),
        None => href(r),
    });
    write_atomic(&out_dir.join("index.html"), |w| index(w, entries, report.as_deref()))
}

fn index(w: &mut dyn Write, entries: &[IndexEntry], report: Option<&str>) -> io::Result<()> {
    let present: BTreeSet<&str> = entries.iter().flat_map(|e| e.flags.iter().filter(|(_, n)| **n > 0).map(|(k, _)| k.as_str())).collect();
    // Known flags in their display order, then any others by name.
    let mut flag_cols: Vec<&str> = Flag::NAMES.iter().copied().filter(|n| present.contains(n)).collect();
    flag_cols.extend(present.iter().copied().filter(|n| !Flag::NAMES.contains(n)));
    let mut score_cols: Vec<&str> = Vec::new();
    for s in entries.iter().flat_map(|e| &e.scores) {
        if !score_cols.contains(&s.label.as_str()) {
            score_cols.push(&s.label);
        }
    }

    let title = format!("terjemah: {} article{}", entries.len(), if entries.len() == 1 { "" } else { "s" });
    head(w, &title, INDEX_STYLE)?;
    writeln!(w, "<body>")?;
    writeln!(w, r#"<header class="top">"#)?;
    writeln!(w, "<h1>{}</h1>", escape(&title))?;
    let segments: usize = entries.iter().map(|e| e.segments).sum();
    let flagged: usize = entries.iter().map(|e| e.flagged).sum();
    writeln!(
        w,
        r#"<p class="meta">{segments} sentences, {flagged} flagged. Click a heading to sort, an article to open its Indonesian–English page.</p>"#
    )?;
    if let Some(r) = report {
        writeln!(
            w,
            r#"<p class="meta"><a class="report" href="{}">Comparison report</a> of the systems (<code>terjemah eval --report</code>)</p>"#,
            escape(r)
        )?;
    }
    writeln!(
        w,
        r#"<div class="tools"><input type="search" id="filter" class="filter" placeholder="Filter articles" aria-label="Filter articles by name"/></div>"#
    )?;
    writeln!(w, "</header>")?;
    writeln!(w, "<main>")?;
    if entries.is_empty() {
        writeln!(w, r#"<p class="empty">No article was translated.</p>"#)?;
    }
    writeln!(w, r#"<p class="hint" id="hint">Scroll the table sideways for more columns.</p>"#)?;
    writeln!(w, r#"<div class="tablewrap"><table id="articles">"#)?;
    write!(w, r#"<thead><tr><th scope="col" data-type="text"><button type="button">Article</button></th>"#)?;
    let th = |w: &mut dyn Write, label: &str, title: &str| {
        write!(w, r#"<th scope="col" data-type="num" title="{}"><button type="button">{}</button></th>"#, escape(title), escape(label))
    };
    th(w, "Blocks", "Lines of the article")?;
    th(w, "Sentences", "Segments: sentences, and labels and values of boilerplate lines")?;
    th(w, "Translated", "Segments sent to the model")?;
    th(w, "Flagged", "Segments with at least one quality flag")?;
    for f in &flag_cols {
        th(w, Flag::label(f), &format!("Segments flagged {f}"))?;
    }
    for s in &score_cols {
        th(w, s, &format!("{s} against the reference"))?;
    }
    writeln!(w, "</tr></thead>")?;
    writeln!(w, "<tbody>")?;
    for e in entries {
        write!(w, r#"<tr><td data-v="{}"><a href="{}">{}</a></td>"#, escape(&e.source), escape(&href(&e.page)), escape(&e.source))?;
        num_cell(w, e.blocks, false)?;
        num_cell(w, e.segments, false)?;
        num_cell(w, e.translated, false)?;
        num_cell(w, e.flagged, true)?;
        for f in &flag_cols {
            num_cell(w, e.flags.get(*f).copied().unwrap_or(0), true)?;
        }
        for label in &score_cols {
            match e.scores.iter().find(|s| s.label == *label) {
                Some(s) if s.value.is_finite() => write!(w, r#"<td data-v="{}">{:.2}</td>"#, s.value, s.value)?,
                _ => write!(w, r#"<td data-v="">–</td>"#)?,
            }
        }
        writeln!(w, "</tr>")?;
    }
    writeln!(w, "</tbody>")?;
    // Totals (not sorted with the rows); scores are per article, their mean is not a corpus score.
    write!(w, r#"<tfoot><tr><th scope="row">Total</th>"#)?;
    let total = |f: &dyn Fn(&IndexEntry) -> usize| entries.iter().map(f).sum::<usize>();
    let mut totals = vec![total(&|e| e.blocks), total(&|e| e.segments), total(&|e| e.translated), total(&|e| e.flagged)];
    totals.extend(flag_cols.iter().map(|f| total(&|e| e.flags.get(*f).copied().unwrap_or(0))));
    for t in totals {
        write!(w, r#"<td>{t}</td>"#)?;
    }
    for _ in &score_cols {
        write!(w, "<td></td>")?;
    }
    writeln!(w, "</tr></tfoot>")?;
    writeln!(w, "</table></div>")?;
    writeln!(w, "</main>")?;
    writeln!(w, "<script>{INDEX_SCRIPT}</script>")?;
    writeln!(w, "</body>")?;
    writeln!(w, "</html>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_are_percent_encoded_paths() {
        assert_eq!(href(Path::new("sub dir/a#1?.bi.html")), "sub%20dir/a%231%3F.bi.html");
        assert_eq!(href(Path::new("berita/ümat.bi.html")), "berita/%C3%BCmat.bi.html");
    }

    #[test]
    fn badges_show_the_evidence() {
        assert_eq!(badge(&Flag::MissingNumbers { numbers: vec!["36".into(), "1.000".into()] }), "missing numbers: 36, 1.000");
        assert_eq!(badge(&Flag::Repetition { ngram: "a".repeat(30), count: 5 }), format!("repetition: “{}…” ×5", "a".repeat(24)));
        assert_eq!(badge(&Flag::MaxLength), "max length");
    }
}
