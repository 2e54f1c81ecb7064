use crate::span::{Pos, Span};
use serde::Serialize;
use std::sync::Arc;

/// Index of a file in a [`SourceDb`]. `FileId(0)` is reserved for "no file".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct FileId(pub u32);

/// One input file: its display name (the path as the user gave it, or `<stdin>`),
/// its text, and a line index.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: Arc<str>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    fn new(name: String, text: Arc<str>) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            name,
            text,
            line_starts,
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line(&self, line: u32) -> Option<&str> {
        let idx = (line as usize).checked_sub(1)?;
        let start = *self.line_starts.get(idx)?;
        let end = self
            .line_starts
            .get(idx + 1)
            .copied()
            .unwrap_or(self.text.len());
        let s = self.text.get(start..end)?;
        Some(s.trim_end_matches(['\n', '\r']))
    }

    /// Byte offset of a position (clamped to the file).
    pub fn offset(&self, pos: Pos) -> usize {
        let Some(idx) = (pos.line as usize).checked_sub(1) else {
            return 0;
        };
        let Some(&start) = self.line_starts.get(idx) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let col = pos.col.saturating_sub(1) as usize;
        let within = rest
            .char_indices()
            .nth(col)
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        start + within
    }

    /// Byte range of a span in this file.
    pub fn byte_range(&self, span: Span) -> std::ops::Range<usize> {
        let s = self.offset(span.start);
        let e = self.offset(span.end).max(s);
        s..e
    }

    /// Position of a byte offset.
    pub fn pos_of_offset(&self, offset: usize) -> Pos {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let col = self
            .text
            .get(start..offset.min(self.text.len()))
            .map(|s| s.chars().count())
            .unwrap_or(0);
        Pos::new(line as u32 + 1, col as u32 + 1)
    }
}

/// All files read in one run. Spans refer to files by [`FileId`].
#[derive(Debug, Default, Clone)]
pub struct SourceDb {
    files: Vec<SourceFile>,
}

impl SourceDb {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id (ids start at 1).
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        self.files.push(SourceFile::new(name.into(), text.into()));
        FileId(self.files.len() as u32)
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        (id.0 as usize)
            .checked_sub(1)
            .and_then(|i| self.files.get(i))
    }

    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map(|f| f.name.as_str()).unwrap_or("<none>")
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32 + 1), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// `file:line:col` for a span, as editors and CI annotate.
    pub fn display(&self, span: Span) -> String {
        if span.is_detached() {
            return self.name(span.file).to_string();
        }
        format!(
            "{}:{}:{}",
            self.name(span.file),
            span.start.line,
            span.start.col
        )
    }
}
