//! Generates `crates/eksplane_load/src/schema_fields.rs` (the fields each
//! kind's schema defines) from the schemas in `../shared/data`, and fails
//! when the committed file is stale. Regenerate with
//! `UPDATE_SCHEMA_FIELDS=1 cargo test -p eksplane_load --test it schema_fields`.
//! The built tool never reads `../shared`: it embeds the generated file.

use eksplane_source::{FileId, Limits, Node, parse_file};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One schema: where it is, and whether it is a CRD (OpenAPI v3, where an
/// object with `properties` and no `additionalProperties` is closed: the API
/// server prunes the rest) or a JSON Schema (closed only with
/// `additionalProperties: false`, as eksctl's is).
struct Source {
    file: &'static str,
    origin: &'static str,
    crd: bool,
}

const SOURCES: &[Source] = &[
    Source {
        file: "karpenter-provider-aws/crds/karpenter.sh_nodepools.yaml",
        origin: "aws/karpenter-provider-aws pkg/apis/crds/ at 1d927085 (v1.14)",
        crd: true,
    },
    Source {
        file: "karpenter-provider-aws/crds/karpenter.sh_nodeclaims.yaml",
        origin: "aws/karpenter-provider-aws pkg/apis/crds/ at 1d927085 (v1.14)",
        crd: true,
    },
    Source {
        file: "karpenter-provider-aws/crds/karpenter.k8s.aws_ec2nodeclasses.yaml",
        origin: "aws/karpenter-provider-aws pkg/apis/crds/ at 1d927085 (v1.14)",
        crd: true,
    },
    Source {
        file: "eksctl/schema.json",
        origin: "eksctl-io/eksctl pkg/apis/eksctl.io/v1alpha5/assets/schema.json at 99984adb",
        crd: false,
    },
];

fn parse(path: &Path) -> Option<Node> {
    let text = std::fs::read_to_string(path).ok()?;
    let p = parse_file(FileId(1), &text, &Limits::default());
    p.documents.into_iter().next().map(|d| d.root)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn walk(
    schema: &Node,
    path: &str,
    defs: Option<&Node>,
    crd: bool,
    depth: usize,
    out: &mut BTreeMap<String, BTreeSet<String>>,
) {
    if depth > 24 {
        return;
    }
    let schema = match schema.get("$ref").and_then(Node::as_str) {
        Some(r) => match r
            .strip_prefix("#/definitions/")
            .and_then(|name| defs?.get(name))
        {
            Some(s) => s,
            None => return,
        },
        None => schema,
    };
    if let Some(items) = schema.get("items") {
        walk(items, &format!("{path}[]"), defs, crd, depth + 1, out);
    }
    let Some(props) = schema.get("properties").and_then(Node::as_map) else {
        return;
    };
    let preserve = schema
        .get("x-kubernetes-preserve-unknown-fields")
        .and_then(Node::as_str)
        == Some("true");
    let additional = schema.get("additionalProperties");
    let closed = if crd {
        additional.is_none() && !preserve
    } else {
        additional.and_then(Node::as_str) == Some("false")
    };
    if closed {
        let keys = props
            .iter()
            .filter_map(|(k, _)| k.as_str().map(str::to_string))
            .collect();
        out.insert(path.to_string(), keys);
    }
    for (k, v) in props {
        if let Some(k) = k.as_str() {
            walk(v, &join(path, k), defs, crd, depth + 1, out);
        }
    }
}

/// (group, version, kind, origin, file, objects)
type Kind = (
    String,
    String,
    String,
    String,
    String,
    BTreeMap<String, BTreeSet<String>>,
);

fn kinds(shared: &Path) -> Vec<Kind> {
    let mut out = Vec::new();
    for s in SOURCES {
        let Some(root) = parse(&shared.join(s.file)) else {
            panic!("cannot read {}", s.file);
        };
        if s.crd {
            let spec = root.get("spec");
            let group = spec.and_then(|s| s.get("group")).and_then(Node::as_str);
            let kind = spec
                .and_then(|s| s.get("names"))
                .and_then(|n| n.get("kind"))
                .and_then(Node::as_str);
            let versions = spec.and_then(|s| s.get("versions")).and_then(Node::as_seq);
            for v in versions.unwrap_or_default() {
                let name = v.get("name").and_then(Node::as_str).unwrap_or_default();
                let schema = v.at(["schema".into(), "openAPIV3Schema".into()]);
                let mut objects = BTreeMap::new();
                if let Some(schema) = schema {
                    walk(schema, "", None, true, 0, &mut objects);
                }
                out.push((
                    group.unwrap_or_default().to_string(),
                    name.to_string(),
                    kind.unwrap_or_default().to_string(),
                    s.origin.to_string(),
                    s.file.to_string(),
                    objects,
                ));
            }
        } else {
            let mut objects = BTreeMap::new();
            walk(&root, "", root.get("definitions"), false, 0, &mut objects);
            out.push((
                "eksctl.io".into(),
                "v1alpha5".into(),
                "ClusterConfig".into(),
                s.origin.to_string(),
                s.file.to_string(),
                objects,
            ));
        }
    }
    out
}

fn render(kinds: &[Kind], date: &str) -> String {
    let mut s = String::new();
    s.push_str("//! GENERATED: the fields each kind's schema defines, per object path\n");
    s.push_str("//! (`a.b[]` is an item of the list `a.b`); paths absent here are open\n");
    s.push_str("//! (maps, preserved unknown fields) and are not checked.\n//!\n");
    s.push_str("//! Sources (copies in ../shared/data):\n");
    for k in kinds {
        s.push_str(&format!(
            "//! - {} {}/{}: {} ({})\n",
            k.2, k.0, k.1, k.4, k.3
        ));
    }
    s.push_str(&format!("//!\n//! generated: {date}\n"));
    s.push_str("//! Regenerate: UPDATE_SCHEMA_FIELDS=1 cargo test -p eksplane_load --test it schema_fields\n\n");
    s.push_str("use crate::schema::SchemaFields;\n\n");
    s.push_str("#[rustfmt::skip]\npub(crate) static SCHEMAS: &[SchemaFields] = &[\n");
    for (group, version, kind, _, file, objects) in kinds {
        s.push_str(&format!(
            "    SchemaFields {{\n        group: {group:?},\n        version: {version:?},\n        kind: {kind:?},\n        source: {file:?},\n        objects: &[\n"
        ));
        for (path, keys) in objects {
            let keys: Vec<String> = keys.iter().map(|k| format!("{k:?}")).collect();
            s.push_str(&format!(
                "            ({path:?}, &[{}]),\n",
                keys.join(", ")
            ));
        }
        s.push_str("        ],\n    },\n");
    }
    s.push_str("];\n");
    s
}

fn without_date(s: &str) -> String {
    s.lines()
        .filter(|l| !l.starts_with("//! generated: "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
#[allow(
    clippy::print_stderr,
    reason = "the test says when it was skipped for want of ../shared/data"
)]
fn schema_fields_are_current() {
    let Some(corpus) = crate::corpus_dir() else {
        return;
    };
    let shared: PathBuf = corpus.join("../data");
    if !shared.is_dir() {
        eprintln!("skipped: {} is absent", shared.display());
        return;
    }
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/schema_fields.rs");
    let committed = std::fs::read_to_string(&target).unwrap_or_default();
    let date = committed
        .lines()
        .find_map(|l| l.strip_prefix("//! generated: "))
        .unwrap_or("unknown")
        .to_string();
    let kinds = kinds(&shared);
    if std::env::var_os("UPDATE_SCHEMA_FIELDS").is_some() {
        let today = std::env::var("SCHEMA_FIELDS_DATE").unwrap_or(date);
        let fresh = render(&kinds, &today);
        if let Err(e) = std::fs::write(&target, fresh) {
            panic!("cannot write {}: {e}", target.display());
        }
        return;
    }
    let fresh = render(&kinds, &date);
    assert!(
        without_date(&fresh) == without_date(&committed),
        "{} is stale: run UPDATE_SCHEMA_FIELDS=1 SCHEMA_FIELDS_DATE=YYYY-MM-DD cargo test -p eksplane_load --test it schema_fields",
        target.display()
    );
    // The generated table knows the fields v1 dropped are gone.
    let pool = kinds.iter().find(|k| k.2 == "NodePool").map(|k| &k.5);
    let tspec = pool.and_then(|o| o.get("spec.template.spec"));
    assert!(tspec.is_some_and(|t| t.contains("expireAfter") && !t.contains("kubelet")));
    let disruption = pool.and_then(|o| o.get("spec.disruption"));
    assert!(disruption.is_some_and(|d| !d.contains("expireAfter")));
}
