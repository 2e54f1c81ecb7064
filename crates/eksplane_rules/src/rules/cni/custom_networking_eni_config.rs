use super::util::{list, setting_span};
use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_facts::capacity::{CniSource, node_class_of, selects_subnet};
use eksplane_model::karpenter::{NodePool, Operator};
use eksplane_model::{KubeObject, Platform};
use eksplane_source::Span;
use std::collections::BTreeSet;

/// The node label that names each node's zone.
const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
/// The older zone label ENI_CONFIG_LABEL_DEF may still name.
const ZONE_LABEL_BETA: &str = "failure-domain.beta.kubernetes.io/zone";
/// The CNI's default `ENI_CONFIG_LABEL_DEF`.
const ENI_CONFIG_LABEL: &str = "k8s.amazonaws.com/eniConfig";

declare_rule! {
    /// ## What it does
    /// With custom networking on (`AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true`),
    /// checks that every node Karpenter can launch finds its `ENIConfig`:
    /// when `ENI_CONFIG_LABEL_DEF` is the zone label, an ENIConfig named after
    /// every zone the NodePools can use (their `topology.kubernetes.io/zone`
    /// requirement, else the zones of the EC2NodeClass's subnets in a
    /// `describe-subnets` snapshot, else the eksctl private subnets); with the
    /// default `k8s.amazonaws.com/eniConfig` label, that each NodePool sets
    /// the label and the ENIConfig it names exists.
    ///
    /// ## Why it matters
    /// Under custom networking the CNI attaches secondary ENIs only in the
    /// subnet and security groups of the node's ENIConfig. A node without one
    /// gets no pod ENIs at all: every pod that is not host-network stays in
    /// `ContainerCreating` on it, and Karpenter keeps launching such nodes.
    /// Custom networking also leaves the primary ENI out of pod IPs, which
    /// Karpenter does not account for (CNI002 reports the over-commit).
    ///
    /// ## Example
    /// ```yaml
    /// # aws-node: AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true,
    /// #           ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone
    /// apiVersion: crd.k8s.amazonaws.com/v1alpha1
    /// kind: ENIConfig
    /// metadata: {name: us-east-1a}   # but the NodePool also allows us-east-1b
    /// ```
    ///
    /// ## Fix
    /// Create an ENIConfig for every zone (subnet from the secondary CIDR in
    /// that zone, the node security groups), or restrict the NodePools to the
    /// zones that have one.
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/cni-custom-network-tutorial.html
    /// - https://github.com/aws/amazon-vpc-cni-k8s#eni_config_label_def
    pub RULE = ("CNI009", "custom-networking-eni-config", Error, "Custom networking without an ENIConfig for some nodes", Some(check));
}

/// The zones a NodePool can launch into, and where that is stated.
fn pool_zones(p: &Platform, np: &NodePool) -> Option<(BTreeSet<String>, Span, &'static str)> {
    for r in &np.spec.template.spec.requirements {
        if r.value.key == ZONE_LABEL && r.value.operator == Operator::In {
            return Some((
                r.value.values.iter().cloned().collect(),
                r.span,
                "its topology.kubernetes.io/zone requirement",
            ));
        }
    }
    if let Some(class) = node_class_of(p, np) {
        let mut zones = BTreeSet::new();
        for s in &p.aws.subnets {
            let matches = class
                .spec
                .subnet_selector_terms
                .iter()
                .any(|t| selects_subnet(&t.value, &s.value));
            if matches && let Some(az) = s.value.az() {
                zones.insert(az.to_string());
            }
        }
        if !zones.is_empty() {
            return Some((
                zones,
                class.origin.locate(&["spec", "subnetSelectorTerms"]),
                "the subnets its EC2NodeClass selects",
            ));
        }
    }
    for cc in &p.cluster_configs {
        let Some(subnets) = cc.vpc.as_ref().and_then(|v| v.value.subnets.as_ref()) else {
            continue;
        };
        let zones: BTreeSet<String> = subnets
            .value
            .private
            .iter()
            .map(|(k, s)| s.value.az.as_ref().map_or(k.clone(), |a| a.value.clone()))
            .collect();
        if !zones.is_empty() {
            return Some((zones, subnets.span, "the eksctl private subnets"));
        }
    }
    None
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let (cni, source) = (facts.cni().options, facts.cni().source);
    if !cni.custom_networking || source == CniSource::Defaults {
        return Vec::new();
    }
    let label_def = p
        .aws_node
        .as_ref()
        .map(|a| a.settings.eni_config_label_def.value.clone())
        .unwrap_or_else(|| ENI_CONFIG_LABEL.to_string());
    let configs: BTreeSet<&str> = p.eni_configs.iter().map(|e| e.name()).collect();
    let cn_span = setting_span(p, |s| s.custom_network_cfg.span);
    let mut out = Vec::new();
    for np in &p.node_pools {
        let mut f = if label_def == ZONE_LABEL || label_def == ZONE_LABEL_BETA {
            let Some((zones, span, whence)) = pool_zones(p, np) else {
                continue;
            };
            let missing: Vec<String> = zones
                .iter()
                .filter(|z| !configs.contains(z.as_str()))
                .cloned()
                .collect();
            if missing.is_empty() {
                continue;
            }
            RULE.finding(
                format!(
                    "custom networking picks each node's ENIConfig by its zone, but NodePool {} can \
                     launch nodes in {} (from {whence}) with no ENIConfig of that name: such nodes \
                     get no pod ENIs and their pods stay in ContainerCreating (ENIConfigs present: \
                     {})",
                    np.name(),
                    list(&missing, 6),
                    if configs.is_empty() {
                        "none".to_string()
                    } else {
                        configs.iter().copied().collect::<Vec<_>>().join(", ")
                    }
                ),
                span,
            )
            .fix(Fix::new(format!(
                "create an ENIConfig named after each missing zone ({}) with a pod subnet in that \
                 zone, or limit the NodePool to zones that have one",
                missing.join(", ")
            )))
        } else {
            match np.spec.template.metadata.labels.get(&label_def) {
                Some(v) if configs.contains(v.value.as_str()) => continue,
                Some(v) => RULE
                    .finding(
                        format!(
                            "NodePool {} labels its nodes {label_def}={}, but no ENIConfig of that \
                             name is in the inputs: with custom networking its nodes get no pod ENIs",
                            np.name(),
                            v.value
                        ),
                        v.span,
                    )
                    .fix(Fix::new("create the ENIConfig or correct the label")),
                None => RULE
                    .finding(
                        format!(
                            "custom networking picks each node's ENIConfig from the node label \
                             {label_def}, but NodePool {} does not set it: its nodes get no pod ENIs \
                             (set ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone to pick by zone)",
                            np.name()
                        ),
                        np.origin.locate(&["spec", "template"]),
                    )
                    .fix(
                        Fix::new("pick ENIConfigs by zone (ENIConfigs named after the zones)")
                            .with_snippet(
                                "kubectl set env daemonset aws-node -n kube-system \\\n  ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone\n",
                            ),
                    ),
            }
        };
        f = f.object(np.object_ref().to_string());
        if let Some(s) = cn_span {
            f = f.related(s, "custom networking is on");
        }
        out.push(f);
    }
    out
}
