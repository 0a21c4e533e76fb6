//! Saved web pages (`*.html`, `*.htm`) as articles.
//!
//! The page is parsed with html5ever (through `dom_query`) and cut into *text blocks*: runs
//! of text and inline elements inside one block element, split at `<br>`, outside scripts,
//! styles, form fields and other non-text elements. With [`Extract::Main`] the blocks kept are
//! those of the main article as Mozilla's Readability finds it (the `dom_smoothie` port), less
//! the page furniture it took along, plus the page's headline; boilerplate inside the article
//! body ("Baca juga: ...") is kept and classified by the ordinary rules. With [`Extract::All`]
//! every text block of the body is kept (pages that are not articles).
//!
//! Furniture is decided by what an element holds, not by its name alone: `<nav>`, `<aside>`,
//! `<footer>`, `<form>`, a furniture class word ("sidebar", "related", "comment", ...) or a
//! list of links mark an element, and a marked element is dropped unless it holds half the
//! article or more: the class words also sit on `<body>` and on the wrappers of whole articles.
//! When Readability's article lies away from the page's headline (an "about the author" box,
//! the comments of a short article), the text under the headline is taken instead; when the
//! article comes out nearly empty, the page's text outside links and furniture, with a
//! warning. A page with nothing to translate is refused with the reason and what to try.
//!
//! The article text handed to the rest of terjemah is the blocks in page order, one a line with
//! a blank line between them, so blocks, classes, sentences and offsets work as for `.txt`
//! articles. [`Page::translated_page`] puts the English back into the page: each translated block's
//! text replaces its run (a run that is one element, a link, keeps the element), everything
//! else (head, navigation, images, links, blocks kept verbatim) is left as it was.

use std::collections::HashSet;
use std::sync::LazyLock;

use dom_query::{Document as Dom, NodeId, NodeRef};
use regex::Regex;
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

/// Elements whose content is never article text. A `<form>` is not one: some sites (ASP.NET
/// WebForms, Blogger templates) wrap the whole page in one; a search box or a comment form is
/// furniture by its content instead (see [`Element`]).
const SKIPPED: &[&str] = &[
    "head", "script", "style", "noscript", "noembed", "noframes", "template", "svg", "math", "iframe", "object", "embed", "canvas",
    "video", "audio", "button", "select", "textarea", "input", "source", "img",
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
    "form",
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
    /// The first class word of the element around that block (empty without one): blocks in
    /// containers of one kind.
    frame: String,
    /// Characters of the text inside links (`<a>`).
    link_chars: usize,
    /// The inline elements (links, bold, italics, ...) in the text, outer before inner.
    marks: Vec<Mark>,
    /// Elements without text (an image, a link around an icon), with where they stand in the
    /// text (a byte offset), in text order.
    anchors: Vec<(usize, NodeId)>,
}

/// Inline elements that keep their place in the translated page: around the English of the
/// words they held. Others (`<span>`, `<font>`) keep theirs only around a whole block.
const INLINE: &[&str] = &[
    "a", "b", "strong", "i", "em", "u", "s", "mark", "code", "cite", "q", "abbr", "sub", "sup", "small", "kbd", "var", "dfn", "ins", "del",
];

/// The English of a block for [`Page::translated_page`], with where its inline elements go.
#[derive(Clone, Debug, Default)]
pub struct Placed {
    /// The English.
    pub text: String,
    /// Index into the block's marks ([`Page::block_marks`]) and the byte range of `text` it
    /// goes around; nested (outer first, an inner range within its outer's), in text order.
    pub marks: Vec<(usize, std::ops::Range<usize>)>,
}

impl From<String> for Placed {
    /// English without inline elements.
    fn from(text: String) -> Placed {
        Placed { text, marks: Vec::new() }
    }
}

/// An inline element of a block: where its text lies in the block's text.
#[derive(Clone, Debug)]
pub(crate) struct Mark {
    /// Byte range in the block's text.
    pub(crate) range: std::ops::Range<usize>,
    /// The element's name ("a", "b", ...).
    pub(crate) name: String,
    element: NodeId,
}

/// Text with whitespace collapsed as [`collapse`] does, built piece by piece, so that the
/// positions of the elements in it are known.
#[derive(Default)]
struct Collapsed {
    text: String,
    space: bool,
}

impl Collapsed {
    fn push(&mut self, s: &str) {
        for c in s.chars() {
            if c.is_whitespace() {
                self.space = true;
            } else {
                if self.space && !self.text.is_empty() {
                    self.text.push(' ');
                }
                self.space = false;
                self.text.push(c);
            }
        }
    }

    /// Where the next character will go.
    fn next(&self) -> usize {
        self.text.len() + usize::from(self.space && !self.text.is_empty())
    }
}

/// Elements without text that a reader sees: they move with the English of their block.
const VISIBLE: &[&str] =
    &["img", "svg", "picture", "video", "audio", "iframe", "canvas", "object", "embed", "math", "button", "input", "select", "textarea"];

/// What one walk over a run's nodes reads: its text (collapsed), the text inside links, its
/// inline elements and its elements without text.
#[derive(Default)]
struct RunText {
    text: Collapsed,
    link: Collapsed,
    marks: Vec<Mark>,
    anchors: Vec<(usize, NodeId)>,
}

impl RunText {
    /// Read the run's nodes (skipping [`SKIPPED`] elements). Marks are the elements named in
    /// [`INLINE`] (a link only with its `href`) and any element that holds the whole text.
    fn of(nodes: &[NodeRef]) -> RunText {
        let mut r = RunText::default();
        // Inline elements with their place kept, whole-block or not.
        let mut partial = Vec::new();
        for n in nodes {
            // Inside a link when an ancestor is one: a headline card (`<a><h3>..</h3></a>`).
            let in_link = n.ancestors_it(None).any(|a| is_link(&a));
            r.walk(n, in_link, &mut partial);
        }
        let len = r.text.text.len();
        for a in &mut r.anchors {
            a.0 = a.0.min(len);
        }
        let whole = 0..len;
        let marks = std::mem::take(&mut r.marks);
        r.marks = marks.into_iter().zip(partial).filter(|(m, partial)| *partial || m.range == whole).map(|(m, _)| m).collect();
        // Outer before inner: by start, then longest first (the walk put inner ones first).
        r.marks.sort_by_key(|m| (m.range.start, std::cmp::Reverse(m.range.end)));
        r
    }

    fn walk(&mut self, n: &NodeRef, in_link: bool, partial: &mut Vec<bool>) {
        if n.is_text() {
            let t = n.text();
            self.text.push(&t);
            if in_link {
                self.link.push(&t);
            }
        } else if n.is_element() {
            let name = name_of(n);
            if SKIPPED.contains(&name.as_str()) {
                if VISIBLE.contains(&name.as_str()) {
                    self.anchors.push((self.text.next(), n.id));
                }
                return;
            }
            let link = is_link(n);
            let start = self.text.next();
            let (len, inner) = (self.text.text.len(), self.anchors.len());
            for c in n.children_it(false) {
                self.walk(&c, in_link || link, partial);
            }
            let end = self.text.text.len();
            if end > len && name != "br" {
                partial.push(INLINE.contains(&name.as_str()) && (name != "a" || link));
                self.marks.push(Mark { range: start..end, name, element: n.id });
            } else if end == len && (self.anchors.len() > inner || ["href", "id", "name"].iter().any(|a| n.has_attr(a))) {
                // A link around an image moves as one; so does an empty link or target of one.
                self.anchors.truncate(inner);
                self.anchors.push((start.min(end), n.id));
            }
        }
    }
}

impl Run {
    fn chars(&self) -> usize {
        self.text.chars().count()
    }

    /// In a heading element.
    fn is_heading(&self) -> bool {
        matches!(self.container.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
    }

    /// Mostly link text: a menu entry, a headline linking elsewhere, a tag.
    fn is_link(&self) -> bool {
        self.link_chars * 2 > self.chars()
    }
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
    "tags",
    "tweet",
    "instagram",
    "author",
];

/// Class and id words of photos and their captions and credits: furniture when the element
/// holds no more than a caption's words ([`CAPTION_WORDS`]); a `photo-story` wrapper holds an
/// article.
const PICTURE_WORDS: &[&str] = &["caption", "credit", "pic", "photo", "foto", "image", "gallery", "galeri"];

/// Most words of a caption.
const CAPTION_WORDS: usize = 40;

/// An element that looks like page furniture: `<nav>`, `<aside>`, `<footer>`, `<form>`, or a
/// class or id word of [`FURNITURE_WORDS`]. The look is a hint, not a verdict: such words sit
/// on `<body>` (`one-sidebar`, `cookies-not-set`) and on the wrappers of whole articles
/// (`content-with-sidebar-wrp`, Blogger's `widget Blog`), so what decides is what the element
/// holds ([`furniture`]).
///
/// Every block element holding text is kept as an [`Element`]; the headline's enclosing ones
/// are where its article is looked for ([`headline_body`]).
struct Element {
    /// The runs inside the element (runs are collected in document order, so they are a range).
    runs: std::ops::Range<usize>,
    /// What makes it look like furniture, if anything.
    looks: Option<Look>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Look {
    /// `<nav>`, `<aside>`, `<footer>`, `<form>`, `<figcaption>`.
    Tag,
    /// Two blocks or more, mostly link text, and no paragraph longer than a teaser's
    /// ([`LIST_PARAGRAPH_CHARS`]).
    Links,
    /// A class or id word.
    Name,
}

fn looks_like_furniture(n: &NodeRef, words: usize) -> Option<Look> {
    if matches!(name_of(n).as_str(), "nav" | "aside" | "footer" | "form" | "figcaption") {
        return Some(Look::Tag);
    }
    let names = format!("{} {}", n.attr("class").unwrap_or_default(), n.attr("id").unwrap_or_default()).to_ascii_lowercase();
    let has = |list: &[&str]| names.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| list.iter().any(|f| w.starts_with(f)));
    (has(FURNITURE_WORDS) || (words <= CAPTION_WORDS && has(PICTURE_WORDS))).then_some(Look::Name)
}

/// Which runs are page furniture, given how much each run weighs in the article (its
/// characters when it is article text, else 0): the runs inside a marked element, unless that
/// element holds half the article's weight or more and does not start after the article's
/// first paragraph (the comments after a short post can hold more than the post). The element
/// that holds the article is never furniture, whatever its class says; a list of links that
/// holds most of the text is the page. Without `names`, class and id words are not looked at.
fn furniture(runs: &[Run], elements: &[Element], weight: &[usize], names: bool) -> Vec<bool> {
    let total: usize = weight.iter().sum();
    let mut out = vec![false; runs.len()];
    let mut heavy = Vec::new();
    for m in elements.iter().filter(|e| e.looks.is_some_and(|l| names || l != Look::Name)) {
        let held: usize = weight[m.runs.clone()].iter().sum();
        if total > 0 && held * 2 >= total {
            // A list of links that big is what the page is (a directory), not furniture.
            if m.looks != Some(Look::Links) {
                heavy.push(m.runs.clone());
            }
            continue;
        }
        out[m.runs.clone()].iter_mut().for_each(|f| *f = true);
    }
    // A marked element holding most of the weight is not the article's wrapper when it starts
    // after the article does: comments longer than the post they follow hold most of it too.
    if let Some(lead) = (0..runs.len()).find(|&i| weight[i] >= LEAD_CHARS && !runs[i].is_link() && !out[i]) {
        for r in heavy.into_iter().filter(|r| lead < r.start) {
            out[r].iter_mut().for_each(|f| *f = true);
        }
    }
    out
}

/// Fewest characters outside links of a paragraph no teaser list holds.
const LIST_PARAGRAPH_CHARS: usize = 400;

/// Fewest characters of the paragraph an article starts with (a teaser line or a byline is
/// shorter).
const LEAD_CHARS: usize = 120;

/// An HTML page cut into text blocks, with those chosen for translation.
pub struct Page {
    dom: Dom,
    runs: Vec<Run>,
    /// Indices into `runs` of the blocks to translate, in page order.
    chosen: Vec<usize>,
    pub(crate) warnings: Vec<String>,
    /// Why nothing was chosen, when nothing was.
    empty_reason: Option<String>,
}

/// `s` with its whitespace collapsed as a run's text is ([`Collapsed`]).
fn collapse(s: &str) -> String {
    let mut c = Collapsed::default();
    c.push(s);
    c.text
}

fn name_of(n: &NodeRef) -> String {
    n.node_name().map(|t| t.to_ascii_lowercase()).unwrap_or_default()
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// A link: `<a href>`. An `<a name>` is an anchor, and old pages leave it open around
/// everything after it.
fn is_link(n: &NodeRef) -> bool {
    name_of(n) == "a" && n.has_attr("href")
}

/// The text runs under `root`, in document order, and the elements among their ancestors
/// that look like furniture.
fn runs(root: &NodeRef) -> (Vec<Run>, Vec<Element>) {
    fn has(n: &NodeRef, names: &[&str]) -> bool {
        n.descendants_it().any(|d| d.is_element() && names.contains(&name_of(&d).as_str()))
    }
    fn flush(run: &mut Vec<NodeRef>, (container, frame): (&str, &str), out: &mut Vec<Run>) {
        let RunText { text, link, marks, anchors } = RunText::of(run);
        if !text.text.is_empty() {
            let link_chars = link.text.chars().count();
            let nodes = run.iter().map(|n| n.id).collect();
            out.push(Run {
                nodes,
                text: text.text,
                container: container.to_string(),
                frame: frame.to_string(),
                link_chars,
                marks,
                anchors,
            });
        }
        run.clear();
    }
    /// The children of `parent` into runs of `block`'s text.
    fn collect<'a>(
        parent: &NodeRef<'a>,
        container: (&str, &str),
        run: &mut Vec<NodeRef<'a>>,
        out: &mut Vec<Run>,
        elements: &mut Vec<Element>,
    ) {
        for child in parent.children_it(false) {
            if child.is_text() {
                run.push(child);
            } else if child.is_element() {
                let name = name_of(&child);
                if SKIPPED.contains(&name.as_str()) {
                    continue;
                }
                if name == "br" {
                    flush(run, container, out);
                } else if BLOCKS.contains(&name.as_str()) || has(&child, BLOCKS) {
                    flush(run, container, out);
                    visit(&child, out, elements);
                } else if has(&child, &["br"]) {
                    // Inline markup around line breaks (`<font>para<br><br>para</font>`): its
                    // lines are blocks, and its text before and after joins the runs around it.
                    collect(&child, container, run, out, elements);
                } else {
                    run.push(child);
                }
            }
        }
    }
    fn visit(block: &NodeRef, out: &mut Vec<Run>, elements: &mut Vec<Element>) {
        let container = name_of(block);
        let start = out.len();
        let mut run: Vec<NodeRef> = Vec::new();
        let frame =
            block.parent().and_then(|p| p.attr("class")).and_then(|c| c.split_whitespace().next().map(str::to_string)).unwrap_or_default();
        collect(block, (&container, &frame), &mut run, out, elements);
        flush(&mut run, (&container, &frame), out);
        let inside = &out[start..];
        let links: usize = inside.iter().map(|r| r.link_chars).sum();
        let chars: usize = inside.iter().map(Run::chars).sum();
        // A list of links (related headlines, tags, a menu without <nav>) is furniture by its
        // content, whatever its class.
        // A paragraph longer than any teaser's is article text: the element holds an article
        // and its list of related links.
        let paragraph = inside.iter().any(|r| r.chars().saturating_sub(r.link_chars) >= LIST_PARAGRAPH_CHARS);
        let link_list = inside.len() >= 2 && links * 2 > chars && !paragraph;
        if !inside.is_empty() {
            let words = inside.iter().map(|r| words(&r.text)).sum();
            let looks = if link_list { Some(Look::Links) } else { looks_like_furniture(block, words) };
            elements.push(Element { runs: start..out.len(), looks });
        }
    }
    let (mut out, mut elements) = (Vec::new(), Vec::new());
    visit(root, &mut out, &mut elements);
    (out, elements)
}

/// The article as Readability extracts it: its title, and which of the page's runs it holds.
struct Article {
    title: String,
    /// The texts of its blocks, cut as the page's are.
    texts: HashSet<String>,
    /// Those texts joined by spaces.
    joined: String,
}

/// Fewest words of a run that is looked for inside Readability's text, not only among its
/// blocks (shorter ones, "Home", "Share", would be found anywhere).
const MATCH_INSIDE_WORDS: usize = 5;

impl Article {
    /// `None` when Readability finds no article.
    fn extract(html: &str) -> Option<Article> {
        let mut r = dom_smoothie::Readability::new(html, None, None).ok()?;
        let article = r.parse().ok()?;
        let content = Dom::from(article.content.to_string());
        let runs = runs(&content.root()).0;
        let joined = runs.iter().map(|r| r.text.as_str()).collect::<Vec<_>>().join(" ");
        let texts: HashSet<String> = runs.into_iter().map(|r| r.text).collect();
        (!texts.is_empty()).then(|| Article { title: collapse(&article.title), texts, joined })
    }

    /// Which of the page's runs the article holds. Readability rewrites what it keeps (`<br>`
    /// pairs become paragraphs, tables and `<font>` are unwrapped), so a block of the page can
    /// be a block of the article, or a part of one, or several of them: a run is held when it
    /// is one of the article's blocks, or is found in its text, a short one (a table cell, a
    /// line) only right where the run before it ended.
    fn holds(&self, runs: &[Run]) -> Vec<bool> {
        let mut cursor = 0;
        runs.iter()
            .map(|r| {
                let rest = &self.joined[cursor..];
                let at = if rest.trim_start_matches(' ').starts_with(&r.text) {
                    Some(rest.len() - rest.trim_start_matches(' ').len())
                } else if words(&r.text) >= MATCH_INSIDE_WORDS {
                    rest.find(&r.text)
                } else {
                    None
                };
                if let Some(p) = at {
                    cursor += p + r.text.len();
                    return true;
                }
                self.texts.contains(&r.text)
            })
            .collect()
    }
}

/// A main article under this many words is nearly empty, and a wider extraction is taken,
/// when it is also under a [`NEARLY_EMPTY_SHARE`]th of the page's text outside links and
/// furniture: a short news brief on a page of long teasers is still the article. (On the
/// tuning pages of `scripts/bench/extraction`, 40 to 200 words score the same.)
const NEARLY_EMPTY_WORDS: usize = 50;
/// See [`NEARLY_EMPTY_WORDS`].
const NEARLY_EMPTY_SHARE: usize = 10;

/// The blocks of the main article: Readability's, less the page furniture it took along (it
/// appends the top candidate's siblings, and on short articles those can be a sidebar or a
/// cookie notice), the headline first. An article that comes out nearly empty is replaced by
/// the page's text outside links and furniture, with a warning.
fn main_blocks(html: &str, runs: &[Run], elements: &[Element], warnings: &mut Vec<String>) -> Vec<usize> {
    let words_of = |chosen: &[usize]| chosen.iter().map(|&i| words(&runs[i].text)).sum::<usize>();
    let dense = dense_blocks(runs, elements);
    let dense_words = words_of(&dense);
    let Some(article) = Article::extract(html) else {
        if !dense.is_empty() {
            warnings.push(format!(
                "no main article found (Readability): translated the page's text outside links and furniture ({dense_words} words)"
            ));
        }
        return dense;
    };
    let held = article.holds(runs);
    let weight: Vec<usize> = runs.iter().zip(&held).map(|(r, &h)| if h { r.chars() } else { 0 }).collect();
    let title = &article.title;
    let furniture = furniture(runs, elements, &weight, true);
    let mut chosen: Vec<usize> = (0..runs.len()).filter(|&i| weight[i] > 0 && !furniture[i]).collect();
    let readability: Vec<usize> = (0..runs.len()).filter(|&i| weight[i] > 0).collect();
    if let Some(body) = headline_body(runs, elements, title, &chosen, &readability) {
        chosen = body;
    }
    // Link text is not article text: an "article" of links only is a menu.
    let found = words_of(&chosen.iter().copied().filter(|&i| !runs[i].is_link()).collect::<Vec<_>>());
    if found == 0 || (found < NEARLY_EMPTY_WORDS && found * NEARLY_EMPTY_SHARE < dense_words) {
        if !dense.is_empty() {
            warnings.push(format!(
                "the main article came out nearly empty ({found} words outside links): translated the page's text outside links and furniture instead ({dense_words} words); --html-extract all translates every block"
            ));
        }
        chosen = dense;
    }
    if let Some(k) = comments_start(runs, &chosen) {
        chosen.truncate(k);
    }
    // The headline, first: Readability gives it apart from the content.
    let headline = (0..runs.len())
        .find(|&i| runs[i].container == "h1" && (runs[i].text == *title || title.contains(&runs[i].text)))
        .or_else(|| headline_run(runs, title).filter(|&h| chosen.first().is_none_or(|&f| h < f)))
        .or_else(|| (0..runs.len()).find(|&i| runs[i].container == "h1" && !furniture[i]));
    if let Some(h) = headline {
        chosen.retain(|&i| i != h);
        chosen.insert(0, h);
    }
    chosen
}

/// The heading of a comment section or a reply form ("Comments", "46 Comments on “...”",
/// "12 thoughts on “...”", "No Responses Yet", "Leave a Reply", "Komentar"), whole. Not "Comments (0)" (a post's link on a blog's front
/// page) nor "Response to ..." (an article's title).
static COMMENTS_HEADING: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?xi)^(?:
            (?:\d+|one|no)\s+(?:comments?|responses?|replies|thoughts|komentar|tanggapan)(?:\s+yet|\s+(?:on|to|for|untuk)\b.*)?
          | (?:reader\s+|user\s+)?(?:comments|komentar)
          | (?:leave|post|add|write|tulis|berikan|kirim)\s+(?:a\s+|your\s+)?(?:reply|comment|response|komentar)(?:\s+anda)?
        )[\s:.]*$",
    )
    .expect("valid regex")
});

/// Most words of a comment section's heading (in a heading element), and of its label outside
/// one (a paragraph or a `<div>` that says "Comments").
const COMMENTS_HEADING_WORDS: usize = 20;
/// See [`COMMENTS_HEADING_WORDS`].
const COMMENTS_LABEL_WORDS: usize = 4;

/// Where the comments start among the `chosen` blocks: the first comment-section heading after
/// an article's worth of text. Readability takes comments along when they sit beside the post
/// in one container, and the readers' words are not the article.
fn comments_start(runs: &[Run], chosen: &[usize]) -> Option<usize> {
    let mut before = 0;
    for (k, &i) in chosen.iter().enumerate() {
        let (r, n) = (&runs[i], words(&runs[i].text));
        if r.is_link() {
            continue;
        }
        let heading_like = r.is_heading() || n <= COMMENTS_LABEL_WORDS;
        if before >= HEADLINE_BODY_WORDS && heading_like && n <= COMMENTS_HEADING_WORDS && COMMENTS_HEADING.is_match(&r.text) {
            return Some(k);
        }
        before += n;
    }
    None
}

/// Least words (outside links) of an article under its headline.
const HEADLINE_BODY_WORDS: usize = 30;

/// How many times the words of the headline's element Readability's article must hold, after
/// that element, to be the body that the element heads (on the tuning pages of
/// `scripts/bench/extraction`, 2 to 5 score nearly the same).
const HEADER_SHARE: usize = 3;

/// The run that is the page's headline: the first one, outside links, whose text is the title
/// (Readability's: the document's `<title>` less the site's name), holds it or is held by it;
/// an `<h1>` before any other (a share dialog or a teaser earlier in the page can repeat the
/// title).
fn headline_run(runs: &[Run], title: &str) -> Option<usize> {
    let n = words(title);
    let matches = |i: &usize| {
        let (t, heading) = (&runs[*i].text, runs[*i].is_heading());
        // A short text inside the title ("Home", a section's name) is the headline only in a
        // heading.
        let part = words(t) >= 4 || (heading && words(t) >= 2);
        !runs[*i].is_link() && (*t == title || (n >= 4 && t.contains(title)) || (part && title.contains(t.as_str())))
    };
    (0..runs.len()).filter(|&i| runs[i].container == "h1").find(matches).or_else(|| (0..runs.len()).find(matches))
}

/// The article under the page's headline, when Readability's `chosen` blocks lie elsewhere or
/// miss some of its paragraphs; `None` keeps them as they are.
///
/// A page's article body follows its headline, inside the smallest element around the
/// headline that holds an article's worth of text. Readability scores paragraphs without
/// knowing the headline, and on short articles it can prefer a longer neighbour: an "about
/// the author" box, a teaser column, the comments. When none of its blocks is in that element,
/// nor after it as its body, the element's text (outside links and furniture) is the article.
/// When they are in it, the paragraphs it missed there are added ([`missed_paragraphs`]).
fn headline_body(runs: &[Run], elements: &[Element], title: &str, chosen: &[usize], readability: &[usize]) -> Option<Vec<usize>> {
    let h = headline_run(runs, title)?;
    let text_words = |r: std::ops::Range<usize>| runs[r].iter().filter(|r| !r.is_link()).map(|r| words(&r.text)).sum::<usize>();
    let mut around: Vec<&Element> = elements.iter().filter(|e| e.runs.contains(&h) && e.runs.len() < runs.len()).collect();
    around.sort_by_key(|e| e.runs.len());
    let region =
        around.into_iter().map(|e| e.runs.clone()).find(|r| text_words(r.clone()) - text_words(h..h + 1) >= HEADLINE_BODY_WORDS)?;
    // Readability's words before the headline's element, inside it and after it.
    let words_where = |keep: &dyn Fn(usize) -> bool| chosen.iter().filter(|&&i| keep(i)).map(|&i| words(&runs[i].text)).sum::<usize>();
    let (before, inside, after) =
        (words_where(&|i| i < region.start), words_where(&|i| region.contains(&i)), words_where(&|i| i >= region.end));
    let all = before + inside + after;
    let weight: Vec<usize> = (0..runs.len()).map(|i| if region.contains(&i) && !runs[i].is_link() { runs[i].chars() } else { 0 }).collect();
    let furniture = furniture(runs, elements, &weight, true);
    if inside * 2 >= all {
        let missed = missed_paragraphs(runs, &furniture, chosen, h, &region);
        return (!missed.is_empty()).then(|| {
            let mut article: Vec<usize> = chosen.iter().copied().chain(missed).collect();
            article.sort_unstable();
            article
        });
    }
    let body: Vec<usize> = region.clone().filter(|&i| (weight[i] > 0 && !furniture[i]) || i == h).collect();
    // Readability's blocks right after the element can be the rest of the article (the
    // headline's element holds a standfirst or a photo, the body follows), unless they are a
    // teaser list (a quarter of their text or more in links) or a heading of the headline's
    // rank or above opens them (the next post, an "about the author" box). After a deeper
    // heading (the article's own sections) the body is the element's text and theirs.
    let links: usize = readability.iter().map(|&i| runs[i].link_chars).sum();
    let teasers = links * 4 > readability.iter().map(|&i| runs[i].chars()).sum::<usize>();
    let rank = |r: &Run| r.container[1..].parse::<u8>().unwrap_or(1);
    let headline_rank = if runs[h].is_heading() { rank(&runs[h]) } else { 1 };
    // Readability's article can also follow the element at a distance: the element is the
    // article's header (standfirst, byline, highlights) and share bars, sign-up boxes or a
    // video player stand between it and the body. When more of Readability's words come after
    // the element than before it, and they are many times the element's own, they are that
    // body, however many words stand between; the headings there still decide as below (one
    // of the headline's rank is the next post's).
    let header = text_words(region.clone()) - text_words(h..h + 1);
    let follows = after > before && after >= HEADER_SHARE * header;
    // Readability's few words inside the element (a highlight that its text repeats) do not
    // count: its first block outside the element decides (after the element, when its article
    // follows it: a modal's close button before the headline says nothing).
    let first = if follows { chosen.iter().find(|&&i| i >= region.end) } else { chosen.iter().find(|i| !region.contains(i)) };
    match first {
        Some(&f) if !teasers && f >= region.end && (follows || text_words(region.end..f) < HEADLINE_BODY_WORDS) => {
            // A heading that opens Readability's blocks is part of what comes between.
            let gap = &runs[region.end..if runs[f].is_heading() { f + 1 } else { f }];
            if gap.iter().any(|r| r.is_heading() && rank(r) <= headline_rank) {
                Some(body)
            } else if gap.iter().any(Run::is_heading) {
                Some(body.into_iter().chain(chosen.iter().copied().filter(|&i| i >= region.end)).collect())
            } else {
                None
            }
        }
        _ => Some(body),
    }
}

/// The paragraphs of the article under the headline `h` that Readability left out. It keeps
/// the paragraphs of its best container and of siblings that score well, so a site that cuts
/// its article into several containers (a lead block, then the rest) can lose some. A
/// paragraph between the headline and Readability's last block in the headline's element
/// `region` is the article's when it sits in a container of the kind that holds Readability's
/// (the same first class word), is a lead's length or more, outside links and furniture, and
/// is not the text of one Readability took (itself, or a summary repeating it).
fn missed_paragraphs(runs: &[Run], furniture: &[bool], chosen: &[usize], h: usize, region: &std::ops::Range<usize>) -> Vec<usize> {
    let Some(&last) = chosen.iter().filter(|i| region.contains(i)).max() else { return Vec::new() };
    let frames: HashSet<&str> = chosen.iter().map(|&i| runs[i].frame.as_str()).filter(|f| !f.is_empty()).collect();
    let texts: HashSet<&str> = chosen.iter().map(|&i| runs[i].text.as_str()).collect();
    (h + 1..last)
        .filter(|&i| {
            let r = &runs[i];
            r.container == "p"
                && r.chars() >= LEAD_CHARS
                && !r.is_link()
                && !furniture[i]
                && frames.contains(r.frame.as_str())
                && !texts.contains(r.text.as_str())
        })
        .collect()
}

/// The page's text outside links and furniture: the runs that are not mostly link text, less
/// those in marked elements that do not hold most of that text. When class words take nearly
/// all of it (a page built of `widget` boxes), they say nothing, and only the furniture tags
/// and lists of links count.
fn dense_blocks(runs: &[Run], elements: &[Element]) -> Vec<usize> {
    let weight: Vec<usize> = runs.iter().map(|r| if r.is_link() { 0 } else { r.chars() }).collect();
    let words_of = |blocks: &[usize]| blocks.iter().map(|&i| words(&runs[i].text)).sum::<usize>();
    let outside = |furniture: Vec<bool>| (0..runs.len()).filter(|&i| weight[i] > 0 && !furniture[i]).collect::<Vec<_>>();
    let dense = outside(furniture(runs, elements, &weight, true));
    let wider = outside(furniture(runs, elements, &weight, false));
    if words_of(&dense) * NEARLY_EMPTY_SHARE < words_of(&wider) {
        wider
    } else {
        dense
    }
}

/// The encoding a page declares in its first 4 KiB (`<meta charset>`, or `charset=` in a
/// `Content-Type` meta), when it is not UTF-8 and encoding_rs knows its label.
fn declared_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    static CHARSET: LazyLock<regex::bytes::Regex> =
        LazyLock::new(|| regex::bytes::Regex::new(r#"(?i)<meta[^>]*charset\s*=\s*["']?([-\w:.]+)"#).expect("valid regex"));
    let head = &bytes[..bytes.len().min(4096)];
    // `euc_kr`, `shift_jis`: pages write labels with underscores too.
    let label = CHARSET.captures(head)?.get(1)?.as_bytes().iter().map(|&b| if b == b'_' { b'-' } else { b }).collect::<Vec<u8>>();
    encoding_rs::Encoding::for_label(&label).filter(|e| *e != encoding_rs::UTF_8)
}

/// A page that never closes its `<title>` or `<textarea>`: the parser reads everything after
/// the tag as its text (a browser shows an empty page), and the article is in there as
/// markup. Returns the element's name and the page with the element closed where its first
/// tag starts.
fn close_swallowing(html: &str, dom: &Dom) -> Option<(&'static str, String)> {
    static OPEN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<(title|textarea)\b[^>]*>").expect("valid regex"));
    for name in ["title", "textarea"] {
        let swallowed = dom.select(name).nodes().first().is_some_and(|n| {
            let t = n.text().to_ascii_lowercase();
            t.contains("<body") || t.contains("<p>") || t.contains("<div")
        });
        let open = OPEN.captures_iter(html).find(|c| c[1].eq_ignore_ascii_case(name)).map(|c| c.get(0).expect("whole match").end());
        if let (true, Some(end)) = (swallowed, open) {
            let at = end + html[end..].find('<')?;
            return Some((name, format!("{}</{name}>{}", &html[..at], &html[at..])));
        }
    }
    None
}

/// Why a page has nothing to translate, and what to try.
fn why_empty(dom: &Dom, runs: &[Run]) -> String {
    if !runs.is_empty() {
        // Only with Extract::Main: every block is chosen with All.
        return format!(
            "no article text found: all of the page's {} text blocks are links or page furniture (menus, footers); --html-extract all translates them",
            runs.len()
        );
    }
    // Scripts in the body (inline or loaded) mean a page built in the browser.
    let scripts = dom.select("body script").length();
    let what = if dom.body().is_none_or(|b| b.text().trim().is_empty()) && scripts == 0 {
        "the page has no text (an empty body)".to_string()
    } else if scripts > 0 {
        "the page's body holds no text outside scripts: its text is filled in by JavaScript when it loads; save the page from the browser after it has loaded (\"Web page, complete\")".to_string()
    } else {
        "the page's text is all in elements that are not read (forms' fields, buttons, embedded frames or media)".to_string()
    };
    format!("no text found: {what}")
}

impl Page {
    /// Parse `html` and choose the blocks to translate.
    pub fn parse(html: &str, extract: Extract) -> Page {
        Page::parse_repairing(html, extract, true)
    }

    fn parse_repairing(html: &str, extract: Extract, repair: bool) -> Page {
        let dom = Dom::from(html);
        let body = dom.body().unwrap_or_else(|| dom.root());
        let (runs, elements) = runs(&body);
        let mut warnings = Vec::new();
        if runs.is_empty() && repair {
            if let Some((name, repaired)) = close_swallowing(html, &dom) {
                let mut page = Page::parse_repairing(&repaired, extract, false);
                page.warnings
                    .insert(0, format!("the page never closes its <{name}>, which holds the rest of the page as text: read as closed"));
                return page;
            }
        }
        let chosen = match extract {
            Extract::All => (0..runs.len()).collect(),
            Extract::Main => main_blocks(html, &runs, &elements, &mut warnings),
        };
        let empty_reason = chosen.is_empty().then(|| why_empty(&dom, &runs));
        Page { dom, runs, chosen, warnings, empty_reason }
    }

    /// A page's bytes, decoded as text files are, then parsed: the page as `terjemah
    /// translate` reads it. An error is the reason the page has nothing to translate.
    pub fn from_bytes(bytes: &[u8], extract: Extract) -> Result<Page, String> {
        let (text, mut warnings) = match declared_encoding(bytes) {
            // Not UTF-8, and the page says what it is (as a browser reads it); binary
            // files are left to the ordinary policy, which refuses them.
            Some(enc) if std::str::from_utf8(bytes).is_err() && !bytes.contains(&0) => {
                let text = crate::input::decode::normalize_newlines(&enc.decode_without_bom_handling(bytes).0);
                (text, vec![format!("not UTF-8; read as {}, the page's declared charset", enc.name())])
            }
            _ => match crate::input::decode::decode(bytes) {
                // UTF-8 with a few broken bytes (a truncated sequence, a pasted Latin-1
                // quote): a browser shows them as U+FFFD and the rest of the page as it is;
                // refusing the page would lose the article for a character. Text files keep
                // the strict policy.
                Err(reason) if reason.starts_with("invalid UTF-8") => {
                    let text = String::from_utf8_lossy(bytes);
                    let bad = text.matches('\u{FFFD}').count();
                    (
                        crate::input::decode::normalize_newlines(&text),
                        vec![format!("{bad} invalid UTF-8 sequences read as U+FFFD; the first: {reason}")],
                    )
                }
                other => other?,
            },
        };
        let mut page = Page::parse(&text, extract);
        warnings.append(&mut page.warnings);
        page.warnings = warnings;
        if let Some(reason) = page.empty_reason.take() {
            return Err(reason);
        }
        Ok(page)
    }

    /// What the reader should know about the extraction (a fallback taken, an encoding guessed).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
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

    /// The inline elements of each chosen block (same order as [`Page::blocks`]), outer before
    /// inner, with their byte ranges in the block's text.
    pub(crate) fn block_marks(&self) -> impl Iterator<Item = &[Mark]> {
        self.chosen.iter().map(|&i| self.runs[i].marks.as_slice())
    }

    /// A new element like `id` (name and attributes), empty.
    fn copy_of(&self, id: &NodeId) -> Option<NodeRef<'_>> {
        let e = self.dom.tree.get(id)?;
        let name = e.qual_name_ref()?.clone();
        let copy = self.dom.tree.new_element_qualname(name);
        for a in e.attrs() {
            copy.set_attr(&a.name.local, &a.value);
        }
        Some(copy)
    }

    /// The page with the English of each chosen block (same order as [`Page::blocks`]) in place
    /// of its text, its inline elements around the English given for them; a block whose English
    /// is its source (kept verbatim) is not touched. `<html lang>` becomes `en`.
    pub fn translated_page(&self, english: &[Placed]) -> String {
        for (&i, en) in self.chosen.iter().zip(english) {
            let run = &self.runs[i];
            if collapse(&en.text) == run.text {
                continue;
            }
            let nodes: Vec<NodeRef> = run.nodes.iter().filter_map(|id| self.dom.tree.get(id)).collect();
            let Some(first) = nodes.first() else { continue };
            // Spaces around the run (between it and its neighbours) stay.
            let raw: String = nodes.iter().map(|n| n.text().to_string()).collect();
            let lead = if raw.starts_with(char::is_whitespace) { " " } else { "" };
            let trail = if raw.ends_with(char::is_whitespace) { " " } else { "" };
            let text = format!("{lead}{}{trail}", en.text);
            let shift = lead.len();
            // Elements without text go where they stood, as a share of the text, at a word's end.
            let mut anchors: Vec<(usize, NodeRef)> = run
                .anchors
                .iter()
                .filter_map(|(at, id)| {
                    let share = *at as f64 / run.text.len().max(1) as f64;
                    let mut p = shift + (share * en.text.len() as f64).round() as usize;
                    while p < text.len() && !text.is_char_boundary(p) {
                        p += 1;
                    }
                    let node = self.dom.tree.get(id)?;
                    // One that holds only spaces (a link around `&nbsp;`) would put a space
                    // between two words of the English: it goes at the end.
                    let spaces = node.text();
                    if *at > 0 && !spaces.is_empty() && spaces.trim().is_empty() {
                        p = text.len() - trail.len();
                    } else if *at > 0 {
                        p = text[p..].find(char::is_whitespace).map_or(text.len() - trail.len(), |i| p + i);
                    }
                    Some((p, node))
                })
                .collect();
            anchors.sort_by_key(|(p, _)| std::cmp::Reverse(*p));
            // The English as text nodes, copies of the inline elements and the elements without
            // text, before a marker put before the run; then the run's nodes go. Marks are nested
            // (the caller's guarantee); one that is not is cut to its parent.
            let marker = self.dom.tree.new_text("");
            first.insert_before(&marker);
            let mut out = Rebuild { text: &text, pos: 0, open: Vec::new(), anchors, marker: &marker, tree: &self.dom.tree };
            for (m, range) in &en.marks {
                let (start, end) = ((range.start + shift).min(text.len()), (range.end + shift).min(text.len()));
                out.close_before(start);
                let end = out.open.last().map_or(end, |(e, _)| end.min(*e));
                let Some(copy) = run.marks.get(*m).and_then(|m| self.copy_of(&m.element)) else { continue };
                out.text_to(start, false);
                out.put(&copy);
                out.open.push((end, copy));
            }
            out.close_before(usize::MAX);
            out.text_to(text.len(), true);
            for n in nodes.iter().filter(|n| !run.anchors.iter().any(|(_, id)| *id == n.id)) {
                n.remove_from_parent();
            }
            marker.remove_from_parent();
        }
        if let Some(html) = self.dom.select("html").nodes().first() {
            html.set_attr("lang", "en");
        }
        // The document title usually repeats the headline ("Headline - Site"): it takes the
        // headline's English.
        let headline = self.chosen.first().filter(|&&i| self.runs[i].container == "h1").map(|&i| &self.runs[i].text);
        if let (Some(headline), Some(en), Some(title)) =
            (headline, english.first().map(|e| &e.text), self.dom.select("head title").nodes().first())
        {
            let text = collapse(&title.text());
            if text.contains(headline.as_str()) && collapse(en) != *headline {
                title.set_text(text.replacen(headline.as_str(), en, 1));
            }
        }
        self.dom.html().to_string()
    }
}

/// A block's new content, built left to right before `marker`.
struct Rebuild<'a, 't> {
    text: &'t str,
    /// Bytes of `text` written.
    pos: usize,
    /// Inline elements open, with where they end.
    open: Vec<(usize, NodeRef<'a>)>,
    /// Elements without text still to place, last first, with where they go.
    anchors: Vec<(usize, NodeRef<'a>)>,
    marker: &'t NodeRef<'a>,
    tree: &'a dom_query::Tree,
}

impl<'a> Rebuild<'a, '_> {
    /// Into the innermost open element, else before the marker.
    fn put(&self, node: &NodeRef<'a>) {
        match self.open.last() {
            Some((_, parent)) => parent.append_child(node),
            None => self.marker.insert_before(node),
        }
    }

    /// The text up to byte `to`, with the elements without text that go there (those at `to`
    /// too when `at_end`).
    fn text_to(&mut self, to: usize, at_end: bool) {
        let due = |p: usize| p < to || (at_end && p == to);
        loop {
            let at = self.anchors.last().filter(|(p, _)| due(*p)).map_or(to, |(p, _)| *p);
            if at > self.pos {
                self.put(&self.tree.new_text(&self.text[self.pos..at]));
                self.pos = at;
            }
            match self.anchors.last() {
                Some((p, _)) if due(*p) => {
                    let (_, node) = self.anchors.pop().expect("an anchor");
                    self.put(&node);
                }
                _ => return,
            }
        }
    }

    /// Close the open elements that end at or before `at` (what goes at their end goes after them).
    fn close_before(&mut self, at: usize) {
        while let Some(&(end, _)) = self.open.last().filter(|(e, _)| *e <= at) {
            self.text_to(end, false);
            self.open.pop();
        }
    }
}

/// Decode a page's bytes (as text files are decoded) and parse it; an error is the reason.
pub(crate) fn read_page(bytes: &[u8], extract: Extract) -> Result<Page, String> {
    Page::from_bytes(bytes, extract)
}

/// A page as an article: its chosen blocks structured like a text article's lines.
pub(crate) fn document(path: &std::path::Path, bytes: &[u8], extract: Extract) -> crate::Result<crate::input::Document> {
    let page = read_page(bytes, extract).map_err(|reason| crate::Error::input(path, reason))?;
    let mut doc = crate::input::Document::from_text(path, &page.text());
    doc.warnings = page.warnings;
    Ok(doc)
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
        let out = p.translated_page(&around_all(&p, en));
        assert!(out.contains(r#"<html lang="en">"#), "{out}");
        assert!(out.contains("<title>Judul | Situs</title>"), "a title without the headline stays: {out}");
        assert!(out.contains("<p>EN&lt;Harga beras naik di Jakarta &amp; sekitarnya.&gt;</p>"), "{out}");
        assert!(out.contains(r#"<a href="/">EN&lt;Beranda&gt;</a>"#), "a link keeps its element: {out}");
        assert!(out.contains(r#"<p><a href="/baca">Baca juga: Berita lain</a></p>"#), "kept blocks untouched: {out}");
        assert!(out.contains("EN&lt;Baris pertama.&gt;<br><br>EN&lt;Baris kedua"), "{out}");
        assert!(out.contains(r#"var x = "<p>bukan teks</p>";"#), "scripts untouched: {out}");
        assert!(out.contains("<p>EN&lt;Satu. Dua.&gt;</p>"), "spans around parts are not kept: {out}");
        assert!(out.contains("<p>EN&lt;Harga beras naik di Jakarta &amp; sekitarnya.&gt;</p>"), "{out}");
    }

    /// Each block's English with the inline elements that held the whole block around it.
    fn around_all(p: &Page, english: Vec<String>) -> Vec<Placed> {
        p.block_marks()
            .zip(p.blocks())
            .zip(english)
            .map(|((marks, block), text)| {
                let whole = marks.iter().enumerate().filter(|(_, m)| m.range == (0..block.len())).map(|(i, _)| (i, 0..text.len()));
                Placed { marks: whole.collect(), text }
            })
            .collect()
    }

    #[test]
    fn inline_elements_go_around_the_english_given_for_them() {
        let html = r#"<html><body><p>Kata <a href="/jokowi" title="t">Joko Widodo</a> di <b>Istana <i>Negara</i></b>, <span class="x">Senin</span>.</p></body></html>"#;
        let p = Page::parse(html, Extract::All);
        let marks = p.block_marks().next().unwrap();
        let text = p.blocks().next().unwrap();
        let of = |m: &Mark| &text[m.range.clone()];
        assert_eq!(
            marks.iter().map(|m| (m.name.as_str(), of(m))).collect::<Vec<_>>(),
            [("a", "Joko Widodo"), ("b", "Istana Negara"), ("i", "Negara")]
        );
        let en = "Joko Widodo said at the State Palace on Monday.";
        let at = |w: &str| en.find(w).unwrap()..en.find(w).unwrap() + w.len();
        let placed = Placed { text: en.into(), marks: vec![(0, at("Joko Widodo")), (1, at("State Palace")), (2, at("Palace"))] };
        let out = p.translated_page(&[placed]);
        assert!(
            out.contains(r#"<p><a href="/jokowi" title="t">Joko Widodo</a> said at the <b>State <i>Palace</i></b> on Monday.</p>"#),
            "{out}"
        );
        // Elements without text (a link around an icon, an image) move with the English.
        let with_icons = r#"<html><body><p>Ditulis oleh <b>Ani</b> <a href="mailto:ani@x.id"><img src="mail.png"></a> dan Budi <img src="b.png">.</p></body></html>"#;
        let out = Page::parse(with_icons, Extract::All)
            .translated_page(&[Placed { text: "Written by Ani and Budi.".into(), marks: vec![(0, 11..14)] }]);
        assert!(
            out.contains(r#"<p>Written by <b>Ani</b><a href="mailto:ani@x.id"><img src="mail.png"></a> and Budi.<img src="b.png"></p>"#),
            "{out}"
        );
        // Without places: the text alone (the caller decides; output::page never leaves a link out).
        let out = Page::parse(html, Extract::All).translated_page(&[Placed::from(en.to_string())]);
        assert!(out.contains("<p>Joko Widodo said at the State Palace on Monday.</p>"), "{out}");
    }
    /// An article's paragraphs (Indonesian news prose, long enough for Readability to score).
    const PARAS: [&str; 4] = [
        "Pemerintah Provinsi Jawa Tengah menyiapkan anggaran sebesar Rp2,5 triliun untuk memperbaiki jalan dan jembatan yang rusak akibat banjir pada awal tahun ini, kata gubernur dalam rapat bersama dewan di Semarang, Senin.",
        "Menurut dia, perbaikan akan dimulai dari ruas jalan provinsi yang menghubungkan kabupaten di pesisir utara, karena jalur tersebut menjadi tumpuan distribusi bahan pokok dan hasil pertanian ke berbagai daerah.",
        "Dinas Pekerjaan Umum mencatat sedikitnya 120 kilometer jalan dan 14 jembatan mengalami kerusakan sedang hingga berat, sebagian besar berada di wilayah yang terendam air selama lebih dari satu pekan.",
        "Warga berharap perbaikan segera dilakukan sebelum musim mudik, sebab kemacetan panjang kerap terjadi di titik-titik jalan yang berlubang dan membahayakan pengendara sepeda motor pada malam hari.",
    ];

    fn paras() -> String {
        PARAS.iter().map(|p| format!("<p>{p}</p>\n")).collect()
    }

    const NAV: &str = r#"<header><a href="/">Warta</a><ul class="menu"><li><a href="/nasional">Nasional</a></li><li><a href="/daerah">Daerah</a></li><li><a href="/ekonomi">Ekonomi</a></li></ul></header>"#;

    const SIDEBAR: &str = r#"<div class="sidebar"><h3>Terpopuler</h3><ol><li><a href="/a">Harga Cabai Turun di Pasar Induk</a></li><li><a href="/b">Jadwal Kereta Tambahan Libur Panjang</a></li><li><a href="/c">Cuaca Cerah Berawan di Jakarta</a></li></ol></div>"#;

    /// Every paragraph is in the extracted text, and none of `absent`.
    #[track_caller]
    fn assert_article(page: &Page, absent: &[&str]) {
        let text = page.text();
        for p in PARAS {
            assert!(text.contains(p), "missing {p:?} in:\n{text}");
        }
        for a in absent {
            assert!(!text.contains(a), "{a:?} extracted:\n{text}");
        }
    }

    #[test]
    fn a_furniture_class_on_body_does_not_drop_the_page() {
        // Drupal's `one-sidebar`, a consent manager's `cookies-not-set`.
        let html = format!(
            r#"<html><head><title>Jalan Rusak Diperbaiki | Warta</title></head><body class="html not-front one-sidebar sidebar-first cookies-not-set menu-type-main consent-management-on">{NAV}<div id="main"><h1>Jalan Rusak Diperbaiki</h1>{}</div>{SIDEBAR}<footer>Hak cipta Warta</footer></body></html>"#,
            paras()
        );
        let p = Page::parse(&html, Extract::Main);
        assert_eq!(p.blocks().next(), Some("Jalan Rusak Diperbaiki"));
        assert_article(&p, &["Harga Cabai", "Nasional", "Hak cipta"]);
    }

    #[test]
    fn an_article_wrapper_with_a_furniture_class_is_kept() {
        let html = format!(
            r#"<html><body>{NAV}<div class="content-with-sidebar-wrp"><article class="post"><h1>Jalan Rusak Diperbaiki</h1>{}</article>{SIDEBAR}</div></body></html>"#,
            paras()
        );
        assert_article(&Page::parse(&html, Extract::Main), &["Harga Cabai", "Terpopuler"]);
    }

    #[test]
    fn a_blogger_post_in_widget_blog_is_kept_without_its_comments() {
        let html = format!(
            r#"<html><head><title>Catatan Warga: Jalan Rusak Diperbaiki</title></head><body><div class="content-outer"><div class="main-inner"><div class="section" id="main"><div class="widget Blog" id="Blog1"><div class="date-outer"><h2 class="date-header">Senin, 3 Maret 2025</h2><div class="post hentry"><h3 class="post-title entry-title">Jalan Rusak Diperbaiki</h3><div class="post-body entry-content">{}</div><div class="post-footer">Diposting oleh <a href="/p">Budi</a></div></div></div><div class="comments" id="comments"><h4>2 komentar:</h4><dl><dt><a href="/u">Sari</a> mengatakan...</dt><dd>Semoga cepat selesai.</dd></dl></div></div></div></div><div class="sidebar section"><div class="widget HTML"><h2>Tentang Saya</h2><p>Warga biasa yang suka menulis tentang kota.</p></div>{SIDEBAR}</div></div></body></html>"#,
            PARAS.iter().map(|p| format!("{p}<br><br>")).collect::<String>()
        );
        let p = Page::parse(&html, Extract::Main);
        assert_eq!(p.blocks().next(), Some("Jalan Rusak Diperbaiki"), "the post's title first");
        assert_article(&p, &["Semoga cepat selesai", "Tentang Saya", "Harga Cabai"]);
    }

    /// Readers' comments longer than the post: the comments' element holds most of the text
    /// (Readability keeps a `comments-content` element, for its "content"), but the article
    /// starts outside it, so it is furniture.
    #[test]
    fn comments_longer_than_the_post_are_left_out() {
        let comment = "Saya setuju sekali dengan tulisan ini, jalan di depan rumah kami juga rusak parah sejak musim hujan tahun lalu dan belum pernah diperbaiki oleh siapa pun.";
        let comments: String = (0..8).map(|i| format!("<div class=\"c{i}\"><p>{comment}</p><p>Ditulis oleh: warga{i}</p></div>")).collect();
        let html = format!(
            r#"<html><body>{NAV}<div id="content"><h1>Jalan Rusak Diperbaiki</h1><div class="entry">{}</div><div class="comments-content">{comments}</div></div></body></html>"#,
            paras()
        );
        assert_article(&Page::parse(&html, Extract::Main), &["Saya setuju", "warga3"]);
    }

    /// A comment section opened by its heading ends the article, in whatever element it is;
    /// "Comments (0)" under a post on a blog's front page and "Response to ..." as a title do not.
    #[test]
    fn a_comment_section_heading_ends_the_article() {
        let comment = "Terima kasih atas beritanya, semoga pemerintah daerah segera menindaklanjuti keluhan warga soal jalan yang rusak.";
        for (heading, cut) in [
            ("46 Comments on “Jalan Rusak Diperbaiki”", true),
            ("Komentar", true),
            ("Leave a Reply", true),
            ("12 thoughts on “Jalan Rusak Diperbaiki”", true),
            ("Tulis komentar tentang kebijakan ini dan kirim kepada redaksi", false),
            ("Comments (0)", false),
            ("Response to the minister's letter", false),
        ] {
            let html = format!(
                r#"<html><body><div id="content"><h1>Jalan Rusak Diperbaiki</h1>{}<h3>{heading}</h3><p>{comment}</p><p>{comment} Sekali lagi terima kasih.</p></div></body></html>"#,
                paras()
            );
            let p = Page::parse(&html, Extract::Main);
            assert_article(&p, if cut { &["Terima kasih"] } else { &[] });
            assert_eq!(p.text().contains("Terima kasih"), !cut, "{heading}");
        }
    }

    /// A story's highlights under its headline, one of them repeated in the body (so found in
    /// Readability's text): the body, outside the headline's element, is still the article.
    #[test]
    fn highlights_under_the_headline_do_not_replace_the_body() {
        let highlights: String = [
            "Anggaran Rp2,5 triliun disiapkan untuk perbaikan jalan dan jembatan provinsi",
            "Sebanyak 120 kilometer jalan dan 14 jembatan rusak akibat banjir awal tahun",
            "Perbaikan dimulai dari jalur distribusi bahan pokok di pesisir utara",
            "Warga berharap perbaikan selesai sebelum musim mudik",
        ]
        .iter()
        .map(|h| format!("<li>{h}</li>"))
        .collect();
        let body: String = PARAS.iter().map(|p| format!("<p>{p}</p>")).collect();
        let html = format!(
            r#"<html><head><title>Jalan Rusak Diperbaiki - Warta.com</title></head><body>{NAV}<div id="content"><div class="storyTop"><h6>Bagikan:</h6><h1>Jalan Rusak Diperbaiki</h1><ul><li>Sorotan</li>{highlights}</ul></div><div class="storyBody"><p>Warga berharap perbaikan selesai sebelum musim mudik.</p>{body}</div></div>{SIDEBAR}</body></html>"#
        );
        assert_article(&Page::parse(&html, Extract::Main), &["Harga Cabai"]);
    }

    /// An article and its long list of related links in one element: mostly link text, but a
    /// paragraph longer than any teaser's says it holds an article, so it is not a link list;
    /// headlines with their teasers are.
    #[test]
    fn an_article_followed_by_many_related_links_is_not_a_link_list() {
        let related: String = (0..30)
            .map(|i| format!(r#"<p><a href="/berita/{i}">Pemerintah daerah kembali menganggarkan perbaikan jalan provinsi tahap {i} di pesisir utara</a> - 2 Juni 2025</p>"#))
            .collect();
        let teasers: String = (0..6)
            .map(|i| format!(r#"<p><a href="/berita/{i}">Pemerintah daerah kembali menganggarkan perbaikan jalan provinsi tahap {i} di pesisir utara</a></p><p>Perbaikan tahap {i} mencakup ruas jalan sepanjang dua puluh kilometer.</p>"#))
            .collect();
        let look = |inner: &str| {
            let dom = Dom::from(format!(r#"<html><body><div id="x">{inner}</div></body></html>"#));
            let (runs, elements) = runs(&dom.root());
            let e = elements.iter().find(|e| e.runs == (0..runs.len())).expect("the div's element");
            e.looks
        };
        assert!(look(&format!("<p>{} {}</p><p>Artikel terkait:</p>{related}", PARAS[0], PARAS[1])).is_none());
        assert!(look(&format!("<p>{}</p><p>Artikel terkait:</p>{related}", PARAS[0])) == Some(Look::Links), "a short lead is a teaser's");
        assert!(look(&teasers) == Some(Look::Links));
    }

    #[test]
    fn a_form_around_the_whole_page_is_read() {
        // ASP.NET WebForms: one <form> holds the body; a search box is furniture.
        let html = format!(
            r#"<html><body><form name="aspnetForm" method="post" action="./berita.aspx" id="aspnetForm"><input type="hidden" name="__VIEWSTATE" value="x">{NAV}<div class="search"><label>Cari berita</label><input name="q"><button>Cari</button></div><div id="content"><h1>Jalan Rusak Diperbaiki</h1>{}</div>{SIDEBAR}</form></body></html>"#,
            paras()
        );
        assert_article(&Page::parse(&html, Extract::Main), &["Cari berita", "Harga Cabai"]);
        let all = Page::parse(&html, Extract::All);
        assert!(all.blocks().any(|b| b == "Nasional"), "every block with --html-extract all");
        assert_article(&all, &[]);
    }

    #[test]
    fn a_nearly_empty_article_falls_back_to_the_page_text_with_a_warning() {
        // The text sits in four `widget` boxes: each holds a quarter of what Readability takes,
        // so each looks like furniture, and the article would come out empty.
        let html = format!(
            r#"<html><body>{NAV}<div id="isi"><div class="widget Text"><p>{}</p></div><div class="widget Text"><p>{}</p></div><div class="widget Text"><p>{}</p></div><div class="widget Text"><p>{}</p></div></div><footer>Hak cipta Warta</footer></body></html>"#,
            PARAS[0], PARAS[1], PARAS[2], PARAS[3]
        );
        let p = Page::parse(&html, Extract::Main);
        assert_article(&p, &["Nasional", "Hak cipta"]);
        assert!(p.warnings.iter().any(|w| w.contains("nearly empty")), "{:?}", p.warnings);
    }

    #[test]
    fn readability_elsewhere_than_the_headline_gives_way_to_the_headline_body() {
        // A short post, and a longer "about the author" box that Readability prefers.
        let about = "Penulis adalah wartawan lepas yang telah meliput isu perkotaan selama lebih dari dua puluh tahun, menulis untuk berbagai media cetak dan daring, dan kini mengajar jurnalistik di sebuah universitas swasta di Yogyakarta.";
        let html = format!(
            r#"<html><head><title>Warta Kota: Jalan Rusak Diperbaiki</title></head><body><div class="outer"><div class="main"><div class="post"><h3>Jalan Rusak Diperbaiki</h3><div>{}</div><div>{}</div></div></div><div class="side"><h2>Tentang Penulis</h2><p>{about}</p><p>{about}</p><p>{about}</p><p>{about}</p></div></div></body></html>"#,
            PARAS[0], PARAS[1]
        );
        let text = Page::parse(&html, Extract::Main).text();
        assert!(text.starts_with("Jalan Rusak Diperbaiki\n\n"), "{text}");
        assert!(text.contains(PARAS[0]) && text.contains(PARAS[1]), "{text}");
        assert!(!text.contains("Penulis adalah"), "{text}");
    }

    /// A standfirst of this many words under the headline: the header element, not the article.
    const DEK: &str = "Pemerintah provinsi menyiapkan anggaran triliunan rupiah untuk memperbaiki jalan dan jembatan yang rusak akibat banjir, dimulai dari jalur distribusi bahan pokok di pesisir utara sebelum musim mudik tiba tahun ini.";

    /// Modern pages: a header (headline, standfirst, byline), then a sign-up box and a modal's
    /// close button, then the body, which Readability finds. The header does not replace it.
    #[test]
    fn a_body_after_the_header_and_a_sign_up_box_is_the_article() {
        let html = format!(
            r#"<html><head><title>Jalan Rusak Diperbaiki - Warta</title></head><body>{NAV}<div class="modal"><div>×</div></div><main><header class="story-head"><h1>Jalan Rusak Diperbaiki</h1><p class="dek">{DEK}</p><p>Oleh Budi, 3 Maret 2025</p></header><div class="signup"><p>Dapatkan kabar terbaru dari Warta setiap pagi langsung di kotak masuk surel Anda, gratis dan tanpa iklan, dengan mendaftar di bawah ini; Anda dapat berhenti berlangganan kapan saja.</p><p>Daftar sekarang</p></div><div class="story-body">{}</div></main>{SIDEBAR}</body></html>"#,
            paras()
        );
        let p = Page::parse(&html, Extract::Main);
        assert_eq!(p.blocks().next(), Some("Jalan Rusak Diperbaiki"));
        assert_article(&p, &["Dapatkan kabar", "Harga Cabai"]);
    }

    /// A share dialog before the article repeats the title in a small heading: the `<h1>` is
    /// the headline, and the article under it is kept.
    #[test]
    fn the_headline_is_the_h1_not_an_earlier_copy_of_the_title() {
        let html = format!(
            r#"<html><head><title>Jalan Rusak Diperbaiki - Warta</title></head><body>{NAV}<div class="share-tools"><div class="dialog"><h4>Jalan Rusak Diperbaiki</h4><p>Tautan artikel ini telah dibagikan ke linimasa Anda. Untuk mengetahui lebih lanjut tentang cara kerja fitur berbagi dan komentar, silakan baca pedoman percakapan kami sebelum ikut berdiskusi dengan pembaca lain.</p></div></div><article><h1>Jalan Rusak Diperbaiki</h1><div>Budi, Warta, 3 Maret 2025</div>{}</article>{SIDEBAR}</body></html>"#,
            paras()
        );
        let p = Page::parse(&html, Extract::Main);
        assert_eq!(p.blocks().next(), Some("Jalan Rusak Diperbaiki"));
        assert_article(&p, &["Tautan artikel", "Harga Cabai"]);
    }

    /// An article cut into two containers of one kind (a lead block, then the rest), the lead's
    /// paragraph full of links: Readability keeps the second container; the lead is added back.
    /// A caption between them, in a container of another kind, is not.
    #[test]
    fn paragraphs_readability_misses_in_a_sibling_container_are_kept() {
        let lead = r#"<p>Pemerintah Provinsi Jawa Tengah <a href="/a">menyiapkan anggaran</a> sebesar Rp2,5 triliun untuk <a href="/b">memperbaiki jalan</a> dan <a href="/c">jembatan yang rusak</a> akibat banjir pada awal tahun ini, kata gubernur dalam rapat bersama dewan di Semarang, Senin.</p>"#;
        let caption = "Jalan berlubang di pesisir utara Jawa Tengah yang rusak akibat banjir pada awal tahun ini, difoto dari udara oleh tim Warta pada Senin pagi.";
        let rest: String = PARAS[1..].iter().map(|p| format!("<p>{p}</p>")).collect();
        let html = format!(
            r#"<html><head><title>Jalan Rusak Diperbaiki - Warta</title></head><body>{NAV}<article><h1>Jalan Rusak Diperbaiki</h1><div class="block"><div class="article-text">{lead}</div></div><div class="photo-wrap"><p>{caption}</p></div><div class="block"><div class="article-text more">{rest}</div></div></article>{SIDEBAR}</body></html>"#
        );
        let p = Page::parse(&html, Extract::Main);
        assert_article(&p, &["difoto dari udara", "Harga Cabai"]);
    }

    /// Elements that browsers never show: `<noembed>`'s fallback, `<noframes>`'s.
    #[test]
    fn noembed_and_noframes_are_not_read() {
        let html = format!(
            r#"<html><body><h1>Jalan Rusak Diperbaiki</h1>{}<noembed><a href="https://iklan.example/klik">Klik di sini untuk iklan</a></noembed><noframes>Peramban Anda tidak mendukung bingkai.</noframes></body></html>"#,
            paras()
        );
        let all = Page::parse(&html, Extract::All);
        assert_article(&all, &["Klik di sini", "tidak mendukung bingkai"]);
    }

    /// An "about the author" box after the article is not the article.
    #[test]
    fn an_author_box_after_the_article_is_left_out() {
        let html = format!(
            r#"<html><head><title>Jalan Rusak Diperbaiki - Warta</title></head><body>{NAV}<article><h1>Jalan Rusak Diperbaiki</h1>{}<div class="author-box"><p>Budi Santoso adalah wartawan Warta yang meliput isu perkotaan dan infrastruktur di Jawa Tengah sejak 2010, sebelumnya bekerja di radio swasta di Semarang.</p></div></article>{SIDEBAR}</body></html>"#,
            paras()
        );
        assert_article(&Page::parse(&html, Extract::Main), &["Budi Santoso adalah", "Harga Cabai"]);
    }

    #[test]
    fn lists_of_links_and_captions_inside_the_article_are_dropped() {
        let html = format!(
            r#"<html><body><article><h1>Jalan Rusak Diperbaiki</h1><figure><img src="a.jpg"><figcaption>Jalan berlubang di Demak. (Foto: Warta)</figcaption></figure>{}<div class="box"><b>Baca Juga</b><ul><li><a href="/x">Banjir Rendam Demak</a></li><li><a href="/y">Tol Semarang Dibuka</a></li></ul></div><p><a href="/z">Baca juga: Anggaran Jalan Naik</a></p>{}</article></body></html>"#,
            paras(),
            ""
        );
        let p = Page::parse(&html, Extract::Main);
        assert_article(&p, &["Jalan berlubang", "Banjir Rendam", "Tol Semarang"]);
        assert!(p.text().contains("Baca juga: Anggaran Jalan Naik"), "a single link line is kept, and classified later");
    }

    #[test]
    fn a_page_with_nothing_to_translate_says_why() {
        let reason = |html: &str| Page::from_bytes(html.as_bytes(), Extract::Main).err().unwrap_or_default();
        let empty = reason("<html><head><title>Kosong</title></head><body></body></html>");
        assert!(empty.contains("empty body"), "{empty}");
        let scripts = reason(r#"<html><body><div id="app"></div><script>render({"judul": "Jalan Rusak"})</script></body></html>"#);
        assert!(scripts.contains("JavaScript"), "{scripts}");
        let links = reason(r#"<html><body><ul><li><a href="/a">Nasional</a></li><li><a href="/b">Daerah</a></li></ul></body></html>"#);
        assert!(links.contains("links or page furniture") && links.contains("--html-extract all"), "{links}");
        assert!(Page::from_bytes(b"<html><body><ul><li><a href=\"/a\">Nasional</a></li></ul></body></html>", Extract::All).is_ok());
    }
}
