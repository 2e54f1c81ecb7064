//! The JSON document of a check run. Versioned: `"version"` changes only when a
//! field is removed or changes meaning; new fields may appear in any version.
//! The schema is `docs/findings.schema.json` (a test validates output against it).

use crate::{Counts, Report, display_path};
use eksplane_diagnostics::{Finding, Location};
use serde::Serialize;

/// Format name and version of the document.
pub const FORMAT: &str = "eksplane-findings";
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Document<'a> {
    pub format: &'static str,
    pub version: u32,
    pub tool: Tool,
    pub summary: Summary,
    pub findings: Vec<JsonFinding<'a>>,
    pub suppressed: Vec<JsonSuppressed<'a>>,
    /// What the run could not judge or assumed (missing inputs, kinds not
    /// analysed, defaults taken): no finding under a note is an all-clear.
    pub notes: Vec<JsonNote<'a>>,
    /// Warnings about the run itself: inputs with nothing eksplane analyses
    /// (what was read and what was missing).
    #[serde(skip_serializing_if = "no_warnings")]
    pub warnings: &'a [String],
}

#[derive(Debug, Serialize)]
pub struct JsonNote<'a> {
    /// `assumed`, `skipped` or `missing`.
    pub kind: &'static str,
    pub area: &'static str,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<JsonLocation>,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub files: usize,
    #[serde(flatten)]
    pub counts: Counts,
    pub suppressed: usize,
}

#[derive(Debug, Serialize)]
pub struct JsonLocation {
    /// Path as given on the command line, forward slashes; `<stdin>` for stdin.
    pub file: String,
    /// 1-based; absent for a location with no position in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based, in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    /// Exclusive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct JsonFix<'a> {
    pub description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct JsonFinding<'a> {
    pub rule: &'a str,
    pub severity: &'static str,
    pub title: &'a str,
    pub message: &'a str,
    pub location: JsonLocation,
    pub related: Vec<JsonLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<JsonFix<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<&'a str>,
    /// The cluster, when the inputs describe several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct JsonSuppressed<'a> {
    #[serde(flatten)]
    pub finding: JsonFinding<'a>,
    /// Where the suppression is written (absent for a severity `off` override).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed_by: Option<JsonLocation>,
    pub reason: &'a str,
}

fn no_warnings(w: &&[String]) -> bool {
    w.is_empty()
}

pub(crate) fn location(db: &eksplane_source::SourceDb, l: &Location) -> JsonLocation {
    let s = l.span;
    let pos = !s.is_detached();
    JsonLocation {
        file: display_path(db.name(s.file)),
        line: pos.then_some(s.start.line),
        column: pos.then_some(s.start.col),
        end_line: pos.then_some(s.end.line),
        end_column: pos.then_some(s.end.col),
        message: l.message.clone(),
    }
}

fn finding<'a>(db: &eksplane_source::SourceDb, f: &'a Finding) -> JsonFinding<'a> {
    JsonFinding {
        rule: f.rule.as_str(),
        severity: f.severity.as_str(),
        title: &f.title,
        message: &f.message,
        location: location(db, &f.primary),
        related: f.related.iter().map(|r| location(db, r)).collect(),
        fix: f.fix.as_ref().map(|x| JsonFix {
            description: &x.description,
            snippet: x.snippet.as_deref(),
        }),
        object: f.object.as_deref(),
        cluster: f.cluster.as_deref(),
    }
}

pub fn document<'a>(report: &Report<'a>) -> Document<'a> {
    Document {
        format: FORMAT,
        version: VERSION,
        tool: Tool {
            name: "eksplane",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            files: report.db.len(),
            counts: Counts::of(report.findings),
            suppressed: report.suppressed.len(),
        },
        findings: report
            .findings
            .iter()
            .map(|f| finding(report.db, f))
            .collect(),
        suppressed: report
            .suppressed
            .iter()
            .map(|s| JsonSuppressed {
                finding: finding(report.db, &s.finding),
                suppressed_by: (!s.by.is_detached())
                    .then(|| location(report.db, &Location::new(s.by))),
                reason: &s.reason,
            })
            .collect(),
        notes: report
            .notes
            .iter()
            .map(|n| JsonNote {
                kind: n.kind.as_str(),
                area: n.area,
                message: &n.message,
                location: n.span.map(|sp| location(report.db, &Location::new(sp))),
            })
            .collect(),
        warnings: report.warnings,
    }
}

/// The document as pretty JSON with a trailing newline.
pub fn render(report: &Report<'_>) -> String {
    let mut s = serde_json::to_string_pretty(&document(report)).unwrap_or_else(|e| {
        // Serializing plain structs of strings and numbers cannot fail; keep
        // the output valid JSON regardless.
        format!("{{\"format\":\"{FORMAT}\",\"error\":{:?}}}", e.to_string())
    });
    s.push('\n');
    s
}
