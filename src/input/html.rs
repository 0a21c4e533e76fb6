//! Saved web pages (`*.html`, `*.htm`) as articles.
//!
//! The page is parsed with html5ever (through `dom_query`) and cut into *text blocks*: runs
//! of text and inline elements inside one block element, split at `<br>`, outside scripts,
//! styles, forms and other non-text elements. With [`Extract::Main`] the blocks kept are those
//! of the main article as Mozilla's Readability finds it (the `dom_smoothie` port), plus the
//! page's `<h1>` title; boilerplate inside the article body ("Baca juga: ...") is kept and
//! classified by the ordinary rules. With [`Extract::All`] every text block of the body is kept
//! (pages that are not articles).
//!
//! The article text handed to the rest of terjemah is the blocks in page order, one a line with
//! a blank line between them, so blocks, classes, sentences and offsets work as for `.txt`
//! articles. [`Page::translated_page`] puts the English back into the page: each translated block's
//! text replaces its run (a run that is one element, a link, keeps the element), everything
//! else (head, navigation, images, links, blocks kept verbatim) is left as it was.

use std::collections::HashSet;

use dom_query::{Document as Dom, NodeId, NodeRef};
use serde::Serialize;

/// Which text of a page is translated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Extract {
    /// The main article (Readability) and the page title.
    #[default]
    Main,
    /// Every text block of the body.
    All,
}

/// True for the file names read as HTML pages.
pub(crate) fn is_html(path: &std::path::Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
}

/// Elements whose content is never article text.
const SKIPPED: &[&str] = &[
    "head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas", "video", "audio", "button",
    "select", "textarea", "input", "form", "source", "img",
];

/// Elements that start a new block of text.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "picture",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "caption",
    "html",
];

/// A run of sibling nodes (text and inline elements) that reads as one block of text.
#[derive(Clone, Debug)]
struct Run {
    nodes: Vec<NodeId>,
    /// The text, whitespace collapsed to single spaces and trimmed.
    text: String,
    /// The block element holding the run ("p", "h1", "div", ...).
    container: String,
    /// Inside page furniture: `<nav>`, `<aside>`, `<footer>`, or an element whose class or id
    /// names a sidebar, related links, comments, a share bar or a cookie notice.
    furniture: bool,
}

/// Class and id words of page furniture (English and Indonesian).
const FURNITURE_WORDS: &[&str] = &[
    "sidebar",
    "related",
    "terkait",
    "populer",
    "popular",
    "terpopuler",
    "comment",
    "komentar",
    "share",
    "social",
    "cookie",
    "consent",
    "breadcrumb",
    "newsletter",
    "footer",
    "menu",
    "navbar",
    "widget",
    "rekomendasi",
    "recommend",
];

fn is_furniture(n: &NodeRef) -> bool {
    if matches!(name_of(n).as_str(), "nav" | "aside" | "footer") {
        return true;
    }
    let names = format!("{} {}", n.attr("class").unwrap_or_default(), n.attr("id").unwrap_or_default()).to_ascii_lowercase();
    names.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| FURNITURE_WORDS.iter().any(|f| w.starts_with(f)))
}

/// An HTML page cut into text blocks, with those chosen for translation.
pub struct Page {
    dom: Dom,
    runs: Vec<Run>,
    /// Indices into `runs` of the blocks to translate, in page order.
    chosen: Vec<usize>,
    pub(crate) warnings: Vec<String>,
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn name_of(n: &NodeRef) -> String {
    n.node_name().map(|t| t.to_ascii_lowercase()).unwrap_or_default()
}

/// The text runs under `root`, in document order.
fn runs(root: &NodeRef) -> Vec<Run> {
    fn has_block(n: &NodeRef) -> bool {
        n.descendants_it().any(|d| d.is_element() && BLOCKS.contains(&name_of(&d).as_str()))
    }
    fn flush(run: &mut Vec<NodeRef>, container: &str, furniture: bool, out: &mut Vec<Run>) {
        let text = collapse(&run.iter().map(|n| n.text().to_string()).collect::<String>());
        if !text.is_empty() {
            out.push(Run { nodes: run.iter().map(|n| n.id).collect(), text, container: container.to_string(), furniture });
        }
        run.clear();
    }
    fn visit(block: &NodeRef, furniture: bool, out: &mut Vec<Run>) {
        let container = name_of(block);
        let furniture = furniture || is_furniture(block);
        let mut run: Vec<NodeRef> = Vec::new();
        for child in block.children_it(false) {
            if child.is_text() {
                run.push(child);
            } else if child.is_element() {
                let name = name_of(&child);
                if SKIPPED.contains(&name.as_str()) {
                    continue;
                }
                if name == "br" {
                    flush(&mut run, &container, furniture, out);
                } else if BLOCKS.contains(&name.as_str()) || has_block(&child) {
                    flush(&mut run, &container, furniture, out);
                    visit(&child, furniture, out);
                } else {
                    run.push(child);
                }
            }
        }
        flush(&mut run, &container, furniture, out);
    }
    let mut out = Vec::new();
    visit(root, false, &mut out);
    out
}

impl Page {
    /// Parse `html` and choose the blocks to translate.
    pub fn parse(html: &str, extract: Extract) -> Page {
        let dom = Dom::from(html);
        let body = dom.body().unwrap_or_else(|| dom.root());
        let runs = runs(&body);
        let mut warnings = Vec::new();
        let chosen: Vec<usize> = match extract {
            Extract::All => (0..runs.len()).collect(),
            Extract::Main => match main_texts(html) {
                Some((title, texts)) => {
                    // Readability's blocks, less those it took along from the page's furniture
                    // (it appends the top candidate's siblings, and on short articles those can
                    // be a sidebar or a cookie notice).
                    let mut chosen: Vec<usize> = (0..runs.len()).filter(|&i| !runs[i].furniture && texts.contains(&runs[i].text)).collect();
                    // The headline, first: Readability gives it apart from the content.
                    let headline = (0..runs.len())
                        .find(|&i| runs[i].container == "h1" && (runs[i].text == title || title.contains(&runs[i].text)))
                        .or_else(|| (0..runs.len()).find(|&i| runs[i].container == "h1" && !runs[i].furniture));
                    if let Some(h) = headline {
                        chosen.retain(|&i| i != h);
                        chosen.insert(0, h);
                    }
                    chosen
                }
                None => {
                    warnings.push("no main article found (Readability); every text block translated".to_string());
                    (0..runs.len()).collect()
                }
            },
        };
        Page { dom, runs, chosen, warnings }
    }

    /// The chosen blocks, one a line with a blank line between: the article's text.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for &i in &self.chosen {
            s.push_str(&self.runs[i].text);
            s.push_str("\n\n");
        }
        s
    }

    /// The chosen blocks' texts, in order.
    pub fn blocks(&self) -> impl Iterator<Item = &str> {
        self.chosen.iter().map(|&i| self.runs[i].text.as_str())
    }

    /// The page with the English of each chosen block (same order as [`Page::blocks`]) in place
    /// of its text; a block whose English is its source (kept verbatim) is not touched.
    /// `<html lang>` becomes `en`.
    pub fn translated_page(&self, english: &[String]) -> String {
        for (&i, en) in self.chosen.iter().zip(english) {
            let run = &self.runs[i];
            if collapse(en) == run.text {
                continue;
            }
            let nodes: Vec<NodeRef> = run.nodes.iter().filter_map(|id| self.dom.tree.get(id)).collect();
            // The node that takes the English: the run's one element, else its first text node
            // with text, else its first element with text (`<span>a</span><span>b</span>`).
            let has_text = |n: &&NodeRef| !n.text().trim().is_empty();
            let keep = match nodes.as_slice() {
                [only] if only.is_element() => Some(*only),
                _ => nodes.iter().filter(|n| n.is_text()).find(has_text).or_else(|| nodes.iter().find(has_text)).copied(),
            };
            let Some(keep) = keep else { continue };
            // Spaces around the run (between it and its neighbours) stay.
            let raw: String = nodes.iter().map(|n| n.text().to_string()).collect();
            let lead = if raw.starts_with(char::is_whitespace) { " " } else { "" };
            let trail = if raw.ends_with(char::is_whitespace) { " " } else { "" };
            keep.set_text(format!("{lead}{en}{trail}"));
            for n in nodes.iter().filter(|n| n.id != keep.id) {
                n.remove_from_parent();
            }
        }
        if let Some(html) = self.dom.select("html").nodes().first() {
            html.set_attr("lang", "en");
        }
        // The document title usually repeats the headline ("Headline - Site"): it takes the
        // headline's English.
        let headline = self.chosen.first().filter(|&&i| self.runs[i].container == "h1").map(|&i| &self.runs[i].text);
        if let (Some(headline), Some(en), Some(title)) = (headline, english.first(), self.dom.select("head title").nodes().first()) {
            let text = collapse(&title.text());
            if text.contains(headline.as_str()) && collapse(en) != *headline {
                title.set_text(text.replacen(headline.as_str(), en, 1));
            }
        }
        self.dom.html().to_string()
    }
}

/// Decode a page's bytes (as text files are decoded) and parse it; an error is the reason.
pub(crate) fn read_page(bytes: &[u8], extract: Extract) -> Result<Page, String> {
    let (text, mut warnings) = crate::input::decode::decode(bytes)?;
    let mut page = Page::parse(&text, extract);
    warnings.append(&mut page.warnings);
    page.warnings = warnings;
    if page.chosen.is_empty() {
        return Err("no text found in the page: nothing to translate".into());
    }
    Ok(page)
}

/// A page as an article: its chosen blocks structured like a text article's lines.
pub(crate) fn document(path: &std::path::Path, bytes: &[u8], extract: Extract) -> crate::Result<crate::input::Document> {
    let page = read_page(bytes, extract).map_err(|reason| crate::Error::input(path, reason))?;
    let mut doc = crate::input::Document::from_text(path, &page.text());
    doc.warnings = page.warnings;
    Ok(doc)
}

/// The article's title and the texts of its blocks as Readability extracts them; `None` when
/// it finds no article.
fn main_texts(html: &str) -> Option<(String, HashSet<String>)> {
    let mut r = dom_smoothie::Readability::new(html, None, None).ok()?;
    let article = r.parse().ok()?;
    let content = Dom::from(article.content.to_string());
    let texts: HashSet<String> = runs(&content.root()).into_iter().map(|r| r.text).collect();
    (!texts.is_empty()).then(|| (collapse(&article.title), texts))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html><html lang="id"><head><title>Judul | Situs</title>
<style>p { color: red }</style><script>var x = "<p>bukan teks</p>";</script></head>
<body><nav><ul><li><a href="/">Beranda</a></li><li><a href="/n">Nasional</a></li></ul></nav>
<div class="content"><h1>Harga Beras Naik</h1>
<div class="body"><p>Harga beras naik di <b>Jakarta</b> &amp; sekitarnya.</p>
<div>Baris pertama.<br><br>Baris kedua &quot;dikutip&quot;.</div>
<p><a href="/baca">Baca juga: Berita lain</a></p><p><span>Satu.</span> <span>Dua.</span></p></div></div>
<footer>Hak cipta 2024</footer></body></html>"#;

    #[test]
    fn blocks_split_at_block_elements_and_br() {
        let p = Page::parse(PAGE, Extract::All);
        let blocks: Vec<&str> = p.blocks().collect();
        assert_eq!(
            blocks,
            [
                "Beranda",
                "Nasional",
                "Harga Beras Naik",
                "Harga beras naik di Jakarta & sekitarnya.",
                "Baris pertama.",
                "Baris kedua \"dikutip\".",
                "Baca juga: Berita lain",
                "Satu. Dua.",
                "Hak cipta 2024"
            ]
        );
    }

    #[test]
    fn translated_page_keeps_markup() {
        let p = Page::parse(PAGE, Extract::All);
        let en: Vec<String> = p.blocks().map(|b| if b.starts_with("Baca") { b.to_string() } else { format!("EN<{b}>") }).collect();
        let out = p.translated_page(&en);
        assert!(out.contains(r#"<html lang="en">"#), "{out}");
        assert!(out.contains("<title>Judul | Situs</title>"), "a title without the headline stays: {out}");
        assert!(out.contains("<p>EN&lt;Harga beras naik di Jakarta &amp; sekitarnya.&gt;</p>"), "{out}");
        assert!(out.contains(r#"<a href="/">EN&lt;Beranda&gt;</a>"#), "a link keeps its element: {out}");
        assert!(out.contains(r#"<p><a href="/baca">Baca juga: Berita lain</a></p>"#), "kept blocks untouched: {out}");
        assert!(out.contains("EN&lt;Baris pertama.&gt;<br><br>EN&lt;Baris kedua"), "{out}");
        assert!(out.contains(r#"var x = "<p>bukan teks</p>";"#), "scripts untouched: {out}");
        assert!(out.contains("<p><span>EN&lt;Satu. Dua.&gt;</span></p>"), "a run of elements becomes its first: {out}");
    }
}
