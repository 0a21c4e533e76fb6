//! Indonesian calendar words and boilerplate labels in one place: the block classifier, the
//! sentence splitter and the rule-based translation of datelines and labels all read these.

/// Month names (and their common variant spellings) with their English names.
pub(crate) const MONTHS: &[(&str, &str)] = &[
    ("januari", "January"),
    ("februari", "February"),
    ("pebruari", "February"),
    ("maret", "March"),
    ("april", "April"),
    ("mei", "May"),
    ("juni", "June"),
    ("juli", "July"),
    ("agustus", "August"),
    ("september", "September"),
    ("oktober", "October"),
    ("november", "November"),
    ("desember", "December"),
];

/// English month names that scraped Indonesian pages also use in datelines.
pub(crate) const ENGLISH_MONTHS: &[&str] = &["january", "february", "march", "may", "june", "july", "august", "october", "december"];

/// Month abbreviations, Indonesian and English, as written (capitalised) before a number:
/// "Jan. 2022", "Agt 2021", "Sept. 11".
pub(crate) const MONTH_ABBREVIATIONS: &[&str] =
    &["Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Agu", "Agt", "Ags", "Aug", "Sep", "Sept", "Okt", "Oct", "Nov", "Des", "Dec"];

/// Day names (and variants) with their English names.
pub(crate) const DAYS: &[(&str, &str)] = &[
    ("senin", "Monday"),
    ("selasa", "Tuesday"),
    ("rabu", "Wednesday"),
    ("kamis", "Thursday"),
    ("jumat", "Friday"),
    ("jum'at", "Friday"),
    ("sabtu", "Saturday"),
    ("minggu", "Sunday"),
    ("ahad", "Sunday"),
];

/// Labels that open a link to another article ("Baca Juga: ..."), with their English.
pub(crate) const RELATED_LABELS: &[(&str, &str)] = &[
    ("baca juga", "Read also"),
    ("baca pula", "Read also"),
    ("baca selengkapnya", "Read more"),
    ("lihat juga", "See also"),
    ("simak juga", "See also"),
    ("simak", "Watch"),
    ("tonton juga", "Watch also"),
    ("artikel terkait", "Related article"),
    ("berita terkait", "Related news"),
    ("pilihan editor", "Editor's picks"),
];

/// Labels of metadata lines ("Editor: ...", "Sumber: ..."), Indonesian and the English ones
/// outlets also use, with their English.
pub(crate) const METADATA_LABELS: &[(&str, &str)] = &[
    ("editor", "Editor"),
    ("penyunting", "Editor"),
    ("redaktur", "Editor"),
    ("red", "Editor"),
    ("penulis", "Writer"),
    ("writer", "Writer"),
    ("reporter", "Reporter"),
    ("pewarta", "Reporter"),
    ("rep", "Reporter"),
    ("kontributor", "Contributor"),
    ("sumber", "Source"),
    ("source", "Source"),
    ("foto", "Photo"),
    ("fotografer", "Photographer"),
    ("video", "Video"),
    ("ilustrasi", "Illustration"),
    ("laporan", "Report"),
    ("halaman", "Page"),
    ("tags", "Tags"),
    ("tag", "Tags"),
    ("topik", "Topics"),
    ("kata kunci", "Keywords"),
    ("copyright", "Copyright"),
    ("hak cipta", "Copyright"),
];

/// `a|b|c` of the first column, for building regular expressions (a space matches any run of
/// whitespace).
pub(crate) fn alternation(words: &[(&str, &str)]) -> String {
    words.iter().map(|(id, _)| id.replace(' ', r"\s+")).collect::<Vec<_>>().join("|")
}

/// The English of an Indonesian month or day name (any case).
pub(crate) fn english(word: &str) -> Option<&'static str> {
    let w = word.to_lowercase();
    MONTHS.iter().chain(DAYS).find(|(id, _)| *id == w).map(|(_, en)| *en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_abbreviation_starts_a_month() {
        let all: Vec<String> = MONTHS.iter().map(|(id, _)| id.to_string()).chain(ENGLISH_MONTHS.iter().map(|m| m.to_string())).collect();
        for a in MONTH_ABBREVIATIONS {
            let a = a.to_lowercase();
            // "Agt", "Ags": Agustus abbreviated by its consonants.
            assert!(all.iter().any(|m| m.starts_with(&a[..2]) && a.chars().all(|c| m.contains(c))), "{a}");
        }
        assert_eq!(english("JUM'AT"), Some("Friday"));
        assert_eq!(english("pekan"), None);
    }
}
