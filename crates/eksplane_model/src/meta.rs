//! What every Kubernetes object of the model has: metadata with positions, and
//! where it came from.

use eksplane_source::{PathSeg, PosTree, Span, Spanned};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The part of `metadata` the analyses read, with positions.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    #[serde(default)]
    pub name: Spanned<String>,
    pub namespace: Option<Spanned<String>>,
    #[serde(default)]
    pub labels: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub annotations: BTreeMap<String, Spanned<String>>,
}

impl ObjectMeta {
    pub fn annotation(&self, key: &str) -> Option<&Spanned<String>> {
        self.annotations.get(key)
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels.get(key).map(|s| s.value.as_str())
    }
}

/// Where an object was read from: the whole object's span, its apiVersion and
/// kind as written, the `helm template` source it was rendered from, and the
/// positions of its fields (a compact copy of its node tree), so an analysis
/// can point at any field.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub span: Span,
    pub api_version: String,
    pub kind: String,
    pub helm_source: Option<Spanned<String>>,
    pub node: Option<Arc<PosTree>>,
}

impl Origin {
    /// Span of the field at `path` (or of its deepest existing parent, or of
    /// the whole object), e.g. `origin.locate(&["spec", "limits"])`.
    pub fn locate(&self, path: &[&str]) -> Span {
        match &self.node {
            Some(n) => n.locate(path.iter().map(|k| PathSeg::Key(k))),
            None => self.span,
        }
    }

    /// Like [`Origin::locate`] with indices, e.g. `[Key("spec"), Index(0)]`.
    pub fn locate_path(&self, path: &[PathSeg<'_>]) -> Span {
        match &self.node {
            Some(n) => n.locate(path.iter().copied()),
            None => self.span,
        }
    }

    /// Span of the key `key` in the mapping at `path`: the line where `key:` is
    /// written, falling back to [`Origin::locate`].
    pub fn locate_key(&self, path: &[&str], key: &str) -> Span {
        self.node
            .as_ref()
            .and_then(|n| n.at(path.iter().map(|k| PathSeg::Key(k))))
            .and_then(|m| m.key_span(key))
            .unwrap_or_else(|| self.locate(path))
    }
}

/// A reference to an object, for messages and suppressions: `Kind/ns/name`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct ObjectRef {
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{}/{}/{}", self.kind, ns, self.name),
            None => write!(f, "{}/{}", self.kind, self.name),
        }
    }
}

/// Implemented by every Kubernetes object kind of the model.
pub trait KubeObject {
    /// The kind as written in `kind:`.
    fn kind(&self) -> &'static str;
    /// Whether the kind is namespaced (namespace defaults to `default`).
    fn namespaced(&self) -> bool;

    fn meta(&self) -> &ObjectMeta;
    fn origin(&self) -> &Origin;
    fn origin_mut(&mut self) -> &mut Origin;

    fn name(&self) -> &str {
        &self.meta().name.value
    }

    /// The namespace, `default` when a namespaced object leaves it out.
    fn namespace(&self) -> Option<&str> {
        if self.namespaced() {
            Some(
                self.meta()
                    .namespace
                    .as_ref()
                    .map(|n| n.value.as_str())
                    .unwrap_or("default"),
            )
        } else {
            None
        }
    }

    fn object_ref(&self) -> ObjectRef {
        ObjectRef {
            kind: self.kind().to_string(),
            namespace: self.namespace().map(str::to_string),
            name: self.name().to_string(),
        }
    }
}

/// Implements [`KubeObject`] for a struct with `metadata` and `origin` fields.
#[macro_export]
macro_rules! kube_object {
    ($ty:ty, $kind:literal, namespaced) => {
        $crate::kube_object!(@impl $ty, $kind, true);
    };
    ($ty:ty, $kind:literal, cluster) => {
        $crate::kube_object!(@impl $ty, $kind, false);
    };
    (@impl $ty:ty, $kind:literal, $ns:expr) => {
        impl $crate::meta::KubeObject for $ty {
            fn kind(&self) -> &'static str {
                $kind
            }
            fn namespaced(&self) -> bool {
                $ns
            }
            fn meta(&self) -> &$crate::meta::ObjectMeta {
                &self.metadata
            }
            fn origin(&self) -> &$crate::meta::Origin {
                &self.origin
            }
            fn origin_mut(&mut self) -> &mut $crate::meta::Origin {
                &mut self.origin
            }
        }
    };
}
