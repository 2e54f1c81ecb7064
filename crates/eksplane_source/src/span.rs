use crate::db::FileId;
use serde::Serialize;

/// A position in a file: 1-based line and 1-based column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub fn new(line: u32, col: u32) -> Self {
        Pos { line, col }
    }
}

/// A range in one file of the [`crate::SourceDb`]. `end` is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    pub fn new(file: FileId, start: Pos, end: Pos) -> Self {
        Span { file, start, end }
    }

    /// A span with no position: used for facts that have no place in a file
    /// (defaults, values computed by the tool). Renders without a snippet.
    pub fn detached() -> Self {
        Span::default()
    }

    pub fn is_detached(&self) -> bool {
        self.start.line == 0
    }

    /// The smallest span covering both (same file assumed; otherwise `self`).
    pub fn cover(self, other: Span) -> Span {
        if self.file != other.file || self.is_detached() {
            return if self.is_detached() { other } else { self };
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}
