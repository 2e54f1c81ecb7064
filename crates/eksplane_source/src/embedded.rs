//! YAML embedded in a string of another YAML file (the `aws-auth` ConfigMap's
//! `mapRoles`, `mapUsers`, `mapAccounts`), with positions mapped back into the
//! outer file so findings point at the line a person edits.

use crate::db::SourceFile;
use crate::error::SourceError;
use crate::limits::Limits;
use crate::node::{Node, NodeKind, ScalarStyle};
use crate::parse::{ParsedFile, parse_str};
use crate::span::{Pos, Span};

/// Parses the text of a scalar node as YAML. For block scalars (`|`, `>`), each
/// inner position is mapped to its line and column in `outer_file`; for other
/// styles, every inner node gets the scalar's own span.
pub fn parse_embedded_yaml(scalar: &Node, outer_file: &SourceFile, limits: &Limits) -> ParsedFile {
    let Some(s) = scalar.as_scalar() else {
        return ParsedFile::default();
    };
    let file = scalar.span.file;
    let mut parsed = parse_str(file, &s.text, limits, Pos::new(1, 1));
    let block = matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded);
    // The content of a block scalar starts on the line after its indicator;
    // its indentation is that of its first non-blank content line.
    let start_text = outer_file.line(scalar.span.start.line).unwrap_or("");
    let indicator_line = start_text
        .trim_end()
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '+')
        .ends_with(['|', '>']);
    let first_line = scalar.span.start.line + u32::from(indicator_line);
    let indent = (first_line..first_line + 50)
        .filter_map(|l| outer_file.line(l))
        .find(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .unwrap_or(0) as u32;
    let map = |sp: Span| -> Span {
        if block {
            let f = |p: Pos| Pos::new(p.line + first_line - 1, p.col + indent);
            Span::new(file, f(sp.start), f(sp.end))
        } else {
            scalar.span
        }
    };
    for d in &mut parsed.documents {
        remap(&mut d.root, &map);
        for dk in &mut d.duplicate_keys {
            dk.first = map(dk.first);
            dk.second = map(dk.second);
        }
    }
    if let Some(e) = &mut parsed.error {
        let mapped = map(e.span());
        set_span(e, mapped);
    }
    parsed
}

fn remap(node: &mut Node, map: &impl Fn(Span) -> Span) {
    // Depth is bounded by Limits::max_depth, enforced while parsing.
    node.span = map(node.span);
    match &mut node.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Seq(items) => items.iter_mut().for_each(|n| remap(n, map)),
        NodeKind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            remap(k, map);
            remap(v, map);
        }),
    }
}

fn set_span(e: &mut SourceError, s: Span) {
    match e {
        SourceError::Io { span, .. }
        | SourceError::Binary { span, .. }
        | SourceError::FileTooLarge { span, .. }
        | SourceError::DocumentTooLarge { span, .. }
        | SourceError::Syntax { span, .. }
        | SourceError::TooDeep { span, .. }
        | SourceError::AliasBomb { span, .. }
        | SourceError::TooManyNodes { span, .. }
        | SourceError::UnrenderedTemplate { span, .. }
        | SourceError::UnknownAlias { span, .. } => *span = s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SourceDb, parse_file};

    #[test]
    fn aws_auth_map_roles_point_into_outer_file() {
        let text = "apiVersion: v1\nkind: ConfigMap\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::1:role/a\n      groups:\n        - system:masters\n";
        let mut db = SourceDb::new();
        let id = db.add("aws-auth.yaml", text);
        let p = parse_file(id, text, &Limits::default());
        let root = &p.documents[0].root;
        let scalar = root
            .at(["data".into(), "mapRoles".into()])
            .unwrap_or_else(|| panic!("mapRoles"));
        let file = db.get(id).unwrap_or_else(|| panic!("file"));
        let inner = parse_embedded_yaml(scalar, file, &Limits::default());
        assert!(inner.error.is_none());
        let g = inner.documents[0]
            .root
            .at([0.into(), "groups".into(), 0.into()])
            .unwrap_or_else(|| panic!("groups"));
        assert_eq!((g.span.start.line, g.span.start.col), (7, 11));
        assert_eq!(file.line(7).map(|l| &l[10..]), Some("system:masters"));
    }
}
