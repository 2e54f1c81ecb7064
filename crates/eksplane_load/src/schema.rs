//! Fields that a kind's schema does not define: the Karpenter v1 CRDs and
//! eksctl's ClusterConfig schema, embedded as the table of known fields per
//! object path in `schema_fields.rs` (generated from `../shared/data`; see
//! that file's header). The Kubernetes API server drops a field its CRD's
//! structural schema does not define (or rejects the object under strict
//! field validation); eksctl rejects unknown fields.

use crate::Ctx;
use crate::kinds::split_api_version;
use crate::schema_fields::SCHEMAS;
use eksplane_diagnostics::{Finding, Severity, input};
use eksplane_model::Origin;
use eksplane_source::{Node, NodeKind};

pub(crate) struct SchemaFields {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    /// The schema file it was generated from.
    pub source: &'static str,
    /// Object path -> the fields defined there, both sorted.
    pub objects: &'static [(&'static str, &'static [&'static str])],
}

impl SchemaFields {
    fn fields(&self, path: &str) -> Option<&'static [&'static str]> {
        self.objects
            .binary_search_by(|(p, _)| (*p).cmp(path))
            .ok()
            .map(|i| self.objects[i].1)
    }
}

/// Where a field that v1 no longer defines went.
/// Source: Karpenter v1 migration guide (https://karpenter.sh/v1.0/upgrading/v1-migration/).
fn moved(kind: &str, path: &str) -> Option<&'static str> {
    match (kind, path) {
        ("NodePool", "spec.template.spec.kubelet") => {
            Some("; v1 moved kubelet settings to the EC2NodeClass (spec.kubelet)")
        }
        ("NodePool", "spec.disruption.expireAfter") => {
            Some("; v1 moved it to spec.template.spec.expireAfter")
        }
        _ => None,
    }
}

/// Reports every field of `node` that its kind's schema does not define.
/// Objects of a retired version converted to v1 are checked against v1.
pub(crate) fn check_unknown_fields(ctx: &mut Ctx, node: &Node, origin: &Origin) {
    let (group, version) = split_api_version(&origin.api_version);
    let version = if group.starts_with("karpenter.") {
        "v1"
    } else {
        version
    };
    let Some(schema) = SCHEMAS
        .iter()
        .find(|s| s.group == group && s.version == version && s.kind == origin.kind)
    else {
        return;
    };
    let name = node
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Node::as_str)
        .unwrap_or("<unnamed>");
    let mut path = String::new();
    walk(ctx, schema, name, node, &mut path);
}

fn walk(ctx: &mut Ctx, schema: &SchemaFields, name: &str, node: &Node, path: &mut String) {
    match &node.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Seq(items) => {
            let len = path.len();
            path.push_str("[]");
            for item in items {
                walk(ctx, schema, name, item, path);
            }
            path.truncate(len);
        }
        NodeKind::Map(entries) => {
            let Some(fields) = schema.fields(path) else {
                return;
            };
            for (k, v) in entries {
                let Some(key) = k.as_str() else {
                    continue;
                };
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                if fields.binary_search(&key).is_ok() {
                    walk(ctx, schema, name, v, path);
                } else {
                    ctx.findings.push(unknown(schema, name, path, k));
                }
                path.truncate(len);
            }
        }
    }
}

fn unknown(schema: &SchemaFields, name: &str, path: &str, key: &Node) -> Finding {
    let what = format!("{} {name}", schema.kind);
    let message = if schema.group == "eksctl.io" {
        format!(
            "{what}: {path} is not a field of eksctl's ClusterConfig schema ({}/{}); eksctl rejects the file with an unknown-field error",
            schema.group, schema.version
        )
    } else {
        format!(
            "{what}: {path} is not a field of {}/{} {} (the v1 CRD schema, {}); the API server drops it, or rejects the object under strict field validation{}",
            schema.group,
            schema.version,
            schema.kind,
            schema.source,
            moved(schema.kind, path).unwrap_or("")
        )
    };
    Finding::new(
        input::UNKNOWN_FIELD,
        Severity::Warning,
        "Field not defined by the schema",
        message,
        key.span,
    )
    .object(format!("{}/{name}", schema.kind))
}
