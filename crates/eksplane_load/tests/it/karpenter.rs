//! Karpenter's retired APIs: v1beta1 read through the v1 model with a
//! warning, v1alpha5 recognised and reported as not analysed.

use crate::{corpus_file, lines, load};
use eksplane_model::karpenter::ConsolidationPolicy;

const POOL: &str = r#"apiVersion: karpenter.sh/v1beta1
kind: NodePool
metadata:
  name: NAME
spec:
  template:
    spec:
      nodeClassRef:
        apiVersion: karpenter.k8s.aws/v1beta1
        kind: EC2NodeClass
        name: CLASS
      kubelet:
        maxPods: MAXPODS
      requirements:
        - key: karpenter.sh/capacity-type
          operator: In
          values: ["spot"]
  disruption:
    consolidationPolicy: WhenUnderutilized
    expireAfter: 720h
"#;

const CLASS: &str = r#"apiVersion: karpenter.k8s.aws/v1beta1
kind: EC2NodeClass
metadata:
  name: CLASS
spec:
  amiFamily: Bottlerocket
  role: KarpenterNodeRole
  subnetSelectorTerms:
    - tags: {karpenter.sh/discovery: demo}
  securityGroupSelectorTerms:
    - tags: {karpenter.sh/discovery: demo}
"#;

fn pool(name: &str, class: &str, max_pods: u32) -> String {
    POOL.replace("NAME", name)
        .replace("CLASS", class)
        .replace("MAXPODS", &max_pods.to_string())
}

#[test]
fn v1beta1_node_pool_and_class_are_converted_to_v1() {
    let p = pool("web", "web", 58);
    let c = CLASS.replace("CLASS", "web");
    let l = load(&[("pool.yaml", &p), ("class.yaml", &c)]);
    let ls = lines(&l);
    assert_eq!(ls.len(), 2, "{ls:?}");
    assert!(ls[0].starts_with("LOAD009 pool.yaml:1:13 NodePool web uses karpenter.sh/v1beta1, which Karpenter v1 no longer serves; it is checked as Karpenter's conversion to v1 reads it (converted: consolidationPolicy WhenUnderutilized -> WhenEmptyOrUnderutilized (consolidateAfter 0s); spec.disruption.expireAfter -> spec.template.spec.expireAfter; nodeClassRef apiVersion -> group; spec.template.spec.kubelet -> EC2NodeClass spec.kubelet); migrate it: https://karpenter.sh/v1.0/upgrading/v1-migration/"), "{ls:?}");
    assert!(
        ls[1]
            .starts_with("LOAD009 class.yaml:1:13 EC2NodeClass web uses karpenter.k8s.aws/v1beta1"),
        "{ls:?}"
    );
    assert!(
        ls[1].contains("amiFamily Bottlerocket -> amiSelectorTerms alias bottlerocket@latest"),
        "{ls:?}"
    );
    let np = &l.platform.node_pools[0];
    let t = &np.spec.template.spec;
    // Moved fields keep the position where they are written.
    let exp = t
        .expire_after
        .as_ref()
        .map(|e| (e.value.as_str(), e.span.start.line));
    assert_eq!(exp, Some(("720h", 20)));
    assert_eq!(
        np.consolidation_policy(),
        ConsolidationPolicy::WhenEmptyOrUnderutilized
    );
    let after = np
        .spec
        .disruption
        .as_ref()
        .and_then(|d| d.consolidate_after.as_ref());
    assert_eq!(
        after.map(|a| (a.value.as_str(), a.span.start.line)),
        Some(("0s", 19))
    );
    let r = t
        .node_class_ref
        .as_ref()
        .map(|r| r.value.clone())
        .unwrap_or_default();
    assert_eq!(
        (r.group.as_str(), r.kind.as_str(), r.name.as_str()),
        ("karpenter.k8s.aws", "EC2NodeClass", "web")
    );
    assert_eq!(np.origin.api_version, "karpenter.sh/v1beta1");
    // The pool's kubelet is kept and, the class being its alone, attached to it.
    let k = np.v1beta1_kubelet.as_ref().map(|k| k.span.start.line);
    assert_eq!(k, Some(12));
    let nc = &l.platform.node_classes[0];
    let mp = nc
        .spec
        .kubelet
        .as_ref()
        .and_then(|k| k.value.max_pods.as_ref());
    assert_eq!(mp.map(|m| (m.value, m.span.start.line)), Some((58, 13)));
    assert!(nc.spec.ami_family.is_none());
    let alias = nc
        .spec
        .ami_selector_terms
        .first()
        .and_then(|t| t.value.alias.clone());
    assert_eq!(alias.as_deref(), Some("bottlerocket@latest"));
    assert_eq!(nc.spec.ami_selector_terms[0].span.start.line, 6);
}

#[test]
fn v1beta1_kubelet_shared_class_with_different_settings_is_reported() {
    let (a, b) = (pool("a", "shared", 58), pool("b", "shared", 110));
    let c = CLASS.replace("CLASS", "shared");
    let l = load(&[("a.yaml", &a), ("b.yaml", &b), ("c.yaml", &c)]);
    let ls: Vec<String> = lines(&l)
        .into_iter()
        .filter(|s| s.contains("no EC2NodeClass to go to"))
        .collect();
    assert_eq!(ls.len(), 2, "{:?}", lines(&l));
    assert!(ls[0].starts_with("LOAD009 a.yaml:12:7 NodePool a: its v1beta1 kubelet settings have no EC2NodeClass to go to in v1 (NodePools a, b share it with different kubelet settings of EC2NodeClass shared)"), "{ls:?}");
    assert!(
        ls[1].starts_with("LOAD009 b.yaml:12:7 NodePool b"),
        "{ls:?}"
    );
    assert!(l.platform.node_classes[0].spec.kubelet.is_none());
    // The same settings on both: attached.
    let (a, b) = (pool("a", "shared", 58), pool("b", "shared", 58));
    let l = load(&[("a.yaml", &a), ("b.yaml", &b), ("c.yaml", &c)]);
    assert!(
        lines(&l)
            .iter()
            .all(|s| !s.contains("no EC2NodeClass to go to"))
    );
    assert!(l.platform.node_classes[0].spec.kubelet.is_some());
}

#[test]
fn v1beta1_ubuntu_class_and_v1alpha5_kinds() {
    let ubuntu = "apiVersion: karpenter.k8s.aws/v1beta1\nkind: EC2NodeClass\nmetadata:\n  name: ubuntu\nspec:\n  amiFamily: Ubuntu\n  role: R\n";
    let prov = "apiVersion: karpenter.sh/v1alpha5\nkind: Provisioner\nmetadata:\n  name: default\nspec:\n  ttlSecondsAfterEmpty: 30\n---\napiVersion: karpenter.k8s.aws/v1alpha1\nkind: AWSNodeTemplate\nmetadata:\n  name: default\nspec: {}\n";
    let l = load(&[("ubuntu.yaml", ubuntu), ("prov.yaml", prov)]);
    let ls = lines(&l);
    assert_eq!(ls.len(), 3, "{ls:?}");
    assert!(ls[1].starts_with("LOAD009 prov.yaml:1:13 Provisioner default uses karpenter.sh/v1alpha5, retired since Karpenter v0.32"), "{ls:?}");
    assert!(ls[1].contains("it is not analysed"), "{ls:?}");
    assert!(
        ls[2].starts_with(
            "LOAD009 prov.yaml:8:13 AWSNodeTemplate default uses karpenter.k8s.aws/v1alpha1"
        ),
        "{ls:?}"
    );
    assert!(
        ls[0].starts_with("LOAD009 ubuntu.yaml:1:13 EC2NodeClass ubuntu"),
        "{ls:?}"
    );
    assert!(
        ls[0].contains("amiFamily Ubuntu -> AL2") && ls[0].contains("launches nothing from it"),
        "{ls:?}"
    );
    assert_eq!(l.platform.opaque.len(), 2);
    let fam = l.platform.node_classes[0]
        .spec
        .ami_family
        .as_ref()
        .map(|f| f.value.as_str());
    assert_eq!(fam, Some("AL2"));
}

#[test]
fn corpus_v1beta1_node_ttls() {
    let Some(text) = corpus_file("karpenter-provider-aws/examples-v1beta1/node-ttls.yaml") else {
        return;
    };
    let l = load(&[("node-ttls.yaml", &text)]);
    let ls = lines(&l);
    assert_eq!(ls.len(), 2, "{ls:?}");
    assert!(
        ls[0].starts_with("LOAD009 node-ttls.yaml:5:13 NodePool default uses karpenter.sh/v1beta1"),
        "{ls:?}"
    );
    assert!(
        ls[0].contains("spec.disruption.expireAfter -> spec.template.spec.expireAfter"),
        "{ls:?}"
    );
    assert!(
        ls[1].starts_with("LOAD009 node-ttls.yaml:39:13 EC2NodeClass default"),
        "{ls:?}"
    );
    let np = &l.platform.node_pools[0];
    assert_eq!(np.consolidation_policy(), ConsolidationPolicy::WhenEmpty);
    let exp = np
        .spec
        .template
        .spec
        .expire_after
        .as_ref()
        .map(|e| (e.value.as_str(), e.span.start.line));
    assert_eq!(exp, Some(("168h", 37)));
    let after = np
        .spec
        .disruption
        .as_ref()
        .and_then(|d| d.consolidate_after.as_ref());
    assert_eq!(after.map(|a| a.value.as_str()), Some("60s"));
    let alias = l.platform.node_classes[0]
        .spec
        .ami_selector_terms
        .first()
        .and_then(|t| t.value.alias.clone());
    assert_eq!(alias.as_deref(), Some("al2@latest"));
}

#[test]
fn fields_v1_or_eksctl_do_not_define_are_reported_at_their_position() {
    let np = r#"apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: web
  labels: {anything: goes}
spec:
  template:
    metadata:
      labels: {team: web}
    spec:
      kubelet:
        maxPods: 110
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: web}
      requirements:
        - key: karpenter.sh/capacity-type
          operator: In
          values: ["spot"]
          minValue: 2
  disruption:
    consolidationPolicy: WhenEmpty
    consolidateAfter: 30s
    expireAfter: 720h
"#;
    let cc = "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: demo\n  region: us-east-1\n  tags: {any: thing}\nmanagedNodeGroups:\n  - name: ng\n    instanceTyp: m5.large\n";
    let l = load(&[("np.yaml", np), ("cluster.yaml", cc)]);
    let ls = lines(&l);
    assert_eq!(ls.len(), 4, "{ls:?}");
    assert_eq!(
        ls[3],
        "LOAD010 cluster.yaml:9:5 ClusterConfig demo: managedNodeGroups[].instanceTyp is not a field of eksctl's ClusterConfig schema (eksctl.io/v1alpha5); eksctl rejects the file with an unknown-field error"
    );
    assert_eq!(
        ls[0],
        "LOAD010 np.yaml:11:7 NodePool web: spec.template.spec.kubelet is not a field of karpenter.sh/v1 NodePool (the v1 CRD schema, karpenter-provider-aws/crds/karpenter.sh_nodepools.yaml); the API server drops it, or rejects the object under strict field validation; v1 moved kubelet settings to the EC2NodeClass (spec.kubelet)"
    );
    assert!(ls[1].starts_with("LOAD010 np.yaml:18:11 NodePool web: spec.template.spec.requirements[].minValue is not a field"), "{ls:?}");
    assert!(
        ls[2].starts_with(
            "LOAD010 np.yaml:22:5 NodePool web: spec.disruption.expireAfter is not a field"
        ),
        "{ls:?}"
    );
    assert!(
        ls[2].ends_with("; v1 moved it to spec.template.spec.expireAfter"),
        "{ls:?}"
    );
    // The object is still read.
    assert_eq!(l.platform.node_pools.len(), 1);
}
