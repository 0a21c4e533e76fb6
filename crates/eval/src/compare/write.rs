//! Writing the report: the page and its JSON twin, each atomically (a temporary file beside
//! it, synced, then renamed over it), so that a reader never sees half a report and a failed
//! run leaves the previous one whole.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{html, Comparison};
use crate::{Error, Result};

/// The JSON twin's default path: the page's with `.json` for its extension.
pub(crate) fn default_json_path(html: &Path) -> PathBuf {
    let json = html.with_extension("json");
    if json == html {
        PathBuf::from(format!("{}.json", html.display()))
    } else {
        json
    }
}

/// Writes the page to `html_path` and the JSON to `json_path`; scores shown with `width`
/// decimals.
pub(crate) fn write_report(c: &Comparison, html_path: &Path, json_path: &Path, width: usize) -> Result<()> {
    if html_path == json_path {
        return Err(Error::Usage("--report and --report-json name the same file: give two".into()));
    }
    let json = serde_json::to_string_pretty(c).expect("the comparison serialises");
    write_atomic(json_path, json.as_bytes())?;
    write_atomic(html_path, html::render(c, width).as_bytes())
}

/// `bytes` to `path` through a temporary file in the same folder (a rename within a file
/// system replaces the file at once).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path.file_name().ok_or_else(|| Error::Usage(format!("{}: not a file name", path.display())))?;
    let tmp = path.with_file_name(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    match written.and_then(|()| std::fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(Error::io(path, e))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_beside_the_page() {
        assert_eq!(default_json_path(Path::new("out/report.html")), Path::new("out/report.json"));
        assert_eq!(default_json_path(Path::new("report")), Path::new("report.json"));
        assert_eq!(default_json_path(Path::new("r.json")), Path::new("r.json.json"));
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("terjemah-write-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("r.html");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["r.html"]);
        // A missing folder: an error naming the file, nothing left behind.
        let err = write_atomic(&dir.join("no/r.html"), b"x").unwrap_err();
        assert!(err.to_string().contains("no/r.html"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
