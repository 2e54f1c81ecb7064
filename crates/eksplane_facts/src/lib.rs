//! Platform facts: what every analysis needs to know about a loaded platform,
//! derived in one place beneath the rules, the simulator, the planners and
//! the reports (none of which derive them again).
//!
//! [`Facts`] wraps one cluster's [`Platform`] and the instance catalog and
//! computes each fact lazily, once per run: the rules of a `check` share one
//! `Facts`, so a NodePool's allowed instance types or the effective CNI
//! settings are computed once however many rules read them.

pub mod addons;
pub mod capacity;
pub mod costs;
pub mod identity;
pub mod ip_inputs;
pub mod nodes;
pub mod scheduling;
pub mod workloads;

use eksplane_aws_data::Catalog;
use eksplane_diagnostics::{Note, NoteKind};
use eksplane_model::k8s::{Service, ServiceAccount};
use eksplane_model::{KubeObject, Platform};
use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};

/// Objects by (namespace, name): the first of the platform's order, as a
/// scan with `find` gives.
type ByName = HashMap<(String, String), usize>;

fn by_name<T: KubeObject>(objects: &[T]) -> ByName {
    let mut m = ByName::new();
    for (i, o) in objects.iter().enumerate() {
        if let Some(ns) = o.namespace() {
            m.entry((ns.to_string(), o.name().to_string())).or_insert(i);
        }
    }
    m
}

/// The facts of one platform, derived on first use and cached.
#[derive(Debug)]
pub struct Facts<'a> {
    pub platform: &'a Platform,
    /// The embedded catalog, or the one given with `--catalog`.
    pub catalog: &'a Catalog,
    cni: OnceCell<capacity::EffectiveCni>,
    capacities: OnceCell<Vec<capacity::PoolCapacity<'a>>>,
    workloads: OnceCell<workloads::Workloads<'a>>,
    associations: OnceCell<Vec<identity::PodIdentityAssociation>>,
    access_entries: OnceCell<identity::AccessEntries<'a>>,
    cluster_identity: OnceCell<identity::ClusterIdentity>,
    services: OnceCell<ByName>,
    service_accounts: OnceCell<ByName>,
}

impl<'a> Facts<'a> {
    pub fn new(platform: &'a Platform, catalog: &'a Catalog) -> Facts<'a> {
        Facts {
            platform,
            catalog,
            cni: OnceCell::new(),
            capacities: OnceCell::new(),
            workloads: OnceCell::new(),
            associations: OnceCell::new(),
            access_entries: OnceCell::new(),
            cluster_identity: OnceCell::new(),
            services: OnceCell::new(),
            service_accounts: OnceCell::new(),
        }
    }

    /// The VPC CNI settings in effect, with where they come from.
    pub fn cni(&self) -> &capacity::EffectiveCni {
        self.cni
            .get_or_init(|| capacity::effective_cni(self.platform))
    }

    /// The cluster's name, region, partition and account, by one fallback
    /// rule (see [`identity::ClusterIdentity`]).
    pub fn cluster_identity(&self) -> &identity::ClusterIdentity {
        self.cluster_identity.get_or_init(|| {
            identity::cluster_identity(self.platform, self.pod_identity_associations())
        })
    }

    /// The access entries of every source, one per principal.
    pub fn access_entries(&self) -> &identity::AccessEntries<'a> {
        self.access_entries
            .get_or_init(|| identity::AccessEntries::of(self.platform))
    }

    /// Every Pod Identity association, one per namespace and service
    /// account, merged across eksctl, add-on and AWS CLI sources.
    pub fn pod_identity_associations(&self) -> &[identity::PodIdentityAssociation] {
        self.associations
            .get_or_init(|| identity::pod_identity_associations(self.platform))
    }

    /// The Service `namespace/name`, by an index built once (a rule asking
    /// for each Ingress backend no longer scans every Service). The last
    /// one wins, as the loader keeps it.
    pub fn service(&self, namespace: &str, name: &str) -> Option<&'a Service> {
        let i = self
            .services
            .get_or_init(|| by_name(&self.platform.services))
            .get(&(namespace.to_string(), name.to_string()))?;
        self.platform.services.get(*i)
    }

    /// The ServiceAccount `namespace/name`, by an index built once.
    pub fn service_account(&self, namespace: &str, name: &str) -> Option<&'a ServiceAccount> {
        let i = self
            .service_accounts
            .get_or_init(|| by_name(&self.platform.service_accounts))
            .get(&(namespace.to_string(), name.to_string()))?;
        self.platform.service_accounts.get(*i)
    }

    /// Every workload with its replica floor and ceiling, and the indexes
    /// of workloads and PodDisruptionBudgets by namespace and label (see
    /// [`workloads::Workloads`]).
    pub fn workloads(&self) -> &workloads::Workloads<'a> {
        self.workloads
            .get_or_init(|| workloads::Workloads::new(self.platform))
    }

    /// Every node source (see [`nodes::node_sources`]), as its capacity
    /// entry holds it.
    pub fn node_sources(&self) -> impl Iterator<Item = &nodes::NodeSource<'a>> {
        self.capacities().iter().map(|c| &c.source)
    }

    /// What the analyses could not judge or had to assume on this platform,
    /// for every output (a clean result on assumptions is not an all-clear).
    pub fn notes(&self) -> Vec<Note> {
        let p = self.platform;
        let mut out = Vec::new();
        let has_sources = !self.capacities().is_empty();
        if !p.cluster_configs.is_empty() || !p.aws.clusters.is_empty() {
            // cluster facts present
        } else {
            out.push(Note::new(
                NoteKind::Missing,
                "cluster",
                "no cluster facts (eksctl ClusterConfig or `aws eks describe-cluster`): the authentication mode, Kubernetes version support and endpoint checks had nothing to judge",
            ));
        }
        if !has_sources {
            out.push(Note::new(
                NoteKind::Missing,
                "capacity",
                "no node source (Karpenter NodePool, eksctl node group or `aws eks describe-nodegroup`): pod capacity against the VPC CNI was not judged",
            ));
        }
        let cni_relevant = has_sources
            || !p.security_group_policies.is_empty()
            || !p.eni_configs.is_empty()
            || !p.aws.subnets.is_empty();
        if cni_relevant {
            let cni = self.cni();
            for a in &cni.assumed {
                out.push(Note::new(NoteKind::Assumed, "cni", a.clone()));
            }
        }
        for c in self.capacities() {
            for n in &c.notes {
                out.push(
                    Note::new(NoteKind::Skipped, "capacity", format!("{}: {n}", c.label()))
                        .at(c.source.span),
                );
            }
        }
        if has_sources && p.aws.subnets.is_empty() && p.network_plans.is_empty() {
            out.push(Note::new(
                NoteKind::Missing,
                "ip-space",
                "no subnets (`aws ec2 describe-subnets` or a NetworkPlan): IP space and free /28 prefixes were not judged",
            ));
        }
        out.extend(self.workloads().notes());
        let mut opaque: BTreeMap<String, usize> = BTreeMap::new();
        for o in &p.opaque {
            *opaque
                .entry(format!("{} ({})", o.origin.kind, o.origin.api_version))
                .or_default() += 1;
        }
        if !opaque.is_empty() {
            let total: usize = opaque.values().sum();
            let list: Vec<String> = opaque
                .iter()
                .take(8)
                .map(|(k, n)| format!("{k} x{n}"))
                .collect();
            let more = opaque.len().saturating_sub(8);
            out.push(Note::new(
                NoteKind::Skipped,
                "inputs",
                format!(
                    "{total} object(s) of kinds eksplane does not analyse were read and not checked: {}{}",
                    list.join(", "),
                    if more > 0 {
                        format!(", and {more} more kind(s)")
                    } else {
                        String::new()
                    }
                ),
            ));
        }
        out
    }

    /// Every node source's capacity, type by type (see [`capacity::pools`]).
    pub fn capacities(&self) -> &[capacity::PoolCapacity<'a>] {
        self.capacities
            .get_or_init(|| capacity::pools(self.platform, self.catalog))
    }
}

/// When the inputs hold nothing eksplane analyses -- no cluster facts (eksctl
/// ClusterConfig, `describe-cluster`), no node source (NodePool, node
/// groups) and no other EKS-specific object (aws-node, aws-auth,
/// EC2NodeClass, ENIConfig, SecurityGroupPolicy, ALB Ingresses and classes,
/// IRSA ServiceAccounts, AWS CLI snapshots, NetworkPlans) -- the warning to
/// print: what was read and what was missing. A clean result on such inputs
/// is not an all-clear.
pub fn nothing_to_analyse(p: &Platform, files: usize) -> Option<String> {
    let alb_ingress = p.ingresses.iter().any(|i| {
        i.class_name() == Some("alb")
            || i.metadata
                .annotations
                .keys()
                .any(|k| k.starts_with("alb.ingress.kubernetes.io/"))
    });
    let eks_specific = !p.cluster_configs.is_empty()
        || !p.aws.is_empty()
        || !p.node_pools.is_empty()
        || !p.node_classes.is_empty()
        || p.aws_node.is_some()
        || p.aws_auth.is_some()
        || !p.eni_configs.is_empty()
        || !p.security_group_policies.is_empty()
        || !p.ingress_class_params.is_empty()
        || p.ingress_classes.iter().any(|c| c.is_alb())
        || alb_ingress
        || p.service_accounts
            .iter()
            .any(|s| s.irsa_role_arn().is_some())
        || !p.network_plans.is_empty();
    if eks_specific {
        return None;
    }
    let inv = p.inventory();
    let mut kinds: Vec<String> = inv
        .kubernetes
        .iter()
        .chain(inv.opaque.iter())
        .map(|(k, n)| format!("{k} x{n}"))
        .collect();
    let read = if kinds.is_empty() {
        "no Kubernetes object".to_string()
    } else {
        let more = kinds.len().saturating_sub(10);
        kinds.truncate(10);
        let mut s = kinds.join(", ");
        if more > 0 {
            s.push_str(&format!(" and {more} more kinds"));
        }
        s
    };
    Some(format!(
        "nothing eksplane analyses in the inputs: read {files} file{} ({read}); missing: cluster facts \
         (eksctl ClusterConfig or `aws eks describe-cluster`), node sources (Karpenter NodePool, eksctl \
         node group or `aws eks describe-nodegroup`) and EKS-specific objects (aws-node, aws-auth, \
         EC2NodeClass, ENIConfig, SecurityGroupPolicy, ALB Ingresses, AWS CLI snapshots); only generic \
         workload checks ran",
        if files == 1 { "" } else { "s" }
    ))
}
