//! Node sources: every way a platform gets nodes, as one abstraction that
//! `capacity`, the CNI rules, `ip-plan`, `inspect` and `simulate` read.
//!
//! - Karpenter `NodePool` + `EC2NodeClass` (karpenter.sh/v1): nodes on demand;
//!   a static NodePool (`spec.replicas`, Karpenter >= 1.7) keeps a fixed count
//!   and is never consolidated (karpenter.sh/docs/concepts/nodepools, "Static
//!   NodePools").
//! - EKS Auto Mode NodePools (`nodeClassRef.group: eks.amazonaws.com`, kind
//!   `NodeClass`): AWS runs Karpenter and the VPC CNI; requirements use
//!   `eks.amazonaws.com/*` labels (EKS user guide, "Create a Node Pool for
//!   EKS Auto Mode").
//! - eksctl `managedNodeGroups` and `nodeGroups` (self-managed), and managed
//!   node groups from `aws eks describe-nodegroup` snapshots.

use eksplane_model::eksctl::{ClusterConfig, NodeGroupRef};
use eksplane_model::karpenter::{Ec2NodeClass, NodePool};
use eksplane_model::vocab::CapacityType;
use eksplane_model::{KubeObject, Platform};
use eksplane_source::{Span, Spanned};
use serde::Serialize;

/// The instance type eksctl gives a node group that names none
/// (eksctl `pkg/apis/eksctl.io/v1alpha5/defaults.go`, `DefaultNodeType`).
pub const EKSCTL_DEFAULT_INSTANCE_TYPE: &str = "m5.large";

/// The nodes eksctl gives a node group that states no size (eksctl
/// `pkg/apis/eksctl.io/v1alpha5/defaults.go`, `DefaultNodeCount`).
pub const EKSCTL_DEFAULT_NODE_COUNT: i64 = 2;

/// The API group of EKS Auto Mode's node class (EKS user guide, "Create a
/// Node Class for Amazon EKS": `apiVersion: eks.amazonaws.com/v1`, `kind: NodeClass`).
pub const AUTO_MODE_GROUP: &str = "eks.amazonaws.com";

/// What kind of node source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeSourceKind {
    /// A Karpenter NodePool that provisions on demand.
    Karpenter,
    /// A Karpenter NodePool with `spec.replicas`: a fixed count, no consolidation.
    KarpenterStatic,
    /// An EKS Auto Mode NodePool.
    AutoMode,
    /// An eksctl `managedNodeGroups` entry.
    EksctlManaged,
    /// An eksctl `nodeGroups` entry (self-managed).
    EksctlSelfManaged,
    /// A managed node group from `aws eks describe-nodegroup`.
    ManagedNodegroup,
}

impl NodeSourceKind {
    pub fn label(self) -> &'static str {
        match self {
            NodeSourceKind::Karpenter => "Karpenter NodePool",
            NodeSourceKind::KarpenterStatic => "static Karpenter NodePool",
            NodeSourceKind::AutoMode => "EKS Auto Mode NodePool",
            NodeSourceKind::EksctlManaged => "eksctl managed node group",
            NodeSourceKind::EksctlSelfManaged => "eksctl self-managed node group",
            NodeSourceKind::ManagedNodegroup => "managed node group (describe-nodegroup)",
        }
    }

    /// Karpenter (self-managed or Auto Mode) decides the instance type.
    pub fn is_karpenter(self) -> bool {
        matches!(
            self,
            NodeSourceKind::Karpenter | NodeSourceKind::KarpenterStatic | NodeSourceKind::AutoMode
        )
    }

    /// EKS manages the node group's launch template (max pods enforced by
    /// EKS, see [`NodeSource::admitted_rule`]).
    pub fn is_managed_node_group(self) -> bool {
        matches!(
            self,
            NodeSourceKind::EksctlManaged | NodeSourceKind::ManagedNodegroup
        )
    }
}

/// The operating system family of a node source's image, as the capacity
/// math needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeFamily {
    Al2,
    Al2023,
    Bottlerocket,
    Windows,
    /// A custom AMI: bootstrap unknown.
    Custom,
    /// EKS Auto Mode's own Bottlerocket-based image.
    AutoMode,
    /// An AMI family eksplane does not know (named as written).
    Unknown,
}

impl NodeFamily {
    /// From an eksctl `amiFamily` (eksctl `pkg/apis/eksctl.io/v1alpha5/types.go`:
    /// `AmazonLinux2`, `AmazonLinux2023`, `Bottlerocket`, `Ubuntu*`,
    /// `WindowsServer2019CoreContainer`, ...).
    pub fn from_eksctl(s: &str) -> NodeFamily {
        let l = s.to_ascii_lowercase();
        match l.as_str() {
            "amazonlinux2" => NodeFamily::Al2,
            "amazonlinux2023" => NodeFamily::Al2023,
            "bottlerocket" => NodeFamily::Bottlerocket,
            _ if l.starts_with("windowsserver") => NodeFamily::Windows,
            // Ubuntu images ship the same max-pods bootstrap as AL2
            // (eksctl builds their user data with the ENI table); treat as custom.
            _ => NodeFamily::Custom,
        }
    }

    /// From an EKS `amiType` (`AL2_x86_64`, `AL2023_ARM_64_STANDARD`,
    /// `BOTTLEROCKET_x86_64`, `WINDOWS_CORE_2022_x86_64`, `CUSTOM`; EKS API).
    pub fn from_ami_type(s: &str) -> NodeFamily {
        let u = s.to_ascii_uppercase();
        if u.starts_with("AL2023") {
            NodeFamily::Al2023
        } else if u.starts_with("AL2_") {
            NodeFamily::Al2
        } else if u.starts_with("BOTTLEROCKET") {
            NodeFamily::Bottlerocket
        } else if u.starts_with("WINDOWS") {
            NodeFamily::Windows
        } else if u == "CUSTOM" {
            NodeFamily::Custom
        } else {
            NodeFamily::Unknown
        }
    }

    /// From a Karpenter EC2NodeClass: its alias or `amiFamily`; Karpenter's
    /// default is AL2023 (karpenter-provider-aws v1: the alias is required,
    /// `al2023@...` in the examples).
    pub fn from_node_class(class: Option<&Ec2NodeClass>) -> NodeFamily {
        use eksplane_model::karpenter::AmiFamily as M;
        match class.and_then(Ec2NodeClass::ami_family) {
            Some(M::Al2) => NodeFamily::Al2,
            Some(M::Bottlerocket) => NodeFamily::Bottlerocket,
            Some(M::Windows2019 | M::Windows2022 | M::Windows2025) => NodeFamily::Windows,
            Some(M::Custom) => NodeFamily::Custom,
            Some(M::Al2023) | None => NodeFamily::Al2023,
        }
    }

    pub fn is_windows(self) -> bool {
        self == NodeFamily::Windows
    }
}

/// How a source says which instance types it uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstanceChoice {
    /// NodePool requirements, matched against the catalog.
    Requirements,
    /// Named types.
    Listed(Vec<Spanned<String>>),
    /// Nothing named: the tool's default (eksctl: m5.large).
    Default(&'static str),
    /// eksctl `instanceSelector`: resolved by eksctl against EC2 at create
    /// time; the types are not in the inputs.
    Selector,
}

/// Node counts of a group or a static pool.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Scaling {
    pub min: Option<i64>,
    pub desired: Option<i64>,
    pub max: Option<i64>,
}

/// One node source.
#[derive(Debug, Clone)]
pub struct NodeSource<'a> {
    pub kind: NodeSourceKind,
    pub name: String,
    /// The cluster it belongs to when the input says (eksctl metadata.name,
    /// describe-nodegroup clusterName).
    pub cluster: Option<String>,
    /// Where it is defined (the NodePool object, the node group entry).
    pub span: Span,
    /// How findings name it: `NodePool/default`, `ClusterConfig/prod nodeGroup ng-1`.
    pub object: String,
    pub family: NodeFamily,
    /// The image family as written, for messages (`AmazonLinux2023`, `al2023@latest`).
    pub family_written: Option<String>,
    pub instances: InstanceChoice,
    /// An explicit pod limit: EC2NodeClass `kubelet.maxPods`, eksctl
    /// `maxPodsPerNode`.
    pub max_pods: Option<Spanned<u32>>,
    /// The capacity types it may launch.
    pub capacity_types: Vec<CapacityType>,
    pub scaling: Option<Scaling>,
    /// Karpenter may remove or replace its nodes (dynamic NodePools).
    pub consolidates: bool,
    pub pool: Option<&'a NodePool>,
    /// The EC2NodeClass a Karpenter NodePool's `nodeClassRef` names, when in the inputs.
    pub class: Option<&'a Ec2NodeClass>,
    /// The `nodeClassRef` names a class that is not in the inputs.
    pub class_missing: Option<String>,
    pub node_group: Option<NodeGroupRef<'a>>,
    pub nodegroup_snapshot: Option<&'a Spanned<eksplane_model::aws::eks::Nodegroup>>,
}

impl NodeSource<'_> {
    /// Whether EKS computes this source's max pods itself: a managed node
    /// group without a custom AMI. "Managed node groups enforce a maximum
    /// number on the value of maxPods. For instances with less than 30 vCPUs
    /// the maximum number is 110 and for all other instances the maximum
    /// number is 250" (EKS user guide, "Amazon EKS recommended maximum Pods
    /// for each Amazon EC2 instance type"); without a launch template AMI,
    /// EKS sets it from the max-pods calculator with the cluster's VPC CNI
    /// settings (EKS user guide, "Assign more IP addresses to Amazon EKS
    /// nodes with prefixes").
    pub fn admitted_rule(&self) -> AdmittedRule {
        if self.kind.is_karpenter() {
            return AdmittedRule::Karpenter;
        }
        if let Some(m) = &self.max_pods {
            if self.kind.is_managed_node_group() {
                return AdmittedRule::ManagedCapped(m.value);
            }
            return AdmittedRule::Explicit(m.value);
        }
        if self.kind.is_managed_node_group() && self.family != NodeFamily::Custom {
            return AdmittedRule::ManagedCalculator;
        }
        AdmittedRule::Bootstrap
    }

    /// The place to anchor a pod-count finding: the explicit limit, else the
    /// NodeClass's kubelet block, else the pool's `nodeClassRef`, else the
    /// source itself.
    pub fn anchor(&self) -> Span {
        if let Some(m) = &self.max_pods {
            return m.span;
        }
        if let Some(c) = self.class {
            return c.origin.locate(&["spec", "kubelet"]);
        }
        if let Some(pool) = self.pool {
            return pool
                .spec
                .template
                .spec
                .node_class_ref
                .as_ref()
                .map_or(pool.origin.span, |r| r.span);
        }
        self.span
    }
}

/// How the pods a node admits are decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdmittedRule {
    /// Karpenter's instance-type math (kubelet maxPods, podsPerCore, ENI limit).
    Karpenter,
    /// A value the user set (self-managed `maxPodsPerNode`).
    Explicit(u32),
    /// A managed node group's `maxPodsPerNode`, which EKS caps at 110/250.
    ManagedCapped(u32),
    /// EKS's calculator with the cluster's CNI settings, capped at 110/250.
    ManagedCalculator,
    /// The image's bootstrap default: the ENI formula without prefixes
    /// (AL2 `bootstrap.sh` reads eni-max-pods.txt; AL2023 nodeadm computes
    /// the same; Bottlerocket the same table). Windows: see the capacity math.
    Bootstrap,
}

fn karpenter_capacity_types(pool: &NodePool) -> Vec<CapacityType> {
    // "The AWS Cloud Provider defaults to [ on-demand ], so spot must be
    // explicitly included in capacity type requirements"
    // (aws/karpenter-provider-aws pkg/providers/instance/instance.go,
    // getCapacityType; karpenter.sh docs, NodePools, capacity type). One
    // reading, used by sizing, the simulator and the Spot rules alike
    // (crate::scheduling::pool_capacity_types).
    let Some(r) = pool.requirement(crate::capacity::LABEL_CAPACITY_TYPE) else {
        return vec![CapacityType::OnDemand];
    };
    [
        CapacityType::Spot,
        CapacityType::OnDemand,
        CapacityType::Reserved,
    ]
    .into_iter()
    .filter(|c| r.value.matches(Some(c.label())))
    .collect()
}

fn karpenter_source<'a>(p: &'a Platform, pool: &'a NodePool) -> NodeSource<'a> {
    let class_ref = pool
        .spec
        .template
        .spec
        .node_class_ref
        .as_ref()
        .map(|r| &r.value);
    let auto_mode = class_ref.is_some_and(|r| r.group == AUTO_MODE_GROUP);
    let class = if auto_mode {
        None
    } else {
        crate::capacity::node_class_of(p, pool)
    };
    let class_missing = match (class_ref, class, auto_mode) {
        (Some(r), None, false) => Some(r.name.clone()),
        _ => None,
    };
    let static_pool = pool.spec.replicas.is_some();
    let kind = if auto_mode {
        NodeSourceKind::AutoMode
    } else if static_pool {
        NodeSourceKind::KarpenterStatic
    } else {
        NodeSourceKind::Karpenter
    };
    let family = if auto_mode {
        NodeFamily::AutoMode
    } else {
        NodeFamily::from_node_class(class)
    };
    let family_written = class.and_then(|c| {
        c.spec
            .ami_selector_terms
            .iter()
            .find_map(|t| t.value.alias.clone())
            .or_else(|| c.spec.ami_family.as_ref().map(|f| f.value.clone()))
    });
    let max_pods = class
        .and_then(|c| c.kubelet())
        .and_then(|k| k.max_pods.as_ref())
        .and_then(|m| u32::try_from(m.value).ok().map(|v| Spanned::new(v, m.span)));
    let scaling = pool.spec.replicas.as_ref().map(|r| Scaling {
        min: Some(r.value),
        desired: Some(r.value),
        max: Some(r.value),
    });
    NodeSource {
        kind,
        name: pool.name().to_string(),
        cluster: None,
        span: pool.origin.span,
        object: pool.object_ref().to_string(),
        family,
        family_written,
        instances: InstanceChoice::Requirements,
        max_pods,
        capacity_types: karpenter_capacity_types(pool),
        scaling,
        // Static NodePools are not consolidated (karpenter.sh docs, "Static
        // NodePools": only drift and expiration replace their nodes).
        consolidates: !static_pool,
        pool: Some(pool),
        class,
        class_missing,
        node_group: None,
        nodegroup_snapshot: None,
    }
}

fn eksctl_source<'a>(cc: &'a ClusterConfig, ng: NodeGroupRef<'a>) -> NodeSource<'a> {
    let (kind, what) = if ng.is_managed() {
        (NodeSourceKind::EksctlManaged, "managedNodeGroup")
    } else {
        (NodeSourceKind::EksctlSelfManaged, "nodeGroup")
    };
    let listed = ng.instance_types();
    let has_selector = match ng {
        NodeGroupRef::Managed(m) => m.value.instance_selector.is_some(),
        NodeGroupRef::SelfManaged(s) => s.value.instance_selector.is_some(),
    };
    let instances = if !listed.is_empty() {
        InstanceChoice::Listed(listed.into_iter().cloned().collect())
    } else if has_selector {
        InstanceChoice::Selector
    } else {
        InstanceChoice::Default(EKSCTL_DEFAULT_INSTANCE_TYPE)
    };
    let written = match ng {
        NodeGroupRef::Managed(m) => m.value.ami_family.as_ref().map(|f| f.value.clone()),
        NodeGroupRef::SelfManaged(s) => s.value.ami_family.as_ref().map(|f| f.value.clone()),
    };
    // A custom `ami` with no amiFamily bootstraps however the AMI does.
    let custom_ami = match ng {
        NodeGroupRef::Managed(m) => m.value.ami.is_some(),
        NodeGroupRef::SelfManaged(s) => s.value.ami.is_some(),
    };
    let mut family = NodeFamily::from_eksctl(ng.ami_family());
    if custom_ami && family != NodeFamily::Windows && family != NodeFamily::Bottlerocket {
        family = NodeFamily::Custom;
    }
    let capacity_types = match ng {
        NodeGroupRef::Managed(m) if m.value.is_spot() => vec![CapacityType::Spot],
        NodeGroupRef::Managed(_) => vec![CapacityType::OnDemand],
        NodeGroupRef::SelfManaged(s) => match &s.value.instances_distribution {
            // instancesDistribution: `onDemandPercentageAboveBaseCapacity`
            // (default 100: all on-demand) and `onDemandBaseCapacity`
            // (default 0) split the group (eksctl schema, EC2 Auto Scaling
            // mixed-instances policy).
            Some(d) => {
                let pct = d
                    .value
                    .on_demand_percentage_above_base_capacity
                    .as_ref()
                    .map_or(100, |x| x.value);
                let base = d
                    .value
                    .on_demand_base_capacity
                    .as_ref()
                    .map_or(0, |x| x.value);
                match (pct, base) {
                    (p, _) if p >= 100 => vec![CapacityType::OnDemand],
                    (p, b) if p <= 0 && b <= 0 => vec![CapacityType::Spot],
                    _ => vec![CapacityType::OnDemand, CapacityType::Spot],
                }
            }
            None => vec![CapacityType::OnDemand],
        },
    };
    let (min, desired, max) = match ng {
        NodeGroupRef::Managed(m) => (
            &m.value.min_size,
            &m.value.desired_capacity,
            &m.value.max_size,
        ),
        NodeGroupRef::SelfManaged(s) => (
            &s.value.min_size,
            &s.value.desired_capacity,
            &s.value.max_size,
        ),
    };
    let v = |x: &Option<Spanned<i64>>| x.as_ref().map(|s| s.value);
    // eksctl fills in what is not written before it creates the group
    // (self-managed: pkg/cfn/builder/nodegroup.go; managed:
    // pkg/apis/eksctl.io/v1alpha5/validation.go): minSize = desiredCapacity,
    // else `DefaultNodeCount` (2); maxSize = desiredCapacity, else minSize;
    // an unset desiredCapacity starts the Auto Scaling group at minSize.
    let min = v(min).or(v(desired)).or(Some(EKSCTL_DEFAULT_NODE_COUNT));
    let max = v(max).or(v(desired)).or(min);
    let desired = v(desired).or(min);
    NodeSource {
        kind,
        name: ng.name().to_string(),
        cluster: Some(cc.name().value.clone()),
        span: ng.span(),
        object: format!("ClusterConfig/{} {what} {}", cc.name().value, ng.name()),
        family,
        family_written: written,
        instances,
        max_pods: ng
            .max_pods_per_node()
            .and_then(|m| u32::try_from(m.value).ok().map(|v| Spanned::new(v, m.span))),
        capacity_types,
        scaling: Some(Scaling { min, desired, max }),
        consolidates: false,
        pool: None,
        class: None,
        class_missing: None,
        node_group: Some(ng),
        nodegroup_snapshot: None,
    }
}

fn nodegroup_snapshot_source(n: &Spanned<eksplane_model::aws::eks::Nodegroup>) -> NodeSource<'_> {
    let g = &n.value;
    let name = g
        .nodegroup_name
        .as_ref()
        .map_or_else(|| "(unnamed)".to_string(), |s| s.value.clone());
    let family = g
        .ami_type
        .as_ref()
        .map_or(NodeFamily::Unknown, |a| NodeFamily::from_ami_type(&a.value));
    let capacity = g
        .capacity_type
        .as_ref()
        .and_then(|c| CapacityType::parse(&c.value))
        .unwrap_or(CapacityType::OnDemand);
    let sc = g.scaling_config.as_ref().map(|s| Scaling {
        min: s.value.min_size,
        desired: s.value.desired_size,
        max: s.value.max_size,
    });
    NodeSource {
        kind: NodeSourceKind::ManagedNodegroup,
        name: name.clone(),
        cluster: g.cluster_name.as_ref().map(|c| c.value.clone()),
        span: n.span,
        object: format!("Nodegroup/{name}"),
        family,
        family_written: g.ami_type.as_ref().map(|a| a.value.clone()),
        // EKS's default instance type for a managed node group is t3.medium
        // (CreateNodegroup `instanceTypes`); a snapshot always lists them.
        instances: if g.instance_types.is_empty() {
            InstanceChoice::Default("t3.medium")
        } else {
            InstanceChoice::Listed(g.instance_types.clone())
        },
        max_pods: None,
        capacity_types: vec![capacity],
        scaling: sc,
        consolidates: false,
        pool: None,
        class: None,
        class_missing: None,
        node_group: None,
        nodegroup_snapshot: Some(n),
    }
}

/// Every node source of a platform, in a stable order: Karpenter NodePools
/// (as loaded), eksctl node groups (managed, then self-managed, per
/// ClusterConfig), describe-nodegroup snapshots not already described by an
/// eksctl node group of the same name.
pub fn node_sources(p: &Platform) -> Vec<NodeSource<'_>> {
    let mut out: Vec<NodeSource<'_>> = p
        .node_pools
        .iter()
        .map(|pool| karpenter_source(p, pool))
        .collect();
    for cc in &p.cluster_configs {
        for ng in cc.node_groups() {
            out.push(eksctl_source(cc, ng));
        }
    }
    for n in &p.aws.nodegroups {
        let name = n.value.nodegroup_name.as_ref().map(|s| s.value.as_str());
        let described = out
            .iter()
            .any(|s| s.kind == NodeSourceKind::EksctlManaged && Some(s.name.as_str()) == name);
        if !described {
            out.push(nodegroup_snapshot_source(n));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platform(text: &str) -> Platform {
        let l = eksplane_load::load_texts([("t.yaml", text)]);
        assert!(
            !l.has_input_errors(),
            "{:?}",
            l.findings.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
        l.platform
    }

    #[test]
    fn eksctl_node_groups_are_sources() {
        let p = platform(
            "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c1, region: us-west-2}
managedNodeGroups:
  - name: mng
    instanceTypes: [m5.large, m5.xlarge]
    spot: true
    minSize: 1
    maxSize: 5
nodeGroups:
  - name: ng
    maxPodsPerNode: 123
  - name: win
    amiFamily: WindowsServer2022CoreContainer
    instanceType: m5.large
",
        );
        let s = node_sources(&p);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].kind, NodeSourceKind::EksctlManaged);
        assert_eq!(s[0].capacity_types, vec![CapacityType::Spot]);
        assert!(matches!(&s[0].instances, InstanceChoice::Listed(v) if v.len() == 2));
        assert_eq!(s[0].admitted_rule(), AdmittedRule::ManagedCalculator);
        assert_eq!(s[1].kind, NodeSourceKind::EksctlSelfManaged);
        assert_eq!(s[1].instances, InstanceChoice::Default("m5.large"));
        assert_eq!(s[1].max_pods.as_ref().map(|m| m.value), Some(123));
        assert_eq!(s[1].admitted_rule(), AdmittedRule::Explicit(123));
        assert_eq!(s[1].family, NodeFamily::Al2023);
        assert_eq!(s[2].family, NodeFamily::Windows);
        assert_eq!(s[1].cluster.as_deref(), Some("c1"));
    }

    #[test]
    fn karpenter_static_and_auto_mode_pools() {
        let p = platform(
            "apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: auto}
spec:
  template:
    spec:
      nodeClassRef: {group: eks.amazonaws.com, kind: NodeClass, name: default}
      requirements:
        - {key: eks.amazonaws.com/instance-category, operator: In, values: [c, m]}
---
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: fixed}
spec:
  replicas: 3
  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: missing}
      requirements:
        - {key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}
",
        );
        let s = node_sources(&p);
        assert_eq!(s[0].kind, NodeSourceKind::AutoMode);
        assert_eq!(s[0].family, NodeFamily::AutoMode);
        assert!(s[0].class_missing.is_none());
        assert_eq!(s[0].capacity_types, vec![CapacityType::OnDemand]);
        assert_eq!(s[1].kind, NodeSourceKind::KarpenterStatic);
        assert!(!s[1].consolidates);
        assert_eq!(s[1].scaling.and_then(|x| x.desired), Some(3));
        assert_eq!(s[1].class_missing.as_deref(), Some("missing"));
        assert_eq!(
            s[1].capacity_types,
            vec![CapacityType::Spot, CapacityType::OnDemand]
        );
    }

    /// eksctl's own defaults for unwritten sizes (pkg/cfn/builder/nodegroup.go).
    #[test]
    fn eksctl_group_sizes_follow_eksctl_defaults() {
        let p = platform(
            "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c, region: eu-west-1}
nodeGroups:
  - {name: only-desired, instanceType: m5.large, desiredCapacity: 1}
  - {name: nothing, instanceType: m5.large}
  - {name: min-max, instanceType: m5.large, minSize: 1, maxSize: 5}
managedNodeGroups:
  - {name: only-max, maxSize: 4}
",
        );
        let s = node_sources(&p);
        let sizes: Vec<(&str, Scaling)> = s
            .iter()
            .map(|x| (x.name.as_str(), x.scaling.unwrap_or_default()))
            .collect();
        let sc = |min, desired, max| Scaling {
            min: Some(min),
            desired: Some(desired),
            max: Some(max),
        };
        assert_eq!(
            sizes,
            vec![
                ("only-max", sc(2, 2, 4)),
                ("only-desired", sc(1, 1, 1)),
                ("nothing", sc(2, 2, 2)),
                ("min-max", sc(1, 1, 5)),
            ]
        );
    }

    #[test]
    fn families_from_eks_ami_types() {
        assert_eq!(
            NodeFamily::from_ami_type("AL2023_ARM_64_STANDARD"),
            NodeFamily::Al2023
        );
        assert_eq!(NodeFamily::from_ami_type("AL2_x86_64"), NodeFamily::Al2);
        assert_eq!(
            NodeFamily::from_ami_type("WINDOWS_CORE_2022_x86_64"),
            NodeFamily::Windows
        );
        assert_eq!(
            NodeFamily::from_ami_type("BOTTLEROCKET_ARM_64"),
            NodeFamily::Bottlerocket
        );
        assert_eq!(
            NodeFamily::from_eksctl("Bottlerocket"),
            NodeFamily::Bottlerocket
        );
        assert_eq!(NodeFamily::from_eksctl("AmazonLinux2"), NodeFamily::Al2);
    }
}
