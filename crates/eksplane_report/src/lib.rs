//! Output formats. Each format is one module; none computes anything: they
//! render findings, the inventory and capacity tables as they are given.
//!
//! - [`human`]: terminal output with source snippets (colour when asked)
//! - [`json`]: the versioned JSON document (schema in `docs/findings.schema.json`)
//! - [`sarif`]: SARIF 2.1.0 for GitHub code scanning
//! - [`inventory`]: what `inspect` prints
//! - [`max_pods`]: what `max-pods` prints (table, JSON, CSV)
//! - [`capacity`]: what `capacity` prints (both views per type, verdicts, the fix)
//! - [`catalog`]: what `catalog show` prints
//! - [`simulate`]: what `simulate` prints: summary, JSON, CSV series, the HTML report
//! - [`upgrade`]: what `upgrade` prints: the runbook, Markdown, JSON

pub mod capacity;
pub mod catalog;
pub mod human;
pub mod inventory;
pub mod ipmap;
pub mod ipplan;
pub mod json;
pub mod max_pods;
pub mod migrate;
pub mod sarif;
pub mod simulate;
mod table;
pub mod upgrade;

use eksplane_diagnostics::{Finding, Severity, Suppressed};

/// What a check run produced, for the renderers.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub findings: &'a [Finding],
    pub suppressed: &'a [Suppressed],
    pub db: &'a eksplane_source::SourceDb,
    /// What the run could not judge or assumed: printed in every format.
    pub notes: &'a [eksplane_diagnostics::Note],
}

/// Counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Counts {
    pub fn of(findings: &[Finding]) -> Self {
        let mut c = Counts::default();
        for f in findings {
            match f.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
        }
        c
    }
}

/// `s` with every control character but newline and tab replaced by `?`
/// (one `?` per byte, so byte offsets into it still hold): a value from the
/// inputs must not drive the reader's terminal (an ESC sequence in a name
/// would recolour, move the cursor or retitle the window).
pub(crate) fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `s` as text in HTML or SVG (element content or a double-quoted
/// attribute): `&`, `<`, `>`, `"` and `'` escaped, and every character XML
/// 1.0 does not allow even as a reference (C0 controls but tab, newline and
/// carriage return; U+FFFE, U+FFFF) replaced by U+FFFD, so an SVG holding a
/// name with an ESC byte still parses.
pub(crate) fn markup_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A file name as a relative, forward-slash path (stable across machines).
pub(crate) fn display_path(name: &str) -> String {
    let n = name.replace('\\', "/");
    n.strip_prefix("./").map(str::to_string).unwrap_or(n)
}
