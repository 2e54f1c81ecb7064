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
    /// The first Go template action (`{{ ... }}`) written where YAML structure
    /// is expected (not inside a quoted or block string): the document is an
    /// unrendered Helm template, and its values are not what would be applied.
    pub unrendered_template: Option<Span>,
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

/// Spaces inserted at the start of lines (line -> count) to re-read a flow
/// collection whose lines sit left of the block indentation (see
/// [`parse_str`]); positions are mapped back to the text as written.
type Shifts = HashMap<u32, u32>;

fn pos(m: &saphyr_parser::Marker, shifts: &Shifts) -> Pos {
    let line = m.line() as u32;
    let col = m.col() as u32 + 1;
    let shift = shifts.get(&line).copied().unwrap_or(0);
    Pos::new(line, col.saturating_sub(shift).max(1))
}

fn span_of(file: FileId, s: &saphyr_parser::Span, shifts: &Shifts) -> Span {
    Span::new(file, pos(&s.start, shifts), pos(&s.end, shifts))
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
        /// Where the collection starts in the text as parsed (line, 0-based
        /// column), to find an open flow collection after an error.
        raw: (usize, usize),
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: Span,
        raw: (usize, usize),
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
                mut items,
                ..
            } => (
                Node {
                    span: Span::new(self.file, start.start, end.end.max(start.end)),
                    kind: NodeKind::Seq({
                        items.shrink_to_fit();
                        items
                    }),
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
                let mut entries = apply_merge_keys(entries);
                entries.shrink_to_fit();
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

/// Applies YAML merge keys (`<<: *base`, `<<: [*a, *b]`) to a mapping's
/// entries, as go-yaml v3 does when kubectl or eksctl decode a manifest
/// (`decode.go`, `d.merge` with `mergedFields`; <https://yaml.org/type/merge.html>):
/// keys written in the mapping itself win over merged ones wherever they
/// appear, and of several merged mappings the earlier wins. Merged entries
/// keep their own spans (the anchored mapping's lines); the `<<` entry goes.
/// A `<<` whose value is not a mapping or a sequence of mappings is kept as a
/// plain key (go-yaml rejects it; decoding then reports the stray field).
fn apply_merge_keys(entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    fn is_merge(k: &Node) -> bool {
        matches!(&k.kind, NodeKind::Scalar(s) if s.text == "<<" && s.style == ScalarStyle::Plain)
    }
    fn mergeable(v: &Node) -> bool {
        match &v.kind {
            NodeKind::Map(_) => true,
            NodeKind::Seq(items) => items.iter().all(|i| i.as_map().is_some()),
            NodeKind::Scalar(_) => false,
        }
    }
    if !entries.iter().any(|(k, v)| is_merge(k) && mergeable(v)) {
        return entries;
    }
    let explicit: std::collections::HashSet<String> = entries
        .iter()
        .filter(|(k, _)| !is_merge(k))
        .filter_map(|(k, _)| k.as_str().map(str::to_string))
        .collect();
    let mut merged_keys: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        if !(is_merge(&k) && mergeable(&v)) {
            out.push((k, v));
            continue;
        }
        let sources = match v.kind {
            NodeKind::Map(m) => vec![m],
            NodeKind::Seq(items) => items
                .into_iter()
                .filter_map(|i| match i.kind {
                    NodeKind::Map(m) => Some(m),
                    _ => None,
                })
                .collect(),
            NodeKind::Scalar(_) => Vec::new(),
        };
        for source in sources {
            for (mk, mv) in source {
                match mk.as_str() {
                    Some(name) if explicit.contains(name) || merged_keys.contains(name) => {}
                    Some(name) => {
                        merged_keys.insert(name.to_string());
                        out.push((mk, mv));
                    }
                    None => out.push((mk, mv)),
                }
            }
        }
    }
    out
}

fn syntax(file: FileId, e: &ScanError, json: bool, shifts: &Shifts) -> SourceError {
    let p = pos(e.marker(), shifts);
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
///
/// YAML is read as go-yaml reads it (what kubectl and eksctl use), where the
/// two differ on input that real repositories hold:
/// - inside a flow collection (`[...]`, `{...}`) go-yaml ignores indentation
///   (libyaml's scanner, ported in go-yaml `scannerc.go`:
///   `yaml_parser_roll_indent`/`unroll_indent` return early when
///   `flow_level > 0`), so `args: [` ... with the closing `]` at the key's
///   indentation is valid; `saphyr-parser` rejects lines of a flow
///   collection left of the block indentation, so such lines are re-read
///   indented and every position is mapped back to the text as written;
/// - merge keys (`<<`) are applied ([`apply_merge_keys`]).
///
/// A file holding Go template actions (`{{ ... }}`) outside strings is an
/// unrendered Helm template: a file that does not parse because of them is
/// [`SourceError::UnrenderedTemplate`] (no documents), and a document that
/// parses in spite of them is marked [`Document::unrendered_template`].
pub fn parse_file(file: FileId, text: &str, limits: &Limits) -> ParsedFile {
    parse_str(file, text, limits, Pos::new(1, 1))
}

/// At most this many lines are re-indented (each costs one more parse)...
const MAX_FLOW_REINDENTS: usize = 256;
/// ...and re-reading stops once this many bytes have been parsed in all, so
/// a large file full of such lines cannot cost hundreds of full parses.
const MAX_REINDENT_BYTES: usize = 64 * 1024 * 1024;

pub(crate) fn parse_str(file: FileId, text: &str, limits: &Limits, _origin: Pos) -> ParsedFile {
    if text.len() > limits.max_file_bytes {
        let whole = Span::new(file, Pos::new(1, 1), Pos::new(1, 1));
        return ParsedFile {
            documents: Vec::new(),
            error: Some(SourceError::FileTooLarge {
                span: whole,
                size: text.len(),
                limit: limits.max_file_bytes,
            }),
        };
    }
    let mut shifts = Shifts::new();
    let mut shifted: Option<String> = None;
    let mut out = ParsedFile::default();
    let mut parsed_bytes = 0usize;
    for _ in 0..=MAX_FLOW_REINDENTS {
        let src = shifted.as_deref().unwrap_or(text);
        let (parsed, reindent) = parse_once(file, text, src, limits, &shifts);
        out = parsed;
        parsed_bytes += src.len();
        let Some((line, add)) = reindent else {
            break;
        };
        if parsed_bytes > MAX_REINDENT_BYTES {
            break;
        }
        *shifts.entry(line).or_insert(0) += add;
        shifted = Some(reindent_lines(text, &shifts));
    }
    mark_templates(file, text, &mut out);
    clamp_to_text(&mut out, text);
    out
}

/// Keeps every position inside the text: the parser ends a collection that
/// runs to the end of a file without a final newline one line past it (and
/// reports some errors there), which would name a line the file does not
/// have. Such a position becomes the end of the text, or of its line.
fn clamp_to_text(out: &mut ParsedFile, text: &str) {
    let widths: Vec<u32> = text
        .split('\n')
        // As `SourceFile::line` shows a line: without its `\r`s.
        .map(|l| l.trim_end_matches('\r').chars().count() as u32 + 1)
        .collect();
    let clamp = |p: &mut Pos| {
        if p.line == 0 {
            return;
        }
        match widths.get(p.line as usize - 1) {
            Some(w) => p.col = p.col.min(*w),
            None => {
                p.line = widths.len() as u32;
                p.col = widths.last().copied().unwrap_or(1);
            }
        }
    };
    let clamp_span = |s: &mut Span| {
        clamp(&mut s.start);
        clamp(&mut s.end);
    };
    fn walk(n: &mut Node, f: &dyn Fn(&mut Span)) {
        f(&mut n.span);
        match &mut n.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Seq(items) => items.iter_mut().for_each(|i| walk(i, f)),
            NodeKind::Map(entries) => {
                for (k, v) in entries {
                    walk(k, f);
                    walk(v, f);
                }
            }
        }
    }
    for d in &mut out.documents {
        walk(&mut d.root, &clamp_span);
        for k in &mut d.duplicate_keys {
            clamp_span(&mut k.first);
            clamp_span(&mut k.second);
        }
        if let Some(s) = &mut d.unrendered_template {
            clamp_span(s);
        }
        if let Some(h) = &mut d.helm_source {
            clamp_span(&mut h.span);
        }
    }
    if let Some(e) = &mut out.error {
        clamp_span(e.span_mut());
    }
}

/// The text with `shifts[line]` spaces inserted at the start of each line.
fn reindent_lines(text: &str, shifts: &Shifts) -> String {
    let extra: u32 = shifts.values().sum();
    let mut s = String::with_capacity(text.len() + extra as usize);
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if let Some(n) = shifts.get(&(i as u32 + 1)) {
            s.extend(std::iter::repeat_n(' ', *n as usize));
        }
        s.push_str(line);
    }
    s
}

/// After an indentation error inside a flow collection, the line to indent
/// and by how many spaces: far enough right of the outermost open bracket
/// that the scanner's block indentation no longer applies.
fn flow_reindent(src: &str, stack: &[Frame], e: &ScanError) -> Option<(u32, u32)> {
    if !e.info().starts_with("invalid indentation") {
        return None;
    }
    let lines: Vec<&str> = src.split('\n').collect();
    let char_at = |(line, col): (usize, usize)| {
        lines
            .get(line.checked_sub(1)?)
            .and_then(|l| l.chars().nth(col))
    };
    let (bl, bc) = stack.iter().find_map(|f| {
        let raw = match f {
            Frame::Seq { raw, .. } | Frame::Map { raw, .. } => *raw,
        };
        matches!(char_at(raw), Some('[') | Some('{')).then_some(raw)
    })?;
    let line = e.marker().line();
    if line <= bl {
        return None;
    }
    let text = lines.get(line - 1)?;
    let indent = text.chars().take_while(|c| *c == ' ').count();
    if text[indent..].starts_with('\t') {
        return None;
    }
    let want = bc + 1;
    (want > indent).then(|| (line as u32, (want - indent) as u32))
}

/// One pass of the parser over `src` (the text, maybe with re-indented
/// lines); `text` is the file as written. Returns what was read and, after an
/// indentation error inside a flow collection, the line to re-indent.
fn parse_once(
    file: FileId,
    text: &str,
    src: &str,
    limits: &Limits,
    shifts: &Shifts,
) -> (ParsedFile, Option<(u32, u32)>) {
    let mut out = ParsedFile::default();
    let json = looks_like_json(text);
    let sources = helm_sources(file, text);
    let mut parser = Parser::new_from_str(src);
    let mut b = Builder::new(file, limits);
    let mut doc_start_index = 0usize;
    let mut prev_doc_end_line = 0u32;
    while let Some(ev) = parser.next_event() {
        let (ev, sp) = match ev {
            Ok(x) => x,
            Err(e) => {
                let reindent = flow_reindent(src, &b.stack, &e);
                out.error = Some(syntax(file, &e, json, shifts));
                return (out, reindent);
            }
        };
        let span = span_of(file, &sp, shifts);
        let raw = (sp.start.line(), sp.start.col());
        if sp.end.index().saturating_sub(doc_start_index) > limits.max_document_bytes {
            out.error = Some(SourceError::DocumentTooLarge {
                span,
                limit: limits.max_document_bytes,
            });
            return (out, None);
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
                        unrendered_template: None,
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
                // The scanner's buffer grows by doubling; the tree lives as
                // long as the platform (positions for every finding), so keep
                // only what the text needs (BENCHMARKS.md, issue 9).
                let mut text = text.into_owned();
                text.shrink_to_fit();
                let node = Node {
                    span,
                    kind: NodeKind::Scalar(Scalar {
                        text,
                        style: style(st),
                    }),
                };
                b.push_node(node, anchor, 1)
            }),
            Event::SequenceStart(anchor, _) => b.open(
                Frame::Seq {
                    start: span,
                    raw,
                    anchor,
                    items: Vec::new(),
                },
                span,
            ),
            Event::MappingStart(anchor, _) => b.open(
                Frame::Map {
                    start: span,
                    raw,
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
            return (out, None);
        }
    }
    (out, None)
}

/// A Go template action written on one line: `{{` (or `{{-`) then a space,
/// `.`, `$`, `/*` or a word, up to `}}`. JSON such as `{{"a": 1}}` is not one.
fn template_actions(file: FileId, text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(at) = line[from..].find("{{").map(|a| a + from) {
            from = at + 2;
            let before = line[..at].trim_start();
            if before.starts_with('#') {
                break;
            }
            let rest = line[at + 2..].trim_start_matches('-');
            let opens = rest.starts_with(|c: char| {
                c == ' ' || c == '.' || c == '$' || c == '/' || c.is_ascii_alphabetic()
            });
            let Some(close) = rest.find("}}") else {
                continue;
            };
            if !opens {
                continue;
            }
            let line_no = i as u32 + 1;
            let col = line[..at].chars().count() as u32 + 1;
            let len = (line.len() - rest.len()) - at + close + 2;
            let end_col = col + line[at..at + len].chars().count() as u32;
            out.push(Span::new(
                file,
                Pos::new(line_no, col),
                Pos::new(line_no, end_col),
            ));
        }
    }
    out
}

/// Helm's built-in objects (<https://helm.sh/docs/chart_template_guide/builtin_objects/>):
/// an action naming one is Helm's even inside a quoted string.
fn names_helm_object(action: &str) -> bool {
    [
        ".Values",
        ".Release",
        ".Chart",
        ".Capabilities",
        ".Files",
        ".Template",
        "include ",
        "toYaml",
        "template ",
    ]
    .iter()
    .any(|w| action.contains(w))
}

/// Spans of every scalar with its style: where a `{{ ... }}` is text (an
/// Argo or Prometheus template, say) rather than YAML structure.
fn string_spans(node: &Node, out: &mut Vec<(Span, ScalarStyle)>) {
    match &node.kind {
        NodeKind::Scalar(s) => out.push((node.span, s.style)),
        NodeKind::Seq(items) => items.iter().for_each(|n| string_spans(n, out)),
        NodeKind::Map(entries) => entries.iter().for_each(|(k, v)| {
            string_spans(k, out);
            string_spans(v, out);
        }),
    }
}

fn inside(span: Span, p: Pos) -> bool {
    (span.start.line, span.start.col) <= (p.line, p.col)
        && (p.line, p.col) < (span.end.line, span.end.col.max(1))
        || (span.start.line < p.line && p.line < span.end.line)
}

/// Whether an action is template structure rather than text: outside every
/// scalar (YAML read its braces as a flow mapping), or inside a one-line
/// scalar and naming one of Helm's objects. Block scalars are text.
fn is_structural(text: &str, action: Span, strings: &[(Span, ScalarStyle)]) -> bool {
    let holder = strings.iter().find(|(s, _)| inside(*s, action.start));
    match holder {
        None => true,
        Some((_, ScalarStyle::Literal | ScalarStyle::Folded)) => false,
        Some(_) => text
            .lines()
            .nth(action.start.line as usize - 1)
            .is_some_and(names_helm_object),
    }
}

/// Whether 1-based column `col` of `line` is inside a quoted string opened
/// on the same line.
fn quoted_on_line(line: &str, col: u32) -> bool {
    let (mut single, mut double, mut escaped) = (false, false, false);
    for c in line.chars().take(col as usize - 1) {
        match c {
            '\\' if double => escaped = !escaped,
            '"' if !single && !escaped => double = !double,
            '\'' if !double => single = !single,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    single || double
}

/// Marks unrendered Helm templates: documents holding template actions
/// outside their strings, or a file that failed to parse where one appears.
fn mark_templates(file: FileId, text: &str, out: &mut ParsedFile) {
    if !text.contains("{{") {
        return;
    }
    let actions = template_actions(file, text);
    if actions.is_empty() {
        return;
    }
    let mut all_strings = Vec::new();
    for doc in &mut out.documents {
        let mut strings = Vec::new();
        string_spans(&doc.root, &mut strings);
        let (first, last) = (doc.root.span.start.line, doc.root.span.end.line);
        doc.unrendered_template = actions
            .iter()
            .filter(|a| first <= a.start.line && a.start.line <= last)
            .find(|a| is_structural(text, **a, &strings))
            .copied();
        all_strings.extend(strings);
    }
    // Past the documents read, only the line itself tells whether an action
    // sits in a quoted string.
    let read_up_to = out.documents.last().map_or(0, |d| d.root.span.end.line);
    if matches!(out.error, Some(SourceError::Syntax { .. }))
        && let Some(first) = actions.iter().find(|a| {
            if a.start.line <= read_up_to {
                is_structural(text, **a, &all_strings)
            } else {
                let line = text.lines().nth(a.start.line as usize - 1).unwrap_or("");
                !quoted_on_line(line, a.start.col) || names_helm_object(line)
            }
        })
    {
        out.error = Some(SourceError::UnrenderedTemplate {
            span: *first,
            action: text
                .lines()
                .nth(first.start.line as usize - 1)
                .unwrap_or_default()
                .trim()
                .to_string(),
        });
        out.documents.clear();
    }
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

    fn line_col(n: Option<&Node>) -> Option<(u32, u32)> {
        n.map(|n| (n.span.start.line, n.span.start.col))
    }

    #[test]
    fn flow_sequence_closed_at_the_key_indentation_reads_as_go_yaml_does() {
        // go-yaml (libyaml) ignores indentation inside flow collections; PyYAML too.
        let text = "spec:\n  containers:\n    - name: spark\n      args: [\n    \"--conf\",\n  \"a=b\"\n      ]\n      image: x\n  other: [\n  1,\n  2\n  ]\n";
        let p = parse(text);
        assert!(p.error.is_none(), "{:?}", p.error);
        let root = &p.documents[0].root;
        let c = root.at(["spec".into(), "containers".into(), 0.into()]);
        let args = c.and_then(|c| c.get("args"));
        let items: Vec<_> = args
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .map(|n| {
                (
                    n.as_str().unwrap_or_default(),
                    n.span.start.line,
                    n.span.start.col,
                )
            })
            .collect();
        // Positions are those of the text as written, not as re-read.
        assert_eq!(items, vec![("--conf", 5, 5), ("a=b", 6, 3)]);
        assert_eq!(line_col(c.and_then(|c| c.get("image"))), Some((8, 14)));
        let other = root.at(["spec".into(), "other".into(), 1.into()]);
        assert_eq!(line_col(other), Some((11, 3)));
        // A genuine indentation error stays one, at its place.
        let p = parse("a:\n  b: 1\n c: 2\n");
        assert!(
            matches!(&p.error, Some(SourceError::Syntax { span, .. }) if span.start.line == 3),
            "{:?}",
            p.error
        );
    }

    #[test]
    fn merge_keys_apply_with_explicit_keys_winning() {
        let text = "base: &base\n  cpu: 1\n  mem: 2\nextra: &extra\n  mem: 9\n  disk: 3\none:\n  cpu: 7\n  <<: *base\ntwo:\n  <<: [*extra, *base]\n  zone: a\n";
        let p = parse(text);
        assert!(p.error.is_none(), "{:?}", p.error);
        let root = &p.documents[0].root;
        let one = root.get("one");
        // `cpu` written before `<<` still wins (go-yaml v3's mergedFields).
        assert_eq!(
            one.and_then(|m| m.get("cpu")).and_then(Node::as_str),
            Some("7")
        );
        assert_eq!(
            one.and_then(|m| m.get("mem")).and_then(Node::as_str),
            Some("2")
        );
        // A merged value points at the anchored mapping's line.
        assert_eq!(line_col(one.and_then(|m| m.get("mem"))), Some((3, 8)));
        assert!(one.and_then(|m| m.get("<<")).is_none());
        let two = root.get("two");
        // Earlier mappings of the list win.
        assert_eq!(
            two.and_then(|m| m.get("mem")).and_then(Node::as_str),
            Some("9")
        );
        assert_eq!(
            two.and_then(|m| m.get("cpu")).and_then(Node::as_str),
            Some("1")
        );
        assert_eq!(two.and_then(Node::as_map).map(<[_]>::len), Some(4));
        // `<<` with a scalar is not a merge: kept as a key.
        let p = parse("a:\n  <<: 3\n");
        assert!(p.documents[0].root.at(["a".into(), "<<".into()]).is_some());
    }

    #[test]
    fn unrendered_helm_template_is_named_at_its_first_action() {
        let text = "{{- if .Values.enabled }}\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ include \"x.name\" . }}\n{{- end }}\n";
        let p = parse(text);
        assert!(p.documents.is_empty());
        match &p.error {
            Some(e @ SourceError::UnrenderedTemplate { span, .. }) => {
                assert_eq!((span.start.line, span.start.col, span.end.col), (1, 1, 26));
                assert!(
                    e.to_string().contains("render it first: helm template"),
                    "{e}"
                );
            }
            e => panic!("{e:?}"),
        }
        // Parses as YAML, but the action is structure: the document is marked.
        let p = parse(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Values.name }}\n  labels:\n    a: \"{{ .Release.Name }}\"\n",
        );
        assert!(p.error.is_none(), "{:?}", p.error);
        let t = p.documents[0].unrendered_template;
        assert_eq!(t.map(|s| (s.start.line, s.start.col)), Some((4, 9)));
        // Templates that are data (Prometheus, Argo) inside strings are not Helm's.
        let p = parse(
            "kind: ConfigMap\ndata:\n  rule: |\n    summary: {{ $labels.instance }}\n  b: \"{{workflow.name}}\"\n  c: Instance {{ $labels.instance }} is down\n# {{ .Values.x }} in a comment\n",
        );
        assert!(
            p.error.is_none() && p.documents[0].unrendered_template.is_none(),
            "{p:?}"
        );
        // A plain scalar naming a Helm object is Helm's.
        let p = parse("kind: Pod\nspec:\n  image: repo:{{ .Values.tag }}\n");
        let t = p.documents[0].unrendered_template;
        assert_eq!(t.map(|s| (s.start.line, s.start.col)), Some((3, 15)));
        // A real syntax error beside a string template stays a syntax error.
        let p = parse("a: \"{{ $x }}\"\nb: [\n");
        assert!(
            matches!(p.error, Some(SourceError::Syntax { .. })),
            "{:?}",
            p.error
        );
    }
}
