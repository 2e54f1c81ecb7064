//! [`Platform`]: every source merged into the view of one cluster.

use crate::aws::AwsSnapshots;
use crate::cni::{AwsNode, EniConfig, SecurityGroupPolicy};
use crate::eksctl::ClusterConfig;
use crate::ingress::{Ingress, IngressClass, IngressClassParams};
use crate::k8s::{
    AwsAuth, ClusterRole, ClusterRoleBinding, ConfigMap, HorizontalPodAutoscaler, Namespace,
    PodDisruptionBudget, Role, RoleBinding, Service, ServiceAccount, Workload,
};
use crate::karpenter::{Ec2NodeClass, NodeClaim, NodePool};
use crate::meta::{KubeObject, ObjectMeta, Origin};
use crate::plan::{NetworkPlan, WorkloadProfile};
use eksplane_source::Span;
use serde::Serialize;
use std::collections::BTreeMap;

/// A cluster-level fact and every place that states it. `span` is the first
/// source (in load order); `also` are the others that agree with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact<T> {
    pub value: T,
    pub span: Span,
    pub also: Vec<Span>,
}

impl<T> Fact<T> {
    pub fn new(value: T, span: Span) -> Self {
        Fact {
            value,
            span,
            also: Vec::new(),
        }
    }
}

/// The cluster's identity and control-plane settings, merged from eksctl's
/// ClusterConfig and `aws eks describe-cluster`.
#[derive(Debug, Clone, Default)]
pub struct ClusterView {
    pub name: Option<Fact<String>>,
    pub region: Option<Fact<String>>,
    pub version: Option<Fact<String>>,
    /// `CONFIG_MAP`, `API_AND_CONFIG_MAP` or `API`.
    pub authentication_mode: Option<Fact<String>>,
    pub endpoint_public_access: Option<Fact<bool>>,
    pub endpoint_private_access: Option<Fact<bool>>,
    pub public_access_cidrs: Option<Fact<Vec<String>>>,
}

/// An object of a kind the model does not type: kept, counted, never an error.
#[derive(Debug, Clone, Default)]
pub struct OpaqueObject {
    pub metadata: ObjectMeta,
    pub origin: Origin,
}

impl KubeObject for OpaqueObject {
    fn kind(&self) -> &'static str {
        "Opaque"
    }
    fn namespaced(&self) -> bool {
        self.metadata.namespace.is_some()
    }
    fn meta(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn origin(&self) -> &Origin {
        &self.origin
    }
    fn origin_mut(&mut self) -> &mut Origin {
        &mut self.origin
    }
}

/// One cluster's platform, as read from every input.
#[derive(Debug, Clone, Default)]
pub struct Platform {
    pub cluster: ClusterView,
    pub cluster_configs: Vec<ClusterConfig>,
    pub node_pools: Vec<NodePool>,
    pub node_classes: Vec<Ec2NodeClass>,
    /// Karpenter NodeClaims (`kubectl get nodeclaims -o yaml`): the nodes it
    /// launched, with their status.
    pub node_claims: Vec<NodeClaim>,
    /// The `kube-system/aws-node` DaemonSet's CNI settings.
    pub aws_node: Option<AwsNode>,
    pub eni_configs: Vec<EniConfig>,
    pub security_group_policies: Vec<SecurityGroupPolicy>,
    pub ingresses: Vec<Ingress>,
    pub ingress_classes: Vec<IngressClass>,
    pub ingress_class_params: Vec<IngressClassParams>,
    pub services: Vec<Service>,
    pub service_accounts: Vec<ServiceAccount>,
    pub pdbs: Vec<PodDisruptionBudget>,
    /// HorizontalPodAutoscalers (`autoscaling/v2` and `v1`).
    pub hpas: Vec<HorizontalPodAutoscaler>,
    /// Deployments, StatefulSets, DaemonSets (aws-node included), ReplicaSets,
    /// Jobs, CronJobs and Pods.
    pub workloads: Vec<Workload>,
    /// `kube-system/aws-auth`, parsed.
    pub aws_auth: Option<AwsAuth>,
    /// Other ConfigMaps.
    pub config_maps: Vec<ConfigMap>,
    pub roles: Vec<Role>,
    pub cluster_roles: Vec<ClusterRole>,
    pub role_bindings: Vec<RoleBinding>,
    pub cluster_role_bindings: Vec<ClusterRoleBinding>,
    pub namespaces: Vec<Namespace>,
    /// eksplane's own `NetworkPlan` files (`eksplane.io/v1alpha1`).
    pub network_plans: Vec<NetworkPlan>,
    /// eksplane's own `WorkloadProfile` files: replica curves and Job
    /// arrivals for `simulate` (`docs/workload-profile.md`).
    pub workload_profiles: Vec<WorkloadProfile>,
    /// Kustomize `kustomization.yaml` files: not cluster objects; they name
    /// the patches of their directory.
    pub kustomizations: Vec<crate::kustomize::Kustomization>,
    /// AWS CLI JSON snapshots.
    pub aws: AwsSnapshots,
    pub opaque: Vec<OpaqueObject>,
}

/// Counts of what a platform holds, by kind, for the inventory.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Inventory {
    pub kubernetes: BTreeMap<String, usize>,
    pub aws: BTreeMap<String, usize>,
    pub opaque: BTreeMap<String, usize>,
}

impl Platform {
    pub fn node_class(&self, name: &str) -> Option<&Ec2NodeClass> {
        self.node_classes.iter().find(|c| c.name() == name)
    }

    pub fn node_pool(&self, name: &str) -> Option<&NodePool> {
        self.node_pools.iter().find(|p| p.name() == name)
    }

    /// The HPAs scaling the object `kind` `namespace/name`.
    pub fn hpas_for<'a>(
        &'a self,
        kind: &'a str,
        namespace: Option<&'a str>,
        name: &'a str,
    ) -> impl Iterator<Item = &'a HorizontalPodAutoscaler> + 'a {
        self.hpas
            .iter()
            .filter(move |h| h.targets(kind, namespace, name))
    }

    pub fn service_account(&self, namespace: &str, name: &str) -> Option<&ServiceAccount> {
        self.service_accounts
            .iter()
            .find(|s| s.name() == name && s.namespace() == Some(namespace))
    }

    /// Every typed Kubernetes object, for checks that apply to all kinds
    /// (suppression annotations, duplicates).
    pub fn kube_objects(&self) -> Vec<&dyn KubeObject> {
        let mut v: Vec<&dyn KubeObject> = Vec::new();
        fn push<'a, T: KubeObject>(v: &mut Vec<&'a dyn KubeObject>, xs: &'a [T]) {
            v.extend(xs.iter().map(|x| x as &dyn KubeObject));
        }
        push(&mut v, &self.node_pools);
        push(&mut v, &self.node_classes);
        push(&mut v, &self.node_claims);
        push(&mut v, &self.eni_configs);
        push(&mut v, &self.security_group_policies);
        push(&mut v, &self.ingresses);
        push(&mut v, &self.ingress_classes);
        push(&mut v, &self.ingress_class_params);
        push(&mut v, &self.services);
        push(&mut v, &self.service_accounts);
        push(&mut v, &self.pdbs);
        push(&mut v, &self.hpas);
        push(&mut v, &self.workloads);
        if let Some(a) = &self.aws_auth {
            v.push(a);
        }
        push(&mut v, &self.config_maps);
        push(&mut v, &self.roles);
        push(&mut v, &self.cluster_roles);
        push(&mut v, &self.role_bindings);
        push(&mut v, &self.cluster_role_bindings);
        push(&mut v, &self.namespaces);
        push(&mut v, &self.network_plans);
        push(&mut v, &self.workload_profiles);
        v
    }

    pub fn inventory(&self) -> Inventory {
        let mut inv = Inventory::default();
        for o in self.kube_objects() {
            *inv.kubernetes.entry(o.kind().to_string()).or_default() += 1;
        }
        if !self.cluster_configs.is_empty() {
            inv.kubernetes
                .insert("ClusterConfig (eksctl)".into(), self.cluster_configs.len());
        }
        if !self.kustomizations.is_empty() {
            inv.kubernetes.insert(
                "Kustomization (kustomize)".into(),
                self.kustomizations.len(),
            );
        }
        for (k, n) in self.aws.counts() {
            if n > 0 {
                inv.aws.insert(k.to_string(), n);
            }
        }
        for o in &self.opaque {
            let key = format!("{} ({})", o.origin.kind, o.origin.api_version);
            *inv.opaque.entry(key).or_default() += 1;
        }
        inv
    }
}
