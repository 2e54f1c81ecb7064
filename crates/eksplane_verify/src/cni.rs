//! VPC CNI prefix delegation active: `ENABLE_PREFIX_DELEGATION=true` on the
//! `kube-system/aws-node` DaemonSet (the guide's `kubectl get daemonset
//! aws-node -n kube-system -o yaml | grep -i ENABLE_PREFIX_DELEGATION`) and,
//! when a `describe-network-interfaces` snapshot is given, /28 prefixes on
//! the nodes' ENIs: ipamd assigns prefixes only once the setting is on, and a
//! node that still holds only secondary IPs is not using it
//! (aws/amazon-vpc-cni-k8s docs/prefix-and-ip-target.md; the EKS user guide,
//! "Assign more IP addresses to Amazon EKS nodes with prefixes": existing
//! nodes keep their IPs until replaced).

use crate::Check;
use crate::daemonsets::{KUBE_SYSTEM, needs_daemonset};
use eksplane_facts::Facts;
use eksplane_model::KubeObject;
use eksplane_model::aws::NetworkInterface;
use eksplane_source::Spanned;
use std::collections::BTreeMap;

pub(crate) fn checks(facts: &Facts<'_>) -> Vec<Check> {
    let p = facts.platform;
    let Some(aws_node) = &p.aws_node else {
        return vec![
            Check::skipped(format!(
                "no DaemonSet kube-system/aws-node in the inputs: needs `{}`",
                needs_daemonset(KUBE_SYSTEM, "aws-node")
            ))
            .object("DaemonSet/kube-system/aws-node"),
        ];
    };
    let object = aws_node.daemonset.object_ref().to_string();
    let s = &aws_node.settings.enable_prefix_delegation;
    let mut out = vec![match (&s.raw, s.span) {
        (Some(raw), Some(span)) if s.value => {
            Check::pass(format!("{object}: ENABLE_PREFIX_DELEGATION={raw}"))
                .object(object.clone())
                .field("env ENABLE_PREFIX_DELEGATION")
                .at(span)
        }
        (Some(raw), Some(span)) => Check::fail(format!(
            "{object}: ENABLE_PREFIX_DELEGATION={raw}: pods get one secondary IP each; `kubectl \
             set env daemonset aws-node -n kube-system ENABLE_PREFIX_DELEGATION=true`"
        ))
        .object(object.clone())
        .field("env ENABLE_PREFIX_DELEGATION")
        .at(span),
        _ => Check::fail(format!(
            "{object}: ENABLE_PREFIX_DELEGATION is not set (default false): pods get one \
             secondary IP each; `kubectl set env daemonset aws-node -n kube-system \
             ENABLE_PREFIX_DELEGATION=true`"
        ))
        .object(object.clone())
        .field("env ENABLE_PREFIX_DELEGATION")
        .at(aws_node.daemonset.origin.span),
    }];
    if s.value && !p.aws.network_interfaces.is_empty() {
        out.push(enis(&p.aws.network_interfaces));
    }
    out
}

/// The node ENIs by instance: interfaces attached to an instance that no
/// AWS service manages (load balancers, NAT gateways, endpoints).
fn node_enis(all: &[Spanned<NetworkInterface>]) -> BTreeMap<&str, Vec<&Spanned<NetworkInterface>>> {
    let mut by_instance: BTreeMap<&str, Vec<&Spanned<NetworkInterface>>> = BTreeMap::new();
    for eni in all {
        let n = &eni.value;
        if n.kind() != "interface" || n.requester_managed.as_ref().is_some_and(|r| r.value) {
            continue;
        }
        let Some(instance) = n
            .attachment
            .as_ref()
            .and_then(|a| a.value.instance_id.as_ref())
        else {
            continue;
        };
        by_instance.entry(&instance.value).or_default().push(eni);
    }
    by_instance
}

fn secondary_ips(n: &NetworkInterface) -> usize {
    n.private_ip_addresses
        .iter()
        .filter(|a| !a.value.is_primary())
        .count()
}

fn enis(all: &[Spanned<NetworkInterface>]) -> Check {
    let nodes = node_enis(all);
    if nodes.is_empty() {
        return Check::skipped(
            "describe-network-interfaces holds no ENI attached to an instance: the nodes' \
             prefixes were not verified (needs `aws ec2 describe-network-interfaces --filters \
             Name=vpc-id,Values=VPC --output json`)",
        )
        .object("describe-network-interfaces");
    }
    let mut prefixes = 0;
    let mut without: Vec<(&str, &Spanned<NetworkInterface>, usize)> = Vec::new();
    for (instance, enis) in &nodes {
        let n: usize = enis.iter().map(|e| e.value.ipv4_prefixes.len()).sum();
        prefixes += n;
        if n == 0 {
            let (eni, ips) = enis
                .iter()
                .map(|e| (*e, secondary_ips(&e.value)))
                .max_by_key(|(_, ips)| *ips)
                .unwrap_or((enis[0], 0));
            without.push((instance, eni, ips));
        }
    }
    if let Some((instance, eni, ips)) = without.first() {
        let others = if without.len() > 1 {
            format!(" (and {} more instance(s))", without.len() - 1)
        } else {
            String::new()
        };
        return Check::fail(format!(
            "instance {instance}{others}: its ENIs carry no /28 prefix ({} holds {ips} secondary \
             IP(s)): the node runs without prefix delegation (launched before it was enabled, or \
             not a Nitro type); replace it so ipamd assigns prefixes",
            eni.value.id().unwrap_or("an ENI")
        ))
        .object(format!(
            "describe-network-interfaces {}",
            eni.value.id().unwrap_or_default()
        ))
        .field("NetworkInterfaces[].Ipv4Prefixes")
        .at(eni.span);
    }
    let first = nodes
        .values()
        .flatten()
        .find_map(|e| e.value.ipv4_prefixes.first())
        .map(|p| p.span);
    let mut c = Check::pass(format!(
        "every node ENI set carries /28 prefixes: {prefixes} prefix(es) on {} instance(s)",
        nodes.len()
    ))
    .object("describe-network-interfaces")
    .field("NetworkInterfaces[].Ipv4Prefixes");
    if let Some(s) = first {
        c = c.at(s);
    }
    c
}
