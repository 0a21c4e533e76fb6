//! Bytes to text: the encoding policy for articles, and what a user reads when a file cannot
//! be read. Offsets everywhere in terjemah are byte ranges into the *normalised* text this
//! returns: BOM removed, CRLF and lone CR turned into LF, nothing else changed.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// What a user should read when a file cannot be read.
pub(crate) fn read_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied: cannot read the file".into(),
        std::io::ErrorKind::NotFound => "not found (a dangling link or a file removed during the run)".into(),
        std::io::ErrorKind::IsADirectory => "is a folder, not a file".into(),
        _ => format!("cannot read: {e}"),
    }
}

/// Bytes to normalised text. Policy (documented in the README):
/// - UTF-8, with or without BOM, is read as is; UTF-16 with a BOM is transcoded.
/// - Text that is not UTF-8 and holds no valid multi-byte UTF-8 sequence is read as
///   Windows-1252 (a superset of Latin-1 for text), with a warning.
/// - UTF-8 with invalid bytes in it is refused, naming the line: guessing would garble it.
/// - Binary files (NUL bytes, known magic numbers) are refused.
pub(crate) fn decode(bytes: &[u8]) -> std::result::Result<(String, Vec<String>), String> {
    let mut warnings = Vec::new();
    let text = if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        if enc == UTF_8 {
            utf8_or_reason(&bytes[bom..])?
        } else {
            let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
            if had_errors {
                return Err(format!("invalid {} text (odd byte count or unpaired surrogate)", enc.name()));
            }
            if text.contains('\0') {
                return Err("binary data (NUL characters) in a UTF-16 file".into());
            }
            text.into_owned()
        }
    } else {
        if let Some(kind) = binary_kind(bytes) {
            return Err(format!("binary file ({kind}), not text: skipped"));
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_owned(),
            Err(e) if has_utf8_multibyte(bytes) => return Err(utf8_reason(bytes, e)),
            Err(_) => {
                warnings.push("not UTF-8; read as Windows-1252 (Latin-1)".to_string());
                WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned()
            }
        }
    };
    Ok((normalize_newlines(&text), warnings))
}

fn utf8_or_reason(bytes: &[u8]) -> std::result::Result<String, String> {
    std::str::from_utf8(bytes).map(str::to_owned).map_err(|e| utf8_reason(bytes, e))
}

fn utf8_reason(bytes: &[u8], e: std::str::Utf8Error) -> String {
    let at = e.valid_up_to();
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    format!(
        "invalid UTF-8 at byte {at} (line {line}); re-save the file as UTF-8 \
         (e.g. `iconv -f WINDOWS-1252 -t UTF-8`)"
    )
}

fn has_utf8_multibyte(bytes: &[u8]) -> bool {
    // Look for one well-formed 2-4 byte sequence: its presence means the file was meant as UTF-8.
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let n = match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => {
                i += 1;
                continue;
            }
        };
        if i + n <= bytes.len() && std::str::from_utf8(&bytes[i..i + n]).is_ok() {
            return true;
        }
        i += 1;
    }
    false
}

fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\xFF\xD8\xFF", "JPEG image"),
        (b"\x89PNG", "PNG image"),
        (b"GIF8", "GIF image"),
        (b"%PDF", "PDF document"),
        (b"PK\x03\x04", "ZIP archive or Office document"),
        (b"\x1F\x8B", "gzip archive"),
        (b"\x7FELF", "executable"),
    ];
    if let Some((_, kind)) = MAGIC.iter().find(|(m, _)| bytes.starts_with(m)) {
        return Some(kind);
    }
    if bytes.iter().take(1 << 16).any(|&b| b == 0) {
        return Some("NUL bytes");
    }
    None
}

/// CRLF and lone CR become LF; nothing else changes.
pub(crate) fn normalize_newlines(s: &str) -> String {
    if !s.contains('\r') {
        return s.to_owned();
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_are_normalised() {
        assert_eq!(normalize_newlines("a\r\nb\rc\n"), "a\nb\nc\n");
    }

    #[test]
    fn decode_policy() {
        assert_eq!(decode(b"\xEF\xBB\xBFhalo\r\n").unwrap().0, "halo\n");
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("hé".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        assert_eq!(decode(&utf16).unwrap().0, "hé");
        let (t, w) = decode(b"caf\xE9 enak").unwrap();
        assert_eq!(t, "café enak");
        assert_eq!(w.len(), 1);
        assert!(decode("kopi ☕ enak \u{00e9}".as_bytes()).unwrap().1.is_empty());
        let bad = decode(b"baris satu \xE2\x80\x9Cok\xE2\x80\x9D\nbaris \xFF dua").unwrap_err();
        assert!(bad.contains("invalid UTF-8") && bad.contains("line 2"), "{bad}");
        assert!(decode(b"\xFF\xD8\xFF\xE0 JFIF").unwrap_err().contains("JPEG"));
        assert!(decode(b"abc\0def").unwrap_err().contains("NUL"));
    }
}
