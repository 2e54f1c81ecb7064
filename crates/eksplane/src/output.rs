//! Printing, colour and atomic output files: the only place that writes.
//!
//! Colour is decided once per run ([`init`]): `--color always|never` wins;
//! with `--color auto` (the default) `CLICOLOR_FORCE` or `FORCE_COLOR` (set,
//! not `0`) force it on, then `NO_COLOR` (set, not empty) turns it off, else
//! it is on when the stream is a terminal (and `TERM` is not `dumb`). Output
//! files (`-o FILE`) are coloured only with an explicit `--color always`.

use crate::cli::ColorChoice;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::OnceLock;

/// The run's colour decision, before looking at a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    /// `--color always`: every stream and output file.
    Always,
    /// `CLICOLOR_FORCE`/`FORCE_COLOR`: standard output and error, even piped.
    Forced,
    Never,
    /// On for a terminal.
    Terminal,
}

static DECISION: OnceLock<Decision> = OnceLock::new();

fn env_set(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Decides colour from `--color` and the environment; call once, first.
pub fn init(choice: ColorChoice) {
    let d = match choice {
        ColorChoice::Always => Decision::Always,
        ColorChoice::Never => Decision::Never,
        ColorChoice::Auto => {
            let forced = ["CLICOLOR_FORCE", "FORCE_COLOR"]
                .iter()
                .any(|v| env_set(v).is_some_and(|x| x != "0" && x != "false"));
            if forced {
                Decision::Forced
            } else if env_set("NO_COLOR").is_some() {
                Decision::Never
            } else {
                Decision::Terminal
            }
        }
    };
    let _ = DECISION.set(d);
    anstream::ColorChoice::write_global(match d {
        Decision::Always | Decision::Forced => anstream::ColorChoice::AlwaysAnsi,
        Decision::Never => anstream::ColorChoice::Never,
        Decision::Terminal => anstream::ColorChoice::Auto,
    });
}

fn decision() -> Decision {
    *DECISION.get().unwrap_or(&Decision::Terminal)
}

fn terminal(is_tty: bool) -> bool {
    is_tty && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

/// Whether output going to `output` (`None` or `-`: standard output) is
/// coloured.
pub fn color_for(output: Option<&Path>) -> bool {
    match (decision(), to_stdout(output)) {
        (Decision::Always, _) => true,
        (Decision::Never, _) | (_, false) => false,
        (Decision::Forced, true) => true,
        (Decision::Terminal, true) => terminal(std::io::stdout().is_terminal()),
    }
}

/// Whether standard error is coloured.
pub fn stderr_color() -> bool {
    match decision() {
        Decision::Always | Decision::Forced => true,
        Decision::Never => false,
        Decision::Terminal => terminal(std::io::stderr().is_terminal()),
    }
}

/// `None` and `-` mean standard output.
pub fn to_stdout(output: Option<&Path>) -> bool {
    output.is_none_or(|p| p.as_os_str() == "-")
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

/// [`write_atomic`], with an error that names the path (and the directory,
/// when that is what is missing).
pub fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    write_atomic(path, text).map_err(|e| {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
        match dir {
            Some(d) if !d.is_dir() => anyhow::anyhow!(
                "cannot write {}: directory {} does not exist",
                path.display(),
                d.display()
            ),
            _ if path.is_dir() => {
                anyhow::anyhow!("cannot write {}: it is a directory", path.display())
            }
            _ => anyhow::anyhow!("cannot write {}: {e}", path.display()),
        }
    })
}

/// Prints to standard output (`None` or `-`), or writes the file atomically.
/// `text` is printed as given: renderers that colour (check's snippets) were
/// told [`color_for`]; [`emit_human`] colours plain reports.
pub fn emit(text: &str, output: Option<&Path>) -> anyhow::Result<()> {
    match output {
        Some(p) if !to_stdout(Some(p)) => write_file(p, text),
        _ => {
            let mut out = anstream::stdout().lock();
            let r = out.write_all(text.as_bytes()).and_then(|()| out.flush());
            match r {
                // A reader that stops early (`| head`) is not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => r.map_err(|e| anyhow::anyhow!("cannot write to standard output: {e}")),
            }
        }
    }
}

/// [`emit`] for a plain-text report meant for people: coloured (headings,
/// verdicts, severities, commands) when the destination is.
pub fn emit_human(text: &str, output: Option<&Path>) -> anyhow::Result<()> {
    if color_for(output) {
        emit(&paint(text), output)
    } else {
        emit(text, output)
    }
}

/// [`emit_human`] when `human`, else [`emit`] (JSON, CSV, scripts: never
/// coloured).
pub fn emit_as(text: &str, output: Option<&Path>, human: bool) -> anyhow::Result<()> {
    if human {
        emit_human(text, output)
    } else {
        emit(text, output)
    }
}

pub fn error(msg: &str) {
    let mut err = anstream::stderr().lock();
    let prefix = if stderr_color() {
        format!("{RED}{BOLD}eksplane: error:{RESET}")
    } else {
        "eksplane: error:".to_string()
    };
    let _ = writeln!(err, "{prefix} {msg}");
}

/// A warning on standard error (`warning: ...`).
pub fn warning(msg: &str) {
    let mut err = anstream::stderr().lock();
    let prefix = if stderr_color() {
        format!("{YELLOW}{BOLD}warning:{RESET}")
    } else {
        "warning:".to_string()
    };
    let _ = writeln!(err, "{prefix} {msg}");
}

pub fn note(msg: &str) {
    let mut err = anstream::stderr().lock();
    let _ = writeln!(err, "{msg}");
}

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";
const DIM: &str = "\x1b[2m";

/// Words coloured wherever they stand alone in a report, by what they mean.
const BAD: &[&str] = &[
    "BLOCKED",
    "BLOCKER",
    "OVER-COMMITTED",
    "LOCKOUT",
    "error",
    "ERROR",
    "fails",
    "FAILS",
    "short",
    "refused",
    "REFUSED",
    "stuck",
];
const WARN: &[&str] = &[
    "UNDER-USED",
    "warning",
    "WARNING",
    "ASSUMED",
    "ASSUMED:",
    "NOTE:",
    "unknown",
    "EXTENDED",
    "lost",
];
const GOOD: &[&str] = &[
    "consistent",
    "holds",
    "clean",
    "OK",
    "ok",
    "meets",
    "safe",
    "STANDARD",
];

/// Colours a plain report line by line: headings (a line that starts in the
/// first column, or a table header in capitals) bold, shell commands cyan,
/// verdict and severity words red, yellow or green, locations dim. Only
/// styles are added: stripping them gives back `text` exactly.
pub fn paint(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let trimmed = body.trim_start();
        if trimmed.starts_with("$ ") {
            out.push_str(CYAN);
            out.push_str(body);
            out.push_str(RESET);
        } else if is_table_header(trimmed) {
            out.push_str(BOLD);
            out.push_str(body);
            out.push_str(RESET);
        } else if !body.is_empty() && !body.starts_with(' ') {
            // A heading: bold up to the first colon (the rest painted as words).
            let split = body.find(": ").map_or(body.len(), |i| i + 1);
            out.push_str(BOLD);
            out.push_str(&body[..split]);
            out.push_str(RESET);
            paint_words(&body[split..], &mut out);
        } else {
            paint_words(body, &mut out);
        }
        out.push_str(nl);
    }
    out
}

fn is_table_header(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    words.len() >= 3
        && words.iter().all(|w| {
            w.chars().any(|c| c.is_ascii_alphabetic()) && !w.chars().any(|c| c.is_ascii_lowercase())
        })
}

fn paint_words(s: &str, out: &mut String) {
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let bare = word.trim_end_matches([',', '.', ';', ')']);
        let bare = bare.trim_start_matches('(');
        let style = if BAD.contains(&bare) || bare.starts_with("error[") {
            Some(RED)
        } else if WARN.contains(&bare) || bare.starts_with("warning[") {
            Some(YELLOW)
        } else if GOOD.contains(&bare) {
            Some(GREEN)
        } else if is_location(bare) {
            Some(DIM)
        } else {
            None
        };
        match style {
            Some(st) => {
                out.push_str(st);
                out.push_str(word);
                out.push_str(RESET);
            }
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in s.chars() {
        if c == ' ' {
            flush(&mut word, out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, out);
}

/// `path/file.yaml:12` or `path/file.yaml:12:3`.
fn is_location(w: &str) -> bool {
    let mut parts = w.split(':');
    let Some(file) = parts.next() else {
        return false;
    };
    let rest: Vec<&str> = parts.collect();
    (file.ends_with(".yaml") || file.ends_with(".yml") || file.ends_with(".json"))
        && !rest.is_empty()
        && rest.len() <= 2
        && rest
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for d in chars.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn paint_only_adds_styles() {
        let text = "Step 1: 1.29 -> 1.30 (BLOCKED: 6 blocker(s))\n   1. BLOCKER [APIs] x at a.yaml:3\n      $ kubectl apply -f a.yaml\n  TYPE  VCPU  PODS\n  m5.large  2  29  consistent\n\nlast";
        let painted = paint(text);
        assert_ne!(painted, text);
        assert!(
            painted.contains(&format!("{RED}BLOCKER{RESET}")),
            "{painted}"
        );
        assert!(
            painted.contains(&format!("{DIM}a.yaml:3{RESET}")),
            "{painted}"
        );
        assert_eq!(strip(&painted), text);
    }
}
