//! A compact, read-only copy of a [`Node`] tree, kept beside each loaded
//! object so findings can point at any field after decoding.
//!
//! A [`Node`] tree costs about 200 bytes per mapping entry (two nodes, two
//! heap strings, the entry vector's slack); on 50,000 objects the retained
//! trees were a quarter of `check`'s peak memory (BENCHMARKS.md). A
//! [`PosTree`] stores the same shape in one array of fixed-size records laid
//! out breadth-first (each node's children are contiguous) and every key and
//! scalar text in one string: about 60 bytes per entry plus the text.

use crate::db::FileId;
use crate::node::{Node, NodeKind, PathSeg, Scalar, ScalarStyle};
use crate::span::{Pos, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Scalar,
    Seq,
    Map,
}

/// One node: its span, its key when it is a mapping value, its scalar text,
/// and where its children are.
#[derive(Debug, Clone, Copy)]
struct Rec {
    start: Pos,
    end: Pos,
    key_start: Pos,
    key_end: Pos,
    /// Key text in [`PosTree::text`] (`u32::MAX` offset: no key).
    key: (u32, u32),
    /// Scalar text in [`PosTree::text`].
    val: (u32, u32),
    first_child: u32,
    children: u32,
    shape: Shape,
    /// How the scalar was written (plain scalars resolve to numbers etc.).
    style: ScalarStyle,
}

const NO_KEY: (u32, u32) = (u32::MAX, 0);

/// The positions (and texts) of a YAML/JSON tree, for locating fields.
#[derive(Debug, Clone)]
pub struct PosTree {
    file: FileId,
    recs: Box<[Rec]>,
    text: Box<str>,
}

impl PartialEq for PosTree {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
            || (self.file == other.file && self.text == other.text && {
                self.recs.len() == other.recs.len()
                    && self
                        .recs
                        .iter()
                        .zip(other.recs.iter())
                        .all(|(a, b)| a.start == b.start && a.end == b.end)
            })
    }
}

impl PosTree {
    /// Copies `node`'s shape, spans and texts.
    pub fn new(node: &Node) -> PosTree {
        let mut recs: Vec<Rec> = Vec::with_capacity(node.count());
        let mut text = String::new();
        let push_text = |text: &mut String, s: &str| -> (u32, u32) {
            let off = u32::try_from(text.len()).unwrap_or(u32::MAX - 1);
            text.push_str(s);
            (off, u32::try_from(s.len()).unwrap_or(0))
        };
        // Breadth-first: a queue of (node, key) whose records are already
        // pushed; their children are appended contiguously.
        let mut queue: std::collections::VecDeque<(&Node, usize)> = Default::default();
        recs.push(rec_of(node, None, &mut text, &push_text));
        queue.push_back((node, 0));
        while let Some((n, idx)) = queue.pop_front() {
            let first = recs.len();
            match &n.kind {
                NodeKind::Scalar(_) => continue,
                NodeKind::Seq(items) => {
                    for item in items {
                        let i = recs.len();
                        recs.push(rec_of(item, None, &mut text, &push_text));
                        queue.push_back((item, i));
                    }
                }
                NodeKind::Map(entries) => {
                    for (k, v) in entries {
                        let i = recs.len();
                        recs.push(rec_of(v, Some(k), &mut text, &push_text));
                        queue.push_back((v, i));
                    }
                }
            }
            let count = recs.len() - first;
            if let Some(r) = recs.get_mut(idx) {
                r.first_child = u32::try_from(first).unwrap_or(u32::MAX);
                r.children = u32::try_from(count).unwrap_or(0);
            }
        }
        PosTree {
            file: node.span.file,
            recs: recs.into_boxed_slice(),
            text: text.into_boxed_str(),
        }
    }

    /// The root node.
    pub fn root(&self) -> PosRef<'_> {
        PosRef { tree: self, idx: 0 }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.recs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    /// The span of the deepest node that exists along `path` (see
    /// [`Node::locate`]).
    pub fn locate<'p>(&self, path: impl IntoIterator<Item = PathSeg<'p>>) -> Span {
        let mut cur = self.root();
        for seg in path {
            match cur.step(seg) {
                Some(n) => cur = n,
                None => break,
            }
        }
        cur.span()
    }

    /// Follows a path of keys and indices.
    pub fn at<'p>(&self, path: impl IntoIterator<Item = PathSeg<'p>>) -> Option<PosRef<'_>> {
        let mut cur = self.root();
        for seg in path {
            cur = cur.step(seg)?;
        }
        Some(cur)
    }
}

fn rec_of(
    n: &Node,
    key: Option<&Node>,
    text: &mut String,
    push_text: &impl Fn(&mut String, &str) -> (u32, u32),
) -> Rec {
    let (shape, val, style) = match &n.kind {
        NodeKind::Scalar(s) => (Shape::Scalar, push_text(text, &s.text), s.style),
        NodeKind::Seq(_) => (Shape::Seq, (0, 0), ScalarStyle::Plain),
        NodeKind::Map(_) => (Shape::Map, (0, 0), ScalarStyle::Plain),
    };
    let (key_rec, key_start, key_end) = match key {
        Some(k) => match k.as_str() {
            Some(t) => (push_text(text, t), k.span.start, k.span.end),
            // A complex key (a mapping or sequence as key) has no text:
            // nothing can look it up by name.
            None => (NO_KEY, k.span.start, k.span.end),
        },
        None => (NO_KEY, Pos::default(), Pos::default()),
    };
    Rec {
        start: n.span.start,
        end: n.span.end,
        key_start,
        key_end,
        key: key_rec,
        val,
        first_child: 0,
        children: 0,
        shape,
        style,
    }
}

/// A node of a [`PosTree`].
#[derive(Debug, Clone, Copy)]
pub struct PosRef<'t> {
    tree: &'t PosTree,
    idx: u32,
}

impl<'t> PosRef<'t> {
    fn rec(&self) -> &'t Rec {
        // `idx` only ever comes from the tree's own records.
        &self.tree.recs[self.idx as usize]
    }

    fn slice(&self, (off, len): (u32, u32)) -> Option<&'t str> {
        if off == u32::MAX {
            return None;
        }
        self.tree
            .text
            .get(off as usize..(off as usize).saturating_add(len as usize))
    }

    fn children(&self) -> impl DoubleEndedIterator<Item = PosRef<'t>> + 't {
        let r = *self.rec();
        let tree = self.tree;
        (r.first_child..r.first_child.saturating_add(r.children))
            .map(move |idx| PosRef { tree, idx })
    }

    pub fn span(&self) -> Span {
        let r = self.rec();
        Span::new(self.tree.file, r.start, r.end)
    }

    /// The span of this node's key, when it is a mapping value.
    pub fn key_span_of_self(&self) -> Option<Span> {
        let r = self.rec();
        (r.key_start.line != 0).then(|| Span::new(self.tree.file, r.key_start, r.key_end))
    }

    /// This node's key text, when it is a mapping value with a scalar key.
    pub fn key(&self) -> Option<&'t str> {
        self.slice(self.rec().key)
    }

    /// The scalar's text, when this node is a scalar.
    pub fn as_str(&self) -> Option<&'t str> {
        match self.rec().shape {
            Shape::Scalar => self.slice(self.rec().val),
            _ => None,
        }
    }

    /// The scalar (text and style), when this node is a scalar: resolve it
    /// with [`Scalar::resolve`].
    pub fn scalar(&self) -> Option<Scalar> {
        let r = self.rec();
        match r.shape {
            Shape::Scalar => Some(Scalar {
                text: self.slice(r.val)?.to_string(),
                style: r.style,
            }),
            _ => None,
        }
    }

    pub fn is_map(&self) -> bool {
        self.rec().shape == Shape::Map
    }

    pub fn is_seq(&self) -> bool {
        self.rec().shape == Shape::Seq
    }

    /// The value of a mapping key (the last one if the key repeats).
    pub fn get(&self, key: &str) -> Option<PosRef<'t>> {
        if !self.is_map() {
            return None;
        }
        self.children().rev().find(|c| c.key() == Some(key))
    }

    /// The span of a mapping key (the line where `key:` is written).
    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.get(key).and_then(|v| v.key_span_of_self())
    }

    /// The `i`th item of a sequence.
    pub fn index(&self, i: usize) -> Option<PosRef<'t>> {
        if !self.is_seq() {
            return None;
        }
        self.children().nth(i)
    }

    /// Mapping entries in order, as (key, value); sequence items have no key.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = PosRef<'t>> + 't {
        self.children()
    }

    fn step(&self, seg: PathSeg<'_>) -> Option<PosRef<'t>> {
        match seg {
            PathSeg::Key(k) => self.get(k),
            PathSeg::Index(i) => self.index(i),
        }
    }

    /// Follows a path of keys and indices from this node.
    pub fn at<'p>(&self, path: impl IntoIterator<Item = PathSeg<'p>>) -> Option<PosRef<'t>> {
        let mut cur = *self;
        for seg in path {
            cur = cur.step(seg)?;
        }
        Some(cur)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Limits, SourceDb, parse_file};

    fn tree(text: &str) -> (Node, PosTree) {
        let mut db = SourceDb::default();
        let id = db.add("t.yaml", text);
        let parsed = parse_file(id, text, &Limits::default());
        let node = parsed
            .documents
            .into_iter()
            .next()
            .map(|d| d.root)
            .unwrap_or_else(|| panic!("no document"));
        let t = PosTree::new(&node);
        (node, t)
    }

    const TEXT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, 'tier': \"front\"}
spec:
  replicas: 3
  replicas: 4
  template:
    spec:
      containers:
        - name: app
          image: nginx
        - name: side
          ports: [{containerPort: 80}, {containerPort: 81}]
";

    /// Every path the Node tree answers, the PosTree answers the same.
    #[test]
    fn agrees_with_the_node_tree_on_every_path() {
        let (node, t) = tree(TEXT);
        assert_eq!(t.len(), node.count() - node_key_count(&node));
        let mut paths: Vec<Vec<PathSeg<'static>>> = Vec::new();
        let keys = [
            "apiVersion",
            "kind",
            "metadata",
            "name",
            "labels",
            "app",
            "tier",
            "spec",
            "replicas",
            "template",
            "containers",
            "image",
            "ports",
            "containerPort",
            "nope",
        ];
        // All paths of up to 6 steps over these keys and indices 0..3.
        fn walk(
            prefix: Vec<PathSeg<'static>>,
            keys: &[&'static str],
            depth: usize,
            out: &mut Vec<Vec<PathSeg<'static>>>,
        ) {
            out.push(prefix.clone());
            if depth == 0 {
                return;
            }
            let mut segs: Vec<PathSeg<'static>> = keys.iter().map(|k| PathSeg::Key(k)).collect();
            segs.extend((0..3).map(PathSeg::Index));
            for s in segs {
                let mut p = prefix.clone();
                p.push(s);
                walk(p, keys, depth - 1, out);
            }
        }
        walk(Vec::new(), &keys, 4, &mut paths);
        for p in &paths {
            assert_eq!(
                t.locate(p.iter().copied()),
                node.locate(p.iter().copied()),
                "{p:?}"
            );
            let a = t.at(p.iter().copied());
            let b = node.at(p.iter().copied());
            assert_eq!(a.map(|x| x.span()), b.map(|x| x.span), "{p:?}");
            assert_eq!(
                a.and_then(|x| x.as_str()),
                b.and_then(|x| x.as_str()),
                "{p:?}"
            );
            for k in keys {
                assert_eq!(
                    a.and_then(|x| x.key_span(k)),
                    b.and_then(|x| x.key_span(k)),
                    "{p:?} {k}"
                );
            }
        }
        // The repeated key: the last one wins, as in the Node tree.
        assert_eq!(
            t.at([PathSeg::Key("spec"), PathSeg::Key("replicas")])
                .and_then(|n| n.as_str()),
            Some("4")
        );
    }

    fn node_key_count(n: &Node) -> usize {
        match &n.kind {
            NodeKind::Scalar(_) => 0,
            NodeKind::Seq(s) => s.iter().map(node_key_count).sum(),
            NodeKind::Map(m) => m.iter().map(|(k, v)| k.count() + node_key_count(v)).sum(),
        }
    }
}
