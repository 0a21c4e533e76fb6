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
use crate::align::{Action, AlignedDocument};
use crate::quality::Flag;

pub struct Html;

const STYLE: &str = r#"
:root{--bg:#fff;--fg:#1f2328;--muted:#656d76;--line:#d8dee4;--soft:#f6f8fa;--hl:#fff1a8;--pin:#ffd54a;--flag:#b42318;--flagbg:#fee4e2;--link:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#8d96a0;--line:#30363d;--soft:#161b22;--hl:#4d3f00;--pin:#7a5d00;--flag:#ff9492;--flagbg:#3d1515;--link:#4493f8}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.6 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Helvetica,Arial,sans-serif}
a{color:var(--link)}
header.top{padding:16px 24px 12px;border-bottom:1px solid var(--line)}
header.top h1{font-size:1.2rem;line-height:1.3;margin:0 0 4px;overflow-wrap:anywhere}
.meta{margin:0;color:var(--muted);font-size:.85rem}
.meta code{font-size:.8rem}
.tools{display:flex;flex-wrap:wrap;gap:6px 12px;align-items:center;margin-top:8px;font-size:.85rem}
main{max-width:1280px;margin:0 auto;padding:0 24px 48px}
.flag{display:inline-block;font-size:.72rem;line-height:1.4;color:var(--flag);background:var(--flagbg);border-radius:4px;padding:0 5px;margin:0 0 0 4px;white-space:nowrap;max-width:100%;overflow:hidden;text-overflow:ellipsis;vertical-align:baseline;font-style:normal;font-weight:normal}
.tools .flag{margin:0}
"#;

const PAGE_STYLE: &str = r#"
.row{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:0 32px;padding:10px 0;border-bottom:1px solid var(--line)}
.row.head{position:sticky;top:0;z-index:1;background:var(--bg);padding:8px 0;color:var(--muted);font-size:.75rem;font-weight:600;letter-spacing:.06em;text-transform:uppercase}
.cell{min-width:0;overflow-wrap:anywhere}
.seg{scroll-margin:4rem 0;border-radius:3px;cursor:pointer;box-decoration-break:clone;-webkit-box-decoration-break:clone}
.seg.hl{background:var(--hl)}
.seg.pin{background:var(--pin)}
.seg.flagged{text-decoration:underline wavy var(--flag);text-decoration-thickness:1px;text-underline-offset:4px;text-decoration-skip-ink:none}
.seg:empty::before{content:"(no output)";color:var(--muted);font-style:italic}
.seg[data-action=dropped]:empty::before{content:"(dropped)"}
.cls{display:inline-block;font-size:.68rem;line-height:1.5;letter-spacing:.04em;text-transform:uppercase;color:var(--muted);border:1px solid var(--line);border-radius:4px;padding:0 5px;margin-right:8px;vertical-align:1px;font-style:normal;font-weight:normal}
.boiler{background:var(--soft);color:var(--muted);font-size:.9rem}
.b-title .cell{font-size:1.15rem;font-weight:600;line-height:1.4}
.b-dateline .cell{color:var(--muted);font-size:.9rem}
.b-caption .cell{font-style:italic}
.phone-only{display:none}
.cell.src .kept{display:none}
body.only-flagged .row:not(.has-flags):not(.head){display:none}
@media (max-width:700px){
 header.top{padding:12px 14px 10px}
 main{padding:0 14px 32px}
 .row{grid-template-columns:minmax(0,1fr);gap:6px}
 .row.head{display:none}
 .cell.tgt{border-left:3px solid var(--line);padding-left:10px}
 .cell.tgt .cls{display:none}
 .row.copied .cell.tgt{display:none}
 .cell.src .kept{display:inline}
 .phone-only{display:block;margin-top:6px}
}
"#;

const PAGE_SCRIPT: &str = r#"
(function(){
  var pinned=null;
  function pair(el){return document.getElementById(el.getAttribute('data-pair'));}
  function mark(el,cls,on){if(!el)return;el.classList.toggle(cls,on);var p=pair(el);if(p)p.classList.toggle(cls,on);}
  function seg(e){return e.target&&e.target.closest?e.target.closest('.seg'):null;}
  document.addEventListener('mouseover',function(e){mark(seg(e),'hl',true);});
  document.addEventListener('mouseout',function(e){mark(seg(e),'hl',false);});
  function pin(s,scroll){
    if(pinned)mark(pinned,'pin',false);
    if(!s||s===pinned||pair(s)===pinned){pinned=null;return;}
    pinned=s;mark(s,'pin',true);
    var p=pair(s);
    if(scroll&&p){var r=p.getBoundingClientRect();if(r.top<40||r.bottom>innerHeight)p.scrollIntoView({block:'center'});}
    if(history.replaceState)history.replaceState(null,'','#'+s.id);
  }
  document.addEventListener('click',function(e){var s=seg(e);if(s||pinned)pin(s,true);});
  var only=document.getElementById('only-flagged');
  if(only)only.addEventListener('change',function(){document.body.classList.toggle('only-flagged',only.checked);});
  var h=location.hash&&document.getElementById(location.hash.slice(1));
  // After the browser's own jump to the fragment: centre it, so its counterpart shows too.
  if(h&&h.classList.contains('seg')){pin(h,false);addEventListener('load',function(){setTimeout(function(){h.scrollIntoView({block:'center'});},0);});}
})();
"#;

const INDEX_STYLE: &str = r#"
.filter{font:inherit;font-size:.9rem;padding:4px 8px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg);min-width:0;width:16em;max-width:100%}
.tablewrap{overflow-x:auto;margin-top:16px;border:1px solid var(--line);border-radius:6px}
table{border-collapse:separate;border-spacing:0;width:100%;font-size:.9rem}
th,td{padding:6px 10px;text-align:right;border-bottom:1px solid var(--line);white-space:nowrap}
th:first-child,td:first-child{text-align:left;position:sticky;left:0;background:var(--bg)}
thead th{background:var(--soft);vertical-align:bottom;white-space:normal;min-width:5.5em;line-height:1.3}
thead th:first-child{z-index:1;background:var(--soft)}
tfoot th,tfoot td,tfoot th:first-child{background:var(--soft);border-bottom:0;font-weight:600}
tbody tr:hover td{background:var(--soft)}
th button{font:inherit;font-weight:600;color:inherit;background:none;border:0;padding:0;cursor:pointer}
th button{text-align:inherit}
th button::after{content:" \2195";opacity:.4}
th[aria-sort=ascending] button::after{content:" \25B2";font-size:.7em;opacity:1}
th[aria-sort=descending] button::after{content:" \25BC";font-size:.7em;opacity:1}
.hint{display:none;margin:6px 0 0;color:var(--muted);font-size:.8rem}
.hint.on{display:block}
td.zero{color:var(--muted)}
td.hot{color:var(--flag);font-weight:600}
.empty{color:var(--muted);padding:16px}
@media (max-width:700px){
 header.top{padding:12px 14px 10px}
 main{padding:0 8px 32px}
 th,td{padding:6px 8px}
 td:first-child{white-space:normal;overflow-wrap:anywhere;min-width:8em;max-width:42vw}
 /* Blocks and Translated give way, so that Flagged shows without scrolling. */
 tr>:nth-child(2),tr>:nth-child(4){display:none}
}
"#;

const INDEX_SCRIPT: &str = r#"
(function(){
  var table=document.getElementById('articles');if(!table)return;
  var body=table.tBodies[0],heads=table.tHead.rows[0].cells;
  function key(row,i){return row.cells[i].getAttribute('data-v');}
  Array.prototype.forEach.call(heads,function(th,i){
    var b=th.querySelector('button');if(!b)return;
    b.addEventListener('click',function(){
      var num=th.getAttribute('data-type')==='num';
      var dir=th.getAttribute('aria-sort')==='ascending'?-1:th.getAttribute('aria-sort')==='descending'?1:(num?-1:1);
      Array.prototype.forEach.call(heads,function(h){h.removeAttribute('aria-sort');});
      th.setAttribute('aria-sort',dir>0?'ascending':'descending');
      var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){
        var x=key(a,i),y=key(b,i);
        if(x===''||y==='')return (x==='')-(y==='');
        var c=num?parseFloat(x)-parseFloat(y):x.localeCompare(y,undefined,{numeric:true,sensitivity:'base'});
        return c*dir;
      });
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
  var wrap=table.parentNode,hint=document.getElementById('hint');
  function more(){if(hint)hint.classList.toggle('on',wrap.scrollWidth>wrap.clientWidth+1);}
  more();addEventListener('resize',more);
  var f=document.getElementById('filter');
  if(f)f.addEventListener('input',function(){
    var q=f.value.toLowerCase();
    Array.prototype.forEach.call(body.rows,function(r){r.hidden=q!==''&&key(r,0).toLowerCase().indexOf(q)<0;});
  });
})();
"#;

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
                (crate::document::BlockClass::Paragraph, false) => String::new(),
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
                if s.flags.is_empty() {
                    write!(w, r#"{sep}<span class="seg" id="s-{bi}-{si}-en" data-pair="s-{bi}-{si}-id" data-action="{action}">"#)?;
                } else {
                    let names: Vec<&str> = s.flags.iter().map(Flag::name).collect();
                    let why: Vec<String> = s.flags.iter().map(Flag::describe).collect();
                    write!(
                        w,
                        r#"{sep}<span class="seg flagged" id="s-{bi}-{si}-en" data-pair="s-{bi}-{si}-id" data-action="{action}" data-flags="{}" title="{}">"#,
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

// ---------------------------------------------------------------------------------------------
// The run's index

/// A score of an article against its reference (from `eval`).
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// Column heading: "BLEU", "chrF", ...
    pub label: String,
    pub value: f64,
}

/// One article of `index.html`.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexEntry {
    /// The article's page relative to the index's folder ("sub/NAME.bi.html").
    pub page: PathBuf,
    /// The input as given or found, shown as the article's name.
    pub source: String,
    pub blocks: usize,
    pub segments: usize,
    /// Segments sent to the model.
    pub translated: usize,
    /// Segments with at least one flag.
    pub flagged: usize,
    /// Segments per flag name ([`Flag::name`]).
    pub flags: BTreeMap<String, usize>,
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

/// Write `OUT/index.html`: every article with its counts, flags and scores, sortable by
/// clicking a column heading. Flag columns appear for flags some article has; score columns
/// for every score label given.
/// Index entries for the documents of a run's manifest that have an HTML page (so that the
/// index lists every article, also those a resumed run found up to date).
/// The side-by-side page a document's run wrote, if HTML was among its formats.
pub fn page_of(d: &crate::manifest::DocumentEntry) -> Option<&PathBuf> {
    d.outputs.iter().find(|p| p.to_string_lossy().ends_with(".bi.html"))
}

/// One index row per document with a page, in the documents' order.
pub fn index_entries(out_dir: &Path, documents: &[crate::manifest::DocumentEntry]) -> Vec<IndexEntry> {
    documents
        .iter()
        .filter_map(|d| {
            let page = page_of(d)?;
            Some(IndexEntry {
                page: page.strip_prefix(out_dir).unwrap_or(page).to_path_buf(),
                source: d.source.display().to_string(),
                blocks: d.blocks,
                segments: d.segments,
                translated: d.translated,
                flagged: d.flagged,
                flags: d.flags.iter().map(|(k, v)| (k.clone(), *v)).collect(),
                scores: Vec::new(),
            })
        })
        .collect()
}

pub fn write_index(out_dir: &Path, entries: &[IndexEntry]) -> crate::Result<()> {
    write_atomic(&out_dir.join("index.html"), |w| index(w, entries))
}

fn index(w: &mut dyn Write, entries: &[IndexEntry]) -> io::Result<()> {
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
