//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice`
//! line per finding, which the runner turns into annotations on the pull
//! request's files (docs.github.com, "Workflow commands for GitHub Actions",
//! setting an error/warning/notice message). Values are escaped as the
//! runner's toolkit does (`%`, CR, LF; and `:` and `,` in properties).

use crate::{Report, display_path, doc_url, elided_line, limit_similar};
use eksplane_diagnostics::Severity;
use std::fmt::Write;

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escapes a message (actions/toolkit `escapeData`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (actions/toolkit `escapeProperty`).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(report: &Report<'_>, similar_limit: Option<usize>) -> String {
    let mut out = String::new();
    let (shown, elided) = limit_similar(report.findings, similar_limit);
    for f in shown {
        let s = f.primary.span;
        let mut props = vec![format!(
            "file={}",
            escape_property(&display_path(report.db.name(s.file)))
        )];
        if !s.is_detached() {
            props.push(format!("line={}", s.start.line));
            props.push(format!("col={}", s.start.col));
            if s.end.line >= s.start.line {
                props.push(format!("endLine={}", s.end.line));
                if s.end.line == s.start.line && s.end.col > s.start.col {
                    props.push(format!("endColumn={}", s.end.col));
                }
            }
        }
        props.push(format!(
            "title={}",
            escape_property(&format!("{} {}", f.rule, f.title))
        ));
        let mut msg = f.message.clone();
        if let Some(fix) = &f.fix {
            let _ = write!(msg, "\nFix: {}", fix.description);
        }
        if let Some(url) = doc_url(f) {
            let _ = write!(msg, "\n{url}");
        }
        let _ = writeln!(
            out,
            "::{} {}::{}",
            command(f.severity),
            props.join(","),
            escape_data(&msg)
        );
    }
    for e in &elided {
        let _ = writeln!(out, "::notice::{}", escape_data(&elided_line(e)));
    }
    for w in report.warnings {
        let _ = writeln!(out, "::warning::{}", escape_data(w));
    }
    for n in report.notes {
        let _ = writeln!(
            out,
            "::notice title={}::{}",
            escape_property(&format!("eksplane {} {}", n.kind, n.area)),
            escape_data(&n.message)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_toolkit_does() {
        assert_eq!(escape_data("a%b\r\nc"), "a%25b%0D%0Ac");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
