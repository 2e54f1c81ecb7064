//! YAML (and JSON, as the YAML 1.2 subset it is) into [`Node`] trees with spans.
//!
//! The tree is built from the parser's event stream with an explicit stack (no
//! recursion), so nesting depth, node count and alias expansion are checked as
//! the events arrive and hostile input stops early with an error.

use crate::db::FileId;
use crate::error::SourceError;
use crate::limits::Limits;
use crate::node::{Node, NodeKind, Scalar, ScalarStyle};
use crate::span::{Pos, Span};
use crate::spanned::Spanned;
use saphyr_parser::{Event, Parser, ScanError};
use std::collections::HashMap;

/// One document of a file.
#[derive(Debug, Clone)]
pub struct Document {
    /// 0-based index of the document in its file.
    pub index: usize,
    pub root: Node,
    /// The `# Source: chart/templates/x.yaml` comment that `helm template`
    /// prints before the document, if any.
    pub helm_source: Option<Spanned<String>>,
    /// Keys written twice in one mapping (the later one wins, as in Kubernetes).
    pub duplicate_keys: Vec<DuplicateKey>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Span,
    pub second: Span,
}

/// The documents of one file, and the error that stopped reading it, if any.
/// Documents before a syntax error are kept.
#[derive(Debug, Clone, Default)]
pub struct ParsedFile {
    pub documents: Vec<Document>,
    pub error: Option<SourceError>,
}

fn pos(m: &saphyr_parser::Marker) -> Pos {
    Pos::new(m.line() as u32, m.col() as u32 + 1)
}

fn span_of(file: FileId, s: &saphyr_parser::Span) -> Span {
    Span::new(file, pos(&s.start), pos(&s.end))
}

fn style(s: saphyr_parser::ScalarStyle) -> ScalarStyle {
    match s {
        saphyr_parser::ScalarStyle::Plain => ScalarStyle::Plain,
        saphyr_parser::ScalarStyle::SingleQuoted => ScalarStyle::SingleQuoted,
        saphyr_parser::ScalarStyle::DoubleQuoted => ScalarStyle::DoubleQuoted,
        saphyr_parser::ScalarStyle::Literal => ScalarStyle::Literal,
        saphyr_parser::ScalarStyle::Folded => ScalarStyle::Folded,
    }
}

enum Frame {
    Seq {
        start: Span,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: Span,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        /// Index of each string key in `entries`, built once the map is large
        /// enough that a linear search per key would be quadratic.
        index: Option<HashMap<String, usize>>,
    },
}

/// Maps with up to this many entries look keys up linearly.
const LINEAR_KEY_SEARCH: usize = 32;

struct Builder<'l> {
    file: FileId,
    limits: &'l Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    alias_nodes: usize,
    root: Option<Node>,
    duplicates: Vec<DuplicateKey>,
}

impl<'l> Builder<'l> {
    fn new(file: FileId, limits: &'l Limits) -> Self {
        Builder {
            file,
            limits,
            stack: Vec::new(),
            anchors: HashMap::new(),
            nodes: 0,
            alias_nodes: 0,
            root: None,
            duplicates: Vec::new(),
        }
    }

    fn count(&mut self, n: usize, span: Span) -> Result<(), SourceError> {
        self.nodes += n;
        if self.nodes > self.limits.max_nodes {
            return Err(SourceError::TooManyNodes {
                span,
                limit: self.limits.max_nodes,
            });
        }
        Ok(())
    }

    fn push_node(&mut self, node: Node, anchor: usize, size: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                key,
                index,
                ..
            }) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    let Some(name) = k.as_str().map(str::to_string) else {
                        entries.push((k, node));
                        return;
                    };
                    if index.is_none() && entries.len() >= LINEAR_KEY_SEARCH {
                        let mut m = HashMap::with_capacity(entries.len() * 2);
                        for (i, (ek, _)) in entries.iter().enumerate() {
                            if let Some(n) = ek.as_str() {
                                m.insert(n.to_string(), i);
                            }
                        }
                        *index = Some(m);
                    }
                    let prev = match index {
                        Some(m) => m.get(&name).copied(),
                        None => entries
                            .iter()
                            .position(|(pk, _)| pk.as_str() == Some(name.as_str())),
                    };
                    match prev {
                        // The later value wins, as when Kubernetes decodes
                        // the object; the first place is kept for the report.
                        Some(i) => {
                            self.duplicates.push(DuplicateKey {
                                key: name,
                                first: entries[i].0.span,
                                second: k.span,
                            });
                            entries[i] = (k, node);
                        }
                        None => {
                            if let Some(m) = index {
                                m.insert(name, entries.len());
                            }
                            entries.push((k, node));
                        }
                    }
                }
            },
        }
    }

    fn open(&mut self, frame: Frame, span: Span) -> Result<(), SourceError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(SourceError::TooDeep {
                span,
                limit: self.limits.max_depth,
            });
        }
        self.count(1, span)?;
        self.stack.push(frame);
        Ok(())
    }

    fn close(&mut self, end: Span) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let (node, anchor) = match frame {
            Frame::Seq {
                start,
                anchor,
                items,
            } => (
                Node {
                    span: Span::new(self.file, start.start, end.end.max(start.end)),
                    kind: NodeKind::Seq(items),
                },
                anchor,
            ),
            Frame::Map {
                start,
                anchor,
                entries,
                key,
                ..
            } => {
                let mut entries = entries;
                // A key with no value event cannot occur in a well-formed stream;
                // keep it with a null value rather than lose it.
                if let Some(k) = key {
                    let span = k.span;
                    entries.push((
                        k,
                        Node {
                            span,
                            kind: NodeKind::Scalar(Scalar {
                                text: String::new(),
                                style: ScalarStyle::Plain,
                            }),
                        },
                    ));
                }
                (
                    Node {
                        span: Span::new(self.file, start.start, end.end.max(start.end)),
                        kind: NodeKind::Map(entries),
                    },
                    anchor,
                )
            }
        };
        let size = if anchor != 0 { node.count() } else { 0 };
        self.push_node(node, anchor, size);
    }
}

fn syntax(file: FileId, e: &ScanError, json: bool) -> SourceError {
    let p = pos(e.marker());
    SourceError::Syntax {
        span: Span::new(file, p, p),
        syntax: if json { "JSON" } else { "YAML" },
        message: e.info().to_string(),
    }
}

fn helm_sources(file: FileId, text: &str) -> Vec<(u32, Spanned<String>)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(rest) = line.strip_prefix("# Source: ") {
            let line_no = i as u32 + 1;
            let span = Span::new(
                file,
                Pos::new(line_no, 1),
                Pos::new(line_no, line.chars().count() as u32 + 1),
            );
            out.push((line_no, Spanned::new(rest.trim().to_string(), span)));
        }
    }
    out
}

/// Whether the text looks like JSON (first non-blank character is `{` or `[`).
pub(crate) fn looks_like_json(text: &str) -> bool {
    matches!(text.trim_start().chars().next(), Some('{') | Some('['))
}

/// Parses every document of a file. Never panics; on an error, returns the
/// documents read before it and the error.
pub fn parse_file(file: FileId, text: &str, limits: &Limits) -> ParsedFile {
    parse_str(file, text, limits, Pos::new(1, 1))
}

pub(crate) fn parse_str(file: FileId, text: &str, limits: &Limits, _origin: Pos) -> ParsedFile {
    let mut out = ParsedFile::default();
    let json = looks_like_json(text);
    let whole = Span::new(file, Pos::new(1, 1), Pos::new(1, 1));
    if text.len() > limits.max_file_bytes {
        out.error = Some(SourceError::FileTooLarge {
            span: whole,
            size: text.len(),
            limit: limits.max_file_bytes,
        });
        return out;
    }
    let sources = helm_sources(file, text);
    let mut parser = Parser::new_from_str(text);
    let mut b = Builder::new(file, limits);
    let mut doc_start_index = 0usize;
    let mut prev_doc_end_line = 0u32;
    while let Some(ev) = parser.next_event() {
        let (ev, sp) = match ev {
            Ok(x) => x,
            Err(e) => {
                out.error = Some(syntax(file, &e, json));
                return out;
            }
        };
        let span = span_of(file, &sp);
        if sp.end.index().saturating_sub(doc_start_index) > limits.max_document_bytes {
            out.error = Some(SourceError::DocumentTooLarge {
                span,
                limit: limits.max_document_bytes,
            });
            return out;
        }
        let r = match ev {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => Ok(()),
            Event::DocumentStart(_) => {
                b = Builder::new(file, limits);
                doc_start_index = sp.start.index();
                Ok(())
            }
            Event::DocumentEnd => {
                if let Some(root) = b.root.take() {
                    let start_line = root.span.start.line;
                    let helm_source = sources
                        .iter()
                        .rev()
                        .find(|(l, _)| *l > prev_doc_end_line && *l < start_line)
                        .map(|(_, s)| s.clone());
                    prev_doc_end_line = root.span.end.line;
                    let index = out.documents.len();
                    out.documents.push(Document {
                        index,
                        root,
                        helm_source,
                        duplicate_keys: std::mem::take(&mut b.duplicates),
                    });
                }
                Ok(())
            }
            Event::Alias(id) => match b.anchors.get(&id) {
                Some((node, size)) => {
                    let (node, size) = (node.clone(), *size);
                    b.alias_nodes += size;
                    if b.alias_nodes > limits.max_alias_nodes {
                        Err(SourceError::AliasBomb {
                            span,
                            limit: limits.max_alias_nodes,
                        })
                    } else {
                        b.count(size, span).map(|()| {
                            let node = Node { span, ..node };
                            b.push_node(node, 0, 0)
                        })
                    }
                }
                None => Err(SourceError::UnknownAlias {
                    span,
                    name: id.to_string(),
                }),
            },
            Event::Scalar(text, st, anchor, _tag) => b.count(1, span).map(|()| {
                let node = Node {
                    span,
                    kind: NodeKind::Scalar(Scalar {
                        text: text.into_owned(),
                        style: style(st),
                    }),
                };
                b.push_node(node, anchor, 1)
            }),
            Event::SequenceStart(anchor, _) => b.open(
                Frame::Seq {
                    start: span,
                    anchor,
                    items: Vec::new(),
                },
                span,
            ),
            Event::MappingStart(anchor, _) => b.open(
                Frame::Map {
                    start: span,
                    anchor,
                    entries: Vec::new(),
                    key: None,
                    index: None,
                },
                span,
            ),
            Event::SequenceEnd | Event::MappingEnd => {
                b.close(span);
                Ok(())
            }
        };
        if let Err(e) = r {
            out.error = Some(e);
            return out;
        }
    }
    out
}

/// Checks raw bytes read from a file and returns its text: binary content (a NUL
/// byte, or bytes that are not UTF-8) and files over the size limit are errors.
/// A UTF-8 byte-order mark is dropped.
pub fn text_from_bytes(
    file: FileId,
    bytes: Vec<u8>,
    limits: &Limits,
) -> Result<String, SourceError> {
    let whole = Span::new(file, Pos::new(1, 1), Pos::new(1, 1));
    if bytes.len() > limits.max_file_bytes {
        return Err(SourceError::FileTooLarge {
            span: whole,
            size: bytes.len(),
            limit: limits.max_file_bytes,
        });
    }
    if bytes.contains(&0) {
        return Err(SourceError::Binary {
            span: whole,
            what: "NUL bytes",
        });
    }
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            Ok(s)
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(&e.as_bytes()[..at]);
            let line = text.matches('\n').count() as u32 + 1;
            let p = Pos::new(line, 1);
            Err(SourceError::Binary {
                span: Span::new(file, p, p),
                what: "bytes that are not UTF-8",
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ParsedFile {
        parse_file(FileId(1), text, &Limits::default())
    }

    #[test]
    fn spans_are_one_based_lines_and_columns() {
        let p = parse("a: 1\nb:\n  c: [x, y]\n");
        assert!(p.error.is_none());
        let root = &p.documents[0].root;
        let c = root.at(["b".into(), "c".into(), 1.into()]).map(|n| n.span);
        assert_eq!(c.map(|s| (s.start.line, s.start.col)), Some((3, 10)));
        assert_eq!(root.key_span("b").map(|s| s.start.line), Some(2));
    }

    #[test]
    fn multi_document_with_helm_sources() {
        let text = "---\n# Source: chart/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\n---\n# Source: chart/templates/empty.yaml\n---\n# Source: chart/templates/cm.yaml\nkind: ConfigMap\n";
        let p = parse(text);
        assert!(p.error.is_none());
        let docs: Vec<_> = p.documents.iter().filter(|d| !d.root.is_null()).collect();
        assert_eq!(docs.len(), 2);
        assert_eq!(
            docs[0].helm_source.as_ref().map(|s| s.value.as_str()),
            Some("chart/templates/sa.yaml")
        );
        assert_eq!(
            docs[1]
                .helm_source
                .as_ref()
                .map(|s| (s.value.as_str(), s.span.start.line)),
            Some(("chart/templates/cm.yaml", 8))
        );
    }

    #[test]
    fn json_parses_with_positions() {
        let p = parse("{\n\t\"Subnets\": [\n\t\t{\"SubnetId\":\"subnet-1\", \"n\": 3}\n\t]\n}\n");
        assert!(p.error.is_none(), "{:?}", p.error);
        let id = p.documents[0]
            .root
            .at(["Subnets".into(), 0.into(), "SubnetId".into()]);
        assert_eq!(id.and_then(Node::as_str), Some("subnet-1"));
        assert_eq!(id.map(|n| n.span.start.line), Some(3));
    }

    #[test]
    fn syntax_error_keeps_earlier_documents() {
        let p = parse("a: 1\n---\nb: [1, 2\n");
        assert_eq!(p.documents.len(), 1);
        match p.error {
            Some(SourceError::Syntax { span, .. }) => assert!(span.start.line >= 3),
            other => panic!("expected syntax error, got {other:?}"),
        }
    }

    #[test]
    fn billion_laughs_is_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let p = parse(&text);
        assert!(matches!(p.error, Some(SourceError::AliasBomb { .. })));
    }

    #[test]
    fn later_duplicate_wins_in_small_and_large_maps() {
        for n in [3usize, 200] {
            let mut text: String = (0..n).map(|i| format!("k{i}: {i}\n")).collect();
            text.push_str("k1: again\n");
            let p = parse(&text);
            let d = &p.documents[0];
            assert_eq!(d.duplicate_keys.len(), 1);
            assert_eq!(
                (
                    d.duplicate_keys[0].first.start.line,
                    d.duplicate_keys[0].second.start.line
                ),
                (2, n as u32 + 1)
            );
            let entries = d.root.as_map().map(<[_]>::len);
            assert_eq!(entries, Some(n));
            assert_eq!(d.root.get("k1").and_then(Node::as_str), Some("again"));
        }
    }

    #[test]
    fn deep_nesting_is_bounded() {
        // Flow nesting: the parser's own recursion bound answers first.
        let p = parse(&"[".repeat(10_000));
        assert!(
            matches!(&p.error, Some(SourceError::Syntax { message, .. }) if message.contains("recursion")),
            "{:?}",
            p.error
        );
        // Block nesting: ours.
        let mut text = String::new();
        for i in 0..200 {
            text.push_str(&" ".repeat(i));
            text.push_str("k:\n");
        }
        let p = parse(&text);
        assert!(
            matches!(p.error, Some(SourceError::TooDeep { limit: 128, .. })),
            "{:?}",
            p.error
        );
    }

    #[test]
    fn duplicate_keys_are_recorded() {
        let p = parse("a: 1\nb: 2\na: 3\n");
        let d = &p.documents[0].duplicate_keys;
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].first.start.line, d[0].second.start.line), (1, 3));
        assert_eq!(
            p.documents[0].root.get("a").and_then(Node::as_str),
            Some("3")
        );
    }

    #[test]
    fn document_size_limit() {
        let limits = Limits {
            max_document_bytes: 10,
            ..Limits::default()
        };
        let p = parse_file(FileId(1), "a: 1\n---\nb: 0123456789012345\n", &limits);
        assert_eq!(p.documents.len(), 1);
        assert!(matches!(
            p.error,
            Some(SourceError::DocumentTooLarge { .. })
        ));
    }
}
