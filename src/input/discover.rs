//! Finding the inputs of a run: files and folders walked (sorted, symlinks followed, loops and
//! dangling links reported), filtered by globs, mapped to output paths that never collide, and
//! split into shards.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::error::{Error, Result};
use crate::input::Failure;

/// Output paths for an input whose path relative to its root is `rel`: `OUT/dir/STEM.SUFFIX`.
pub(crate) fn output_stem(out: &Path, rel: &Path) -> PathBuf {
    let stem = rel.file_stem().unwrap_or(rel.as_os_str());
    let mut p = out.join(rel.parent().unwrap_or(Path::new("")));
    p.push(stem);
    p
}

/// A file to translate and where its outputs go.
#[derive(Clone, Debug)]
pub(crate) struct Input {
    pub(crate) path: PathBuf,
    /// Output path without suffix: `OUT/sub/NAME`.
    pub(crate) stem: PathBuf,
}

/// Shard of an input: a hash of its path relative to the output folder, so that every process
/// of a job computes the same split whatever machine or order it runs in.
pub(crate) fn shard_of(input: &Input, out: &Path, n: usize) -> usize {
    let rel = input.stem.strip_prefix(out).unwrap_or(&input.stem);
    let h = blake3::hash(rel.to_string_lossy().as_bytes());
    (u64::from_le_bytes(h.as_bytes()[..8].try_into().expect("8 bytes")) % n as u64) as usize
}

fn globset(globs: &[String]) -> Result<(GlobSet, GlobSet)> {
    let (mut inc, mut exc) = (GlobSetBuilder::new(), GlobSetBuilder::new());
    for g in globs {
        let (builder, pat) = match g.strip_prefix('!') {
            Some(p) => (&mut exc, p),
            None => (&mut inc, g.as_str()),
        };
        builder.add(Glob::new(pat).map_err(|e| Error::Usage(format!("invalid --glob {g:?}: {e}")))?);
    }
    let build = |b: GlobSetBuilder| b.build().map_err(|e| Error::Usage(format!("invalid --glob: {e}")));
    Ok((build(inc)?, build(exc)?))
}

/// Expand files and folders into inputs (sorted within each folder), with the failures met on
/// the way (unreadable folders, symlink loops, dangling links, output name collisions).
pub(crate) fn collect_inputs(inputs: &[PathBuf], globs: &[String], out: &Path) -> Result<(Vec<Input>, Vec<Failure>)> {
    let (include, exclude) = globset(globs)?;
    let out_canon = out.canonicalize().ok();
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for root in inputs {
        let meta = std::fs::metadata(root).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => Error::Usage(format!("{}: no such file or folder", root.display())),
            _ => Error::io(root, e),
        })?;
        if meta.is_file() {
            let name = PathBuf::from(root.file_name().unwrap_or(root.as_os_str()));
            found.push((root.clone(), name));
            continue;
        }
        let walker = walkdir::WalkDir::new(root).follow_links(true).sort_by_file_name().into_iter();
        let walker = walker.filter_entry(|e| {
            // Never read our own outputs back: skip the output folder if it is inside the input.
            !(e.file_type().is_dir() && out_canon.as_ref().is_some_and(|o| e.path().canonicalize().ok().as_ref() == Some(o)))
        });
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    let rel = e.path().strip_prefix(root).unwrap_or(e.path()).to_path_buf();
                    if include.is_match(&rel) && !exclude.is_match(&rel) {
                        found.push((e.path().to_path_buf(), rel));
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    let path = e.path().map_or_else(|| root.clone(), Path::to_path_buf);
                    let reason = if e.loop_ancestor().is_some() {
                        "symbolic link loop: skipped".to_string()
                    } else if let Some(io) = e.io_error() {
                        match io.kind() {
                            io::ErrorKind::NotFound => "dangling symbolic link: skipped".to_string(),
                            io::ErrorKind::PermissionDenied => "permission denied: skipped".to_string(),
                            _ => format!("cannot read: {io}"),
                        }
                    } else {
                        e.to_string()
                    };
                    failures.push(Failure { source: path, reason });
                }
            }
        }
    }
    // Two inputs must never write the same output file.
    let mut owners: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut result = Vec::new();
    for (path, rel) in found {
        let stem = output_stem(out, &rel);
        if let Some(first) = owners.get(&stem) {
            failures.push(Failure {
                source: path,
                reason: format!("its outputs ({}.*) would overwrite those of {}; rename one of them", stem.display(), first.display()),
            });
            continue;
        }
        owners.insert(stem.clone(), path.clone());
        result.push(Input { path, stem });
    }
    Ok((result, failures))
}
