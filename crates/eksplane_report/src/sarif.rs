//! SARIF 2.1.0 (OASIS), as GitHub code scanning accepts it: one run, the rule
//! registry as `tool.driver.rules`, one result per finding with its primary and
//! related locations. Valid against `sarif-schema-2.1.0.json` (tested).

use crate::{Report, display_path};
use eksplane_diagnostics::{Finding, Location, Severity};
use eksplane_rules::Rule;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Value, json};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative URI for a file name: forward slashes, and characters that are not
/// allowed unescaped in a URI reference percent-encoded.
pub fn uri(name: &str) -> String {
    let p = display_path(name);
    let mut out = String::new();
    for b in p.bytes() {
        let c = b as char;
        if c.is_ascii_alphanumeric() || "-._~/!$&'()*+,;=:@".contains(c) {
            out.push(c);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn physical(db: &eksplane_source::SourceDb, l: &Location) -> Value {
    let s = l.span;
    let mut loc = json!({ "artifactLocation": { "uri": uri(db.name(s.file)) } });
    if !s.is_detached() {
        let mut region = json!({ "startLine": s.start.line, "startColumn": s.start.col });
        if s.end.line >= s.start.line && !(s.end.line == s.start.line && s.end.col <= s.start.col) {
            region["endLine"] = json!(s.end.line);
            region["endColumn"] = json!(s.end.col);
        }
        loc["region"] = region;
    }
    loc
}

fn rule_descriptor(r: &Rule) -> Value {
    json!({
        "id": r.id.as_str(),
        "name": r.name,
        "shortDescription": { "text": r.title },
        "fullDescription": { "text": r.docs.summary() },
        "help": { "text": r.docs.text(), "markdown": r.docs.text() },
        "helpUri": r.doc_url(),
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": { "tags": [r.id.area()] }
    })
}

fn result(db: &eksplane_source::SourceDb, f: &Finding, index: Option<usize>) -> Value {
    let mut text = f.message.clone();
    if let Some(fix) = &f.fix {
        text.push_str("\nFix: ");
        text.push_str(&fix.description);
        if let Some(s) = &fix.snippet {
            text.push('\n');
            text.push_str(s);
        }
    }
    let mut r = json!({
        "ruleId": f.rule.as_str(),
        "level": level(f.severity),
        "message": { "text": text },
        "locations": [ { "physicalLocation": physical(db, &f.primary) } ],
    });
    if let Some(i) = index {
        r["ruleIndex"] = json!(i);
    }
    if !f.related.is_empty() {
        r["relatedLocations"] = Value::Array(
            f.related
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let mut v = json!({ "id": i, "physicalLocation": physical(db, l) });
                    if let Some(m) = &l.message {
                        v["message"] = json!({ "text": m });
                    }
                    v
                })
                .collect(),
        );
    }
    if let Some(o) = &f.object {
        r["properties"] = json!({ "object": o });
    }
    if let Some(c) = &f.cluster {
        r["properties"]["cluster"] = json!(c);
    }
    r
}

/// The SARIF log. Serialized field by field so each result is built, written
/// and freed in turn: with 10,000 findings a whole-log JSON value cost more
/// memory than the loaded platform (BENCHMARKS.md).
struct SarifLog<'r, 'a> {
    report: &'r Report<'a>,
    rules: &'r [&'r Rule],
}

struct SarifRun<'r, 'a>(&'r SarifLog<'r, 'a>);

struct SarifResults<'r, 'a>(&'r SarifLog<'r, 'a>);

impl Serialize for SarifLog<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("$schema", "https://json.schemastore.org/sarif-2.1.0.json")?;
        m.serialize_entry("version", "2.1.0")?;
        m.serialize_entry("runs", &[SarifRun(self)])?;
        m.end()
    }
}

impl Serialize for SarifRun<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let SarifLog { report, rules } = self.0;
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry(
            "tool",
            &json!({ "driver": {
                "name": "eksplane",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|r| rule_descriptor(r)).collect::<Vec<_>>(),
            }}),
        )?;
        m.serialize_entry("columnKind", "unicodeCodePoints")?;
        // What the run could not judge or assumed, as SARIF tool-execution
        // notifications (SARIF 2.1.0 §3.20.21).
        m.serialize_entry(
            "invocations",
            &json!([{
                "executionSuccessful": true,
                "toolExecutionNotifications": report.warnings.iter().map(|w| json!({
                    "level": "warning",
                    "descriptor": { "id": "inputs" },
                    "message": { "text": w },
                })).chain(report.notes.iter().map(|n| {
                    let mut v = json!({
                        "level": "note",
                        "descriptor": { "id": format!("{}/{}", n.kind, n.area) },
                        "message": { "text": n.message },
                    });
                    if let Some(sp) = n.span {
                        v["locations"] = json!([{ "physicalLocation": physical(report.db, &Location::new(sp)) }]);
                    }
                    v
                })).collect::<Vec<_>>(),
            }]),
        )?;
        m.serialize_entry("results", &SarifResults(self.0))?;
        m.end()
    }
}

impl Serialize for SarifResults<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let SarifLog { report, rules } = self.0;
        s.collect_seq(report.findings.iter().map(|f| {
            let idx = rules.iter().position(|r| r.id == f.rule);
            result(report.db, f, idx)
        }))
    }
}

/// The SARIF log as a JSON value.
pub fn log(report: &Report<'_>, rules: &[&Rule]) -> Value {
    serde_json::to_value(SarifLog { report, rules })
        .unwrap_or_else(|_| json!({ "version": "2.1.0", "runs": [] }))
}

pub fn render(report: &Report<'_>, rules: &[&Rule]) -> String {
    let mut s = serde_json::to_string_pretty(&SarifLog { report, rules })
        .unwrap_or_else(|_| "{\"version\":\"2.1.0\",\"runs\":[]}".to_string());
    s.push('\n');
    s
}
