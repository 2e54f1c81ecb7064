//! Typed edits of the user's own files: what `check --fix` applies.
//!
//! An edit names the object it changes by the span of the object's node (the
//! file, and where in it the object is written: a document or an item of a
//! `List`) and a path of keys inside the object; the value it writes is a
//! structured value ([`serde_json::Value`], built from typed objects with
//! serde), never YAML text. The applier (`eksplane_fix`) turns an edit into a
//! byte-range replacement of the file as read, so everything outside the
//! edit stays byte-identical.

use eksplane_source::Span;
use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// Whether `check --fix` applies a fix by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Applying the edited files restarts nothing, replaces no node or load
    /// balancer, removes no access and can only add protection: applied by
    /// `--fix`.
    Safe,
    /// The edit is exact but changes what runs (a node roll through Karpenter
    /// drift, a new load balancer, a change of eviction behaviour): applied
    /// only with `--unsafe-fixes`.
    #[default]
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

impl fmt::Display for Applicability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The object an edit changes: the span of its node (a document root, or an
/// item of a `List`), as the loader recorded it in the object's origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target {
    pub object: Span,
}

/// One step of a path inside an object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    Key(String),
    Index(usize),
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Key(k) => write!(f, ".{k}"),
            Step::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// A path of keys (and list indices) inside an object: `spec.kubelet.maxPods`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct YamlPath(pub Vec<Step>);

impl YamlPath {
    /// A path of mapping keys.
    pub fn keys<'a>(keys: impl IntoIterator<Item = &'a str>) -> Self {
        YamlPath(keys.into_iter().map(|k| Step::Key(k.to_string())).collect())
    }

    pub fn index(mut self, i: usize) -> Self {
        self.0.push(Step::Index(i));
        self
    }

    pub fn key(mut self, k: &str) -> Self {
        self.0.push(Step::Key(k.to_string()));
        self
    }
}

impl fmt::Display for YamlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Step::Key(k) if i == 0 => f.write_str(k)?,
                s => write!(f, "{s}")?,
            }
        }
        Ok(())
    }
}

/// One change to the user's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Sets the value at `path` in the object: replaces the scalar written
    /// there, or, when the path ends in keys that are not written, inserts
    /// them (as nested mappings) under the deepest mapping that exists.
    /// Never replaces a mapping or a sequence.
    Set {
        target: Target,
        path: YamlPath,
        value: Value,
    },
    /// Appends `item` to the sequence at `path` (inserting the key with a
    /// one-item sequence when it is not written).
    Append {
        target: Target,
        path: YamlPath,
        item: Value,
    },
    /// Writes a new file named `name` in the directory of the file of
    /// `beside`, holding one YAML document per value (each a typed object
    /// serialized with serde). Never overwrites a file.
    CreateFile {
        beside: Span,
        name: String,
        documents: Vec<Value>,
    },
}

impl Edit {
    /// [`Edit::Set`] of a serializable value.
    pub fn set(target: Span, path: YamlPath, value: impl Serialize) -> Result<Edit, EditError> {
        Ok(Edit::Set {
            target: Target { object: target },
            path,
            value: to_value(value)?,
        })
    }

    /// [`Edit::Append`] of a serializable item.
    pub fn append(target: Span, path: YamlPath, item: impl Serialize) -> Result<Edit, EditError> {
        Ok(Edit::Append {
            target: Target { object: target },
            path,
            item: to_value(item)?,
        })
    }

    /// [`Edit::CreateFile`] of serializable objects (one document each).
    pub fn create_file<T: Serialize>(
        beside: Span,
        name: impl Into<String>,
        documents: &[T],
    ) -> Result<Edit, EditError> {
        Ok(Edit::CreateFile {
            beside,
            name: name.into(),
            documents: documents.iter().map(to_value).collect::<Result<_, _>>()?,
        })
    }

    /// The file the edit changes or is written beside.
    pub fn file(&self) -> eksplane_source::FileId {
        match self {
            Edit::Set { target, .. } | Edit::Append { target, .. } => target.object.file,
            Edit::CreateFile { beside, .. } => beside.file,
        }
    }
}

fn to_value(v: impl Serialize) -> Result<Value, EditError> {
    let v = serde_json::to_value(v).map_err(|e| EditError(e.to_string()))?;
    // Maps only have string keys in a Value; a value that serializes to
    // something YAML cannot hold does not arise from serde_json.
    Ok(v)
}

/// A value that could not be turned into an edit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot build the edit: {0}")]
pub struct EditError(pub String);
