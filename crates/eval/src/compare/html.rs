//! The comparison as one self-contained HTML page: inline CSS, no script, no network; tables
//! scroll sideways on their own on a narrow screen, and bars are cell backgrounds (no chart
//! library). Every text from the inputs is escaped. Systems are `S1`, `S2`, ... on the page,
//! each with its colour, and named in full at the top.

use std::fmt::Write;

use super::buckets::WordAccuracy;
use super::ngrams::SalientNgram;
use super::sentences::{Example, Output};
use super::{Comparison, Pair};

const CSS: &str = r#"
:root{--fg:#1d2330;--mute:#5b6475;--line:#dde1e8;--bg:#fff;--head:#f4f6f9;--mark:#c8f0c0}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1100px;margin:0 auto;padding:12px 14px 40px}
h1{font-size:1.45em;margin:.4em 0 .2em}h2{font-size:1.2em;margin:1.6em 0 .4em;padding-top:.4em;border-top:1px solid var(--line)}
h3{font-size:1em;margin:1.1em 0 .4em}
p{margin:.35em 0}.mute,.note{color:var(--mute)}.note{font-size:.88em}
code{font-size:.9em;overflow-wrap:anywhere}
nav{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.92em;margin:.6em 0}
nav a{color:#2456a6;text-decoration:none}
ol.sys{padding-left:0;list-style:none;margin:.4em 0}ol.sys li{margin:.15em 0;overflow-wrap:anywhere}
.sw{display:inline-block;width:.8em;height:.8em;border-radius:2px;background:var(--c);margin-right:.35em;vertical-align:-.05em}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.3em 0}
table{border-collapse:collapse;font-size:.92em;font-variant-numeric:tabular-nums}
th,td{padding:3px 8px;border-bottom:1px solid var(--line);text-align:right;white-space:nowrap}
th{background:var(--head);font-weight:600}
th:first-child,td.l{text-align:left}
td.bar{background:linear-gradient(90deg,var(--c) var(--w),transparent var(--w))}
td small{color:var(--mute);margin-left:.3em}
table.scores td small{display:block;margin:0;font-size:.8em;line-height:1.25}
.sig{font-weight:700}
.cols{display:flex;flex-wrap:wrap;gap:6px 22px}.cols>div{flex:1 1 320px;min-width:0}
td.ng{text-align:left;white-space:normal;overflow-wrap:anywhere;min-width:8em}
.ex{border:1px solid var(--line);border-radius:6px;padding:6px 10px;margin:8px 0}
.ex p{margin:.2em 0;overflow-wrap:anywhere}
.ex .h{color:var(--mute);font-size:.88em}
.lab{display:inline-block;min-width:2.6em;font-weight:600;font-size:.85em;color:var(--mute)}
.ex p.o{border-left:4px solid var(--c);padding-left:6px}
mark{background:var(--mark);color:inherit;border-radius:2px}
footer{margin-top:1em}
footer li{margin:.25em 0}
.s0{--c:#bcd3f7}.s1{--c:#f7cfb5}.s2{--c:#c4e6c1}.s3{--c:#dcc8f0}.s4{--c:#f1e2a0}.s5{--c:#bfe5ea}
"#;

/// Colours cycle after this many systems.
const COLOURS: usize = 6;

/// `s` with `&`, `<`, `>`, `"` and `'` escaped, for text and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `S1`, `S2`, ...
fn label(s: usize) -> String {
    format!("S{}", s + 1)
}

/// A system's colour swatch and label.
fn swatch(s: usize) -> String {
    format!(r#"<span class="sw s{}"></span>{}"#, s % COLOURS, label(s))
}

/// A table cell with a bar of `fraction` (clamped to [0, 1]) in system `s`'s colour.
fn bar(s: usize, fraction: f64, text: &str, title: Option<&str>) -> String {
    let w = (fraction.clamp(0.0, 1.0) * 100.0 * 10.0).round() / 10.0;
    let title = title.map(|t| format!(r#" title="{}""#, esc(t))).unwrap_or_default();
    format!(r#"<td class="bar s{}" style="--w:{w}%"{title}>{text}</td>"#, s % COLOURS)
}

/// The page.
pub(crate) fn render(c: &Comparison, width: usize) -> String {
    let n_sys = c.systems.len();
    let mut h = String::with_capacity(64 * 1024);
    let title = format!("System comparison: {} systems, {} segments", n_sys, c.segments);
    let _ = write!(
        h,
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>{}</title><style>{CSS}</style></head><body><main>"#,
        esc(&title)
    );
    let _ = write!(h, "<h1>System comparison</h1>");
    let refs: Vec<String> = c.references.iter().map(|r| format!("<code>{}</code>", esc(r))).collect();
    let _ = write!(
        h,
        r#"<p class="mute">{} segments · reference{} {} · words: <code>{}</code> tokens{}</p><ol class="sys">"#,
        c.segments,
        if refs.len() > 1 { "s" } else { "" },
        refs.join(", "),
        esc(&c.settings.tokenizer),
        if c.settings.lowercase { ", lowercased" } else { "" }
    );
    for (s, name) in c.systems.iter().enumerate() {
        let role = if n_sys > 1 && s == 0 { " (baseline)" } else { "" };
        let _ = write!(h, "<li>{}{role}: <code>{}</code></li>", swatch(s), esc(name));
    }
    h.push_str("</ol><nav>");
    let mut links: Vec<(String, String)> =
        [("scores", "Scores"), ("length", "By length"), ("chrf", "By sentence score"), ("words", "By word frequency")]
            .map(|(id, text)| (id.to_string(), text.to_string()))
            .into();
    links.extend(c.pairs.iter().map(|p| (format!("pair-{}", p.system + 1), format!("{} vs {}", label(p.baseline), label(p.system)))));
    for (id, text) in &links {
        let _ = write!(h, r##"<a href="#{id}">{text}</a>"##);
    }
    h.push_str("</nav>");
    scores(&mut h, c, width);
    length(&mut h, c, width);
    chrf(&mut h, c);
    words(&mut h, c);
    if c.pairs.is_empty() {
        h.push_str(r#"<h2>Comparison</h2><p class="mute">One system: the n-grams and sentences that favour one system over another need two or more (<code>-i SYS1 SYS2 ...</code>).</p>"#);
    }
    for p in &c.pairs {
        pair(&mut h, c, p);
    }
    footer(&mut h, c);
    h.push_str("</main></body></html>\n");
    h
}

fn scores(h: &mut String, c: &Comparison, width: usize) {
    h.push_str(r#"<h2 id="scores">Corpus scores</h2><div class="scroll"><table class="scores"><thead><tr><th>System</th>"#);
    for m in &c.corpus {
        let _ = write!(h, "<th>{}{}</th>", esc(&m.name), if m.higher_is_better { "" } else { " ↓" });
    }
    h.push_str("</tr></thead><tbody>");
    // The best score of each metric in bold (with several systems).
    let best: Vec<Option<usize>> = c
        .corpus
        .iter()
        .map(|m| {
            let key = |s: &usize| if m.higher_is_better { m.systems[*s].score.score } else { -m.systems[*s].score.score };
            (0..m.systems.len()).max_by(|a, b| key(a).total_cmp(&key(b))).filter(|_| m.systems.len() > 1)
        })
        .collect();
    for s in 0..c.systems.len() {
        let _ = write!(h, "<tr><th>{}</th>", swatch(s));
        for (m, best) in c.corpus.iter().zip(&best) {
            let x = &m.systems[s];
            let text = format!("{:.width$}", x.score.score);
            let _ = write!(h, "<td>{}", if *best == Some(s) { format!("<b>{text}</b>") } else { text });
            if let Some((mean, ci)) = x.score.confidence {
                let _ = write!(h, r#"<small title="bootstrap mean {mean:.width$}">± {ci:.width$}</small>"#);
            }
            if let Some(p) = x.p_value {
                let sig = if p < 0.05 { r#" <span class="sig">*</span>"# } else { "" };
                let _ = write!(h, "<small>p = {p:.4}{sig}</small>");
            }
            h.push_str("</td>");
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table></div>");
    let st = &c.settings;
    let seed = st.seed.map_or_else(|| "drawn at random".to_string(), |s| format!("seed {s}"));
    let _ = write!(
        h,
        r#"<p class="note">Best in bold; ↓ lower is better. ± half-width of the 95% bootstrap interval ({} resamples, {seed}; as <code>terjemah eval --confidence</code>)."#,
        st.confidence_resamples
    );
    if c.systems.len() > 1 {
        let test = if st.paired_test == "bs" { "paired bootstrap resampling" } else { "paired approximate randomization" };
        let _ = write!(
            h,
            r#" p: {test} against S1 ({} samples; as <code>--paired-{}</code>); <span class="sig">*</span> p &lt; 0.05."#,
            st.paired_samples, st.paired_test
        );
    }
    h.push_str("</p>");
}

/// Header cells `S1 S2 ...`.
fn system_headers(h: &mut String, n: usize) {
    for s in 0..n {
        let _ = write!(h, "<th>{}</th>", swatch(s));
    }
}

fn length(h: &mut String, c: &Comparison, width: usize) {
    h.push_str(r#"<h2 id="length">By reference length</h2><p class="note">Sentences bucketed by the length of their reference in words; each bucket scored as a corpus of its own.</p><div class="cols">"#);
    for (k, name) in c.length_metrics.iter().enumerate() {
        let _ = write!(h, r#"<div><h3>{}</h3><div class="scroll"><table><thead><tr><th>Words</th><th>Sentences</th>"#, esc(name));
        system_headers(h, c.systems.len());
        h.push_str("</tr></thead><tbody>");
        for b in &c.length_buckets {
            let _ = write!(h, r#"<tr><td class="l">{}</td><td>{}</td>"#, esc(&b.label), b.sentences);
            for (s, score) in b.scores[k].iter().enumerate() {
                match score {
                    Some(x) => h.push_str(&bar(s, x / 100.0, &format!("{x:.width$}"), None)),
                    None => h.push_str("<td>–</td>"),
                }
            }
            h.push_str("</tr>");
        }
        h.push_str("</tbody></table></div></div>");
    }
    h.push_str("</div>");
}

fn chrf(h: &mut String, c: &Comparison) {
    let _ = write!(
        h,
        r#"<h2 id="chrf">By sentence {0}</h2><p class="note">Sentences of each system counted by their sentence-level {0}.</p><div class="scroll"><table><thead><tr><th>{0}</th>"#,
        esc(&c.settings.sentence_metric)
    );
    system_headers(h, c.systems.len());
    h.push_str("</tr></thead><tbody>");
    let max = c.score_buckets.iter().flat_map(|b| b.sentences.iter().copied()).max().unwrap_or(0).max(1) as f64;
    for b in &c.score_buckets {
        let _ = write!(h, r#"<tr><td class="l">{}</td>"#, esc(&b.label));
        for (s, &n) in b.sentences.iter().enumerate() {
            h.push_str(&bar(s, n as f64 / max, &n.to_string(), None));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table></div>");
}

fn words(h: &mut String, c: &Comparison) {
    let from = if c.settings.frequencies == "reference" {
        "in the reference".to_string()
    } else {
        format!("in <code>{}</code>", esc(&c.settings.frequencies))
    };
    let _ = write!(
        h,
        r#"<h2 id="words">Word F-measure by frequency</h2><p class="note">Words bucketed by how often they occur {from}; per bucket, the F-measure of the output words that match the reference (hover or tap a cell for recall and precision).</p><div class="scroll"><table><thead><tr><th>Frequency</th><th>Ref. words</th>"#
    );
    system_headers(h, c.systems.len());
    h.push_str("</tr></thead><tbody>");
    for b in &c.word_buckets {
        let _ = write!(h, r#"<tr><td class="l">{}</td><td>{}</td>"#, esc(&b.label), b.reference_words);
        for (s, a) in b.systems.iter().enumerate() {
            let WordAccuracy { matches, output_words, recall, precision, f_measure } = *a;
            let title = format!("recall {recall:.3}, precision {precision:.3}: {matches} matches, {output_words} output words");
            h.push_str(&bar(s, f_measure, &format!("{f_measure:.3}"), Some(&title)));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table></div>");
}

fn ngram_table(h: &mut String, p: &Pair, rows: &[SalientNgram], favoured: usize) {
    let _ = write!(
        h,
        r#"<div><h3>N-grams in favour of {}</h3><div class="scroll"><table><thead><tr><th>n-gram</th><th>{}</th><th>{}</th><th>Score</th></tr></thead><tbody>"#,
        swatch(favoured),
        swatch(p.baseline),
        swatch(p.system)
    );
    if rows.is_empty() {
        h.push_str(r#"<tr><td class="l" colspan="4">none</td></tr>"#);
    }
    for g in rows {
        let _ = write!(
            h,
            r#"<tr><td class="ng">{}</td><td>{}</td><td>{}</td><td>{:.3}</td></tr>"#,
            esc(&g.ngram),
            g.baseline,
            g.system,
            g.score
        );
    }
    h.push_str("</tbody></table></div></div>");
}

/// `text` with the `matched` byte ranges in `<mark>`.
fn marked(o: &Output) -> String {
    let mut out = String::with_capacity(o.text.len() + 16 * o.matched.len());
    let mut at = 0;
    for r in &o.matched {
        out.push_str(&esc(&o.text[at..r.start]));
        out.push_str("<mark>");
        out.push_str(&esc(&o.text[r.clone()]));
        out.push_str("</mark>");
        at = r.end;
    }
    out.push_str(&esc(&o.text[at..]));
    out
}

fn examples(h: &mut String, c: &Comparison, p: &Pair, list: &[Example], better: usize) {
    let _ = write!(h, "<h3>Sentences where {} is better</h3>", swatch(better));
    if list.is_empty() {
        h.push_str(r#"<p class="mute">None.</p>"#);
    }
    let metric = esc(&c.settings.sentence_metric);
    for e in list {
        let _ = write!(
            h,
            r#"<div class="ex"><p class="h">line {} · {metric} {} {:.1} → {} {:.1} ({:+.1})</p><p><span class="lab">Ref</span>{}</p>"#,
            e.line,
            label(p.baseline),
            e.baseline.score,
            label(p.system),
            e.system.score,
            e.difference,
            esc(&e.reference)
        );
        for (s, o) in [(p.baseline, &e.baseline), (p.system, &e.system)] {
            let _ = write!(h, r#"<p class="o s{}"><span class="lab">{}</span>{}</p>"#, s % COLOURS, label(s), marked(o));
        }
        h.push_str("</div>");
    }
}

fn pair(h: &mut String, c: &Comparison, p: &Pair) {
    let _ = write!(h, r#"<h2 id="pair-{}">{} vs {}</h2>"#, p.system + 1, swatch(p.baseline), swatch(p.system));
    h.push_str(r#"<p class="note">N-grams (n = 1–4) that match the reference more often in one system's output than in the other's, by the smoothed score (m1 + 1) / (m1 + m2 + 2) of their match counts.</p><div class="cols">"#);
    ngram_table(h, p, &p.ngrams_baseline, p.baseline);
    ngram_table(h, p, &p.ngrams_system, p.system);
    let _ = write!(
        h,
        r#"</div><p class="note">Sentences with the largest difference of sentence-level {}; <mark>marked</mark>: words that match the reference.</p>"#,
        esc(&c.settings.sentence_metric)
    );
    examples(h, c, p, &p.system_better, p.system);
    examples(h, c, p, &p.baseline_better, p.baseline);
}

fn footer(h: &mut String, c: &Comparison) {
    let st = &c.settings;
    h.push_str(r#"<footer><h2>Definitions</h2><ul class="note">"#);
    let _ = write!(
        h,
        "<li>Words: the tokens of BLEU's tokenizer (<code>{}</code>{}); the word analyses use the first reference.</li>",
        esc(&st.tokenizer),
        if st.lowercase { ", lowercased" } else { ", case kept" }
    );
    h.push_str(
        "<li>Buckets follow compare-mt (Neubig et al. 2019): reference length cut at 10, 20, …, 60 words; sentence score at 10, 20, …, 90; \
         word frequency at 1, 2, 3, 4, 5, 10, 100, 1000.</li>\
         <li>A word of the output matches when the reference of its sentence has one more occurrence of it than the output had before \
         (the k-th occurrence matches if the reference has k). Per bucket: recall = matches / reference words, precision = matches / \
         output words, F = 2PR / (P + R); 0 without a match.</li>",
    );
    let _ = write!(
        h,
        "<li>N-grams: a system's n-gram matches when its sentence's reference has an occurrence of it not matched yet (clipped counts); \
         score (m1 + α) / (m1 + m2 + 2α), α = {}, which orders n-grams as the ratio (m1 + α) / (m2 + α) does; top {} each way, ties by \
         more matches, then by text.</li>",
        st.ngram_alpha, st.top
    );
    let _ = write!(
        h,
        "<li>Sentences: the {} largest differences of sentence-level {} each way; repeated segments shown once.</li></ul><p class=\"note\">Signatures:</p><ul class=\"note\">",
        st.top,
        esc(&st.sentence_metric)
    );
    for m in &c.corpus {
        let _ = write!(h, "<li>{}: <code>{}</code></li>", esc(&m.name), esc(&m.signature));
    }
    h.push_str("</ul><p class=\"note\">Every number is in the JSON twin of this page.</p></footer>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        assert_eq!(esc(r#"a<b>&"c"'d'"#), "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
        let o = Output { text: "x <y> & z".into(), score: 0.0, matched: vec![2..5, 8..9] };
        assert_eq!(marked(&o), "x <mark>&lt;y&gt;</mark> &amp; <mark>z</mark>");
    }
}
