//! Notes: what an analysis could not judge or had to assume. Not findings
//! (nothing is wrong with the inputs), but never left out of an output: a
//! clean result on assumed or missing facts is not an all-clear.

use eksplane_source::Span;
use serde::Serialize;
use std::fmt;

/// Why the note exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    /// A setting or fact was not in the inputs; eksplane used a default.
    Assumed,
    /// Something in the inputs was not analysed (a kind, a source, a type).
    Skipped,
    /// A whole area had nothing to judge (no node source, no cluster facts).
    Missing,
}

impl NoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Assumed => "assumed",
            NoteKind::Skipped => "skipped",
            NoteKind::Missing => "missing",
        }
    }
}

impl fmt::Display for NoteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One note: its kind, the area it concerns (`cni`, `capacity`, `access`,
/// `inputs`, ...), the text and, where it concerns one place, where.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Note {
    pub kind: NoteKind,
    pub area: &'static str,
    pub message: String,
    pub span: Option<Span>,
}

impl Note {
    pub fn new(kind: NoteKind, area: &'static str, message: impl Into<String>) -> Note {
        Note {
            kind,
            area,
            message: message.into(),
            span: None,
        }
    }

    pub fn at(mut self, span: Span) -> Note {
        if !span.is_detached() {
            self.span = Some(span);
        }
        self
    }
}
