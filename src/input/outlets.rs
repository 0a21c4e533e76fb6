//! The recurring furniture of Indonesian news outlets (CNN Indonesia, detik, Kompas,
//! Tribunnews, ANTARA, Liputan6, Tempo, Republika, Okezone, Suara, ...) that scraped text
//! carries along with the article: agency and site datelines at the start of the first
//! paragraph, editor initials at its end, advertisements, video embeds, channel and newsletter
//! invitations, syndication notes, copyright lines and pagination.
//!
//! Each rule looks at one trimmed line; [`crate::input::blocks::structure`] decides the block
//! classes with them.

use std::sync::LazyLock;

use regex::Regex;

/// A capitalised place name of one to three words: "Jakarta", "JAKARTA", "Tanjung Pinang".
const PLACE: &str = r"[A-Z][A-Za-z'.]*(?:\s+[A-Z][A-Za-z'.]*){0,2}";
/// A site as outlets print it: "KOMPAS.com", "TRIBUNNEWS.COM", "TEMPO.CO", "REPUBLIKA.CO.ID".
const SITE: &str = r"[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z]{2,4}){1,2}";
/// News agencies and sites printed without a domain.
const AGENCY: &str = r"\(\s*(?:ANTARA|Antara)(?:\s+News)?\s*\)|CNN\s+Indonesia|CNBC\s+Indonesia|VIVA|KOMPAS\.TV";

/// "Jakarta, CNN Indonesia --", "TRIBUNNEWS.COM, JAKARTA -", "Jakarta (ANTARA) -",
/// "KOMPAS.com -", "Liputan6.com, Jakarta -", "TEMPO.CO, Jakarta -", "REPUBLIKA.CO.ID, JAKARTA --".
static AGENCY_DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"^(?:(?:{SITE}|{AGENCY})(?:\s*,\s*{PLACE})?|{PLACE}\s*,?\s*(?:{AGENCY}|{SITE}))\s*(?:--|[-–—])(?:\s+|$)")).unwrap()
});

/// detik's and Okezone's bare "Jakarta - " and "JAKARTA - ", trusted only at the start of the
/// article's first paragraph.
static PLACE_DATELINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!(r"^{PLACE}\s+(?:--|[-–—])(?:\s+|$)")).unwrap());

/// Length in bytes of the dateline that opens `line` ("Jakarta, CNN Indonesia --"), without
/// the space after it. `first_paragraph`: the bare place form ("Jakarta -") is accepted too.
pub(crate) fn dateline_prefix(line: &str, first_paragraph: bool) -> Option<usize> {
    let m = AGENCY_DATELINE.find(line).or_else(|| first_paragraph.then(|| PLACE_DATELINE.find(line)).flatten())?;
    Some(m.as_str().trim_end().len())
}

/// Editor initials closing an article: "(asp/asp)", "(mdk/rnd)", "(ant)", "(*)", "(ASP/ASP)".
const INITIALS: &str = r"\((?:[a-z]{2,4}(?:/[a-z]{2,4}){0,3}|[A-Z]{2,4}(?:/[A-Z]{2,4}){1,3}|\*)\)";

static INITIALS_LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!(r"^{INITIALS}$")).unwrap());
static INITIALS_AT_END: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!(r#"[.!?"”’]\s*({INITIALS})$"#)).unwrap());

/// Start (byte offset) of editor initials at the end of a paragraph: "... kata dia. (asp/asp)".
pub(crate) fn initials_suffix(line: &str) -> Option<usize> {
    INITIALS_AT_END.captures(line).map(|c| c.get(1).expect("group 1").start())
}

/// Metadata lines outlets add: editor initials on their own line, syndication notes ("Artikel
/// ini telah tayang di ... dengan judul ..."), "Laporan Wartawan ...", copyright notices and
/// pagination.
static METADATA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)
        ^(?:sebagian\s+)?(?:artikel|berita|tulisan)\s+ini\s+(?:telah|sudah|juga|pernah)\s+(?:tayang|terbit|dimuat|ditayangkan|diterbitkan)\b
        |^laporan\s+(?:wartawan|reporter|koresponden|jurnalis)\b
        |^oleh\s+(?-i:[A-Z][\w.']*(?:\s+[A-Z][\w.']*){0,4})$
        |^(?-i:[A-Z][\w.']*(?:\s+[A-Z][\w.']*){0,4})\s*,\s*(?:jurnalis|wartawan|reporter|kontributor|koresponden)$
        |^(?:penulis|reporter|pewarta)\s+[^|:]{2,40}\|\s*(?:editor|penyunting|redaktur)\b
        |^(?:copyright|\(c\))\b
        |^dilarang\s+(?:keras\s+)?(?:mengambil|mengutip|menyalin|memperbanyak)\b
        |^halaman\s*:?\s*(?:\d+\s*)*(?:selanjutnya|berikutnya|next|»|>)?$
        |^halaman\s+\d+\s+(?:dari|of)\s+\d+$
        |^(?:halaman|page)\s+(?:selanjutnya|berikutnya|sebelumnya)$
        |^(?:\d+\s+)+(?:selanjutnya|berikutnya|next|»|>)$",
    )
    .unwrap()
});

/// A byline as outlets print it under the title: "Tim detikNews - detikNews",
/// "Market - Tim Riset, CNBC Indonesia".
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[^.!?:]{2,60}\s[-–]\s[^.!?:]{0,40}(?:detik\w*|CNN\s+Indonesia|CNBC\s+Indonesia|[A-Za-z0-9]+\.(?:com|co\.id|co))$")
        .unwrap()
});

pub(crate) fn is_metadata(line: &str) -> bool {
    METADATA.is_match(line) || INITIALS_LINE.is_match(line) || (BYLINE.is_match(line) && line.split_whitespace().count() <= 8)
}

/// A photo credit closing a caption: "(Liputan6.com/Herman Zakharia)", "(SHUTTERSTOCK/ANDREY
/// VP)", "ANTARA FOTO/Galih Pradipta/aww.", "TEMPO/Imam Sukamto".
static PHOTO_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\([A-Z][\w .]{2,30}/[^()]{2,60}\)|(?:^|[\s.])[A-Z]{3,}(?:\s[A-Z]{3,})?/[A-Z][^/]{1,40}(?:/[^/]{1,40})*)\.?\s*$")
        .unwrap()
});

pub(crate) fn ends_with_photo_credit(line: &str) -> bool {
    PHOTO_CREDIT.is_match(line)
}

/// "Foto: " followed by a described scene (more than a credit) and a credit: a caption.
pub(crate) fn is_photo_caption(line: &str) -> bool {
    let lower = line.to_lowercase();
    lower.starts_with("foto:") && line.split_whitespace().count() > 8 && ends_with_photo_credit(line)
}

/// Advertisements and embeds: "ADVERTISEMENT", "SCROLL TO CONTINUE WITH CONTENT",
/// "[Gambas:Video CNN]", "[Gambas:Instagram]".
static AD_OR_EMBED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)
        ^\[\s*gambas\s*:[^\]]*\]$
        |^(?:advertisement|advertorial|iklan|sponsored(?:\s+content)?|konten\s+bersponsor|ads)$
        |^scroll\s+(?:to|untuk)\s+(?:continue|resume|melanjutkan)\b.{0,30}$
        |^(?:lanjutkan\s+membaca|lanjut\s+baca)\s*(?:artikel|berita)?\s*(?:di\s+bawah(?:\s+ini)?)?$",
    )
    .unwrap()
});

/// Invitations to follow the outlet elsewhere: an imperative, a channel, and news.
static INVITE_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:ikuti|follow|gabung|bergabung|join|dapatkan|download|unduh|berlangganan|langganan|subscribe|klik|pantau|pilih|simak|install|instal)\b").unwrap()
});
static INVITE_CHANNEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:google\s+news|whatsapp|wa\s+channel|telegram|saluran|channel|newsletter|aplikasi|app|instagram|tiktok|youtube|twitter|facebook|ponsel(?:mu)?|notifikasi|link|tautan)\b").unwrap()
});
static INVITE_NEWS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:berita|update|informasi|artikel|kami|terkini|terbaru|pilihan|breaking\s+news|news)\b").unwrap());

/// Cookie and consent notices of saved pages.
static COOKIE_NOTICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\bcookies?\b.{0,200}\b(?:pengalaman|kebijakan\s+privasi|menyetujui|setuju|experience|privacy\s+policy|consent|agree)\b",
    )
    .unwrap()
});

/// Advertising, embeds, invitations ("Ikuti berita terkini dari ... di Google News") and
/// cookie notices.
pub(crate) fn is_promo(line: &str) -> bool {
    if AD_OR_EMBED.is_match(line) || (COOKIE_NOTICE.is_match(line) && line.split_whitespace().count() <= 60) {
        return true;
    }
    line.split_whitespace().count() <= 60 && INVITE_VERB.is_match(line) && INVITE_CHANNEL.is_match(line) && INVITE_NEWS.is_match(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datelines_of_outlets() {
        for (line, prefix) in [
            ("Jakarta, CNN Indonesia -- Presiden berpidato.", "Jakarta, CNN Indonesia --"),
            ("TRIBUNNEWS.COM, JAKARTA - Harga naik.", "TRIBUNNEWS.COM, JAKARTA -"),
            ("Jakarta (ANTARA) - Bank Indonesia menahan suku bunga.", "Jakarta (ANTARA) -"),
            ("KOMPAS.com - Gempa terjadi.", "KOMPAS.com -"),
            ("JAKARTA, KOMPAS.com - Gempa terjadi.", "JAKARTA, KOMPAS.com -"),
            ("Liputan6.com, Jakarta - Polisi menangkap.", "Liputan6.com, Jakarta -"),
            ("TEMPO.CO, Jakarta - Menteri berkata.", "TEMPO.CO, Jakarta -"),
            ("REPUBLIKA.CO.ID, JAKARTA -- Ulama berkumpul.", "REPUBLIKA.CO.ID, JAKARTA --"),
            ("Tanjung Pinang (ANTARA) - Kapal tiba.", "Tanjung Pinang (ANTARA) -"),
            ("Jakarta, CNBC Indonesia - IHSG turun.", "Jakarta, CNBC Indonesia -"),
        ] {
            assert_eq!(dateline_prefix(line, false).map(|n| &line[..n]), Some(prefix), "{line}");
        }
        assert_eq!(dateline_prefix("Jakarta - Presiden berpidato.", true), Some("Jakarta -".len()));
        assert_eq!(dateline_prefix("Jakarta - Presiden berpidato.", false), None);
        assert_eq!(dateline_prefix("Presiden Joko Widodo berpidato di Jakarta.", true), None);
        assert_eq!(dateline_prefix("Menurut dia, harga-harga naik.", true), None);
    }

    #[test]
    fn initials_and_furniture() {
        let l = "Demikian kata dia. (asp/asp)";
        assert_eq!(initials_suffix(l).map(|i| &l[i..]), Some("(asp/asp)"));
        assert_eq!(initials_suffix("Harga naik (12/3)."), None);
        assert!(is_metadata("(mdk/rnd)"));
        assert!(is_metadata("Artikel ini telah tayang di Tribunnews.com dengan judul Harga Cabai Naik"));
        assert!(is_metadata("Copyright © ANTARA 2024"));
        assert!(is_metadata("Halaman 1 2 3 Selanjutnya"));
        assert!(is_promo("[Gambas:Video CNN]"));
        assert!(is_promo("SCROLL TO CONTINUE WITH CONTENT"));
        assert!(is_promo("Ikuti berita terkini dari Tribunnews di Google News"));
        assert!(!is_promo("Polisi mengikuti jejak pelaku yang kabur ke Surabaya."));
        assert!(is_promo(
            "Kami menggunakan cookie untuk meningkatkan pengalaman Anda. Dengan melanjutkan, Anda menyetujui kebijakan privasi kami."
        ));
        assert!(!is_promo("Ia bergabung dengan partai itu pada 2019 setelah keluar dari Golkar."));
    }
}
