//! One platform per cluster. Inputs that describe several clusters (several
//! eksctl ClusterConfigs or `describe-cluster` outputs with different names,
//! as in a directory of examples) are split so that no check pairs facts of
//! one cluster with objects of another:
//! - a ClusterConfig or `describe-cluster` output goes to the cluster it names;
//! - any other object or AWS snapshot goes to the cluster whose sources sit
//!   in its own directory, when they name exactly one cluster (or to the only
//!   cluster when the inputs describe one); otherwise to a cluster-less
//!   platform, with an info saying which objects could not be attributed.

use crate::Loaded;
use crate::merge::ClusterKey;
use eksplane_diagnostics::{Finding, Severity, input};
use eksplane_model::aws::AwsSnapshots;
use eksplane_model::{ClusterView, KubeObject, Platform};
use eksplane_source::{SourceDb, Span};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// The platform of one cluster (or, with `name: None` beside named ones,
/// the objects no cluster could be given).
#[derive(Debug, Clone)]
pub struct ClusterPlatform<'a> {
    /// The cluster's name, as its sources state it.
    pub name: Option<String>,
    /// Borrowed from [`Loaded::platform`] when the inputs hold one cluster (no
    /// copy of a large platform), owned when split.
    pub platform: std::borrow::Cow<'a, Platform>,
    /// Findings about the split itself (LOAD011 on the cluster-less part).
    pub findings: Vec<Finding>,
}

/// Splits what was loaded into one platform per cluster; with one cluster or
/// none, the merged platform as it is. See the module documentation.
pub fn split_clusters(loaded: &Loaded) -> Vec<ClusterPlatform<'_>> {
    let views: Vec<&ClusterView> = loaded
        .clusters
        .iter()
        .filter(|v| v.name.is_some())
        .collect();
    let names: Vec<String> = views
        .iter()
        .filter_map(|v| v.name.as_ref().map(|n| n.value.clone()))
        .collect();
    if names.len() <= 1 {
        return vec![ClusterPlatform {
            name: names.into_iter().next(),
            platform: std::borrow::Cow::Borrowed(&loaded.platform),
            findings: Vec::new(),
        }];
    }
    let owners = Owners::new(&loaded.db, &loaded.clusters, &loaded.platform);
    let owner = |span: Span| owners.owner(span);
    let p = &loaded.platform;
    let mut out: Vec<Platform> = views
        .iter()
        .map(|v| Platform {
            cluster: (*v).clone(),
            ..Platform::default()
        })
        .collect();
    let mut rest = Platform::default();
    let mut unattributed: BTreeMap<String, Vec<Span>> = BTreeMap::new();

    // Every list of the platform; the destructuring makes a new field a
    // compile error here until it is split too.
    let Platform {
        cluster: _,
        cluster_configs,
        node_pools,
        node_classes,
        node_claims,
        aws_node,
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
        aws_auth,
        config_maps,
        roles,
        cluster_roles,
        role_bindings,
        cluster_role_bindings,
        namespaces,
        network_plans,
        workload_profiles,
        kustomizations,
        aws,
        opaque,
    } = p;

    for cc in cluster_configs {
        let key = ClusterKey::new(&cc.name().value, cc.region().map(|r| r.value.as_str()));
        match owners.by_key(&key).or_else(|| owner(cc.origin.span)) {
            Some(i) => out[i].cluster_configs.push(cc.clone()),
            None => rest.cluster_configs.push(cc.clone()),
        }
    }
    macro_rules! objects {
        ($($field:ident),* $(,)?) => {$(
            for o in $field {
                match owner(o.origin().span) {
                    Some(i) => out[i].$field.push(o.clone()),
                    None => {
                        unattributed
                            .entry(o.kind().to_string())
                            .or_default()
                            .push(o.origin().span);
                        rest.$field.push(o.clone());
                    }
                }
            }
        )*};
    }
    objects!(
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
        opaque,
    );
    for k in kustomizations {
        match owner(k.origin.span) {
            Some(i) => out[i].kustomizations.push(k.clone()),
            None => rest.kustomizations.push(k.clone()),
        }
    }
    if let Some(a) = aws_node {
        match owner(a.daemonset.origin.span) {
            Some(i) => out[i].aws_node = Some(a.clone()),
            None => {
                unattributed
                    .entry("DaemonSet".into())
                    .or_default()
                    .push(a.daemonset.origin.span);
                rest.aws_node = Some(a.clone());
            }
        }
    }
    if let Some(a) = aws_auth {
        match owner(a.origin.span) {
            Some(i) => out[i].aws_auth = Some(a.clone()),
            None => {
                unattributed
                    .entry("ConfigMap".into())
                    .or_default()
                    .push(a.origin.span);
                rest.aws_auth = Some(a.clone());
            }
        }
    }
    split_aws(aws, &owners, &owner, &mut out, &mut rest, &mut unattributed);

    let mut result: Vec<ClusterPlatform<'_>> = names
        .into_iter()
        .zip(out)
        .map(|(name, platform)| ClusterPlatform {
            name: Some(name),
            platform: std::borrow::Cow::Owned(platform),
            findings: Vec::new(),
        })
        .collect();
    if !unattributed.is_empty() {
        let total: usize = unattributed.values().map(Vec::len).sum();
        let kinds: Vec<String> = unattributed
            .iter()
            .map(|(k, v)| format!("{} {k}", v.len()))
            .collect();
        let first = unattributed
            .values()
            .flatten()
            .min()
            .copied()
            .unwrap_or_default();
        let list: Vec<&str> = result.iter().filter_map(|c| c.name.as_deref()).collect();
        let finding = Finding::new(
            input::UNATTRIBUTED_OBJECTS,
            Severity::Info,
            "Objects not attributed to a cluster",
            format!(
                "{total} objects ({}) are not in the directory of exactly one of the clusters {}; they are checked on their own, without any cluster's facts; to check them against a cluster, pass its files with them",
                kinds.join(", "),
                list.join(", ")
            ),
            first,
        );
        result.push(ClusterPlatform {
            name: None,
            platform: std::borrow::Cow::Owned(rest),
            findings: vec![finding],
        });
    } else if !rest.cluster_configs.is_empty() {
        result.push(ClusterPlatform {
            name: None,
            platform: std::borrow::Cow::Owned(rest),
            findings: Vec::new(),
        });
    }
    result
}

/// Which cluster an object belongs to: the one its sources name, or the one
/// whose sources sit in the object's own directory, when exactly one does.
pub(crate) struct Owners<'a> {
    db: &'a SourceDb,
    /// The key of each named cluster view, in order.
    keys: Vec<ClusterKey>,
    dirs: HashMap<String, BTreeSet<usize>>,
}

impl<'a> Owners<'a> {
    /// `views`: the merged cluster views; those with a name are the clusters,
    /// numbered in order.
    pub(crate) fn new(db: &'a SourceDb, views: &[ClusterView], p: &Platform) -> Self {
        let keys: Vec<ClusterKey> = views.iter().filter_map(ClusterKey::of_view).collect();
        let mut o = Owners {
            db,
            keys,
            dirs: HashMap::new(),
        };
        let mut noted: Vec<(Span, usize)> = Vec::new();
        for cc in &p.cluster_configs {
            let key = ClusterKey::new(&cc.name().value, cc.region().map(|r| r.value.as_str()));
            if let Some(i) = o.by_key(&key) {
                noted.push((cc.origin.span, i));
            }
        }
        for c in &p.aws.clusters {
            if let Some(i) = describe_key(&c.value).and_then(|k| o.by_key(&k)) {
                noted.push((c.span, i));
            }
        }
        for (span, i) in noted {
            if let Some(d) = dir_of(db, span) {
                o.dirs.entry(d).or_default().insert(i);
            }
        }
        o
    }

    /// The cluster a source naming `key` belongs to: the same key, or else
    /// the only cluster it matches.
    pub(crate) fn by_key(&self, key: &ClusterKey) -> Option<usize> {
        if let Some(i) = self.keys.iter().position(|k| k == key) {
            return Some(i);
        }
        let mut m = self.keys.iter().enumerate().filter(|(_, k)| key.matches(k));
        match (m.next(), m.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    }

    pub(crate) fn owner(&self, span: Span) -> Option<usize> {
        let set = self.dirs.get(&dir_of(self.db, span)?)?;
        if set.len() == 1 {
            set.iter().next().copied()
        } else {
            None
        }
    }
}

/// The cluster a `describe-cluster` output names (region from its ARN).
fn describe_key(c: &eksplane_model::aws::Cluster) -> Option<ClusterKey> {
    let name = c.name.as_ref()?;
    let region = c
        .arn
        .as_ref()
        .and_then(|a| a.value.split(':').nth(3))
        .filter(|r| !r.is_empty());
    Some(ClusterKey::new(&name.value, region))
}

fn dir_of(db: &SourceDb, span: Span) -> Option<String> {
    let f = db.get(span.file)?;
    Some(
        Path::new(&f.name)
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default(),
    )
}

/// AWS snapshots: `describe-cluster` outputs by the name they state, every
/// other item by its file's directory.
fn split_aws(
    aws: &AwsSnapshots,
    owners: &Owners<'_>,
    owner: &dyn Fn(Span) -> Option<usize>,
    out: &mut [Platform],
    rest: &mut Platform,
    unattributed: &mut BTreeMap<String, Vec<Span>>,
) {
    let AwsSnapshots {
        clusters,
        nodegroups,
        access_entry_arns,
        access_entries,
        associated_access_policies,
        pod_identity_associations,
        pod_identity_association_summaries,
        addon_names,
        addons,
        addon_versions,
        subnets,
        network_interfaces,
        subnet_cidr_reservations,
        vpcs,
        roles,
        instance_types,
    } = aws;
    for c in clusters {
        let by_name = describe_key(&c.value).and_then(|k| owners.by_key(&k));
        match by_name.or_else(|| owner(c.span)) {
            Some(i) => out[i].aws.clusters.push(c.clone()),
            None => rest.aws.clusters.push(c.clone()),
        }
    }
    // `describe-nodegroup` names its cluster.
    for n in nodegroups {
        let by_name = n
            .value
            .cluster_name
            .as_ref()
            .and_then(|c| owners.by_key(&ClusterKey::new(&c.value, None)));
        match by_name.or_else(|| owner(n.span)) {
            Some(i) => out[i].aws.nodegroups.push(n.clone()),
            None => {
                unattributed
                    .entry("node group".to_string())
                    .or_default()
                    .push(n.span);
                rest.aws.nodegroups.push(n.clone());
            }
        }
    }
    macro_rules! items {
        ($($field:ident: $what:literal),* $(,)?) => {$(
            for x in $field {
                match owner(x.span) {
                    Some(i) => out[i].aws.$field.push(x.clone()),
                    None => {
                        unattributed.entry($what.to_string()).or_default().push(x.span);
                        rest.aws.$field.push(x.clone());
                    }
                }
            }
        )*};
    }
    items!(
        access_entry_arns: "access-entry ARN",
        access_entries: "access entry",
        associated_access_policies: "access-policy list",
        pod_identity_associations: "Pod Identity association",
        pod_identity_association_summaries: "Pod Identity association",
        addon_names: "add-on name",
        addons: "add-on",
        subnets: "subnet",
        network_interfaces: "network interface",
        subnet_cidr_reservations: "subnet CIDR reservation",
        vpcs: "VPC",
        roles: "IAM role",
    );
    // Catalog data, not a cluster's: every cluster gets it.
    for p in out.iter_mut().chain(std::iter::once(rest)) {
        p.aws.addon_versions.extend(addon_versions.iter().cloned());
        p.aws.instance_types.extend(instance_types.iter().cloned());
    }
}
