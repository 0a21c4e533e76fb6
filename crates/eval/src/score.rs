//! [`Score`]: one metric's score as sacrebleu reports it, with BLEU's and TER's details and a
//! bootstrap interval, and its printed forms.

use crate::bleu::BleuScore;
use crate::ter::TerDetail;

/// One score of one metric.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Score {
    /// The metric's name ([`crate::Metric::name`]).
    pub name: String,
    /// The score.
    pub score: f64,
    /// BLEU's details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bleu: Option<BleuScore>,
    /// TER's statistics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ter: Option<TerDetail>,
    /// Bootstrap mean and half-width of the 95% interval (`--confidence`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<(f64, f64)>,
}

impl Score {
    /// A score without details.
    pub fn new(name: String, score: f64) -> Score {
        Score { name, score, bleu: None, ter: None, confidence: None }
    }

    /// sacrebleu's verbose part (BLEU only).
    pub fn verbose(&self) -> Option<String> {
        self.bleu.as_ref().map(BleuScore::verbose)
    }

    /// The score as sacrebleu prints it, with its confidence interval when it has one
    /// (`12.3 (μ = 12.4 ± 0.5)`; sacrebleu shows the interval only for a mean above 0).
    pub fn score_text(&self, width: usize) -> String {
        let mut s = format!("{:.width$}", self.score);
        if let Some((mean, ci)) = self.confidence.filter(|(mean, _)| *mean > 0.0) {
            s.push_str(&format!(" (μ = {mean:.width$} ± {ci:.width$})"));
        }
        s
    }

    /// sacrebleu's `Score.format(width, signature=...)`: `NAME|SIG = 12.3 verbose`.
    pub fn format(&self, width: usize, signature: &str) -> String {
        let mut s = if signature.is_empty() { self.name.clone() } else { format!("{}|{}", self.name, signature) };
        s.push_str(" = ");
        s.push_str(&self.score_text(width));
        if let Some(v) = self.verbose() {
            s.push(' ');
            s.push_str(&v);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_print_like_python() {
        // Python's f"{x:.1f}" rounds the exact binary value, ties to even: 0.25 is 0.2,
        // 0.35 (just below) 0.3, 99.95 (just below) 99.9... and the interval is shown only
        // for a positive mean.
        let mut s = Score::new("chrF2".into(), 0.25);
        assert_eq!(s.format(1, "nrefs:1"), "chrF2|nrefs:1 = 0.2");
        s.score = 99.95;
        s.confidence = Some((0.35, 0.125));
        assert_eq!(s.score_text(1), "100.0 (μ = 0.3 ± 0.1)");
        assert_eq!(s.score_text(2), "99.95 (μ = 0.35 ± 0.12)");
        s.confidence = Some((0.0, 0.5));
        assert_eq!(s.format(0, ""), "chrF2 = 100");
    }
}
