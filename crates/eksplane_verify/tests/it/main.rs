//! `verify` over the bundled snapshots and small inline inputs: which items
//! pass, fail or are skipped, and the evidence (object, field, file:line).
//! One integration test binary (matklad, "How to Test").

use eksplane_aws_data::Catalog;
use eksplane_facts::Facts;
use eksplane_load::{Input, LoadOptions, Loaded, load, load_texts};
use eksplane_verify::{Check, ItemId, Outcome, Status, Verification, verify};
use std::path::PathBuf;

fn example(name: &str) -> Loaded {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name);
    let l = load(&[Input::Path(dir)], LoadOptions::default());
    assert!(
        l.findings.is_empty(),
        "{name} loads without findings: {:?}",
        l.findings
            .iter()
            .map(|f| format!("{} {}", l.db.display(f.primary.span), f.message))
            .collect::<Vec<_>>()
    );
    l
}

fn run(l: &Loaded) -> Verification {
    verify(&Facts::new(&l.platform, Catalog::embedded()))
}

/// `file-name:line` of a check, the file's last path component only.
fn at(l: &Loaded, c: &Check) -> Option<String> {
    let s = c.span?;
    let name = l.db.name(s.file);
    let base = name.rsplit('/').next().unwrap_or(name);
    Some(format!("{base}:{}", s.start.line))
}

fn item(v: &Verification, id: ItemId) -> &eksplane_verify::Item {
    v.item(id)
        .unwrap_or_else(|| panic!("no item {}", id.as_str()))
}

fn failed(v: &Verification, id: ItemId) -> Vec<&Check> {
    item(v, id)
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .collect()
}

#[test]
fn healthy_snapshot_passes_every_item_and_skips_none() {
    let l = example("verify-healthy");
    let v = run(&l);
    for i in &v.items {
        assert_eq!(i.status, Status::Pass, "{}: {:?}", i.id.as_str(), i.checks);
        assert!(i.checks.iter().all(|c| c.span.is_some()), "{:?}", i.checks);
    }
    assert_eq!(v.items.len(), ItemId::ALL.len());
    assert_eq!(v.outcome(), Outcome::Pass);
    assert!(v.notes.iter().any(|n| n.contains("STS smoke test")));
}

#[test]
fn unhealthy_snapshot_fails_each_item_with_its_evidence() {
    let l = example("verify-unhealthy");
    let v = run(&l);
    assert_eq!(v.outcome(), Outcome::Fail);
    for i in &v.items {
        assert_eq!(i.status, Status::Fail, "{}", i.id.as_str());
    }
    let fails = |id| -> Vec<(String, Option<String>, Option<String>)> {
        failed(&v, id)
            .iter()
            .map(|c| (c.message.clone(), c.field.clone(), at(&l, c)))
            .collect()
    };

    let access = fails(ItemId::Access);
    assert_eq!(access.len(), 2, "{access:#?}");
    assert!(access[0].0.starts_with(
        "aws-auth maps role/github-actions-legacy (groups ci-deployers) but no access entry exists for it: in mode API aws-auth is not read"
    ));
    assert_eq!(access[0].2.as_deref(), Some("configmap-aws-auth.yaml:17"));
    assert!(access[1].0.contains(
        "node role KarpenterNodeRole-platform-prod: its access entry is of type STANDARD"
    ));
    assert_eq!(access[1].2.as_deref(), Some("configmap-aws-auth.yaml:8"));

    let pi = fails(ItemId::PodIdentity);
    assert_eq!(pi.len(), 2, "{pi:#?}");
    assert!(
        pi[0]
            .0
            .contains("eks-pod-identity-agent: numberReady 2 of desiredNumberScheduled 3")
    );
    assert_eq!(pi[0].1.as_deref(), Some("status.numberReady"));
    assert!(pi[1].0.contains(
        "runs as kube-system/aws-load-balancer-controller, which has no Pod Identity association"
    ));
    assert_eq!(
        pi[1].1.as_deref(),
        Some("spec.template.spec.serviceAccountName")
    );

    let pd = fails(ItemId::PrefixDelegation);
    assert_eq!(pd.len(), 1);
    assert!(pd[0].0.contains("ENABLE_PREFIX_DELEGATION=false"));
    assert_eq!(pd[0].2.as_deref(), Some("daemonsets.yaml:36"));

    let k = fails(ItemId::Karpenter);
    let msgs: Vec<&str> = k.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "NodePool/default: Ready False (reason UnhealthyDependents, message \"NodeClassReady=False\")",
            "EC2NodeClass/default: Ready False (reason UnhealthyDependents, message \"SubnetsReady=False\")",
            "NodeClaim/default-m4pz7: Registered Unknown (reason NodeNotFound, message \"Node not registered with cluster\")",
        ]
    );
    assert_eq!(
        k[2].1.as_deref(),
        Some("status.conditions[type=Registered].status")
    );
    assert_eq!(k[2].2.as_deref(), Some("nodeclaims.yaml:139"));

    let a = fails(ItemId::Addons);
    assert_eq!(a.len(), 2, "{a:#?}");
    assert!(
        a[0].0
            .starts_with("add-on kube-proxy v1.29.10-eksbuild.3 is not among the 2 version(s)")
    );
    assert_eq!(
        a[0].2.as_deref(),
        Some("eks-describe-addon-kube-proxy.json:6")
    );
    assert!(a[1].0.starts_with(
        "add-on vpc-cni: status DEGRADED (not ACTIVE); health issues: InsufficientNumberOfReplicas"
    ));
    assert_eq!(a[1].1.as_deref(), Some("addon.status"));

    let ing = fails(ItemId::Ingress);
    assert_eq!(ing.len(), 1);
    assert!(ing[0].0.starts_with(
        "Ingress/payments/checkout (class alb): status.loadBalancer.ingress is empty"
    ));
    assert_eq!(ing[0].2.as_deref(), Some("ingresses.yaml:34"));

    let ds = fails(ItemId::Daemonsets);
    let names: Vec<&str> = ds
        .iter()
        .map(|c| c.0.split(':').next().unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        [
            "DaemonSet/kube-system/aws-node",
            "DaemonSet/kube-system/kube-proxy"
        ]
    );
}

const NODE_POOL: &str = "apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: default
spec:
  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: default}
      requirements:
        - {key: karpenter.sh/capacity-type, operator: In, values: [spot]}
  limits: {cpu: \"100\"}
";

#[test]
fn a_lone_node_pool_manifest_skips_everything_and_is_not_green() {
    let l = load_texts([("nodepool.yaml", NODE_POOL)]);
    let v = run(&l);
    for i in &v.items {
        assert_eq!(
            i.status,
            Status::Skipped,
            "{}: {:?}",
            i.id.as_str(),
            i.checks
        );
        assert!(
            i.checks
                .iter()
                .all(|c| c.status == Status::Skipped && c.message.contains("needs")),
            "{}: every skipped check says what it needs: {:?}",
            i.id.as_str(),
            i.checks
        );
    }
    assert_eq!(v.outcome(), Outcome::NothingVerified);
    let k = item(&v, ItemId::Karpenter);
    assert!(
        k.checks[0]
            .message
            .starts_with("NodePool/default has no status")
    );
    assert_eq!(at(&l, &k.checks[0]).as_deref(), Some("nodepool.yaml:1"));
}

const AWS_NODE_PD: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata: {name: aws-node, namespace: kube-system}
spec:
  selector: {matchLabels: {k8s-app: aws-node}}
  template:
    metadata: {labels: {k8s-app: aws-node}}
    spec:
      containers:
        - name: aws-node
          image: 602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1
          env:
            - {name: ENABLE_PREFIX_DELEGATION, value: \"true\"}
";

const ENIS: &str = r#"{
    "NetworkInterfaces": [
        {
            "Attachment": {"DeviceIndex": 0, "InstanceId": "i-0aaa", "Status": "attached"},
            "InterfaceType": "interface",
            "NetworkInterfaceId": "eni-0aaa",
            "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.1.10"}],
            "Ipv4Prefixes": [{"Ipv4Prefix": "10.0.1.32/28"}],
            "RequesterManaged": false,
            "SubnetId": "subnet-01"
        },
        {
            "Attachment": {"DeviceIndex": 0, "InstanceId": "i-0bbb", "Status": "attached"},
            "InterfaceType": "interface",
            "NetworkInterfaceId": "eni-0bbb",
            "PrivateIpAddresses": [
                {"Primary": true, "PrivateIpAddress": "10.0.1.20"},
                {"Primary": false, "PrivateIpAddress": "10.0.1.21"},
                {"Primary": false, "PrivateIpAddress": "10.0.1.22"}
            ],
            "RequesterManaged": false,
            "SubnetId": "subnet-01"
        },
        {
            "Attachment": {"InstanceId": "i-0ccc", "Status": "attached"},
            "InterfaceType": "interface",
            "NetworkInterfaceId": "eni-0ccc",
            "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.1.30"}],
            "RequesterManaged": true,
            "SubnetId": "subnet-01"
        }
    ]
}
"#;

#[test]
fn prefix_delegation_on_but_a_node_without_prefixes_fails_at_its_eni() {
    let l = load_texts([("aws-node.yaml", AWS_NODE_PD), ("enis.json", ENIS)]);
    let v = run(&l);
    let pd = item(&v, ItemId::PrefixDelegation);
    assert_eq!(pd.status, Status::Fail);
    assert_eq!(pd.checks[0].status, Status::Pass);
    let f = &pd.checks[1];
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.starts_with(
            "instance i-0bbb: its ENIs carry no /28 prefix (eni-0bbb holds 2 secondary IP(s))"
        ),
        "{}",
        f.message
    );
    assert_eq!(at(&l, f).as_deref(), Some("enis.json:12"));
}

#[test]
fn prefix_delegation_with_every_node_on_prefixes_passes() {
    // The ENI without prefixes is a second ENI of the instance that has one.
    let fixed = ENIS.replace("\"InstanceId\": \"i-0bbb\"", "\"InstanceId\": \"i-0aaa\"");
    let l = load_texts([
        ("aws-node.yaml", AWS_NODE_PD),
        ("enis.json", fixed.as_str()),
    ]);
    let v = run(&l);
    let pd = item(&v, ItemId::PrefixDelegation);
    assert_eq!(pd.status, Status::Pass, "{:?}", pd.checks);
    assert_eq!(
        pd.checks[1].message,
        "every node ENI set carries /28 prefixes: 1 prefix(es) on 1 instance(s)"
    );
}

#[test]
fn a_partly_verified_item_is_skipped_not_passed() {
    // aws-auth and the mode are known, but not the list of access entries.
    let cluster = r#"{"cluster": {"name": "c", "version": "1.31", "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"}}}"#;
    let l = load_texts([("cluster.json", cluster)]);
    let v = run(&l);
    let a = item(&v, ItemId::Access);
    assert_eq!(a.status, Status::Skipped);
    assert_eq!(a.count(Status::Pass), 1);
    assert!(a.checks[1].message.contains("aws eks list-access-entries"));
    assert_eq!(v.outcome(), Outcome::NothingVerified);
}

#[test]
fn addon_versions_fall_back_to_the_guide_table_and_say_when_unjudged() {
    let cluster = r#"{"cluster": {"name": "c", "version": "1.31"}}"#;
    let proxy = r#"{"addon": {"addonName": "kube-proxy", "status": "ACTIVE", "addonVersion": "v1.31.3-eksbuild.2", "health": {"issues": []}}}"#;
    let agent = r#"{"addon": {"addonName": "eks-pod-identity-agent", "status": "ACTIVE", "addonVersion": "v1.3.4-eksbuild.1", "health": {"issues": []}}}"#;
    let l = load_texts([("c.json", cluster), ("p.json", proxy), ("a.json", agent)]);
    let v = run(&l);
    let a = item(&v, ItemId::Addons);
    let version = |name: &str| {
        a.checks
            .iter()
            .find(|c| c.message.starts_with(&format!("add-on {name} v")))
            .unwrap_or_else(|| panic!("no version check for {name}: {:?}", a.checks))
    };
    assert_eq!(version("kube-proxy").status, Status::Pass);
    assert!(
        version("kube-proxy")
            .message
            .contains("EKS user guide table")
    );
    assert_eq!(version("eks-pod-identity-agent").status, Status::Skipped);
    assert!(
        version("eks-pod-identity-agent")
            .message
            .contains("describe-addon-versions")
    );
    assert_eq!(a.status, Status::Skipped);
}
