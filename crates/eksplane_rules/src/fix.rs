//! Fix emitters' shared helpers: where an object's edits land.
//!
//! A rule attaches typed edits ([`eksplane_diagnostics::Edit`]) to its fix;
//! `check --fix` (through `eksplane_fix`) applies them. Edits are made only
//! on objects read from the user's own files as written: not on objects the
//! loader converted (Karpenter v1beta1 read as v1: the paths differ), nor on
//! rendered Helm output (the chart is what the user edits).

use eksplane_model::Origin;
use eksplane_source::Span;

/// The span an edit of this object targets, when its file can be edited:
/// the object was read from a file (not built by the tool), in the API
/// version `api_version` (the paths the rule writes are that version's), and
/// not rendered by Helm.
pub(crate) fn editable(origin: &Origin, api_version: &str) -> Option<Span> {
    let span = origin.node.as_ref()?.root().span();
    (!span.is_detached() && origin.api_version == api_version && origin.helm_source.is_none())
        .then_some(span)
}

/// Like [`editable`], for any API version of the kind.
pub(crate) fn editable_any_version(origin: &Origin) -> Option<Span> {
    let span = origin.node.as_ref()?.root().span();
    (!span.is_detached() && origin.helm_source.is_none()).then_some(span)
}

/// An object's node tree as a value, to copy it into a new object (a split
/// EC2NodeClass or NodePool). Plain scalars resolve as YAML 1.2's core schema
/// reads them; quoted and block scalars stay strings. Fields the API server
/// owns (`status`, `metadata.uid`, ...) are dropped.
pub(crate) fn object_value(origin: &Origin) -> Option<serde_json::Value> {
    let mut v = node_value(origin.node.as_ref()?.root());
    let obj = v.as_object_mut()?;
    obj.remove("status");
    if let Some(meta) = obj.get_mut("metadata").and_then(|m| m.as_object_mut()) {
        for k in [
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "generation",
            "managedFields",
            "selfLink",
        ] {
            meta.remove(k);
        }
    }
    Some(v)
}

fn node_value(n: eksplane_source::PosRef<'_>) -> serde_json::Value {
    use eksplane_source::Resolved;
    use serde_json::Value;
    if n.is_seq() {
        return Value::Array(n.entries().map(node_value).collect());
    }
    if n.is_map() {
        return Value::Object(
            n.entries()
                // A complex key (a mapping as key) has no name to copy.
                .filter_map(|v| Some((v.key()?.to_string(), node_value(v))))
                .collect(),
        );
    }
    let Some(s) = n.scalar() else {
        return Value::Null;
    };
    match s.resolve() {
        Resolved::Null => Value::Null,
        Resolved::Bool(b) => Value::Bool(b),
        Resolved::Int(i) => Value::from(i),
        Resolved::UInt(u) => Value::from(u),
        Resolved::Float(f) => serde_json::Number::from_f64(f)
            .map_or_else(|| Value::String(s.text.clone()), Value::Number),
        Resolved::Str(t) => Value::String(t.to_string()),
    }
}

/// Sets `value` at a path of keys in a value, creating mappings on the way.
pub(crate) fn put(v: &mut serde_json::Value, path: &[&str], value: serde_json::Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut cur = v;
    for k in parents {
        let Some(obj) = cur.as_object_mut() else {
            return;
        };
        cur = obj
            .entry(k.to_string())
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
        if !cur.is_object() {
            *cur = serde_json::Value::Object(Default::default());
        }
    }
    if let Some(obj) = cur.as_object_mut() {
        obj.insert(last.to_string(), value);
    }
}

/// The value at a path of keys.
pub(crate) fn get_mut<'v>(
    v: &'v mut serde_json::Value,
    path: &[&str],
) -> Option<&'v mut serde_json::Value> {
    let mut cur = v;
    for k in path {
        cur = cur.as_object_mut()?.get_mut(*k)?;
    }
    Some(cur)
}
