//! Human output: each finding with the source lines it points at, underlined,
//! its related locations, and the fix. Colour only when the caller asks.

use crate::{Counts, Report, display_path, doc_url, elided_line, limit_similar, printable};
use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use eksplane_diagnostics::{Finding, Location, Severity};
use eksplane_source::{SourceDb, Span};
use std::fmt::Write;

#[derive(Debug, Clone, Copy, Default)]
pub struct HumanOptions {
    pub color: bool,
    /// Also list suppressed findings and where they were suppressed.
    pub verbose: bool,
    /// Past this many findings of one rule with the same message on
    /// different objects, count the rest in one line (`None`: print all).
    pub similar_limit: Option<usize>,
}

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

/// Lines shown around an annotation.
const CONTEXT: u32 = 1;
/// Spans longer than this many lines are underlined on their first line only.
const MAX_SPAN_LINES: u32 = 4;

/// A window of a file around `span`: (text, first line number, byte range of
/// the span within the text).
fn window(db: &SourceDb, span: Span) -> Option<(String, usize, std::ops::Range<usize>)> {
    if span.is_detached() {
        return None;
    }
    let file = db.get(span.file)?;
    let mut span = span;
    if span.end.line > span.start.line + MAX_SPAN_LINES || span.end.line < span.start.line {
        let len = file
            .line(span.start.line)
            .map(|l| l.chars().count())
            .unwrap_or(0) as u32;
        span.end = eksplane_source::Pos::new(span.start.line, len.max(span.start.col) + 1);
    }
    let first = span.start.line.saturating_sub(CONTEXT).max(1);
    let last = (span.end.line + CONTEXT).min(file.line_count() as u32);
    let mut text = String::new();
    for l in first..=last {
        text.push_str(&printable(file.line(l).unwrap_or("")));
        text.push('\n');
    }
    let base = file.offset(eksplane_source::Pos::new(first, 1));
    let r = file.byte_range(span);
    let start = r.start.saturating_sub(base).min(text.len());
    let mut end = r.end.saturating_sub(base).min(text.len());
    if end <= start {
        // Point at one character at least.
        end = (start + 1).min(text.len());
    }
    Some((text, first as usize, start..end))
}

fn location_line(db: &SourceDb, loc: &Location) -> String {
    let name = printable(&display_path(db.name(loc.span.file))).into_owned();
    if loc.span.is_detached() {
        name
    } else {
        format!("{name}:{}:{}", loc.span.start.line, loc.span.start.col)
    }
}

/// Renders one finding.
pub fn render_finding(f: &Finding, db: &SourceDb, renderer: &Renderer) -> String {
    let title = printable(&f.message).into_owned();
    let mut group = Group::with_title(level(f.severity).primary_title(title).id(f.rule.as_str()));
    let mut texts = Vec::new();
    let primary = window(db, f.primary.span);
    if let Some((text, line, range)) = &primary {
        texts.push((
            text.clone(),
            *line,
            printable(&display_path(db.name(f.primary.span.file))).into_owned(),
            range.clone(),
            printable(&f.title).into_owned(),
            true,
        ));
    }
    for r in &f.related {
        if let Some((text, line, range)) = window(db, r.span) {
            texts.push((
                text,
                line,
                printable(&display_path(db.name(r.span.file))).into_owned(),
                range,
                printable(r.message.as_deref().unwrap_or_default()).into_owned(),
                false,
            ));
        }
    }
    for (text, line, path, range, label, is_primary) in &texts {
        let kind = if *is_primary {
            AnnotationKind::Primary
        } else {
            AnnotationKind::Context
        };
        group = group.element(
            Snippet::source(text.as_str())
                .line_start(*line)
                .path(path.as_str())
                .annotation(kind.span(range.clone()).label(label.as_str())),
        );
    }
    let mut groups = vec![group];
    if primary.is_none() {
        groups.push(Group::with_title(
            Level::NOTE.secondary_title(format!("in {}", location_line(db, &f.primary))),
        ));
    }
    if let Some(obj) = &f.object {
        groups.push(Group::with_title(
            Level::NOTE.secondary_title(format!("object: {}", printable(obj))),
        ));
    }
    if let Some(c) = &f.cluster {
        groups.push(Group::with_title(
            Level::NOTE.secondary_title(format!("cluster: {}", printable(c))),
        ));
    }
    let fix_text;
    if let Some(fix) = &f.fix {
        fix_text = printable(&match &fix.snippet {
            Some(s) => format!("{}\n{}", fix.description, indent(s, "    ")),
            None => fix.description.clone(),
        })
        .into_owned();
        groups.push(Group::with_title(
            Level::HELP.secondary_title(fix_text.as_str()),
        ));
    }
    if let Some(url) = doc_url(f) {
        groups.push(Group::with_title(
            Level::NOTE.secondary_title(format!("{}: {url}", f.rule)),
        ));
    }
    renderer.render(&groups).to_string()
}

fn indent(s: &str, pad: &str) -> String {
    s.trim_end()
        .lines()
        .map(|l| format!("{pad}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Renders every finding and a summary line.
pub fn render(report: &Report<'_>, opts: HumanOptions) -> String {
    let renderer = if opts.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
    .decor_style(DecorStyle::Ascii);
    let mut out = String::new();
    let (shown, elided) = limit_similar(report.findings, opts.similar_limit);
    for f in shown {
        out.push_str(&render_finding(f, report.db, &renderer));
        out.push_str("\n\n");
    }
    for e in &elided {
        out.push_str(&elided_line(e));
        out.push('\n');
    }
    if !elided.is_empty() {
        out.push('\n');
    }
    if opts.verbose {
        for s in report.suppressed {
            let _ = writeln!(
                out,
                "suppressed {}[{}] at {} by {} ({})",
                s.finding.severity,
                s.finding.rule,
                location_line(report.db, &s.finding.primary),
                if s.by.is_detached() {
                    ".eksplane.yaml".to_string()
                } else {
                    location_line(report.db, &Location::new(s.by))
                },
                printable(&s.reason)
            );
        }
        if !report.suppressed.is_empty() {
            out.push('\n');
        }
    }
    for n in report.notes {
        let at = n
            .span
            .map(|sp| format!(" ({})", location_line(report.db, &Location::new(sp))))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "note [{}] {}{at}: {}",
            n.kind,
            n.area,
            printable(&n.message)
        );
    }
    if !report.notes.is_empty() {
        out.push('\n');
    }
    for w in report.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    if !report.warnings.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary(report));
    out.push('\n');
    out
}

/// `2 errors, 5 warnings, 1 info (3 suppressed) in 14 files`.
pub fn summary(report: &Report<'_>) -> String {
    let c = Counts::of(report.findings);
    let plural = |n: usize, s: &str| format!("{n} {s}{}", if n == 1 { "" } else { "s" });
    let mut s = if report.findings.is_empty() {
        "no findings".to_string()
    } else {
        format!(
            "{}, {}, {}",
            plural(c.errors, "error"),
            plural(c.warnings, "warning"),
            plural(c.infos, "info")
        )
    };
    if !report.suppressed.is_empty() {
        let _ = write!(s, " ({} suppressed)", report.suppressed.len());
    }
    let files = report
        .db
        .files()
        .filter(|(_, f)| !f.name.ends_with(".eksplane.yaml"))
        .count();
    let _ = write!(s, " in {}", plural(files, "file"));
    s
}
