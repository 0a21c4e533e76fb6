//! Glossary: terms that must not be translated (names, brands) and terms with a fixed
//! translation, protected through translation by placeholders.
//!
//! Why placeholders: CTranslate2 offers no lexical constraints, and the same mechanism must
//! work for Marian and NLLB models alike. Each glossary term found in a sentence is replaced by
//! a four-digit number that does not occur in the sentence (8301, 8302, ...). Translation
//! models copy numbers like these through (years, counts) far more reliably than invented
//! words or markup tags, which they translate, transliterate or drop. After translation each
//! number is replaced by the term's fixed target. When the model did not copy a placeholder
//! exactly once, the sentence is translated again without placeholders and any term whose
//! target is missing from the output is flagged (`glossary_missing`).

use std::ops::Range;
use std::path::Path;

use crate::error::{Error, Result};

#[derive(Clone, Debug, PartialEq, Eq)]
struct Term {
    pub(crate) source: String,
    /// Equal to `source` for do-not-translate terms.
    pub(crate) target: String,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Glossary {
    /// Longest source first, so that "Bank Indonesia" wins over "Bank".
    terms: Vec<Term>,
    /// Short hash of the terms (part of the translation memory key and the manifest).
    pub(crate) fingerprint: String,
}

/// A sentence with its glossary terms replaced by placeholders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Protected {
    pub(crate) text: String,
    /// (placeholder, term index) in order of appearance.
    pub(crate) slots: Vec<(String, usize)>,
}

impl Glossary {
    /// Read a TSV file: `source<TAB>target` for a fixed translation, `source` alone (or with an
    /// empty target) for a term kept as it is. Blank lines and lines starting with `#` are skipped.
    pub(crate) fn load(path: &Path) -> Result<Glossary> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = String::from_utf8(bytes)
            .map_err(|e| Error::input(path, format!("glossary is not UTF-8 (byte {})", e.utf8_error().valid_up_to())))?;
        let mut terms = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let mut cols = line.split('\t');
            let source = cols.next().unwrap_or("").trim().to_string();
            let target = cols.next().map(str::trim).filter(|t| !t.is_empty()).unwrap_or(&source).to_string();
            if cols.next().is_some() {
                return Err(Error::input(path, format!("line {}: expected `source<TAB>target`, found more columns", n + 1)));
            }
            if source.is_empty() {
                return Err(Error::input(path, format!("line {}: empty source term", n + 1)));
            }
            terms.push(Term { source, target });
        }
        Ok(Glossary::new(terms))
    }

    fn new(mut terms: Vec<Term>) -> Glossary {
        terms.sort_by(|a, b| b.source.chars().count().cmp(&a.source.chars().count()).then_with(|| a.source.cmp(&b.source)));
        terms.dedup_by(|a, b| a.source == b.source);
        let mut h = blake3::Hasher::new();
        for t in &terms {
            h.update(t.source.as_bytes());
            h.update(b"\t");
            h.update(t.target.as_bytes());
            h.update(b"\n");
        }
        let fingerprint = crate::short_hash(h.finalize());
        Glossary { terms, fingerprint }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    #[cfg(test)]
    fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// Non-overlapping occurrences (byte range, term index), in text order. Matches are
    /// case-sensitive and must start and end at word boundaries.
    fn find(&self, text: &str) -> Vec<(Range<usize>, usize)> {
        let mut taken: Vec<(Range<usize>, usize)> = Vec::new();
        for (ti, term) in self.terms.iter().enumerate() {
            for (start, m) in text.match_indices(term.source.as_str()) {
                let end = start + m.len();
                let before = text[..start].chars().next_back();
                let after = text[end..].chars().next();
                let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
                if boundary(before) && boundary(after) && !taken.iter().any(|(r, _)| r.start < end && start < r.end) {
                    taken.push((start..end, ti));
                }
            }
        }
        taken.sort_by_key(|(r, _)| r.start);
        taken
    }

    /// The text with each term replaced by a placeholder, or None when no term occurs.
    pub(crate) fn protect(&self, text: &str) -> Option<Protected> {
        let found = self.find(text);
        if found.is_empty() {
            return None;
        }
        let mut candidates = (8301..9999).map(|n| n.to_string()).filter(|p| !text.contains(p.as_str()));
        let mut out = String::with_capacity(text.len());
        let mut slots = Vec::new();
        let mut pos = 0;
        for (r, ti) in found {
            let p = candidates.next()?;
            out.push_str(&text[pos..r.start]);
            out.push_str(&p);
            slots.push((p, ti));
            pos = r.end;
        }
        out.push_str(&text[pos..]);
        Some(Protected { text: out, slots })
    }

    /// Put the terms' targets in place of the placeholders; None when a placeholder is missing
    /// or repeated in the output (then the caller translates without placeholders).
    pub(crate) fn restore(&self, protected: &Protected, output: &str) -> Option<String> {
        let mut out = output.to_string();
        for (p, ti) in &protected.slots {
            let hits: Vec<usize> = out.match_indices(p.as_str()).map(|(i, _)| i).collect();
            let whole = |i: usize| {
                let before = out[..i].chars().next_back();
                let after = out[i + p.len()..].chars().next();
                before.is_none_or(|c| !c.is_ascii_digit()) && after.is_none_or(|c| !c.is_ascii_digit())
            };
            match hits.as_slice() {
                [i] if whole(*i) => out.replace_range(*i..*i + p.len(), &self.terms[*ti].target),
                _ => return None,
            }
        }
        Some(out)
    }

    /// Targets of the terms in `source` that `target` does not contain.
    pub(crate) fn missing(&self, source: &str, target: &str) -> Vec<String> {
        let mut missing: Vec<String> = Vec::new();
        for (_, ti) in self.find(source) {
            let t = &self.terms[ti].target;
            if !target.contains(t.as_str()) && !missing.contains(t) {
                missing.push(t.clone());
            }
        }
        missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g() -> Glossary {
        Glossary::new(vec![
            Term { source: "Bank Indonesia".into(), target: "Bank Indonesia".into() },
            Term { source: "Bank".into(), target: "Bank".into() },
            Term { source: "Dewan Keamanan PBB".into(), target: "UN Security Council".into() },
            Term { source: "Jokowi".into(), target: "Jokowi".into() },
        ])
    }

    #[test]
    fn longest_terms_win_and_words_must_be_whole() {
        let gl = g();
        let f = gl.find("Bank Indonesia dan Bank Mandiri, bukan Bankir Jokowi.");
        let terms: Vec<&str> = f.iter().map(|(_, ti)| gl.terms()[*ti].source.as_str()).collect();
        assert_eq!(terms, vec!["Bank Indonesia", "Bank", "Jokowi"]);
    }

    #[test]
    fn protect_and_restore_round_trip() {
        let gl = g();
        let p = gl.protect("Jokowi meminta Dewan Keamanan PBB bersidang pada 8301.").unwrap();
        assert_eq!(p.text, "8302 meminta 8303 bersidang pada 8301.", "numbers already in the text are skipped");
        let restored = gl.restore(&p, "8302 asked the 8303 to meet on 8301.").unwrap();
        assert_eq!(restored, "Jokowi asked the UN Security Council to meet on 8301.");
        assert_eq!(gl.restore(&p, "8302 asked the council to meet."), None, "a dropped placeholder");
        assert_eq!(gl.restore(&p, "8302 and 8302 asked 8303."), None, "a repeated placeholder");
        assert_eq!(gl.restore(&p, "83021 asked 8303."), None, "part of a longer number is not the placeholder");
        assert!(gl.protect("Tidak ada istilah di sini.").is_none());
    }

    #[test]
    fn missing_targets_are_reported() {
        let gl = g();
        assert_eq!(gl.missing("Dewan Keamanan PBB bersidang.", "The Security Council met."), vec!["UN Security Council"]);
        assert!(gl.missing("Dewan Keamanan PBB bersidang.", "The UN Security Council met.").is_empty());
    }

    #[test]
    fn tsv_files_load_with_clear_errors() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("g.tsv");
        std::fs::write(&p, "# names\nJokowi\nDewan Keamanan PBB\tUN Security Council\r\n\nBI\t\n").unwrap();
        let gl = Glossary::load(&p).unwrap();
        assert_eq!(gl.terms().len(), 3);
        assert!(gl.terms().iter().any(|t| t.source == "BI" && t.target == "BI"));
        std::fs::write(&p, "a\tb\tc\n").unwrap();
        let e = Glossary::load(&p).unwrap_err().to_string();
        assert!(e.contains("g.tsv") && e.contains("line 1"), "{e}");
    }
}
