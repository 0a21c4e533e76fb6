//! Reading hypotheses and references as the sacrebleu command line reads them: files decoded
//! with `--encoding` (UTF-8 by default, strict), lines split on `\n` and right-stripped, a
//! reference file split on tabs with `--num-refs N`, systems from standard input as
//! tab-separated columns when no `-i` is given. Its failures keep sacrebleu's exit codes
//! (1, and 17 for a wrong number of tab-separated fields).

use std::io::Read;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::tokenize::py_rstrip;
use crate::{Error, Result};

/// sacrebleu's exit code for a wrong number of tab-separated fields.
pub const EXIT_FIELDS: i32 = 17;

/// Text in `encoding` (Python codec names: `utf-8`, `utf-8-sig`, `latin-1`; other names are
/// looked up as WHATWG labels, e.g. `windows-1252`, `shift_jis`, `gb18030`, `utf-16`).
pub(crate) fn decode(bytes: Vec<u8>, encoding: &str, path: &Path) -> Result<String> {
    let label = encoding.trim().to_ascii_lowercase().replace('_', "-");
    let utf8 = |bytes: Vec<u8>| {
        String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            Error::input(
                path,
                format!("not valid UTF-8 (line {line}, byte {at}); eval reads UTF-8 text, as sacrebleu does (see --encoding)"),
            )
        })
    };
    match label.as_str() {
        "utf-8" | "utf8" | "u8" => utf8(bytes),
        "utf-8-sig" => {
            let text = utf8(bytes)?;
            Ok(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text))
        }
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" => Ok(bytes.iter().map(|&b| b as char).collect()),
        _ => {
            let enc = encoding_rs::Encoding::for_label(label.as_bytes())
                .ok_or_else(|| Error::Usage(format!("unknown encoding {encoding:?} (--encoding)")))?;
            let (text, _, bad) = enc.decode(&bytes);
            if bad {
                return Err(Error::input(path, format!("not valid {} text (--encoding {encoding})", enc.name())));
            }
            Ok(text.into_owned())
        }
    }
}

/// The lines of a file in `encoding`.
pub(crate) fn read_lines_in(path: &Path, encoding: &str) -> Result<Vec<String>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(split_lines(&decode(bytes, encoding, path)?))
}

/// The reference streams: one per file, or `num_refs` tab-separated fields of one file
/// (split at most `num_refs - 1` times, as sacrebleu does).
pub(crate) fn read_refs(paths: &[PathBuf], num_refs: usize, encoding: &str) -> Result<Vec<Vec<String>>> {
    if num_refs == 1 {
        return paths.iter().map(|p| read_lines_in(p, encoding)).collect();
    }
    if paths.len() != 1 {
        return Err(Error::exit(1, "--num-refs reads several tab-separated references from one file: give exactly one reference file"));
    }
    let lines = read_lines_in(&paths[0], encoding)?;
    let mut refs = vec![Vec::with_capacity(lines.len()); num_refs];
    for (i, line) in lines.iter().enumerate() {
        let fields: Vec<&str> = line.splitn(num_refs, '\t').collect();
        if fields.len() != num_refs {
            return Err(Error::exit(
                EXIT_FIELDS,
                format!("{}: line {}: expected {num_refs} tab-separated references, but found {}", paths[0].display(), i + 1, fields.len()),
            ));
        }
        for (r, f) in refs.iter_mut().zip(fields) {
            r.push(f.to_string());
        }
    }
    Ok(refs)
}

/// Systems from standard input: tab-separated columns, one per system (sacrebleu counts the
/// columns of the first line), each field right-stripped.
pub(crate) fn read_stdin_systems(encoding: &str) -> Result<Vec<Vec<String>>> {
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes).map_err(|e| Error::io("<stdin>", e))?;
    split_systems(&decode(bytes, encoding, Path::new("<stdin>"))?)
}

/// [`read_stdin_systems`] on text. Standard input is read with universal newlines (a lone CR
/// ends a line too), and the fields of the first line are not right-stripped (sacrebleu strips
/// that line as a whole, the others field by field).
pub(crate) fn split_systems(text: &str) -> Result<Vec<Vec<String>>> {
    let lines = split_lines(&text.replace("\r\n", "\n").replace('\r', "\n"));
    let Some(first) = lines.first() else { return Ok(vec![Vec::new()]) };
    let n = first.split('\t').count();
    let mut systems = vec![Vec::with_capacity(lines.len()); n];
    for (i, line) in lines.iter().enumerate() {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() != n {
            return Err(Error::exit(
                EXIT_FIELDS,
                format!("standard input, line {}: {} tab-separated fields where the first line has {n}", i + 1, fields.len()),
            ));
        }
        for (s, f) in systems.iter_mut().zip(fields) {
            s.push(if i == 0 { f } else { py_rstrip(f) }.to_string());
        }
    }
    Ok(systems)
}

/// A text file as the sacrebleu command line reads it: UTF-8, lines split on `\n` only (a
/// final newline ends the last line), each line right-stripped.
pub(crate) fn read_lines(path: &Path) -> Result<Vec<String>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        Error::input(path, format!("not valid UTF-8 (line {line}, byte {at}); eval reads UTF-8 text, as sacrebleu does"))
    })?;
    Ok(split_lines(&text))
}

/// [`read_lines`] on a string.
pub(crate) fn split_lines(text: &str) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    let body = text.strip_suffix('\n').unwrap_or(text);
    body.split('\n').map(|l| py_rstrip(l).to_string()).collect()
}

/// One system (hypothesis file) and its lines.
#[derive(Debug, Clone)]
pub struct System {
    /// The file (`-` for standard input).
    pub path: PathBuf,
    /// As sacrebleu names it: the file name as given, or `System N` for standard input.
    pub name: String,
    /// Its lines, read as sacrebleu reads them.
    pub lines: Vec<String>,
}

/// Hypotheses and references read and checked: every file has the same number of lines.
#[derive(Debug, Clone)]
pub struct TestSet {
    /// The systems; the first is the baseline of paired tests.
    pub systems: Vec<System>,
    /// The reference files (one per reference stream).
    pub ref_paths: Vec<PathBuf>,
    /// `refs[k][i]`: reference `k` of segment `i`.
    pub refs: Vec<Vec<String>>,
}

impl TestSet {
    /// UTF-8 hypothesis and reference files, one reference per file.
    pub fn read(hyps: &[PathBuf], refs: &[PathBuf]) -> Result<TestSet> {
        if hyps.is_empty() {
            return Err(Error::Usage("eval needs a hypothesis file (-i FILE, --hyp FILE, standard input) or --hyp-dir".into()));
        }
        if refs.is_empty() {
            return Err(Error::Usage("eval needs a reference file (REF, --ref FILE) or --ref-dir".into()));
        }
        let read_all = |paths: &[PathBuf]| -> Result<Vec<Vec<String>>> { paths.par_iter().map(|p| read_lines(p)).collect() };
        let (sys_lines, ref_lines) = rayon::join(|| read_all(hyps), || read_all(refs));
        let (sys_lines, ref_lines) = (sys_lines?, ref_lines?);
        let systems: Vec<System> =
            hyps.iter().zip(sys_lines).map(|(p, lines)| System { path: p.clone(), name: p.display().to_string(), lines }).collect();
        TestSet::new(systems, refs.to_vec(), ref_lines)
    }

    /// A test set of systems and references already read, checked.
    pub fn new(systems: Vec<System>, ref_paths: Vec<PathBuf>, refs: Vec<Vec<String>>) -> Result<TestSet> {
        let set = TestSet { systems, ref_paths, refs };
        set.check()?;
        Ok(set)
    }

    /// sacrebleu refuses to score streams of different lengths; so do we, naming every file.
    fn check(&self) -> Result<()> {
        let n = self.refs[0].len();
        let counts = |paths: &[&PathBuf], lens: &[usize]| -> String {
            paths.iter().zip(lens).map(|(p, l)| format!("{} has {l} lines", p.display())).collect::<Vec<_>>().join(", ")
        };
        if self.refs.iter().any(|r| r.len() != n) {
            let paths: Vec<&PathBuf> = self.ref_paths.iter().collect();
            let lens: Vec<usize> = self.refs.iter().map(Vec::len).collect();
            return Err(Error::exit(
                1,
                format!("the reference files differ in line count: {}; each must have one line per segment", counts(&paths, &lens)),
            ));
        }
        for s in &self.systems {
            if s.lines.is_empty() {
                return Err(Error::exit(1, format!("hypothesis {} is empty", s.name)));
            }
            if s.lines.len() != n {
                let what = if self.refs.len() == 1 { "reference" } else { "references" };
                return Err(Error::exit(
                    1,
                    format!(
                        "line count mismatch: hypothesis {} has {} lines but {what} {}; \
                     the files must be line-parallel (no partial score is computed)",
                        s.name,
                        s.lines.len(),
                        counts(&self.ref_paths.iter().collect::<Vec<_>>(), &self.refs.iter().map(Vec::len).collect::<Vec<_>>())
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_like_python() {
        assert_eq!(split_lines(""), Vec::<String>::new());
        assert_eq!(split_lines("a\r\nb \n"), ["a", "b"]);
        assert_eq!(split_lines("a\n\n"), ["a", ""]);
        assert_eq!(split_lines("a\rb\x0cc"), ["a\rb\x0cc"]);
    }

    #[test]
    fn encodings_and_fields() {
        let p = Path::new("x");
        assert_eq!(decode(b"caf\xe9".to_vec(), "latin-1", p).unwrap(), "café");
        assert_eq!(decode("\u{feff}a".as_bytes().to_vec(), "utf-8-sig", p).unwrap(), "a");
        assert!(decode(b"caf\xe9".to_vec(), "utf-8", p).is_err());
        assert_eq!(split_systems("a \tb\nc \td\r").unwrap(), [vec!["a ", "c"], vec!["b", "d"]]);
        assert_eq!(split_systems("a\tb\nc\n").unwrap_err().exit_code(), EXIT_FIELDS);
    }
}
