use crate::span::Span;
use std::fmt;

/// How a scalar was written. Only plain scalars are resolved to null, bool or
/// numbers (YAML 1.2 core schema); quoted and block scalars are always strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub text: String,
    pub style: ScalarStyle,
}

/// The value a plain scalar resolves to under the YAML 1.2 core schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved<'a> {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(&'a str),
}

impl Scalar {
    pub fn is_plain(&self) -> bool {
        self.style == ScalarStyle::Plain
    }

    /// Resolves per the YAML 1.2 core schema (<https://yaml.org/spec/1.2.2/#1032-tag-resolution>).
    pub fn resolve(&self) -> Resolved<'_> {
        if !self.is_plain() {
            return Resolved::Str(&self.text);
        }
        let t = self.text.as_str();
        match t {
            "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
            "true" | "True" | "TRUE" => return Resolved::Bool(true),
            "false" | "False" | "FALSE" => return Resolved::Bool(false),
            ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
                return Resolved::Float(f64::INFINITY);
            }
            "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
            ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
            _ => {}
        }
        if let Some(i) = parse_int(t) {
            return i;
        }
        if is_float(t)
            && let Ok(f) = t.parse::<f64>()
        {
            return Resolved::Float(f);
        }
        Resolved::Str(t)
    }
}

fn parse_int(t: &str) -> Option<Resolved<'static>> {
    let (neg, digits) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let (radix, body) = if let Some(h) = digits.strip_prefix("0x") {
        (16, h)
    } else if let Some(o) = digits.strip_prefix("0o") {
        (8, o)
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    if radix != 10 && (neg || digits.len() != t.len()) {
        return None;
    }
    let v = u64::from_str_radix(body, radix).ok()?;
    if neg {
        if v <= i64::MAX as u64 + 1 {
            Some(Resolved::Int((v as i128).wrapping_neg() as i64))
        } else {
            None
        }
    } else {
        Some(Resolved::UInt(v))
    }
}

fn is_float(t: &str) -> bool {
    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let b = t.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - s;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == s {
            return false;
        }
    }
    i == b.len()
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// A YAML or JSON value with the span it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

/// One step of a path into a [`Node`] tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathSeg<'a> {
    Key(&'a str),
    Index(usize),
}

impl<'a> From<&'a str> for PathSeg<'a> {
    fn from(k: &'a str) -> Self {
        PathSeg::Key(k)
    }
}

impl From<usize> for PathSeg<'_> {
    fn from(i: usize) -> Self {
        PathSeg::Index(i)
    }
}

impl Node {
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar's text when this node is a string-like scalar.
    pub fn as_str(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.text.as_str())
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar(s) if matches!(s.resolve(), Resolved::Null))
    }

    /// The value of a mapping key (the last one if the key repeats).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.get_entry(key).map(|(_, v)| v)
    }

    /// The key node and value node of a mapping entry.
    pub fn get_entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.as_map()?
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, v)| (k, v))
    }

    /// Follows a path of keys and indices.
    pub fn at<'p>(&self, path: impl IntoIterator<Item = PathSeg<'p>>) -> Option<&Node> {
        let mut cur = self;
        for seg in path {
            cur = match seg {
                PathSeg::Key(k) => cur.get(k)?,
                PathSeg::Index(i) => cur.as_seq()?.get(i)?,
            };
        }
        Some(cur)
    }

    /// The span of the deepest node that exists along a path: the best place to
    /// point at for a fact found there, or for a field that is missing there.
    pub fn locate<'p>(&self, path: impl IntoIterator<Item = PathSeg<'p>>) -> Span {
        let mut cur = self;
        for seg in path {
            let next = match seg {
                PathSeg::Key(k) => cur.get(k),
                PathSeg::Index(i) => cur.as_seq().and_then(|s| s.get(i)),
            };
            match next {
                Some(n) => cur = n,
                None => break,
            }
        }
        cur.span
    }

    /// The span of a mapping key (the line where `key:` is written).
    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.get_entry(key).map(|(k, _)| k.span)
    }

    /// A short word for the node's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar(s) => match s.resolve() {
                Resolved::Null => "null",
                Resolved::Bool(_) => "a boolean",
                Resolved::Int(_) | Resolved::UInt(_) => "an integer",
                Resolved::Float(_) => "a number",
                Resolved::Str(_) => "a string",
            },
            NodeKind::Seq(_) => "a sequence",
            NodeKind::Map(_) => "a mapping",
        }
    }

    /// Number of nodes in this tree.
    pub fn count(&self) -> usize {
        match &self.kind {
            NodeKind::Scalar(_) => 1,
            NodeKind::Seq(s) => 1 + s.iter().map(Node::count).sum::<usize>(),
            NodeKind::Map(m) => 1 + m.iter().map(|(k, v)| k.count() + v.count()).sum::<usize>(),
        }
    }
}

impl fmt::Display for PathSeg<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathSeg::Key(k) => write!(f, ".{k}"),
            PathSeg::Index(i) => write!(f, "[{i}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(t: &str) -> Scalar {
        Scalar {
            text: t.into(),
            style: ScalarStyle::Plain,
        }
    }

    #[test]
    fn core_schema_resolution() {
        assert_eq!(plain("~").resolve(), Resolved::Null);
        assert_eq!(plain("").resolve(), Resolved::Null);
        assert_eq!(plain("True").resolve(), Resolved::Bool(true));
        assert_eq!(plain("110").resolve(), Resolved::UInt(110));
        assert_eq!(plain("-3").resolve(), Resolved::Int(-3));
        assert_eq!(plain("0x1F").resolve(), Resolved::UInt(31));
        assert_eq!(plain("1.31").resolve(), Resolved::Float(1.31));
        assert_eq!(plain("1e3").resolve(), Resolved::Float(1000.0));
        assert_eq!(plain("yes").resolve(), Resolved::Str("yes"));
        assert_eq!(plain("1.2.3").resolve(), Resolved::Str("1.2.3"));
        assert_eq!(plain("-").resolve(), Resolved::Str("-"));
        assert_eq!(plain("100Mi").resolve(), Resolved::Str("100Mi"));
        let q = Scalar {
            text: "110".into(),
            style: ScalarStyle::DoubleQuoted,
        };
        assert_eq!(q.resolve(), Resolved::Str("110"));
    }
}
