//! Turning command-line inputs into (name, bytes) pairs.

use crate::{Ctx, source_error};
use eksplane_source::{Pos, SourceError, Span};
use std::path::{Path, PathBuf};

/// One input: a file or directory path, or text read from standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Path(PathBuf),
    Stdin(Vec<u8>),
}

const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// The files an input path stands for: itself, or for a directory every
/// `.yaml`, `.yml` and `.json` file below it (recursively, sorted, hidden
/// entries and symlinked directories skipped).
pub fn expand_inputs(path: &Path) -> Result<Vec<PathBuf>, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(path)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.file_type().is_file()
            && entry
                .path()
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| EXTENSIONS.contains(&x.to_ascii_lowercase().as_str()))
        {
            out.push(entry.into_path());
        }
    }
    Ok(out)
}

/// Reads every input's files. A file named by several inputs (`dir` and
/// `dir/a.yaml`, the same directory twice, a path and a symlink to it) is read
/// once, under the first name it was reached by.
pub(crate) fn read_inputs(inputs: &[Input], ctx: &mut Ctx) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for input in inputs {
        match input {
            Input::Stdin(bytes) => out.push(("<stdin>".to_string(), bytes.clone())),
            Input::Path(p) => match expand_inputs(p) {
                Ok(files) => {
                    for f in files {
                        let key = std::fs::canonicalize(&f).unwrap_or_else(|_| f.clone());
                        if !seen.insert(key) {
                            continue;
                        }
                        let name = f.display().to_string();
                        match read_bounded(&f, ctx.limits.max_file_bytes) {
                            Ok(bytes) => out.push((name, bytes)),
                            Err(message) => {
                                let id = ctx.db.add(name, "");
                                ctx.findings.push(source_error(&SourceError::Io {
                                    span: Span::new(id, Pos::new(1, 1), Pos::new(1, 1)),
                                    message,
                                }));
                            }
                        }
                    }
                }
                Err(message) => {
                    let id = ctx.db.add(p.display().to_string(), "");
                    ctx.findings.push(source_error(&SourceError::Io {
                        span: Span::new(id, Pos::new(1, 1), Pos::new(1, 1)),
                        message,
                    }));
                }
            },
        }
    }
    out
}

/// Reads a file, refusing one over `limit` bytes before reading it whole.
fn read_bounded(path: &Path, limit: usize) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    f.take(limit as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| e.to_string())?;
    if buf.len() > limit {
        return Err(format!("file is over the limit of {limit} bytes"));
    }
    Ok(buf)
}
