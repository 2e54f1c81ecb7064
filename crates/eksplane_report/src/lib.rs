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
//! - [`verify`]: what `verify` prints: pass/fail/skipped per item with evidence (text, Markdown, JSON)

pub mod capacity;
pub mod catalog;
pub mod concise;
pub mod github;
pub mod human;
pub mod inventory;
pub mod ipmap;
pub mod ipplan;
pub mod json;
pub mod max_pods;
pub mod migrate;
pub mod sarif;
pub mod simulate;
pub mod statistics;
mod table;
pub mod upgrade;
pub mod verify;

use eksplane_diagnostics::{Finding, Severity, Suppressed};

/// What a check run produced, for the renderers.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub findings: &'a [Finding],
    pub suppressed: &'a [Suppressed],
    pub db: &'a eksplane_source::SourceDb,
    /// What the run could not judge or assumed: printed in every format.
    pub notes: &'a [eksplane_diagnostics::Note],
    /// Warnings about the run itself (inputs with nothing eksplane analyses):
    /// printed in every format.
    pub warnings: &'a [String],
}

/// How many findings of one rule with the same message (on different
/// objects) the human formats print before counting the rest in one line.
pub const SIMILAR_LIMIT: usize = 10;

/// Findings past [`SIMILAR_LIMIT`] that look alike, counted instead of
/// printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elided {
    pub rule: String,
    pub severity: Severity,
    /// The message with object names and numbers blanked.
    pub pattern: String,
    pub count: usize,
}

/// The message of `f` with its object's name and every number blanked, so
/// that the same finding on many objects compares equal.
fn pattern(f: &Finding) -> String {
    let mut m = f.message.clone();
    if let Some(obj) = &f.object {
        let mut parts: Vec<&str> = obj.split('/').collect();
        let mut names = vec![obj.to_string()];
        while parts.len() > 1 {
            parts.remove(0);
            names.push(parts.join("/"));
        }
        for n in names.iter().filter(|n| n.len() >= 2) {
            m = m.replace(n.as_str(), "…");
        }
    }
    let mut out = String::with_capacity(m.len());
    let mut in_digits = false;
    for c in m.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            in_digits = false;
            out.push(c);
        }
    }
    out
}

/// The findings to print (in order) and the alike ones counted instead:
/// past `limit` findings of one rule whose messages differ only by object
/// names and numbers. `None` prints every finding.
pub fn limit_similar(findings: &[Finding], limit: Option<usize>) -> (Vec<&Finding>, Vec<Elided>) {
    let Some(limit) = limit else {
        return (findings.iter().collect(), Vec::new());
    };
    let mut seen: std::collections::HashMap<(eksplane_diagnostics::RuleId, String), usize> =
        std::collections::HashMap::new();
    let mut order: Vec<(eksplane_diagnostics::RuleId, String)> = Vec::new();
    let mut shown = Vec::new();
    let mut extra: std::collections::HashMap<
        (eksplane_diagnostics::RuleId, String),
        (Severity, usize),
    > = std::collections::HashMap::new();
    for f in findings {
        let key = (f.rule, pattern(f));
        let n = seen.entry(key.clone()).or_insert(0);
        *n += 1;
        if *n <= limit {
            shown.push(f);
        } else {
            let e = extra.entry(key.clone()).or_insert((f.severity, 0));
            if e.1 == 0 {
                order.push(key);
            }
            e.1 += 1;
        }
    }
    let elided = order
        .into_iter()
        .filter_map(|k| {
            extra.get(&k).map(|(sev, count)| Elided {
                rule: k.0.as_str().to_string(),
                severity: *sev,
                pattern: k.1.clone(),
                count: *count,
            })
        })
        .collect();
    (shown, elided)
}

/// `... and 179990 more warning[LOAD005] like "…" (--show-all prints them)`.
pub(crate) fn elided_line(e: &Elided) -> String {
    format!(
        "... and {} more {}[{}] like \"{}\" (--show-all prints them)",
        e.count, e.severity, e.rule, e.pattern
    )
}

/// The documentation URL of a finding's rule.
pub(crate) fn doc_url(f: &Finding) -> Option<String> {
    eksplane_rules::find(f.rule.as_str()).map(|r| r.doc_url())
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
