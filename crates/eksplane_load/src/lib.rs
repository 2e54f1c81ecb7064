//! Loading: finds input files, recognises each document by content, decodes it
//! into the model and merges everything into one [`Platform`].
//!
//! A bad file or object never sinks the others: each problem becomes a
//! [`Finding`] of the `LOAD` area pointing at the file, line and column.

mod aws;
mod files;
mod karpenter;
mod kinds;
mod kustomize;
mod merge;
mod schema;
mod schema_fields;
mod split;
pub mod synthetic;

pub use files::{Input, expand_inputs};
pub use split::{ClusterPlatform, split_clusters};

use eksplane_diagnostics::{Config, Finding, input};
use eksplane_model::{Origin, Platform};
use eksplane_source::{
    DecodeError, Document, Limits, Node, SourceDb, SourceError, decode, parse_file, text_from_bytes,
};
use std::sync::Arc;

/// What loading produced.
#[derive(Debug, Default)]
pub struct Loaded {
    pub db: SourceDb,
    /// Everything read, merged: with several clusters, the first one's
    /// facts as `cluster`; [`split_clusters`] gives one platform per cluster.
    pub platform: Platform,
    /// One view per cluster the inputs describe (by name, in load order; a
    /// source naming no cluster joins the only named one). Empty when no
    /// source states cluster facts.
    pub clusters: Vec<eksplane_model::ClusterView>,
    /// Problems with the input (area `LOAD`), sorted by position.
    pub findings: Vec<Finding>,
    pub stats: LoadStats,
}

#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LoadStats {
    pub files: usize,
    pub documents: usize,
    /// Objects decoded into the model.
    pub objects: usize,
    /// Kubernetes objects of kinds the model does not type (kept as opaque).
    pub opaque: usize,
    /// Documents that are neither Kubernetes objects nor AWS snapshots.
    pub unrecognised: usize,
}

impl Loaded {
    /// Whether any input could not be read or decoded (exit code 2).
    pub fn has_input_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == eksplane_diagnostics::Severity::Error)
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    pub limits: Limits,
}

/// The state of one load: the database, the platform being filled, findings.
pub(crate) struct Ctx {
    pub db: SourceDb,
    pub platform: Platform,
    pub findings: Vec<Finding>,
    pub stats: LoadStats,
    pub limits: Limits,
    /// Cluster-level facts in load order, merged at the end.
    pub facts: merge::FactLog,
    /// One view per cluster the inputs describe, merged at the end.
    pub clusters: Vec<eksplane_model::ClusterView>,
    /// Files that a kustomization of the inputs applies as patches (path,
    /// lexically normalised -> where the kustomization lists it).
    pub patch_files: std::collections::HashMap<String, eksplane_source::Span>,
    /// The kubelet settings of v1beta1 NodePools (name -> settings as
    /// written, without positions), to tell whether pools sharing an
    /// EC2NodeClass agree.
    pub v1beta1_kubelets: std::collections::HashMap<String, String>,
}

impl Ctx {
    fn new(limits: Limits) -> Self {
        Ctx {
            db: SourceDb::new(),
            platform: Platform::default(),
            findings: Vec::new(),
            stats: LoadStats::default(),
            limits,
            facts: merge::FactLog::default(),
            clusters: Vec::new(),
            patch_files: std::collections::HashMap::new(),
            v1beta1_kubelets: std::collections::HashMap::new(),
        }
    }
}

pub(crate) fn source_error(e: &SourceError) -> Finding {
    if let SourceError::UnrenderedTemplate { .. } = e {
        return Finding::new(
            input::UNRENDERED_TEMPLATE,
            eksplane_diagnostics::Severity::Error,
            "Unrendered Helm template",
            e.to_string(),
            e.span(),
        );
    }
    Finding::new(
        input::UNREADABLE,
        eksplane_diagnostics::Severity::Error,
        "Input could not be read",
        e.to_string(),
        e.span(),
    )
}

pub(crate) fn decode_error(what: &str, e: &DecodeError) -> Finding {
    Finding::new(
        input::INVALID_OBJECT,
        eksplane_diagnostics::Severity::Error,
        "Object does not match its schema",
        format!("{what}: {e}"),
        e.span,
    )
}

/// Loads every input into one platform.
pub fn load(inputs: &[Input], opts: LoadOptions) -> Loaded {
    let mut ctx = Ctx::new(opts.limits);
    let files = files::read_inputs(inputs, &mut ctx);
    load_files(&mut ctx, files);
    finish(ctx)
}

/// Loads in-memory files (name, text): for tests and embedding.
pub fn load_texts<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Loaded {
    let mut ctx = Ctx::new(Limits::default());
    let files = files
        .into_iter()
        .map(|(name, text)| (name.to_string(), text.as_bytes().to_vec()))
        .collect();
    load_files(&mut ctx, files);
    finish(ctx)
}

/// Loads in-memory files (name, bytes) as read from disk: for fuzzing and
/// embedding. The bytes go through the same checks as a file's (size, NUL,
/// UTF-8) under `opts`' limits.
pub fn load_bytes_files(files: Vec<(String, Vec<u8>)>, opts: LoadOptions) -> Loaded {
    let mut ctx = Ctx::new(opts.limits);
    load_files(&mut ctx, files);
    finish(ctx)
}

/// Kustomization files first (they say which files are patches), then the
/// others in the order given.
fn load_files(ctx: &mut Ctx, files: Vec<(String, Vec<u8>)>) {
    let (kustomizations, others): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|(name, _)| kustomize::is_kustomization_file(name));
    for (name, bytes) in kustomizations.into_iter().chain(others) {
        load_bytes(ctx, name, bytes);
    }
}

fn finish(mut ctx: Ctx) -> Loaded {
    kinds::check_workload_profiles(&mut ctx);
    merge::merge(&mut ctx);
    karpenter::attach_v1beta1_kubelets(&mut ctx);
    ctx.findings.sort_by_key(|f| f.sort_key());
    Loaded {
        db: ctx.db,
        platform: ctx.platform,
        clusters: ctx.clusters,
        findings: ctx.findings,
        stats: ctx.stats,
    }
}

fn load_bytes(ctx: &mut Ctx, name: String, bytes: Vec<u8>) {
    ctx.stats.files += 1;
    let next = eksplane_source::FileId(ctx.db.len() as u32 + 1);
    // A file that is not UTF-8 is kept lossily, so that the error's line
    // (where the first bad byte is) exists in the database and can be shown.
    let lossy = std::str::from_utf8(&bytes)
        .is_err()
        .then(|| String::from_utf8_lossy(&bytes).into_owned());
    let id = match text_from_bytes(next, bytes, &ctx.limits) {
        Ok(t) => ctx.db.add(name, t),
        Err(e) => {
            ctx.db.add(name, lossy.unwrap_or_default());
            ctx.findings.push(source_error(&e));
            return;
        }
    };
    let Some(file) = ctx.db.get(id) else {
        return;
    };
    let text = file.text.clone();
    let kustomization_file = kustomize::is_kustomization_file(&file.name);
    let parsed = parse_file(id, &text, &ctx.limits);
    let patch_listed = kustomize::listed_as_patch(ctx, id);
    let mut template_reported = false;
    for doc in parsed.documents {
        if let Some(listed) = patch_listed {
            kustomize::skip_listed_patch(ctx, &doc, listed);
            continue;
        }
        if kustomization_file && doc.root.get("kind").is_none() && doc.root.as_map().is_some() {
            // kustomize accepts a kustomization without apiVersion and kind.
            ctx.stats.documents += 1;
            let origin = origin_of(&doc.root, doc.helm_source.clone());
            kustomize::load_kustomization(ctx, doc.root, origin);
            continue;
        }
        // An unrendered template's values are not what would be applied:
        // one finding for the file, and none of its templated documents read.
        if let Some(span) = doc.unrendered_template {
            if !template_reported {
                let line = text
                    .lines()
                    .nth(span.start.line as usize - 1)
                    .unwrap_or_default();
                ctx.findings
                    .push(source_error(&SourceError::UnrenderedTemplate {
                        span,
                        action: line.trim().to_string(),
                    }));
                template_reported = true;
            }
            ctx.stats.documents += 1;
            continue;
        }
        load_document(ctx, doc);
    }
    if let Some(e) = parsed.error {
        ctx.findings.push(source_error(&e));
    }
}

fn load_document(ctx: &mut Ctx, doc: Document) {
    if doc.root.is_null() {
        return;
    }
    ctx.stats.documents += 1;
    for d in &doc.duplicate_keys {
        ctx.findings.push(
            Finding::new(
                input::DUPLICATE_KEY,
                eksplane_diagnostics::Severity::Warning,
                "Mapping key written twice",
                format!(
                    "key {:?} is written twice in the same mapping; the second one wins",
                    d.key
                ),
                d.second,
            )
            .related(d.first, "first written here"),
        );
    }
    let root = doc.root;
    let helm = doc.helm_source;
    if root.get("apiVersion").is_some() && root.get("kind").is_some() {
        load_object(ctx, root, helm);
    } else if !aws::load_aws(ctx, root) {
        ctx.stats.unrecognised += 1;
    }
}

/// The common `Origin` of an object read from `node`.
pub(crate) fn origin_of(node: &Node, helm: Option<eksplane_source::Spanned<String>>) -> Origin {
    Origin {
        span: node.span,
        api_version: node
            .get("apiVersion")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string(),
        kind: node
            .get("kind")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string(),
        helm_source: helm,
        node: None,
    }
}

fn load_object(ctx: &mut Ctx, node: Node, helm: Option<eksplane_source::Spanned<String>>) {
    let kind = node.get("kind").and_then(Node::as_str).unwrap_or_default();
    let api = node
        .get("apiVersion")
        .and_then(Node::as_str)
        .unwrap_or_default();
    if kind == "List" || (kind.ends_with("List") && api == "v1") {
        if let Some(NodeKindItems(items)) = take_items(node) {
            for item in items {
                if item.get("apiVersion").is_some() && item.get("kind").is_some() {
                    load_object(ctx, item, helm.clone());
                } else {
                    ctx.stats.unrecognised += 1;
                }
            }
        }
        return;
    }
    kinds::load_kube(ctx, node, helm);
}

struct NodeKindItems(Vec<Node>);

fn take_items(node: Node) -> Option<NodeKindItems> {
    match node.kind {
        eksplane_source::NodeKind::Map(entries) => entries
            .into_iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some("items"))
            .and_then(|(_, v)| match v.kind {
                eksplane_source::NodeKind::Seq(items) => Some(NodeKindItems(items)),
                _ => None,
            }),
        _ => None,
    }
}

/// Decodes `node` as `T`, or records the error and returns `None`.
pub(crate) fn decode_or_report<T>(ctx: &mut Ctx, what: &str, node: &Node) -> Option<T>
where
    T: for<'de> serde::Deserialize<'de>,
{
    match decode::<T>(node) {
        Ok(v) => Some(v),
        Err(e) => {
            ctx.findings.push(decode_error(what, &e));
            None
        }
    }
}

/// Attaches an object's node tree to its origin.
pub(crate) fn with_node(mut origin: Origin, node: Node) -> Origin {
    origin.node = Some(Arc::new(eksplane_source::PosTree::new(&node)));
    origin
}

/// Reads `.eksplane.yaml` (or another config file) with positions. The file
/// is added to `db` so findings about it point into it. The first problem
/// only; [`load_config_all`] reports every one.
pub fn load_config(db: &mut SourceDb, name: &str, text: &str) -> Result<Config, Box<Finding>> {
    let (config, mut errors) = load_config_all(db, name, text);
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(Box::new(errors.swap_remove(0)))
    }
}

/// Reads a configuration file, reporting every problem at once (each
/// `ignore` entry, `severity` value and top-level key on its own, with its
/// position), and keeping the parts that are valid.
pub fn load_config_all(db: &mut SourceDb, name: &str, text: &str) -> (Config, Vec<Finding>) {
    let id = db.add(name.to_string(), text);
    let parsed = parse_file(id, text, &Limits::default());
    if let Some(e) = parsed.error {
        return (Config::default(), vec![source_error(&e)]);
    }
    let Some(d) = parsed.documents.into_iter().find(|d| !d.root.is_null()) else {
        return (Config::default(), Vec::new());
    };
    if let Ok(c) = decode::<Config>(&d.root) {
        return (c, Vec::new());
    }
    let mut config = Config::default();
    let mut errors = Vec::new();
    let bad = |e: &DecodeError| {
        let mut f = decode_error("configuration", e);
        f.rule = input::INVALID_CONFIG;
        f.title = "Invalid eksplane configuration".into();
        f
    };
    let Some(entries) = d.root.as_map() else {
        if let Err(e) = decode::<Config>(&d.root) {
            errors.push(bad(&e));
        }
        return (config, errors);
    };
    for (k, v) in entries {
        match k.as_str() {
            Some("ignore") => match v.as_seq() {
                Some(items) => {
                    for item in items {
                        match decode(item) {
                            Ok(e) => config.ignore.push(e),
                            Err(e) => errors.push(bad(&e)),
                        }
                    }
                }
                None => match decode(v) {
                    Ok(list) => config.ignore = list,
                    Err(e) => errors.push(bad(&e)),
                },
            },
            Some("severity") => match v.as_map() {
                Some(pairs) => {
                    for (rk, rv) in pairs {
                        match (rk.as_str(), decode(rv)) {
                            (Some(rule), Ok(sev)) => {
                                config.severity.insert(rule.to_string(), sev);
                            }
                            (_, Err(e)) => errors.push(bad(&e)),
                            (None, Ok(_)) => errors.push(bad(&DecodeError {
                                span: rk.span,
                                path: ".severity".into(),
                                message: "a severity key must be a rule id or name".into(),
                            })),
                        }
                    }
                }
                None => {
                    if let Err(e) = decode::<std::collections::BTreeMap<String, String>>(v) {
                        errors.push(bad(&e));
                    }
                }
            },
            Some("today") => match decode(v) {
                Ok(t) => config.today = t,
                Err(e) => errors.push(bad(&e)),
            },
            other => errors.push(bad(&DecodeError {
                span: k.span,
                path: String::new(),
                message: format!(
                    "unknown key {:?}: expected ignore, severity or today",
                    other.unwrap_or("?")
                ),
            })),
        }
    }
    if errors.is_empty() {
        // Decoding the whole failed but no part did: report the whole's error.
        if let Err(e) = decode::<Config>(&d.root) {
            errors.push(bad(&e));
        }
    }
    (config, errors)
}
