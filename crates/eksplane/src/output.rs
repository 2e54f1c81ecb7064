//! Printing, colour and atomic output files: the only place that writes.

use crate::cli::ColorChoice;
use std::io::{IsTerminal, Write};
use std::path::Path;

pub fn color_enabled(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            !to_file
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// Writes `text` to `path` whole or not at all: a temporary file beside it,
/// then a rename.
///
/// A path that exists and is not a regular file (`/dev/null`, `/dev/stdout`, a
/// FIFO) is written in place: renaming over it would replace the device with a
/// regular file (as root, `-o /dev/null` would otherwise destroy `/dev/null`).
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
        && !meta.is_dir()
    {
        let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
        f.write_all(text.as_bytes())?;
        return f.flush();
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "output".into());
    let tmp = dir.join(format!(".{name}.eksplane-{}.tmp", std::process::id()));
    let r = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if r.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    r
}

/// Prints to stdout (colour codes stripped when stdout is not a terminal and
/// colour was not forced), or writes the file.
pub fn emit(text: &str, output: Option<&Path>) -> std::io::Result<()> {
    match output {
        Some(p) => write_atomic(p, text),
        None => {
            let mut out = anstream::stdout().lock();
            let r = out.write_all(text.as_bytes()).and_then(|()| out.flush());
            match r {
                // A reader that stops early (`| head`) is not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => r,
            }
        }
    }
}

pub fn error(msg: &str) {
    let mut err = anstream::stderr().lock();
    let _ = writeln!(err, "eksplane: error: {msg}");
}

pub fn note(msg: &str) {
    let mut err = anstream::stderr().lock();
    let _ = writeln!(err, "{msg}");
}
