//! Source files, spans, YAML/JSON parsing with positions, and input limits.
//!
//! This is the only crate that names the YAML library (`saphyr-parser`). Everything
//! above it sees a [`Node`] tree whose every node carries a [`Span`] into a file of
//! the [`SourceDb`], and decodes typed values from it with serde through
//! [`decode`], keeping positions where a field is declared as [`Spanned<T>`].

mod db;
mod de;
mod embedded;
mod error;
mod limits;
mod node;
mod parse;
mod postree;
mod span;
mod spanned;

pub use db::{FileId, SourceDb, SourceFile};
pub use de::{DecodeError, decode};
pub use embedded::parse_embedded_yaml;
pub use error::SourceError;
pub use limits::Limits;
pub use node::{Node, NodeKind, PathSeg, Resolved, Scalar, ScalarStyle};
pub use parse::{Document, DuplicateKey, ParsedFile, parse_file, text_from_bytes};
pub use postree::{PosRef, PosTree};
pub use span::{Pos, Span};
pub use spanned::Spanned;
