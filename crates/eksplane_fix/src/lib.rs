//! Applies the typed edits of fixes ([`eksplane_diagnostics::Edit`]) to the
//! files as they were read: each edit becomes a replacement of a byte range
//! (or an insertion at one point) found from the loader's positions, so
//! comments, key order and formatting outside the edited ranges stay
//! byte-identical. Pure: no I/O; the binary reads and writes the files.
//!
//! A fix is applied whole or not at all: when one of its edits cannot be
//! placed (the path holds a mapping, a block scalar, a key reached through a
//! merge key or an alias, ...) or overlaps an edit of a fix already
//! accepted, the fix is skipped with the reason. Two fixes making the same
//! edit (CNI001 and CNI002 proposing one `maxPods`) are both applied.

pub mod emit;

use eksplane_diagnostics::{Edit, Fix, Step, YamlPath};
use eksplane_source::{FileId, Limits, Node, NodeKind, SourceDb, SourceFile, Span, parse_file};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One change of bytes in a file: `range` (of the text as read) becomes `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    pub range: std::ops::Range<usize>,
    pub text: String,
}

/// A file the fixes change, with its text before and after.
#[derive(Debug, Clone)]
pub struct ChangedFile {
    pub file: FileId,
    /// The path as the user gave it.
    pub path: String,
    pub before: String,
    pub after: String,
    /// The replacements applied, in file order (ranges of `before`).
    pub replacements: Vec<Replacement>,
}

/// A file the fixes create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFile {
    pub path: PathBuf,
    pub text: String,
}

/// What applying a set of fixes gives.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub changed: Vec<ChangedFile>,
    pub created: Vec<NewFile>,
    /// Indices (into the fixes given) of the fixes applied.
    pub applied: Vec<usize>,
    /// Indices of fixes not applied, with why.
    pub skipped: Vec<(usize, String)>,
}

/// Where an edit lands once resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Resolved {
    Replace(FileId, Replacement),
    Create(NewFile),
}

/// Applies `fixes` (in order: on overlap the earlier wins) to the files of
/// `db`. `exists` tells whether a path is already taken (a new file never
/// overwrites one).
pub fn apply(db: &SourceDb, fixes: &[&Fix], exists: &dyn Fn(&Path) -> bool) -> Outcome {
    let mut parsed: BTreeMap<FileId, Vec<Node>> = BTreeMap::new();
    let mut accepted: BTreeMap<FileId, Vec<Replacement>> = BTreeMap::new();
    let mut created: Vec<NewFile> = Vec::new();
    let mut out = Outcome::default();
    'fixes: for (i, fix) in fixes.iter().enumerate() {
        let mut resolved = Vec::new();
        for edit in &fix.edits {
            match resolve(db, &mut parsed, edit) {
                Ok(r) => resolved.push(r),
                Err(why) => {
                    out.skipped.push((i, why));
                    continue 'fixes;
                }
            }
        }
        // The fix's own insertions at one point go in the order of its edits.
        let mut merged: Vec<Resolved> = Vec::new();
        for r in resolved {
            if let Resolved::Replace(file, rep) = &r
                && rep.range.is_empty()
                && let Some(Resolved::Replace(_, prev)) = merged.iter_mut().find(
                    |m| matches!(m, Resolved::Replace(f, p) if f == file && p.range == rep.range),
                )
            {
                prev.text.push_str(&rep.text);
                continue;
            }
            merged.push(r);
        }
        let resolved = merged;
        // Conflicts with what is already accepted (or within the fix).
        let mut mine: Vec<Resolved> = Vec::new();
        for r in resolved {
            match &r {
                Resolved::Replace(file, rep) => {
                    let taken =
                        accepted
                            .get(file)
                            .into_iter()
                            .flatten()
                            .chain(mine.iter().filter_map(|m| match m {
                                Resolved::Replace(f, x) if f == file => Some(x),
                                _ => None,
                            }));
                    for other in taken {
                        if other == rep {
                            continue;
                        }
                        if overlaps(&other.range, &rep.range) {
                            out.skipped.push((
                                i,
                                format!(
                                    "overlaps another fix's edit of {} at line {}",
                                    db.name(*file),
                                    line_of(db, *file, rep.range.start)
                                ),
                            ));
                            continue 'fixes;
                        }
                    }
                }
                Resolved::Create(nf) => {
                    if let Some(other) = created
                        .iter()
                        .chain(mine.iter().filter_map(|m| match m {
                            Resolved::Create(n) => Some(n),
                            _ => None,
                        }))
                        .find(|o| o.path == nf.path)
                        && other != nf
                    {
                        out.skipped.push((
                            i,
                            format!(
                                "another fix creates {} with other content",
                                nf.path.display()
                            ),
                        ));
                        continue 'fixes;
                    }
                    if exists(&nf.path) {
                        out.skipped.push((
                            i,
                            format!("{} already exists; not overwritten", nf.path.display()),
                        ));
                        continue 'fixes;
                    }
                }
            }
            mine.push(r);
        }
        for r in mine {
            match r {
                Resolved::Replace(file, rep) => {
                    let list = accepted.entry(file).or_default();
                    if !list.contains(&rep) {
                        list.push(rep);
                    }
                }
                Resolved::Create(nf) => {
                    if !created.contains(&nf) {
                        created.push(nf);
                    }
                }
            }
        }
        out.applied.push(i);
    }
    for (file, mut reps) in accepted {
        let Some(src) = db.get(file) else { continue };
        reps.sort_by_key(|r| (r.range.start, r.range.end));
        let before = src.text.to_string();
        // Inserted lines take the file's line endings.
        if before.contains("\r\n") {
            for r in &mut reps {
                r.text = r.text.replace("\r\n", "\n").replace('\n', "\r\n");
            }
        }
        let after = splice(&before, &reps);
        out.changed.push(ChangedFile {
            file,
            path: src.name.clone(),
            before,
            after,
            replacements: reps,
        });
    }
    out.created = created;
    out
}

/// Two ranges overlap, or are two insertions at one point (their order
/// would be arbitrary).
fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    if a.is_empty() && b.is_empty() {
        return a.start == b.start;
    }
    a.start < b.end && b.start < a.end
        || (a.is_empty() && b.start < a.start && a.start < b.end)
        || (b.is_empty() && a.start < b.start && b.start < a.end)
}

fn line_of(db: &SourceDb, file: FileId, offset: usize) -> u32 {
    db.get(file).map_or(0, |f| f.pos_of_offset(offset).line)
}

/// The text with sorted, non-overlapping replacements made.
pub fn splice(text: &str, reps: &[Replacement]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for r in reps {
        out.push_str(&text[at..r.range.start]);
        out.push_str(&r.text);
        at = r.range.end;
    }
    out.push_str(&text[at..]);
    out
}

fn resolve(
    db: &SourceDb,
    parsed: &mut BTreeMap<FileId, Vec<Node>>,
    edit: &Edit,
) -> Result<Resolved, String> {
    match edit {
        Edit::CreateFile {
            beside,
            name,
            documents,
        } => {
            if name.contains(['/', '\\']) || name.starts_with('.') || name.is_empty() {
                return Err(format!("{name:?} is not a plain file name"));
            }
            let src = db
                .get(beside.file)
                .ok_or_else(|| "the file to write beside is unknown".to_string())?;
            if src.name == "<stdin>" || src.name == "-" {
                return Err("standard input has no directory to write beside".to_string());
            }
            let dir = Path::new(&src.name)
                .parent()
                .unwrap_or_else(|| Path::new(""));
            Ok(Resolved::Create(NewFile {
                path: dir.join(name),
                text: emit::documents(documents),
            }))
        }
        Edit::Set {
            target,
            path,
            value,
        } => {
            let (src, obj) = find_object(db, parsed, target.object)?;
            set(src, &obj, path, value).map(|r| Resolved::Replace(target.object.file, r))
        }
        Edit::Append { target, path, item } => {
            let (src, obj) = find_object(db, parsed, target.object)?;
            append(src, &obj, path, item).map(|r| Resolved::Replace(target.object.file, r))
        }
    }
}

/// The object's node, re-read from the file's text (so every span is one of
/// the text the edit applies to).
fn find_object<'d>(
    db: &'d SourceDb,
    parsed: &mut BTreeMap<FileId, Vec<Node>>,
    span: Span,
) -> Result<(&'d SourceFile, Node), String> {
    let src = db
        .get(span.file)
        .ok_or_else(|| "the edited file is unknown".to_string())?;
    let roots = parsed.entry(span.file).or_insert_with(|| {
        // The loader's limits: the file was read with them.
        parse_file(span.file, &src.text, &Limits::default())
            .documents
            .into_iter()
            .map(|d| d.root)
            .collect()
    });
    for root in roots.iter() {
        if root.span == span {
            return Ok((src, root.clone()));
        }
        // An item of a `List`.
        if let Some(items) = root.get("items").and_then(Node::as_seq)
            && let Some(item) = items.iter().find(|n| n.span == span)
        {
            return Ok((src, item.clone()));
        }
    }
    Err(format!(
        "{}:{}: the object is no longer where it was read",
        src.name, span.start.line
    ))
}

fn within(outer: Span, inner: Span) -> bool {
    (outer.start.line, outer.start.col) <= (inner.start.line, inner.start.col)
        && (inner.end.line, inner.end.col) <= (outer.end.line, outer.end.col)
}

/// One step of a walk: the node reached, and the key node that led to it.
struct Reached<'n> {
    node: &'n Node,
    key: Option<&'n Node>,
}

/// Follows `path` as far as it is written; returns the nodes reached (the
/// object first) and how many steps were followed.
fn walk<'n>(src: &SourceFile, obj: &'n Node, path: &YamlPath) -> Result<Vec<Reached<'n>>, String> {
    let mut chain = vec![Reached {
        node: obj,
        key: None,
    }];
    for step in &path.0 {
        let Some(cur) = chain.last().map(|r| r.node) else {
            break;
        };
        let next = match step {
            Step::Key(k) => cur.get_entry(k).map(|(kn, v)| (Some(kn), v)),
            Step::Index(i) => cur.as_seq().and_then(|s| s.get(*i)).map(|v| (None, v)),
        };
        let Some((key, node)) = next else { break };
        // A key merged in (`<<: *base`) or a value behind an alias is written
        // elsewhere: editing it would change every object sharing it.
        if !within(cur.span, key.map_or(node.span, |k| k.span)) || !within(cur.span, node.span) {
            return Err(format!(
                "{}:{}: {path} is reached through a YAML alias or merge key; edit it by hand",
                src.name, cur.span.start.line
            ));
        }
        chain.push(Reached { node, key });
    }
    Ok(chain)
}

fn is_flow(src: &SourceFile, n: &Node) -> bool {
    let r = src.byte_range(n.span);
    matches!(src.text.as_bytes().get(r.start), Some(b'{') | Some(b'['))
}

fn is_json(src: &SourceFile) -> bool {
    matches!(src.text.trim_start().chars().next(), Some('{') | Some('['))
}

fn set(
    src: &SourceFile,
    obj: &Node,
    path: &YamlPath,
    value: &Value,
) -> Result<Replacement, String> {
    let chain = walk(src, obj, path)?;
    let found = chain.len() - 1;
    let last = chain.last().map(|r| r.node).unwrap_or(obj);
    let at = || format!("{}:{}", src.name, last.span.start.line);
    if found == path.0.len() {
        let NodeKind::Scalar(s) = &last.kind else {
            return Err(format!(
                "{}: {path} holds {}; not replaced",
                at(),
                last.type_name()
            ));
        };
        if matches!(
            s.style,
            eksplane_source::ScalarStyle::Literal | eksplane_source::ScalarStyle::Folded
        ) {
            return Err(format!(
                "{}: {path} is a block scalar; edit it by hand",
                at()
            ));
        }
        if value.is_array() || value.is_object() {
            return Err(format!(
                "{}: {path} holds a scalar; a collection is not written over it",
                at()
            ));
        }
        let json = is_json(src);
        let text = match value {
            Value::String(v) => emit::string_in_style(v, s.style, json),
            v => emit::scalar(v, json).unwrap_or_default(),
        };
        let range = src.byte_range(last.span);
        check_scalar_range(src, &range, last)?;
        return Ok(Replacement { range, text });
    }
    // Keys not written: nest the value under them.
    let rest = &path.0[found..];
    let mut keys = Vec::new();
    for s in rest {
        match s {
            Step::Key(k) => keys.push(k.clone()),
            Step::Index(_) => {
                return Err(format!("{}: {path}: the list item is not written", at()));
            }
        }
    }
    let mut v = value.clone();
    for k in keys.iter().skip(1).rev() {
        let mut m = serde_json::Map::new();
        m.insert(k.clone(), v);
        v = Value::Object(m);
    }
    let parent_key_col = chain.last().and_then(|r| r.key).map(|k| k.span.start.col);
    insert_entry(src, last, parent_key_col, &keys[0], &v, path)
}

fn append(
    src: &SourceFile,
    obj: &Node,
    path: &YamlPath,
    item: &Value,
) -> Result<Replacement, String> {
    let chain = walk(src, obj, path)?;
    let found = chain.len() - 1;
    let last = chain.last().map(|r| r.node).unwrap_or(obj);
    let at = || format!("{}:{}", src.name, last.span.start.line);
    if found < path.0.len() {
        if found + 1 != path.0.len() {
            return Err(format!("{}: {path}: its parent is not written", at()));
        }
        let Some(Step::Key(k)) = path.0.last() else {
            return Err(format!("{}: {path}: the list item is not written", at()));
        };
        let parent_key_col = chain.last().and_then(|r| r.key).map(|k| k.span.start.col);
        return insert_entry(
            src,
            last,
            parent_key_col,
            k,
            &Value::Array(vec![item.clone()]),
            path,
        );
    }
    let Some(items) = last.as_seq() else {
        return Err(format!(
            "{}: {path} holds {}, not a list",
            at(),
            last.type_name()
        ));
    };
    let json = is_json(src);
    if is_flow(src, last) {
        let text = emit::flow(item, json);
        return Ok(match items.last() {
            Some(l) => Replacement {
                range: point(src.byte_range(l.span).end),
                text: format!(", {text}"),
            },
            None => Replacement {
                range: point(src.byte_range(last.span).start + 1),
                text,
            },
        });
    }
    let Some(first) = items.first() else {
        return Err(format!("{}: {path} is an empty block list", at()));
    };
    // The dash's column: the `-` before the first item on its line.
    let start = src.byte_range(first.span).start;
    let line_start = src.text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = &src.text[line_start..start];
    let Some(dash) = before.rfind('-') else {
        return Err(format!("{}: {path}: cannot find the list's dash", at()));
    };
    if !before[..dash].chars().all(|c| c == ' ') {
        return Err(format!(
            "{}: {path}: a list nested on one line; edit it by hand",
            at()
        ));
    }
    let step = indent_step(last, None);
    let text = emit::seq_item(item, dash, step);
    Ok(Replacement {
        range: point(after_last_line(src, last)?),
        text,
    })
}

fn point(at: usize) -> std::ops::Range<usize> {
    at..at
}

/// A plain or quoted scalar's range must hold exactly its text.
fn check_scalar_range(
    src: &SourceFile,
    range: &std::ops::Range<usize>,
    n: &Node,
) -> Result<(), String> {
    let written = &src.text[range.clone()];
    let ok = match n.as_scalar() {
        Some(s) if s.is_plain() => written == s.text,
        Some(_) => written.len() >= 2,
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{}:{}: the value's position does not match its text; edit it by hand",
            src.name, n.span.start.line
        ))
    }
}

/// The spaces between a mapping's keys and its parent's key (2 when there is
/// no parent).
fn indent_step(map: &Node, parent_key_col: Option<u32>) -> usize {
    let col = match &map.kind {
        NodeKind::Map(m) => m.first().map(|(k, _)| k.span.start.col),
        NodeKind::Seq(s) => s.first().map(|i| i.span.start.col),
        NodeKind::Scalar(_) => None,
    };
    match (col, parent_key_col) {
        (Some(c), Some(p)) if c > p => (c - p) as usize,
        _ => 2,
    }
}

/// The byte offset just past the line where the collection's last node
/// ends: where a new last entry goes.
fn after_last_line(src: &SourceFile, coll: &Node) -> Result<usize, String> {
    let mut cur = coll;
    loop {
        let next = match &cur.kind {
            NodeKind::Map(m) if !is_flow(src, cur) => m.last().map(|(_, v)| v),
            NodeKind::Seq(s) if !is_flow(src, cur) => s.last(),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => break,
        }
    }
    if let Some(s) = cur.as_scalar()
        && matches!(
            s.style,
            eksplane_source::ScalarStyle::Literal | eksplane_source::ScalarStyle::Folded
        )
    {
        return Err(format!(
            "{}:{}: the block ends in a block scalar; edit it by hand",
            src.name, cur.span.start.line
        ));
    }
    let end = src.byte_range(cur.span).end;
    Ok(match src.text[end..].find('\n') {
        Some(i) => end + i + 1,
        None => src.text.len(),
    })
}

/// Inserts `key: value` as the last entry of the mapping `map`.
fn insert_entry(
    src: &SourceFile,
    map: &Node,
    parent_key_col: Option<u32>,
    key: &str,
    value: &Value,
    path: &YamlPath,
) -> Result<Replacement, String> {
    let at = || format!("{}:{}", src.name, map.span.start.line);
    let Some(entries) = map.as_map() else {
        return Err(format!(
            "{}: {path}: its parent holds {}, not a mapping; edit it by hand",
            at(),
            map.type_name()
        ));
    };
    let json = is_json(src);
    if is_flow(src, map) {
        let text = format!("{}: {}", emit::string(key, json), emit::flow(value, json));
        return Ok(match entries.last() {
            Some((_, v)) => Replacement {
                range: point(src.byte_range(v.span).end),
                text: format!(", {text}"),
            },
            None => Replacement {
                range: point(src.byte_range(map.span).start + 1),
                text,
            },
        });
    }
    let Some((first, _)) = entries.first() else {
        return Err(format!("{}: {path}: an empty block mapping", at()));
    };
    let indent = first.span.start.col.saturating_sub(1) as usize;
    let step = indent_step(map, parent_key_col);
    let mut offset = after_last_line(src, map)?;
    let mut text = emit::entry(key, value, indent, step);
    if offset == src.text.len() && !src.text.ends_with('\n') {
        text.insert(0, '\n');
        offset = src.text.len();
    }
    Ok(Replacement {
        range: point(offset),
        text,
    })
}

/// A unified diff (3 lines of context) of a file the fixes change: built
/// from the replacements, so it costs the size of the file, not its square.
pub fn unified_diff(c: &ChangedFile) -> String {
    let text = c.before.as_str();
    let line_start = |o: usize| text[..o].rfind('\n').map_or(0, |i| i + 1);
    let line_end = |o: usize| text[o..].find('\n').map_or(text.len(), |i| o + i + 1);
    // Each replacement widened to whole lines; replacements sharing a line
    // form one chunk: (old range, new text).
    let widen = |r: &Replacement| {
        let start = line_start(r.range.start);
        let end = if r.range.end == start
            || (r.range.end > r.range.start && r.range.end == line_start(r.range.end))
        {
            r.range.end.max(start)
        } else {
            line_end(r.range.end)
        };
        start..end
    };
    let mut groups: Vec<(std::ops::Range<usize>, Vec<&Replacement>)> = Vec::new();
    for r in &c.replacements {
        let w = widen(r);
        match groups.last_mut() {
            Some((old, reps)) if w.start < old.end => {
                old.end = old.end.max(w.end);
                reps.push(r);
            }
            _ => groups.push((w, vec![r])),
        }
    }
    let chunks: Vec<(std::ops::Range<usize>, String)> = groups
        .into_iter()
        .map(|(old, reps)| {
            let shifted: Vec<Replacement> = reps
                .iter()
                .map(|r| Replacement {
                    range: r.range.start - old.start..r.range.end - old.start,
                    text: r.text.clone(),
                })
                .collect();
            let new = splice(&text[old.clone()], &shifted);
            (old, new)
        })
        .collect();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let line_no = |o: usize| text[..o].matches('\n').count();
    const CTX: usize = 3;
    let mut out = format!("--- {}\n+++ {}\n", c.path, c.path);
    let mut i = 0;
    let mut shift: isize = 0;
    while i < chunks.len() {
        // A hunk: chunks whose context windows touch.
        let mut j = i;
        while j + 1 < chunks.len()
            && line_no(chunks[j + 1].0.start) <= line_no(chunks[j].0.end) + 2 * CTX
        {
            j += 1;
        }
        let first = line_no(chunks[i].0.start);
        let lo = first.saturating_sub(CTX);
        let last = line_no(chunks[j].0.end);
        let hi = (last + CTX).min(lines.len());
        let mut body = String::new();
        let (mut a_len, mut b_len) = (0usize, 0usize);
        let mut at = lo;
        for (old, new) in &chunks[i..=j] {
            let (os, oe) = (line_no(old.start), line_no(old.end));
            for l in &lines[at..os] {
                push_line(&mut body, ' ', l);
                a_len += 1;
                b_len += 1;
            }
            for l in &lines[os..oe] {
                push_line(&mut body, '-', l);
                a_len += 1;
            }
            for l in new.split_inclusive('\n') {
                push_line(&mut body, '+', l);
                b_len += 1;
            }
            at = oe;
        }
        for l in &lines[at..hi.max(at)] {
            push_line(&mut body, ' ', l);
            a_len += 1;
            b_len += 1;
        }
        let a_first = if a_len == 0 { lo } else { lo + 1 };
        let b_start = lo as isize + shift;
        let b_first = if b_len == 0 { b_start } else { b_start + 1 };
        out.push_str(&format!("@@ -{a_first},{a_len} +{b_first},{b_len} @@\n"));
        out.push_str(&body);
        shift += b_len as isize - a_len as isize;
        i = j + 1;
    }
    out
}

/// A unified diff of a new file.
pub fn new_file_diff(f: &NewFile) -> String {
    let mut out = format!("--- /dev/null\n+++ {}\n", f.path.display());
    let n = f.text.split_inclusive('\n').count();
    out.push_str(&format!("@@ -0,0 +1,{n} @@\n"));
    for l in f.text.split_inclusive('\n') {
        push_line(&mut out, '+', l);
    }
    out
}

fn push_line(out: &mut String, sign: char, line: &str) {
    out.push(sign);
    out.push_str(line);
    if !line.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use eksplane_diagnostics::Applicability;
    use serde_json::json;

    fn db(text: &str) -> SourceDb {
        let mut db = SourceDb::new();
        db.add("dir/f.yaml", text);
        db
    }

    /// The span of document `i`'s root.
    fn doc(db: &SourceDb, i: usize) -> Span {
        let f = db.get(FileId(1)).unwrap_or_else(|| panic!("no file"));
        parse_file(FileId(1), &f.text, &Limits::default()).documents[i]
            .root
            .span
    }

    fn fix(edits: Vec<Edit>) -> Fix {
        Fix::new("t").with_edits(Applicability::Safe, edits)
    }

    fn run(db: &SourceDb, fixes: &[Fix]) -> Outcome {
        let refs: Vec<&Fix> = fixes.iter().collect();
        apply(db, &refs, &|_| false)
    }

    fn after(o: &Outcome) -> String {
        o.changed
            .first()
            .map(|c| c.after.clone())
            .unwrap_or_default()
    }

    fn set(db: &SourceDb, d: usize, path: &[&str], v: serde_json::Value) -> Edit {
        Edit::set(doc(db, d), YamlPath::keys(path.iter().copied()), v)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    const NODE_CLASS: &str = "# a comment\nkind: EC2NodeClass\nspec:\n  role: r   # the role\n  metadataOptions:\n    # raised for fluent-bit\n    httpPutResponseHopLimit: 2   # why\n    httpTokens: required\n  tags: {team: a}\n";

    #[test]
    fn set_replaces_only_the_scalar() {
        let d = db(NODE_CLASS);
        let o = run(
            &d,
            &[fix(vec![set(
                &d,
                0,
                &["spec", "metadataOptions", "httpPutResponseHopLimit"],
                json!(1),
            )])],
        );
        assert_eq!(o.applied, vec![0]);
        assert_eq!(
            after(&o),
            NODE_CLASS.replace("HopLimit: 2 ", "HopLimit: 1 ")
        );
    }

    #[test]
    fn set_inserts_missing_keys_with_the_block_indentation() {
        let d = db(NODE_CLASS);
        let o = run(
            &d,
            &[fix(vec![set(
                &d,
                0,
                &["spec", "kubelet", "maxPods"],
                json!(58),
            )])],
        );
        assert_eq!(
            after(&o),
            format!("{NODE_CLASS}  kubelet:\n    maxPods: 58\n"),
            "inserted after the last entry of spec"
        );
        let o = run(
            &d,
            &[fix(vec![set(
                &d,
                0,
                &["spec", "metadataOptions", "httpEndpoint"],
                json!("enabled"),
            )])],
        );
        assert_eq!(
            after(&o),
            NODE_CLASS.replace("required\n", "required\n    httpEndpoint: enabled\n")
        );
        // A flow mapping gets the entry inside its braces.
        let o = run(
            &d,
            &[fix(vec![set(
                &d,
                0,
                &["spec", "tags", "env"],
                json!("prod"),
            )])],
        );
        assert_eq!(
            after(&o),
            NODE_CLASS.replace("{team: a}", "{team: a, env: prod}")
        );
    }

    #[test]
    fn four_space_indentation_is_kept() {
        let text = "metadata:\n    name: x\n    annotations:\n        a: b\nspec: {}\n";
        let d = db(text);
        let o = run(
            &d,
            &[fix(vec![set(
                &d,
                0,
                &["metadata", "labels", "app"],
                json!("x"),
            )])],
        );
        assert_eq!(
            after(&o),
            "metadata:\n    name: x\n    annotations:\n        a: b\n    labels:\n        app: x\nspec: {}\n"
        );
    }

    #[test]
    fn quoted_style_is_kept_and_collections_are_not_replaced() {
        let text = "a: 'x'\nb: \"y\"\nc: [1]\nd: |\n  text\n";
        let d = db(text);
        let o = run(
            &d,
            &[fix(vec![
                set(&d, 0, &["a"], json!("it's")),
                set(&d, 0, &["b"], json!("z")),
            ])],
        );
        assert_eq!(after(&o), "a: 'it''s'\nb: \"z\"\nc: [1]\nd: |\n  text\n");
        let o = run(&d, &[fix(vec![set(&d, 0, &["c"], json!(2))])]);
        assert!(
            o.applied.is_empty() && o.skipped[0].1.contains("holds a sequence"),
            "{o:?}"
        );
        let o = run(&d, &[fix(vec![set(&d, 0, &["d"], json!("t"))])]);
        assert!(o.skipped[0].1.contains("block scalar"), "{o:?}");
    }

    #[test]
    fn multi_document_edits_land_in_their_document() {
        let text = "kind: A\nspec:\n  n: 1\n---\n# second\nkind: B\nspec:\n  n: 1\n";
        let d = db(text);
        let o = run(&d, &[fix(vec![set(&d, 1, &["spec", "n"], json!(2))])]);
        assert_eq!(
            after(&o),
            "kind: A\nspec:\n  n: 1\n---\n# second\nkind: B\nspec:\n  n: 2\n"
        );
        let o = run(&d, &[fix(vec![set(&d, 0, &["spec", "m"], json!(3))])]);
        assert_eq!(
            after(&o),
            "kind: A\nspec:\n  n: 1\n  m: 3\n---\n# second\nkind: B\nspec:\n  n: 1\n"
        );
    }

    #[test]
    fn overlapping_fixes_apply_one_and_skip_the_other_identical_ones_both_apply() {
        let d = db(NODE_CLASS);
        let p = ["spec", "metadataOptions", "httpPutResponseHopLimit"];
        let o = run(
            &d,
            &[
                fix(vec![set(&d, 0, &p, json!(1))]),
                fix(vec![set(&d, 0, &p, json!(3))]),
            ],
        );
        assert_eq!(o.applied, vec![0]);
        assert_eq!(o.skipped.len(), 1);
        assert!(
            o.skipped[0]
                .1
                .contains("overlaps another fix's edit of dir/f.yaml at line 7"),
            "{:?}",
            o.skipped
        );
        assert!(after(&o).contains("HopLimit: 1 "));
        let o = run(
            &d,
            &[
                fix(vec![set(&d, 0, &p, json!(1))]),
                fix(vec![set(&d, 0, &p, json!(1))]),
            ],
        );
        assert_eq!(o.applied, vec![0, 1]);
        // Two insertions at one point: order would be arbitrary, so one waits.
        let o = run(
            &d,
            &[
                fix(vec![set(&d, 0, &["spec", "x"], json!(1))]),
                fix(vec![set(&d, 0, &["spec", "y"], json!(1))]),
            ],
        );
        assert_eq!((o.applied.clone(), o.skipped.len()), (vec![0], 1));
    }

    #[test]
    fn append_to_block_and_flow_lists() {
        let text = "spec:\n  requirements:\n    - key: a\n      operator: In\n      values: [\"x\"]\n  other:\n  - 1\n";
        let d = db(text);
        let item = json!({"key": "b", "operator": "NotIn", "values": ["y", "z"]});
        let e = Edit::append(doc(&d, 0), YamlPath::keys(["spec", "requirements"]), &item)
            .unwrap_or_else(|e| panic!("{e}"));
        let o = run(&d, &[fix(vec![e])]);
        assert_eq!(
            after(&o),
            "spec:\n  requirements:\n    - key: a\n      operator: In\n      values: [\"x\"]\n    - key: b\n      operator: NotIn\n      values: [\"y\", z]\n  other:\n  - 1\n"
        );
        let e = Edit::append(
            doc(&d, 0),
            YamlPath::keys(["spec", "requirements"])
                .index(0)
                .key("values"),
            "w",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let o = run(&d, &[fix(vec![e])]);
        assert!(after(&o).contains("values: [\"x\", w]"), "{}", after(&o));
        let e = Edit::append(doc(&d, 0), YamlPath::keys(["spec", "other"]), 2)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(after(&run(&d, &[fix(vec![e])])), format!("{text}  - 2\n"));
    }

    #[test]
    fn merge_keys_and_aliases_are_refused() {
        let text = "base: &b\n  n: 1\nobj:\n  <<: *b\n  m: 2\nali: *b\n";
        let d = db(text);
        let o = run(&d, &[fix(vec![set(&d, 0, &["obj", "n"], json!(3))])]);
        assert!(o.skipped[0].1.contains("alias or merge key"), "{o:?}");
        let o = run(&d, &[fix(vec![set(&d, 0, &["ali", "n"], json!(3))])]);
        assert!(o.skipped[0].1.contains("alias or merge key"), "{o:?}");
    }

    #[test]
    fn json_files_get_json() {
        let text = "{\n  \"metadata\": {\n    \"name\": \"x\"\n  }\n}\n";
        let d = db(text);
        let o = run(
            &d,
            &[fix(vec![set(
                &d,
                0,
                &["metadata", "labels"],
                json!({"a": "b"}),
            )])],
        );
        assert_eq!(
            after(&o),
            "{\n  \"metadata\": {\n    \"name\": \"x\", \"labels\": {\"a\": \"b\"}\n  }\n}\n"
        );
    }

    #[test]
    fn a_file_without_final_newline() {
        let d = db("spec:\n  a: 1");
        let o = run(&d, &[fix(vec![set(&d, 0, &["spec", "b"], json!(2))])]);
        assert_eq!(after(&o), "spec:\n  a: 1\n  b: 2\n");
    }

    #[test]
    fn crlf_files_keep_crlf() {
        let d = db("spec:\r\n  a: 1 # one\r\n");
        let o = run(
            &d,
            &[fix(vec![
                set(&d, 0, &["spec", "b"], json!(2)),
                set(&d, 0, &["spec", "a"], json!(3)),
            ])],
        );
        assert_eq!(after(&o), "spec:\r\n  a: 3 # one\r\n  b: 2\r\n");
    }

    #[test]
    fn new_files_never_overwrite() {
        let d = db(NODE_CLASS);
        let e = Edit::create_file(
            doc(&d, 0),
            "pdb.yaml",
            &[json!({"kind": "PodDisruptionBudget"})],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let refs = [fix(vec![e.clone()])];
        let o = apply(&d, &refs.iter().collect::<Vec<_>>(), &|_| false);
        assert_eq!(
            o.created,
            vec![NewFile {
                path: PathBuf::from("dir/pdb.yaml"),
                text: "kind: PodDisruptionBudget\n".into()
            }]
        );
        let o = apply(&d, &refs.iter().collect::<Vec<_>>(), &|p| {
            p == Path::new("dir/pdb.yaml")
        });
        assert!(
            o.created.is_empty() && o.skipped[0].1.contains("already exists"),
            "{o:?}"
        );
    }

    #[test]
    fn diff_of_a_change() {
        let d = db(NODE_CLASS);
        let o = run(
            &d,
            &[fix(vec![
                set(
                    &d,
                    0,
                    &["spec", "metadataOptions", "httpPutResponseHopLimit"],
                    json!(1),
                ),
                set(&d, 0, &["spec", "kubelet", "maxPods"], json!(58)),
            ])],
        );
        let diff = unified_diff(&o.changed[0]);
        assert_eq!(
            diff,
            "--- dir/f.yaml\n+++ dir/f.yaml\n@@ -4,6 +4,8 @@\n   role: r   # the role\n   metadataOptions:\n     # raised for fluent-bit\n-    httpPutResponseHopLimit: 2   # why\n+    httpPutResponseHopLimit: 1   # why\n     httpTokens: required\n   tags: {team: a}\n+  kubelet:\n+    maxPods: 58\n"
        );
    }
}
