//! One line per finding, as compilers and ruff print them:
//! `file:line:col: RULE [severity] message` (`concise`), or the same lines
//! under a heading per file (`grouped`). Alike findings past the limit are
//! counted in one line; notes, warnings and the summary follow.

use crate::{Report, display_path, elided_line, human, limit_similar};
use eksplane_diagnostics::Finding;
use std::fmt::Write;

fn position(f: &Finding) -> Option<(u32, u32)> {
    let s = f.primary.span;
    (!s.is_detached()).then_some((s.start.line, s.start.col))
}

fn line_text(f: &Finding) -> String {
    let mut s = format!("{} [{}] {}", f.rule, f.severity, f.message);
    if let Some(c) = &f.cluster {
        let _ = write!(s, " (cluster {c})");
    }
    s
}

/// `concise`: `file:line:col: RULE [severity] message`, one per line.
pub fn render(report: &Report<'_>, similar_limit: Option<usize>) -> String {
    let mut out = String::new();
    let (shown, elided) = limit_similar(report.findings, similar_limit);
    for f in shown {
        let file = display_path(report.db.name(f.primary.span.file));
        match position(f) {
            Some((l, c)) => {
                let _ = writeln!(out, "{file}:{l}:{c}: {}", line_text(f));
            }
            None => {
                let _ = writeln!(out, "{file}: {}", line_text(f));
            }
        }
    }
    for e in &elided {
        let _ = writeln!(out, "{}", elided_line(e));
    }
    out.push_str(&tail(report));
    out
}

/// `grouped`: a heading per file, then `  line:col RULE [severity] message`.
pub fn render_grouped(report: &Report<'_>, similar_limit: Option<usize>) -> String {
    let mut out = String::new();
    let (shown, elided) = limit_similar(report.findings, similar_limit);
    let mut by_file: Vec<(String, Vec<&Finding>)> = Vec::new();
    for f in shown {
        let file = display_path(report.db.name(f.primary.span.file));
        match by_file.iter_mut().find(|(n, _)| *n == file) {
            Some((_, v)) => v.push(f),
            None => by_file.push((file, vec![f])),
        }
    }
    for (file, findings) in &by_file {
        let _ = writeln!(out, "{file}:");
        for f in findings {
            let at = position(f).map_or_else(|| "-".to_string(), |(l, c)| format!("{l}:{c}"));
            let _ = writeln!(out, "  {at:<8} {}", line_text(f));
        }
        out.push('\n');
    }
    for e in &elided {
        let _ = writeln!(out, "{}", elided_line(e));
    }
    out.push_str(&tail(report));
    out
}

/// Notes, warnings and the summary line, as the full format ends.
fn tail(report: &Report<'_>) -> String {
    let mut out = String::new();
    for n in report.notes {
        let _ = writeln!(out, "note [{}] {}: {}", n.kind, n.area, n.message);
    }
    for w in report.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out.push_str(&human::summary(report));
    out.push('\n');
    out
}
