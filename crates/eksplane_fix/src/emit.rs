//! Values to YAML text: block style for new files and inserted entries, flow
//! style for flow collections (JSON-compatible when the file is JSON).
//!
//! Strings are written plain only when YAML 1.2 (core schema) and YAML 1.1
//! (go-yaml v2, still behind some tools) both read them back as the same
//! string; otherwise double-quoted with JSON escapes, which YAML accepts.

use eksplane_source::{Node, NodeKind, Scalar, ScalarStyle, Span};
use serde_json::Value;
use std::fmt::Write;

/// A scalar as it is written in a value position (`key: <here>`).
pub fn scalar(v: &Value, json: bool) -> Option<String> {
    Some(match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s, json),
        Value::Array(_) | Value::Object(_) => return None,
    })
}

/// A string, plain when that reads back as the same string.
pub fn string(s: &str, json: bool) -> String {
    if !json && plain_ok(s) {
        s.to_string()
    } else {
        quoted(s)
    }
}

/// A string in a given quoting style (to keep the style of a scalar being
/// replaced); a style that cannot hold the string falls back to double quotes.
pub fn string_in_style(s: &str, style: ScalarStyle, json: bool) -> String {
    match style {
        ScalarStyle::SingleQuoted if !json && !s.contains('\n') && printable(s) => {
            format!("'{}'", s.replace('\'', "''"))
        }
        ScalarStyle::DoubleQuoted => quoted(s),
        _ => string(s, json),
    }
}

fn printable(s: &str) -> bool {
    !s.chars().any(|c| c.is_control())
}

/// JSON string syntax, which is valid double-quoted YAML.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// Whether `s` can be written as a plain scalar and read back as this string.
fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s || !printable(s) {
        return false;
    }
    // Indicators that start something else, and characters that end a plain
    // scalar in flow context or start a comment.
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.contains([',', '[', ']', '{', '}'])
    {
        return false;
    }
    // Numbers of either YAML version (`010`, `1_000`, `1:20` sexagesimal,
    // `0x1F`, `1e3`) and `.5`, `+1`: quoted rather than risk a reader's
    // number; `100Mi`, `5%`, `168h` are strings to every reader.
    if (first.is_ascii_digit() || first == '+' || first == '.')
        && s.chars()
            .all(|c| c.is_ascii_hexdigit() || "_:.+-xXoO".contains(c))
    {
        return false;
    }
    // Null, booleans and floats of the 1.2 core schema (the source crate's
    // own resolution), plus YAML 1.1's yes/no/on/off/y/n.
    let node = Node {
        span: Span::detached(),
        kind: NodeKind::Scalar(Scalar {
            text: s.to_string(),
            style: ScalarStyle::Plain,
        }),
    };
    if node.type_name() != "a string" {
        return false;
    }
    !matches!(
        s.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off"
    )
}

/// A mapping key.
fn key(k: &str, json: bool) -> String {
    string(k, json)
}

/// A value in flow style (`{a: 1, b: [x]}`); JSON when `json`.
pub fn flow(v: &Value, json: bool) -> String {
    match v {
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(|i| flow(i, json)).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Object(m) => {
            let inner: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}: {}", key(k, json), flow(v, json)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
        v => scalar(v, json).unwrap_or_default(),
    }
}

/// A list of scalars: written in flow style (`values: [a, b]`), as
/// Kubernetes manifests usually write requirement values.
fn scalar_list(v: &Value) -> bool {
    matches!(v, Value::Array(items) if items.iter().all(|i| !i.is_array() && !i.is_object()))
}

fn is_empty_collection(v: &Value) -> bool {
    matches!(v, Value::Array(a) if a.is_empty()) || matches!(v, Value::Object(m) if m.is_empty())
}

/// `key: value` as block YAML lines at `indent` spaces, nested collections
/// `step` spaces deeper. Ends with a newline.
pub fn entry(k: &str, v: &Value, indent: usize, step: usize) -> String {
    let mut out = String::new();
    write_entry(&mut out, k, v, indent, step);
    out
}

fn write_entry(out: &mut String, k: &str, v: &Value, indent: usize, step: usize) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(_) | Value::Array(_) if !is_empty_collection(v) && !scalar_list(v) => {
            let _ = writeln!(out, "{pad}{}:", key(k, false));
            write_block(out, v, indent + step, step);
        }
        v => {
            let _ = writeln!(out, "{pad}{}: {}", key(k, false), flow(v, false));
        }
    }
}

/// A collection (or scalar) as block YAML at `indent`. Ends with a newline.
pub fn block(v: &Value, indent: usize, step: usize) -> String {
    let mut out = String::new();
    write_block(&mut out, v, indent, step);
    out
}

fn write_block(out: &mut String, v: &Value, indent: usize, step: usize) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                write_entry(out, k, v, indent, step);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&seq_item(item, indent, step));
            }
        }
        v => {
            let _ = writeln!(out, "{}{}", " ".repeat(indent), flow(v, false));
        }
    }
}

/// `- item` at `indent` (the dash's column), the item's further lines
/// aligned after the dash. Ends with a newline.
pub fn seq_item(item: &Value, indent: usize, step: usize) -> String {
    let pad = " ".repeat(indent);
    match item {
        Value::Object(_) | Value::Array(_) if !is_empty_collection(item) => {
            // The item's block at indent + 2, its first line's indentation
            // replaced by the dash.
            let body = block(item, indent + 2, step);
            let rest = body.get(indent + 2..).unwrap_or_default();
            format!("{pad}- {rest}")
        }
        v => format!("{pad}- {}\n", flow(v, false)),
    }
}

/// Documents of a new file, separated by `---`.
pub fn documents(docs: &[Value]) -> String {
    let mut out = String::new();
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&block(d, 0, 2));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_are_quoted_when_a_reader_would_not_read_a_string() {
        for s in [
            "true", "no", "On", "110", "1.5", "", " x", "a: b", "#x", "null", "~", "1:20", "*a",
            "x,y", "-", "0x1F", "1e3", "1_000",
        ] {
            assert!(
                string(s, false).starts_with('"'),
                "{s:?} -> {}",
                string(s, false)
            );
        }
        for s in [
            "alb",
            "shared",
            "payments-api",
            "app.kubernetes.io/name",
            "x-1",
            "100Mi",
            "5%",
            "168h",
        ] {
            assert_eq!(string(s, false), s);
        }
        assert_eq!(string("a\"b\n", false), "\"a\\\"b\\n\"");
        assert_eq!(string("alb", true), "\"alb\"");
    }

    #[test]
    fn block_and_flow_shapes() {
        let v = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app": "web"}}},
            "list": [{"key": "k", "values": ["a", "1"]}, "x"], "empty": {}});
        assert_eq!(
            block(&v, 0, 2),
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: web\nlist:\n  - key: k\n    values: [a, \"1\"]\n  - x\nempty: {}\n"
        );
        assert_eq!(flow(&json!({"a": [1, "b c"]}), false), "{a: [1, b c]}");
        assert_eq!(flow(&json!({"a": [1, "b"]}), true), "{\"a\": [1, \"b\"]}");
        assert_eq!(entry("maxPods", &json!(11), 4, 2), "    maxPods: 11\n");
    }
}
