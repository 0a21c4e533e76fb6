//! Datelines and boilerplate labels translated by fixed rules, so that a small model never
//! garbles them.

use std::sync::LazyLock;

use regex::Regex;

use crate::text::lexicon;

static LABEL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[^:|]{1,30}[:|]").unwrap());

/// End of a leading "Label:" of a boilerplate line.
pub(crate) fn label_end(text: &str) -> Option<usize> {
    LABEL.find(text).map(|m| m.end())
}

/// Month and day names, and "pukul" (o'clock) before a time.
static CALENDAR: LazyLock<Regex> = LazyLock::new(|| {
    let words = format!("{}|{}", lexicon::alternation(lexicon::MONTHS), lexicon::alternation(lexicon::DAYS));
    Regex::new(&format!(r"(?i)\b({words}|pukul)\b")).unwrap()
});

/// A dateline or a boilerplate label in English: labels from [`lexicon`], month and day names
/// from [`lexicon`]; everything else (numbers, names, punctuation) as it is.
pub(crate) fn rule_translate(text: &str) -> String {
    let lower = text.to_lowercase();
    for (id, en) in lexicon::RELATED_LABELS.iter().chain(lexicon::METADATA_LABELS) {
        if let Some(rest) = lower.strip_prefix(id).filter(|_| text.is_char_boundary(id.len())) {
            if rest.trim_start().starts_with([':', '|']) || rest.trim().is_empty() {
                let sep = &text[id.len()..];
                return format!("{en}{sep}");
            }
        }
    }
    CALENDAR.replace_all(text, |c: &regex::Captures| lexicon::english(&c[1]).unwrap_or("at")).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_map_dates_and_labels() {
        assert_eq!(rule_translate("- 28 Januari 2022, 11:09 WIB"), "- 28 January 2022, 11:09 WIB");
        assert_eq!(rule_translate("Jumat, 4 Maret 2022 pukul 10.00"), "Friday, 4 March 2022 at 10.00");
        assert_eq!(rule_translate("Baca Juga:"), "Read also:");
        assert_eq!(rule_translate("Sumber:"), "Source:");
        // Every label of the lexicon, metadata and related alike (the classifier's lists).
        assert_eq!(rule_translate("Red: asp"), "Editor: asp");
        assert_eq!(rule_translate("Rep: Dedi"), "Reporter: Dedi");
        assert_eq!(rule_translate("Pilihan Editor:"), "Editor's picks:");
    }
}
