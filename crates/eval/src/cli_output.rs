//! What the sacrebleu 2.5.1 command line prints, byte for byte (without its terminal colours,
//! which it drops too when its output is not a terminal): one JSON object per score (`-f
//! json`, the default), aligned score lines (`-f text`), sentence-level lines, and the tables
//! of several systems and of paired tests (`fancy_grid` for text, `latex_booktabs` for latex,
//! a JSON list for json).

use crate::pyfmt::{dumps, rounded, tabulate, Json};
use crate::report::{align_on_equals, CorpusResult, SentenceResult, SignedScore};
use crate::significance::PairedResult;
use crate::{Format, Score};

/// `Score.format(width, signature=sig, is_json=True)`: the score rounded to `width`, then its
/// details and the signature's fields, as `json.dumps(indent=1, ensure_ascii=False)`.
pub(crate) fn score_json(score: &Score, width: usize, signature: &str) -> String {
    let mut d = vec![
        ("name".to_string(), Json::Str(score.name.clone())),
        ("score".to_string(), Json::Float(rounded(score.score, width))),
        ("signature".to_string(), Json::Str(signature.to_string())),
    ];
    if let Some((mean, ci)) = score.confidence.filter(|(mean, _)| *mean > 0.0) {
        d.push(("confidence_mean".into(), Json::Float(rounded(mean, width))));
        d.push(("confidence_var".into(), Json::Float(rounded(ci, width))));
        d.push(("confidence".into(), Json::Str(format!("μ = {mean:.width$} ± {ci:.width$}"))));
    }
    if let Some(v) = score.verbose() {
        d.push(("verbose_score".into(), Json::Str(v)));
    }
    for field in signature.split('|') {
        let (k, v) = field.split_once(':').unwrap_or((field, ""));
        d.push((k.to_string(), Json::Str(v.to_string())));
    }
    dumps(&Json::Object(d), 1, false)
}

/// One system's corpus scores (`print_single_results`): JSON objects (a list when several),
/// or text lines aligned on their `=`.
pub(crate) fn single_system(scores: &[SignedScore], sigs: &[String], width: usize, json: bool, score_only: bool) -> String {
    let lines: Vec<String> = scores
        .iter()
        .zip(sigs)
        .map(|(s, sig)| {
            if score_only {
                s.score.score_text(width)
            } else if json {
                score_json(&s.score, width, sig)
            } else {
                s.score.format(width, sig)
            }
        })
        .collect();
    if json && lines.len() > 1 {
        format!("[\n{}\n]", lines.join(",\n"))
    } else if score_only {
        lines.join("\n")
    } else {
        align_on_equals(&lines)
    }
}

/// `--sentence-level`: one line per segment and metric.
pub(crate) fn sentence_lines(r: &SentenceResult, sigs: &[String], width: usize, score_only: bool) -> String {
    let mut out = Vec::with_capacity(r.scores.len() * sigs.len());
    for line in &r.scores {
        for (score, sig) in line.iter().zip(sigs) {
            out.push(if score_only { score.score_text(width) } else { score.format(width, sig) });
        }
    }
    out.join("\n")
}

/// `print_results_table`'s signature block.
fn signatures_block(sigs: &[(String, String)]) -> String {
    let mut out = String::from("-----------------\nMetric signatures\n-----------------");
    for (name, sig) in sigs {
        out.push_str(&format!("\n - {name:<10} {sig}"));
    }
    out
}

/// Several systems, no test: a table of scores (or a JSON list), then the signatures.
pub(crate) fn systems_table(r: &CorpusResult, sigs: &[String], width: usize, format: Format) -> String {
    let names: Vec<String> = r.systems[0].scores.iter().map(|s| s.score.name.clone()).collect();
    if format == Format::Json {
        let items = r
            .systems
            .iter()
            .map(|s| {
                let mut o = vec![("system".to_string(), Json::Str(s.hyp.clone()))];
                o.extend(s.scores.iter().map(|sc| (sc.score.name.clone(), Json::Str(sc.score.score_text(width)))));
                Json::Object(o)
            })
            .collect();
        return dumps(&Json::List(items), 4, true);
    }
    let mut headers = vec!["System".to_string()];
    headers.extend(names.iter().cloned());
    let rows: Vec<Vec<String>> = r
        .systems
        .iter()
        .map(|s| std::iter::once(s.hyp.clone()).chain(s.scores.iter().map(|sc| sc.score.score_text(width))).collect())
        .collect();
    let table = tabulate(&headers, &rows, format == Format::Latex);
    format!("{table}\n\n{}", signatures_block(&names.into_iter().zip(sigs.iter().cloned()).collect::<Vec<_>>()))
}

/// A paired test as `-f json`: per system, each metric's `Result` (`score`, `p_value`, `mean`,
/// `ci`).
pub(crate) fn paired_json(r: &PairedResult) -> String {
    let opt = |x: Option<f64>| x.map_or(Json::Null, Json::Float);
    let items = (0..r.metrics[0].systems.len())
        .map(|s| {
            let mut o = vec![("system".to_string(), Json::Str(r.metrics[0].systems[s].system.clone()))];
            for m in &r.metrics {
                let x = &m.systems[s];
                o.push((
                    m.name.clone(),
                    Json::Object(vec![
                        ("score".into(), Json::Float(x.score)),
                        ("p_value".into(), opt(x.p_value)),
                        ("mean".into(), opt(x.mean)),
                        ("ci".into(), opt(x.ci)),
                    ]),
                ));
            }
            Json::Object(o)
        })
        .collect();
    dumps(&Json::List(items), 4, true)
}

/// A paired test as `-f text` or `-f latex`: the table, sacrebleu's explanation, the signatures.
pub(crate) fn paired_table(r: &PairedResult, width: usize, latex: bool, short: bool) -> String {
    let bootstrap = r.test == "bs";
    let mut headers = vec!["System".to_string()];
    headers.extend(r.metrics.iter().map(|m| if bootstrap { format!("{} (μ ± 95% CI)", m.name) } else { m.name.clone() }));
    let sep = if latex { " " } else { "\n" };
    let rows: Vec<Vec<String>> = (0..r.metrics[0].systems.len())
        .map(|s| {
            let mut row = vec![r.metrics[0].systems[s].system.clone()];
            for m in &r.metrics {
                let x = &m.systems[s];
                let mut cell = format!("{:.width$}", x.score);
                if let (Some(mean), Some(ci)) = (x.mean, x.ci) {
                    cell.push_str(&format!(" ({mean:.width$} ± {ci:.width$})"));
                }
                if let Some(p) = x.p_value {
                    cell.push_str(&format!("{sep}(p = {p:.4}){}", if p > 0.05 { "" } else { "*" }));
                }
                row.push(cell);
            }
            row
        })
        .collect();
    let table = tabulate(&headers, &rows, latex);
    let msg = if bootstrap {
        format!("Paired bootstrap resampling test with {} resampling trials", r.samples)
    } else {
        format!("Paired approximate randomization test with {} trials", r.samples)
    };
    let dashes = "-".repeat(msg.chars().count());
    // sacrebleu names the baseline here only when its name says so (`Baseline: FILE`), not for
    // standard input (`Baseline`).
    let first = &r.metrics[0].systems[0].system;
    let baseline = if first.starts_with("Baseline:") { first.as_str() } else { "" };
    let mut out = format!("{table}\n\n{dashes}\n{msg}\n{dashes}\n - Each system is pairwise compared to {baseline}.\n");
    out.push_str(if bootstrap {
        "   Actual system score / bootstrap estimated true mean / 95% CI are provided for each metric.\n"
    } else {
        "   Actual system score is provided for each metric.\n"
    });
    out.push_str(
        "\n - Null hypothesis: the system and the baseline translations are essentially\n   \
         generated by the same underlying process. For a given system and the baseline,\n   \
         the p-value is roughly the probability of the absolute score difference (delta)\n   \
         or higher occurring due to chance, under the assumption that the null hypothesis is correct.\n\n \
         - Assuming a significance threshold of 0.05, the null hypothesis can be rejected\n   \
         for p-values < 0.05 (marked with \"*\"). This means that the delta is unlikely to be attributed\n   \
         to chance, hence the system is significantly \"different\" than the baseline.\n   \
         Otherwise, the p-values are highlighted in red.\n\n \
         - NOTE: Significance does not tell whether a system is \"better\" than the baseline but rather\n   \
         emphasizes the \"difference\" of the systems in terms of the replicability of the delta.\n\n",
    );
    let sigs: Vec<(String, String)> =
        r.metrics.iter().map(|m| (m.name.clone(), if short { m.signature_short.clone() } else { m.signature.clone() })).collect();
    out.push_str(&signatures_block(&sigs));
    out
}
