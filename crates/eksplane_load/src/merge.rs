//! Merging cluster-level facts from every source into one [`ClusterView`], and
//! reporting what does not add up: several clusters, contradictions, objects
//! defined twice.

use crate::Ctx;
use eksplane_diagnostics::{Finding, Severity, input};
use eksplane_model::{ClusterView, Fact, KubeObject, ObjectRef};
use eksplane_source::Span;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Field {
    Name,
    Region,
    Version,
    AuthMode,
    PublicAccess,
    PrivateAccess,
    PublicCidrs,
}

impl Field {
    fn label(self) -> &'static str {
        match self {
            Field::Name => "cluster name",
            Field::Region => "region",
            Field::Version => "Kubernetes version",
            Field::AuthMode => "authentication mode",
            Field::PublicAccess => "public endpoint access",
            Field::PrivateAccess => "private endpoint access",
            Field::PublicCidrs => "public access CIDRs",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Str(String),
    Bool(bool),
    List(Vec<String>),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Str(s) => write!(f, "{s}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::List(l) => write!(f, "[{}]", l.join(", ")),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    field: Field,
    value: Value,
    span: Span,
    /// What stated it, e.g. `eksctl ClusterConfig`, `describe-cluster`.
    source: &'static str,
    /// The cluster the same source names, if any: facts are merged per
    /// cluster.
    cluster: Option<ClusterKey>,
}

/// `${VAR}` -> `$VAR` (envsubst reads both alike); other text trimmed.
fn placeholder(s: &str) -> String {
    let s = s.trim();
    match s.strip_prefix("${").and_then(|n| n.strip_suffix('}')) {
        Some(var) if !var.contains(['$', '{', '}']) => format!("${var}"),
        _ => s.to_string(),
    }
}

/// What identifies a cluster: its name (an environment placeholder written
/// `${NAME}` or `$NAME` counts as one name) and, when the source states it,
/// its region: EKS cluster names are unique per account and region, so two
/// ClusterConfigs with one name in two regions are two clusters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct ClusterKey {
    pub(crate) name: String,
    pub(crate) region: Option<String>,
}

impl ClusterKey {
    pub(crate) fn new(name: &str, region: Option<&str>) -> Self {
        ClusterKey {
            name: placeholder(name),
            region: region.map(placeholder).filter(|r| !r.is_empty()),
        }
    }

    /// The key of a merged view (its name and region facts).
    pub(crate) fn of_view(v: &ClusterView) -> Option<Self> {
        let name = v.name.as_ref()?;
        Some(ClusterKey::new(
            &name.value,
            v.region.as_ref().map(|r| r.value.as_str()),
        ))
    }

    /// Whether a source naming `self` belongs to the cluster `view`: same
    /// name, and the same region unless one of the two states none.
    pub(crate) fn matches(&self, view: &ClusterKey) -> bool {
        self.name == view.name
            && (self.region.is_none() || view.region.is_none() || self.region == view.region)
    }
}

#[derive(Debug, Default)]
pub(crate) struct FactLog {
    entries: Vec<Entry>,
    /// The cluster named by the source being read.
    current: Option<ClusterKey>,
}

impl FactLog {
    /// Starts the facts of one source (a ClusterConfig, a describe-cluster
    /// output), which names `cluster`.
    pub(crate) fn begin_source(&mut self, cluster: Option<&str>, region: Option<&str>) {
        self.current = cluster
            .filter(|c| !c.trim().is_empty())
            .map(|c| ClusterKey::new(c, region));
    }

    pub(crate) fn add(&mut self, field: Field, value: Value, span: Span, source: &'static str) {
        self.entries.push(Entry {
            field,
            value,
            span,
            source,
            cluster: self.current.clone(),
        });
    }
}

/// Kubernetes versions compare as `major.minor` (`1.31`, `"1.31"`, `v1.31.2`).
fn normalize(field: Field, v: Value) -> Value {
    match (field, v) {
        // `${NAME}` and `$NAME` are one placeholder (see ClusterKey).
        (Field::Name | Field::Region, Value::Str(s)) => Value::Str(placeholder(&s)),
        (Field::Version, Value::Str(s)) => {
            let s = s.trim().trim_start_matches('v');
            let mm: Vec<&str> = s.split('.').take(2).collect();
            Value::Str(mm.join("."))
        }
        (Field::PublicCidrs, Value::List(mut l)) => {
            l.sort();
            l.dedup();
            Value::List(l)
        }
        (_, v) => v,
    }
}

/// Merges the facts of each cluster the inputs name into its own view
/// (contradictions within one cluster are LOAD003; different clusters are
/// not compared), keeps every view in [`Ctx::clusters`] and the first as the
/// merged platform's, and says when there are several (LOAD004, info: each is
/// checked on its own through [`crate::split_clusters`]).
pub(crate) fn merge(ctx: &mut Ctx) {
    let entries = std::mem::take(&mut ctx.facts.entries);
    // Groups in order of first appearance, one per cluster key; a source that
    // states no region joins the first group of its name; a source that
    // names no cluster joins the only named cluster, or stands alone.
    let mut groups: Vec<(Option<ClusterKey>, Vec<Entry>)> = Vec::new();
    for e in &entries {
        if let Some(c) = e.cluster.as_ref().filter(|c| c.region.is_some())
            && !groups.iter().any(|(n, _)| n.as_ref() == Some(c))
        {
            groups.push((Some(c.clone()), Vec::new()));
        }
    }
    for e in &entries {
        if let Some(c) = &e.cluster
            && !groups
                .iter()
                .any(|(n, _)| n.as_ref().is_some_and(|n| c.matches(n)))
        {
            groups.push((Some(c.clone()), Vec::new()));
        }
    }
    let named = groups.len();
    for e in entries {
        let i = match &e.cluster {
            Some(c) => groups
                .iter()
                .position(|(n, _)| n.as_ref() == Some(c))
                .or_else(|| {
                    groups
                        .iter()
                        .position(|(n, _)| n.as_ref().is_some_and(|n| c.matches(n)))
                }),
            None if named == 1 => Some(0),
            None => groups.iter().position(|(n, _)| n.is_none()),
        };
        match i {
            Some(i) => groups[i].1.push(e),
            None => groups.push((None, vec![e])),
        }
    }
    let mut views = Vec::with_capacity(groups.len());
    for (_, entries) in groups {
        views.push(view_of(entries, &mut ctx.findings));
    }
    let named_views: Vec<&ClusterView> = views.iter().filter(|v| v.name.is_some()).collect();
    if named_views.len() > 1 {
        let name_count = |n: &str| {
            named_views
                .iter()
                .filter(|v| v.name.as_ref().is_some_and(|x| x.value == n))
                .count()
        };
        let list: Vec<String> = named_views
            .iter()
            .filter_map(|v| {
                let n = v.name.as_ref()?;
                Some(match &v.region {
                    Some(r) if name_count(&n.value) > 1 => format!("{} ({})", n.value, r.value),
                    _ => n.value.clone(),
                })
            })
            .collect();
        let mut f = Finding::new(
            input::MULTIPLE_CLUSTERS,
            Severity::Info,
            "Inputs describe more than one cluster",
            format!(
                "the inputs describe {} clusters ({}); each is checked on its own, with the objects of its own directory",
                list.len(),
                list.join(", ")
            ),
            named_views[1]
                .name
                .as_ref()
                .map_or(Span::default(), |n| n.span),
        );
        for v in named_views
            .iter()
            .filter(|v| !std::ptr::eq(**v, named_views[1]))
        {
            if let Some(n) = &v.name {
                f = f.related(n.span, format!("cluster {} here", n.value));
            }
        }
        ctx.findings.push(f);
    }
    ctx.platform.cluster = views.first().cloned().unwrap_or_default();
    ctx.clusters = views;
    report_duplicates(ctx);
}

/// One cluster's view from its facts: the first source of each field wins;
/// a later one that disagrees is a LOAD003.
fn view_of(entries: Vec<Entry>, findings: &mut Vec<Finding>) -> ClusterView {
    let mut by_field: BTreeMap<Field, Vec<Entry>> = BTreeMap::new();
    for e in entries {
        let value = normalize(e.field, e.value.clone());
        by_field
            .entry(e.field)
            .or_default()
            .push(Entry { value, ..e });
    }
    let mut view = ClusterView::default();
    for (field, entries) in by_field {
        let Some(first) = entries.first().cloned() else {
            continue;
        };
        let mut fact = Fact::new(first.value.clone(), first.span);
        for e in &entries[1..] {
            if e.value == first.value {
                fact.also.push(e.span);
                continue;
            }
            let msg = format!(
                "{} is {} in the {} but {} in the {}; checks use {}",
                field.label(),
                e.value,
                e.source,
                first.value,
                first.source,
                first.value
            );
            findings.push(
                Finding::new(
                    input::CONFLICT,
                    Severity::Warning,
                    "Sources disagree about the cluster",
                    msg,
                    e.span,
                )
                .related(
                    first.span,
                    format!("{} {} here", field.label(), first.value),
                ),
            );
        }
        let s = |v: &Value| match v {
            Value::Str(s) => Some(s.clone()),
            _ => None,
        };
        let b = |v: &Value| match v {
            Value::Bool(b) => Some(*b),
            _ => None,
        };
        let conv = |f: &Fact<Value>, g: &dyn Fn(&Value) -> Option<String>| {
            g(&f.value).map(|value| Fact {
                value,
                span: f.span,
                also: f.also.clone(),
            })
        };
        match field {
            Field::Name => view.name = conv(&fact, &s),
            Field::Region => view.region = conv(&fact, &s),
            Field::Version => view.version = conv(&fact, &s),
            Field::AuthMode => view.authentication_mode = conv(&fact, &s),
            Field::PublicAccess | Field::PrivateAccess => {
                let v = b(&fact.value).map(|value| Fact {
                    value,
                    span: fact.span,
                    also: fact.also.clone(),
                });
                if field == Field::PublicAccess {
                    view.endpoint_public_access = v;
                } else {
                    view.endpoint_private_access = v;
                }
            }
            Field::PublicCidrs => {
                if let Value::List(l) = &fact.value {
                    view.public_access_cidrs = Some(Fact {
                        value: l.clone(),
                        span: fact.span,
                        also: fact.also.clone(),
                    });
                }
            }
        }
    }
    view
}

/// Objects defined more than once (same kind, namespace and name): applied
/// in order, the last definition replaces the others, so the platform keeps
/// only the last; each later definition is reported beside the first. With
/// several clusters, objects in different clusters' directories are
/// different objects ([`crate::split_clusters`] gives each its own platform).
fn report_duplicates(ctx: &mut Ctx) {
    let named = ctx.clusters.iter().filter(|v| v.name.is_some()).count();
    let owners =
        (named > 1).then(|| crate::split::Owners::new(&ctx.db, &ctx.clusters, &ctx.platform));
    let owner = |s: Span| owners.as_ref().and_then(|o| o.owner(s));
    let mut found = Vec::new();
    let p = &mut ctx.platform;
    macro_rules! keep_last {
        ($($field:ident),* $(,)?) => {$(
            keep_last(&mut p.$field, &mut found, &owner);
        )*};
    }
    keep_last!(
        node_pools,
        node_classes,
        node_claims,
        eni_configs,
        security_group_policies,
        ingresses,
        ingress_classes,
        ingress_class_params,
        services,
        service_accounts,
        pdbs,
        hpas,
        workloads,
        config_maps,
        roles,
        cluster_roles,
        role_bindings,
        cluster_role_bindings,
        namespaces,
        network_plans,
        workload_profiles,
    );
    ctx.findings.extend(found);
}

fn keep_last<T: KubeObject>(
    objects: &mut Vec<T>,
    found: &mut Vec<Finding>,
    owner: &dyn Fn(Span) -> Option<usize>,
) {
    type Key = (Option<usize>, ObjectRef);
    let key_of = |o: &T| -> Key { (owner(o.origin().span), o.object_ref()) };
    let mut first: HashMap<Key, Span> = HashMap::with_capacity(objects.len());
    let mut last: HashMap<Key, usize> = HashMap::with_capacity(objects.len());
    for (i, o) in objects.iter().enumerate() {
        let key = key_of(o);
        match first.get(&key) {
            Some(at) => found.push(
                Finding::new(
                    input::DUPLICATE_OBJECT,
                    Severity::Warning,
                    "Object defined twice",
                    format!(
                        "{} is defined more than once; applied in order, the last one wins",
                        key.1
                    ),
                    o.origin().span,
                )
                .related(*at, "first defined here")
                .object(key.1.to_string()),
            ),
            None => {
                first.insert(key.clone(), o.origin().span);
            }
        }
        last.insert(key, i);
    }
    if last.len() == objects.len() {
        return;
    }
    let mut i = 0;
    objects.retain(|o| {
        let keep = last.get(&key_of(o)) == Some(&i);
        i += 1;
        keep
    });
}

/// Source name of facts read from eksctl's ClusterConfig.
pub(crate) const EKSCTL: &str = "eksctl ClusterConfig";
/// Source name of facts read from `aws eks describe-cluster`.
pub(crate) const DESCRIBE_CLUSTER: &str = "aws eks describe-cluster";

fn list(v: &eksplane_source::Spanned<Vec<eksplane_source::Spanned<String>>>) -> Value {
    Value::List(v.value.iter().map(|s| s.value.clone()).collect())
}

/// The cluster-level facts a ClusterConfig states (only what is written:
/// eksctl's defaults are not facts about the running cluster).
pub(crate) fn facts_from_cluster_config(ctx: &mut Ctx, cc: &eksplane_model::eksctl::ClusterConfig) {
    let f = &mut ctx.facts;
    let name = cc.name();
    f.begin_source(Some(&name.value), cc.region().map(|r| r.value.as_str()));
    if !name.value.is_empty() {
        f.add(
            Field::Name,
            Value::Str(name.value.clone()),
            name.span,
            EKSCTL,
        );
    }
    if let Some(r) = cc.region() {
        f.add(Field::Region, Value::Str(r.value.clone()), r.span, EKSCTL);
    }
    if let Some(v) = cc.version() {
        f.add(Field::Version, Value::Str(v.value.clone()), v.span, EKSCTL);
    }
    if let Some(m) = cc.authentication_mode() {
        f.add(Field::AuthMode, Value::Str(m.value.clone()), m.span, EKSCTL);
    }
    if let Some(ep) = cc.cluster_endpoints() {
        if let Some(b) = &ep.value.public_access {
            f.add(Field::PublicAccess, Value::Bool(b.value), b.span, EKSCTL);
        }
        if let Some(b) = &ep.value.private_access {
            f.add(Field::PrivateAccess, Value::Bool(b.value), b.span, EKSCTL);
        }
    }
    if let Some(c) = cc.public_access_cidrs() {
        f.add(Field::PublicCidrs, list(c), c.span, EKSCTL);
    }
}

/// The cluster-level facts of an `aws eks describe-cluster` output.
pub(crate) fn facts_from_describe_cluster(ctx: &mut Ctx, c: &eksplane_model::aws::Cluster) {
    let f = &mut ctx.facts;
    // The region is the fourth field of the cluster ARN.
    let region = c
        .arn
        .as_ref()
        .and_then(|a| a.value.split(':').nth(3))
        .filter(|r| !r.is_empty());
    f.begin_source(c.name.as_ref().map(|n| n.value.as_str()), region);
    if let Some(n) = &c.name {
        f.add(
            Field::Name,
            Value::Str(n.value.clone()),
            n.span,
            DESCRIBE_CLUSTER,
        );
    }
    // The region is the fourth field of the cluster ARN
    // (arn:aws:eks:REGION:ACCOUNT:cluster/NAME).
    if let Some(arn) = &c.arn
        && let Some(region) = arn.value.split(':').nth(3).filter(|r| !r.is_empty())
    {
        f.add(
            Field::Region,
            Value::Str(region.to_string()),
            arn.span,
            DESCRIBE_CLUSTER,
        );
    }
    if let Some(v) = &c.version {
        f.add(
            Field::Version,
            Value::Str(v.value.clone()),
            v.span,
            DESCRIBE_CLUSTER,
        );
    }
    if let Some(m) = c.authentication_mode() {
        f.add(
            Field::AuthMode,
            Value::Str(m.value.clone()),
            m.span,
            DESCRIBE_CLUSTER,
        );
    }
    if let Some(b) = c.endpoint_public_access() {
        f.add(
            Field::PublicAccess,
            Value::Bool(b.value),
            b.span,
            DESCRIBE_CLUSTER,
        );
    }
    if let Some(b) = c.endpoint_private_access() {
        f.add(
            Field::PrivateAccess,
            Value::Bool(b.value),
            b.span,
            DESCRIBE_CLUSTER,
        );
    }
    if let Some(cidrs) = c.public_access_cidrs() {
        f.add(
            Field::PublicCidrs,
            list(cidrs),
            cidrs.span,
            DESCRIBE_CLUSTER,
        );
    }
}
