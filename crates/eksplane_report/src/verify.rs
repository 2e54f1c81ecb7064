//! What `verify` prints: one line per item of the guide's Verify section
//! (pass, fail, skipped) with its checks and their evidence (object, field,
//! file:line), as text for a person, Markdown for a ticket, or the versioned
//! JSON document (`format: eksplane-verify`). Renders; decides nothing.

use eksplane_source::{SourceDb, Span};
use eksplane_verify::{Check, Outcome, Status, Verification};
use serde::Serialize;
use std::fmt::Write;

pub const FORMAT: &str = "eksplane-verify";
pub const VERSION: u32 = 1;

fn file_line(db: &SourceDb, span: Option<Span>) -> (Option<&str>, Option<u32>) {
    match span.filter(|s| !s.is_detached()) {
        Some(s) => (Some(db.name(s.file)), Some(s.start.line)),
        None => (None, None),
    }
}

fn at(db: &SourceDb, span: Option<Span>) -> Option<String> {
    match file_line(db, span) {
        (Some(f), Some(l)) => Some(format!("{f}:{l}")),
        _ => None,
    }
}

fn label(s: Status) -> &'static str {
    match s {
        Status::Pass => "PASS",
        Status::Fail => "FAIL",
        Status::Skipped => "SKIP",
    }
}

/// The one-line verdict, worded so that nothing verified never reads as green.
pub fn headline(v: &Verification) -> String {
    let (p, f, s) = (
        v.count(Status::Pass),
        v.count(Status::Fail),
        v.count(Status::Skipped),
    );
    let counts = format!("{p} passed, {f} failed, {s} skipped");
    match v.outcome() {
        Outcome::Pass => format!("verified: every item passed ({counts})"),
        Outcome::Fail => format!("NOT READY: {f} item(s) failed ({counts})"),
        Outcome::Incomplete => {
            format!(
                "verified IN PART: no failure, but {s} item(s) skipped for missing inputs ({counts})"
            )
        }
        Outcome::NothingVerified => format!(
            "NOTHING VERIFIED: every item was skipped for missing inputs; this is not a pass ({counts})"
        ),
    }
}

fn evidence(db: &SourceDb, c: &Check) -> String {
    let mut parts = Vec::new();
    if let Some(o) = &c.object {
        parts.push(o.clone());
    }
    if let Some(f) = &c.field {
        parts.push(f.clone());
    }
    if let Some(a) = at(db, c.span) {
        parts.push(a);
    }
    parts.join(" | ")
}

pub fn render_human(v: &Verification, db: &SourceDb) -> String {
    let mut s = String::new();
    for item in &v.items {
        let _ = writeln!(
            s,
            "{} {:<17} {}",
            label(item.status),
            item.id.as_str(),
            item.id.title()
        );
        for c in &item.checks {
            let _ = writeln!(
                s,
                "     {} {}",
                label(c.status).to_ascii_lowercase(),
                c.message
            );
            let e = evidence(db, c);
            if !e.is_empty() {
                let _ = writeln!(s, "          at {e}");
            }
        }
    }
    s.push('\n');
    for n in &v.notes {
        let _ = writeln!(s, "note: {n}");
    }
    let _ = writeln!(s, "{}", headline(v));
    s
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn render_markdown(v: &Verification, db: &SourceDb) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# EKS platform verification\n");
    let _ = writeln!(s, "**{}**\n", headline(v));
    let _ = writeln!(s, "| item | result | checks |");
    let _ = writeln!(s, "|---|---|---|");
    for item in &v.items {
        let _ = writeln!(
            s,
            "| {} | {} | {} pass, {} fail, {} skipped |",
            md_escape(item.id.title()),
            label(item.status),
            item.count(Status::Pass),
            item.count(Status::Fail),
            item.count(Status::Skipped)
        );
    }
    for item in &v.items {
        let _ = writeln!(
            s,
            "\n## {}: {}\n",
            label(item.status),
            md_escape(item.id.title())
        );
        let cmds: Vec<String> = item
            .id
            .guide_commands()
            .iter()
            .map(|c| format!("`{c}`"))
            .collect();
        let _ = writeln!(s, "The guide runs {}.\n", cmds.join(", "));
        for c in &item.checks {
            let e = evidence(db, c);
            let _ = writeln!(
                s,
                "- **{}** {}{}",
                c.status.as_str(),
                md_escape(&c.message),
                if e.is_empty() {
                    String::new()
                } else {
                    format!(" (`{}`)", e.replace('`', "'"))
                }
            );
        }
    }
    if !v.notes.is_empty() {
        let _ = writeln!(s, "\n## Not covered\n");
        for n in &v.notes {
            let _ = writeln!(s, "- {}", md_escape(n));
        }
    }
    s
}

#[derive(Debug, Serialize)]
struct CheckDoc<'a> {
    status: Status,
    message: &'a str,
    object: Option<&'a str>,
    field: Option<&'a str>,
    file: Option<&'a str>,
    line: Option<u32>,
}

#[derive(Debug, Serialize)]
struct ItemDoc<'a> {
    id: &'static str,
    title: &'static str,
    status: Status,
    guide_commands: &'static [&'static str],
    checks: Vec<CheckDoc<'a>>,
}

#[derive(Debug, Serialize)]
struct Summary {
    pass: usize,
    fail: usize,
    skipped: usize,
}

#[derive(Debug, Serialize)]
struct Doc<'a> {
    format: &'static str,
    version: u32,
    outcome: Outcome,
    /// True only when every item passed.
    verified: bool,
    summary: Summary,
    headline: String,
    items: Vec<ItemDoc<'a>>,
    notes: &'a [String],
}

pub fn render_json(v: &Verification, db: &SourceDb) -> String {
    let items = v
        .items
        .iter()
        .map(|i| ItemDoc {
            id: i.id.as_str(),
            title: i.id.title(),
            status: i.status,
            guide_commands: i.id.guide_commands(),
            checks: i
                .checks
                .iter()
                .map(|c| {
                    let (file, line) = file_line(db, c.span);
                    CheckDoc {
                        status: c.status,
                        message: &c.message,
                        object: c.object.as_deref(),
                        field: c.field.as_deref(),
                        file,
                        line,
                    }
                })
                .collect(),
        })
        .collect();
    let doc = Doc {
        format: FORMAT,
        version: VERSION,
        outcome: v.outcome(),
        verified: v.outcome() == Outcome::Pass,
        summary: Summary {
            pass: v.count(Status::Pass),
            fail: v.count(Status::Fail),
            skipped: v.count(Status::Skipped),
        },
        headline: headline(v),
        items,
        notes: &v.notes,
    };
    let mut s =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
