use crate::declare_rule;
use eksplane_diagnostics::{Finding, Fix};
use eksplane_facts::Facts;
use eksplane_model::Platform;
use eksplane_source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a cluster whose public API endpoint is reachable from the whole
    /// internet: public access is on and `publicAccessCIDRs` (eksctl) /
    /// `publicAccessCidrs` (`describe-cluster`) holds `0.0.0.0/0` or `::/0`, or
    /// states no CIDRs at all (EKS then uses `0.0.0.0/0`). Public access must be
    /// stated as on by a source (`vpc.clusterEndpoints.publicAccess`,
    /// `endpointPublicAccess`): a ClusterConfig that states neither (eksctl's
    /// default is public on, open to all) is not judged, since such a file may
    /// only describe part of a cluster; give `aws eks describe-cluster` output
    /// for the cluster's real settings. Every source that states the endpoint
    /// settings is a related location.
    ///
    /// ## Why it matters
    /// The Kubernetes API server is then one authentication check away from
    /// anyone: leaked credentials, a mis-mapped principal or an API server
    /// vulnerability are exploitable from anywhere, and the endpoint is scanned
    /// and brute-forced like any public service. Restricting the CIDRs (or
    /// making the endpoint private) removes that exposure at the network layer.
    ///
    /// ## Example
    /// ```yaml
    /// vpc:
    ///   clusterEndpoints:
    ///     publicAccess: true
    ///     privateAccess: true
    ///   publicAccessCIDRs:
    ///     - 0.0.0.0/0
    /// ```
    ///
    /// ## Fix
    /// Allow only your egress ranges (office, VPN, CI runners; with private
    /// access off, also the nodes' NAT addresses), or turn public access off:
    /// ```yaml
    /// vpc:
    ///   clusterEndpoints:
    ///     publicAccess: true
    ///     privateAccess: true
    ///   publicAccessCIDRs:
    ///     - 203.0.113.0/24
    /// ```
    /// then `eksctl utils update-cluster-vpc-config -f cluster.yaml --approve`, or:
    /// ```sh
    /// aws eks update-cluster-config --name platform-prod \
    ///   --resources-vpc-config endpointPublicAccess=true,endpointPrivateAccess=true,publicAccessCidrs="203.0.113.0/24"
    /// ```
    ///
    /// ## References
    /// - https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
    /// - https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html
    /// - https://eksctl.io/usage/vpc-cluster-access/
    /// - https://docs.aws.amazon.com/eks/latest/best-practices/control-plane.html
    pub RULE = ("SEC001", "public-endpoint-open-to-world", Error, "Public API endpoint open to the internet", Some(check));
}

/// Whether a CIDR covers every address (`0.0.0.0/0`, `::/0`).
fn is_world(cidr: &str) -> bool {
    cidr.trim()
        .rsplit_once('/')
        .is_some_and(|(_, len)| len.trim().parse::<u8>() == Ok(0))
}

/// What one source says about the public endpoint.
struct Source {
    name: &'static str,
    /// `Some((value, span))` when it states public access.
    public: Option<(bool, Span)>,
    /// `Some(list span, [(cidr, span)])` when it states the CIDRs.
    cidrs: Option<(Span, Vec<(String, Span)>)>,
}

fn sources(p: &Platform) -> Vec<Source> {
    let mut v = Vec::new();
    for cc in &p.cluster_configs {
        let ep = cc.cluster_endpoints().map(|e| &e.value);
        v.push(Source {
            name: "eksctl ClusterConfig",
            public: ep
                .and_then(|e| e.public_access.as_ref())
                .map(|b| (b.value, b.span)),
            cidrs: cc.public_access_cidrs().map(|c| {
                (
                    c.span,
                    c.value.iter().map(|s| (s.value.clone(), s.span)).collect(),
                )
            }),
        });
    }
    for c in &p.aws.clusters {
        let c = &c.value;
        v.push(Source {
            name: "aws eks describe-cluster",
            public: c.endpoint_public_access().map(|b| (b.value, b.span)),
            cidrs: c.public_access_cidrs().map(|l| {
                (
                    l.span,
                    l.value.iter().map(|s| (s.value.clone(), s.span)).collect(),
                )
            }),
        });
    }
    v
}

fn check(facts: &Facts<'_>) -> Vec<Finding> {
    let p = facts.platform;
    let srcs = sources(p);
    if srcs.is_empty() {
        return Vec::new();
    }
    // Public access as the merged view states it; unstated is not judged.
    if !p
        .cluster
        .endpoint_public_access
        .as_ref()
        .is_some_and(|f| f.value)
    {
        return Vec::new();
    }
    // CIDRs as the merged view states them; none stated means EKS's default
    // 0.0.0.0/0 (EKS API VpcConfigRequest.publicAccessCidrs: "The default value
    // is 0.0.0.0/0").
    let stated = p.cluster.public_access_cidrs.as_ref();
    let open: Vec<String> = match stated {
        Some(f) => f.value.iter().filter(|c| is_world(c)).cloned().collect(),
        None => vec!["0.0.0.0/0".to_string()],
    };
    if open.is_empty() {
        return Vec::new();
    }
    let cluster = p
        .cluster
        .name
        .as_ref()
        .map(|n| n.value.clone())
        .unwrap_or_else(|| "CLUSTER".to_string());

    // Primary: the open CIDR in the first source that lists it; else the
    // public-access setting; else where eksctl's default applies.
    let mut primary: Option<Span> = None;
    let mut related: Vec<(Span, String)> = Vec::new();
    for s in &srcs {
        if let Some((_, list)) = &s.cidrs {
            for (c, span) in list.iter().filter(|(c, _)| is_world(c)) {
                if primary.is_none() {
                    primary = Some(*span);
                } else {
                    related.push((*span, format!("{c} in the {}", s.name)));
                }
            }
        }
    }
    for s in &srcs {
        match s.public {
            Some((true, span)) => {
                if primary.is_none() {
                    primary = Some(span);
                } else {
                    related.push((span, format!("public access enabled in the {}", s.name)));
                }
            }
            Some((false, span)) => {
                related.push((
                    span,
                    format!(
                        "the {} disables public access (the sources disagree)",
                        s.name
                    ),
                ));
            }
            None => {}
        }
    }
    let Some(primary) = primary else {
        return Vec::new();
    };
    let how = match stated {
        Some(_) => format!("publicAccessCidrs includes {}", open.join(" and ")),
        None => "no source states publicAccessCidrs, and EKS then allows 0.0.0.0/0".to_string(),
    };
    // eksctl's default is private access off (eksctl docs, "Cluster Access").
    let private_off = p
        .cluster
        .endpoint_private_access
        .as_ref()
        .map(|f| !f.value)
        .unwrap_or(!p.cluster_configs.is_empty());
    let nodes_note = if private_off {
        " Private access is off, so nodes reach the API through the public endpoint: turn \
         private access on, or include the nodes' NAT addresses in the CIDRs."
    } else {
        ""
    };
    let mut f = RULE
        .finding(
            format!(
                "the public API endpoint of cluster {cluster} is open to the whole internet \
                 ({how}): only IAM authentication stands between any address and the \
                 Kubernetes API server.{nodes_note}"
            ),
            primary,
        )
        .fix(
            Fix::new(
                "restrict publicAccessCIDRs to your egress ranges (office, VPN, CI), or disable \
                 public access and reach the API from inside the VPC",
            )
            .with_snippet(format!(
                "# eksctl ClusterConfig, then: eksctl utils update-cluster-vpc-config -f cluster.yaml --approve\nvpc:\n  clusterEndpoints:\n    publicAccess: true\n    privateAccess: true\n  publicAccessCIDRs:\n    - 203.0.113.0/24   # your egress ranges\n# or with the AWS CLI:\naws eks update-cluster-config --name {cluster} \\\n  --resources-vpc-config endpointPublicAccess=true,endpointPrivateAccess=true,publicAccessCidrs=\"203.0.113.0/24\"\n# or make the endpoint private:\naws eks update-cluster-config --name {cluster} \\\n  --resources-vpc-config endpointPublicAccess=false,endpointPrivateAccess=true\n"
            )),
        )
        .object(format!("Cluster/{cluster}"));
    for (span, msg) in related {
        if span != primary {
            f = f.related(span, msg);
        }
    }
    vec![f]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(files: &[(&str, &str)]) -> Vec<Finding> {
        let l = eksplane_load::load_texts(files.iter().copied());
        check(&eksplane_facts::Facts::new(
            &l.platform,
            eksplane_aws_data::Catalog::embedded(),
        ))
    }

    #[test]
    fn world_cidrs() {
        assert!(is_world("0.0.0.0/0"));
        assert!(is_world("::/0"));
        assert!(!is_world("10.0.0.0/8"));
        assert!(!is_world("0.0.0.0"));
    }

    #[test]
    fn public_access_without_cidrs_is_open() {
        let cc = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: demo, region: eu-west-1}\nvpc:\n  clusterEndpoints: {publicAccess: true, privateAccess: true}\n";
        let f = run(&[("cc.yaml", cc)]);
        assert_eq!(f.len(), 1);
        let m = &f[0].message;
        assert!(m.contains("no source states publicAccessCidrs"), "{m}");
        assert!(!m.contains("Private access is off"), "{m}");
        // A ClusterConfig that states nothing about the endpoint is not judged.
        let bare = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: demo, region: eu-west-1}\n";
        assert!(run(&[("cc.yaml", bare)]).is_empty());
    }

    #[test]
    fn private_or_restricted_is_clean() {
        let private = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: demo, region: eu-west-1}\nvpc:\n  clusterEndpoints: {publicAccess: false, privateAccess: true}\n";
        assert!(run(&[("cc.yaml", private)]).is_empty());
        let restricted = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {name: demo, region: eu-west-1}\nvpc:\n  publicAccessCIDRs: [203.0.113.0/24]\n";
        assert!(run(&[("cc.yaml", restricted)]).is_empty());
        // A describe-cluster alone that says nothing about the endpoint: silent.
        assert!(run(&[("d.json", r#"{"cluster": {"name": "demo"}}"#)]).is_empty());
    }
}
