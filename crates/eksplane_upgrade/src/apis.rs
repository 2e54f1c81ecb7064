//! Objects in the inputs whose `apiVersion` is removed (or deprecated) per
//! the embedded table ([`eksplane_aws_data::api_removals`]). Every object
//! the loader keeps, typed or opaque, carries its `apiVersion`, `kind` and
//! position in its origin, so a `policy/v1beta1` PodDisruptionBudget (kept
//! opaque: the model types `policy/v1` only) is found like any other.

use crate::model::{Minor, RemovedApiUse};
use eksplane_aws_data::api_removals::{self, ApiRemoval, ApiStatus, FieldChanges};
use eksplane_model::Platform;
use eksplane_source::Span;

/// An object as the scan sees it.
struct Seen<'a> {
    api_version: &'a str,
    kind: &'a str,
    name: &'a str,
    namespace: Option<&'a str>,
    span: Span,
}

fn objects(p: &Platform) -> Vec<Seen<'_>> {
    let mut v: Vec<Seen<'_>> = p
        .kube_objects()
        .into_iter()
        .map(|o| Seen {
            api_version: &o.origin().api_version,
            kind: &o.origin().kind,
            name: o.name(),
            namespace: o.namespace(),
            span: o.origin().span,
        })
        .collect();
    v.extend(p.opaque.iter().map(|o| Seen {
        api_version: &o.origin.api_version,
        kind: &o.origin.kind,
        name: &o.metadata.name.value,
        namespace: o.metadata.namespace.as_ref().map(|n| n.value.as_str()),
        span: o.origin.span,
    }));
    v
}

fn use_of(s: &Seen<'_>, row: &ApiRemoval, target: u32) -> RemovedApiUse {
    RemovedApiUse {
        api_version: s.api_version.to_string(),
        kind: s.kind.to_string(),
        name: s.name.to_string(),
        namespace: s.namespace.map(str::to_string),
        span: s.span,
        removed_in: row.removed_in().map(Minor),
        replacement: api_removals::replacement_at(row, target).map(str::to_string),
        replacement_kind: row.replacement_kind.map(str::to_string),
        field_changes: match row.fields {
            FieldChanges::None => None,
            FieldChanges::Notable(s) | FieldChanges::NoReplacement(s) => Some(s.to_string()),
        },
        source: row.source,
        removed_by: row.removed_by,
    }
}

/// Every object of a listed API version, with what to write instead at
/// `target`, sorted by position.
pub fn scan(p: &Platform, target: u32) -> Vec<RemovedApiUse> {
    let mut out: Vec<RemovedApiUse> = objects(p)
        .iter()
        .filter_map(|s| {
            let row = api_removals::lookup(s.api_version, s.kind)?;
            Some(use_of(s, row, target))
        })
        .collect();
    out.sort_by_key(|u| u.span);
    out
}

/// Uses of APIs no longer served at `minor`: objects that cannot be applied.
pub fn removed_at(p: &Platform, minor: u32) -> Vec<RemovedApiUse> {
    scan(p, minor)
        .into_iter()
        .filter(|u| u.removed_in.is_some_and(|r| r.0 <= minor))
        .collect()
}

/// Whether a use is of a removed API (rather than a deprecated or beta one).
pub fn is_removal(u: &RemovedApiUse) -> bool {
    u.removed_in.is_some()
}

/// The status of a use's row, for messages.
pub fn status_of(u: &RemovedApiUse) -> Option<ApiStatus> {
    api_removals::lookup(&u.api_version, &u.kind).map(|r| r.status)
}

/// `Kind/ns/name` of a use.
pub fn object_ref(u: &RemovedApiUse) -> String {
    match &u.namespace {
        Some(ns) => format!("{}/{}/{}", u.kind, ns, u.name),
        None => format!("{}/{}", u.kind, u.name),
    }
}
