//! Each decision on small inline inputs.

use crate::{cluster, load, plan_to};
use eksplane_aws_data::Catalog;
use eksplane_aws_data::eks_versions::Date;
use eksplane_upgrade::surge::{NodeSource, SurgeOutcome, surge};
use eksplane_upgrade::{ItemKind, PlanError, PlanOptions, Step, Target, UpgradePlan, plan};

fn kinds(s: &Step) -> Vec<ItemKind> {
    s.blockers.iter().map(|b| b.kind).collect()
}

fn blocker(p: &UpgradePlan, step: usize, kind: ItemKind) -> Option<&eksplane_upgrade::Item> {
    p.steps[step].blockers.iter().find(|b| b.kind == kind)
}

const SUBNETS: &str = r#"{"Subnets": [
  {"AvailabilityZone": "us-east-1a", "CidrBlock": "10.0.0.0/26", "SubnetId": "subnet-a", "VpcId": "vpc-1"},
  {"AvailabilityZone": "us-east-1b", "CidrBlock": "10.0.0.64/26", "SubnetId": "subnet-b", "VpcId": "vpc-1"}
]}"#;
const VPCS: &str = r#"{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24"}]}"#;

#[test]
fn targets_parse_strictly() {
    assert_eq!(Target::parse("1.33"), Some(Target::Minor(33)));
    assert_eq!(Target::parse("v1.33"), Some(Target::Minor(33)));
    assert_eq!(Target::parse("latest"), Some(Target::Latest));
    assert_eq!(Target::parse("1.33.2"), None);
    assert_eq!(Target::parse("2.0"), None);
}

#[test]
fn errors_name_the_version_and_where_it_is_written() {
    let opts = |to| PlanOptions {
        to,
        today: Date::new(2026, 1, 15),
        catalog: Catalog::embedded(),
    };
    let none = load(&[(
        "x.yaml",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n",
    )]);
    assert_eq!(
        plan(&none.platform, &opts(Target::Latest)).err(),
        Some(PlanError::NoClusterVersion)
    );
    let c = cluster("1.31", "");
    let l = load(&[("cluster.yaml", &c)]);
    let e = plan(&l.platform, &opts(Target::Minor(30))).expect_err("older");
    assert!(matches!(e, PlanError::NotNewer { .. }));
    assert_eq!(e.span().map(|s| s.start.line), Some(6));
    let e = plan(&l.platform, &opts(Target::Minor(40))).expect_err("unknown");
    assert!(matches!(e, PlanError::UnknownTarget { .. }));
    let latest = plan(&l.platform, &opts(Target::Latest)).expect("plan");
    assert_eq!(latest.to.0, 36);
    assert_eq!(latest.steps.len(), 5);
}

#[test]
fn removed_apis_land_in_the_step_that_removes_them() {
    let c = cluster("1.30", "");
    let objs = "\
apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
kind: FlowSchema
metadata:
  name: fs
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: old
  namespace: team
spec:
  maxUnavailable: 1
---
apiVersion: karpenter.sh/v1beta1
kind: NodePool
metadata:
  name: legacy
---
apiVersion: elbv2.k8s.aws/v1alpha1
kind: TargetGroupBinding
metadata:
  name: tgb
  namespace: team
";
    let l = load(&[("cluster.yaml", &c), ("objs.yaml", objs)]);
    let p = plan_to(&l, 33);
    // Already removed at 1.30 (policy/v1beta1 went in 1.25): step 1 blocker.
    assert_eq!(p.already_removed.len(), 1);
    assert_eq!(p.already_removed[0].kind, "PodDisruptionBudget");
    assert_eq!(p.already_removed[0].span.start.line, 6);
    assert!(kinds(&p.steps[0]).contains(&ItemKind::RemovedApi));
    // 1.31 -> 1.32 removes flowcontrol v1beta3 and (no Karpenter serves it) v1beta1 NodePool.
    let s = &p.steps[1];
    assert_eq!(s.to.0, 32);
    let names: Vec<&str> = s.removed_apis.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["fs", "legacy"]);
    assert_eq!(
        s.removed_apis[0].replacement.as_deref(),
        Some("flowcontrol.apiserver.k8s.io/v1")
    );
    // The first step carries the already-removed PDB; the last removes nothing.
    assert_eq!(p.steps[0].removed_apis.len(), 1);
    assert!(p.steps[2].removed_apis.is_empty());
    // TargetGroupBinding v1alpha1 is watched, never a blocker.
    assert_eq!(p.watched_apis.len(), 1);
    assert_eq!(
        p.watched_apis[0].replacement.as_deref(),
        Some("elbv2.k8s.aws/v1beta1")
    );
}

#[test]
fn managed_node_group_skew_blocks_past_n_minus_3_from_1_28_and_n_minus_2_before() {
    let ng = |release: &str| {
        format!(
            "managedNodeGroups:\n  - name: pinned\n    instanceType: m5.large\n    releaseVersion: \"{release}\"\n"
        )
    };
    // 1.29 nodes, control plane 1.31 -> 1.32: 3 behind, allowed (n-3).
    let c = cluster("1.31", &ng("1.29.3-20240506"));
    let l = load(&[("cluster.yaml", &c)]);
    let p = plan_to(&l, 33);
    assert!(blocker(&p, 0, ItemKind::VersionSkew).is_none());
    assert!(
        p.steps[0]
            .actions
            .iter()
            .any(|a| a.kind == ItemKind::VersionSkew)
    );
    // 1.32 -> 1.33: 4 behind: blocked, at the releaseVersion line.
    let b = blocker(&p, 1, ItemKind::VersionSkew).expect("skew blocker");
    assert_eq!(b.span.map(|s| s.start.line), Some(10));
    // Before 1.28 only n-2: 1.24 nodes under a 1.26 -> 1.27 step are 3 behind.
    let c = cluster("1.25", &ng("1.24.17-20231201"));
    let l = load(&[("cluster.yaml", &c)]);
    let p = plan_to(&l, 28);
    assert!(
        blocker(&p, 0, ItemKind::VersionSkew).is_none(),
        "1.26: 2 behind"
    );
    assert!(
        blocker(&p, 1, ItemKind::VersionSkew).is_some(),
        "1.27: 3 behind, n-2"
    );
    // 1.28 allows n-3 again: 4 behind is blocked, 3 would not be.
    assert!(
        blocker(&p, 2, ItemKind::VersionSkew).is_some(),
        "1.28: 4 behind"
    );
}

#[test]
fn al2_has_no_ami_after_1_32() {
    let c = cluster(
        "1.31",
        "managedNodeGroups:\n  - name: legacy\n    amiFamily: AmazonLinux2\n    instanceType: m5.large\n",
    );
    let nc = "\
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata:
  name: al2
spec:
  amiSelectorTerms:
    - alias: al2@latest
";
    let l = load(&[("cluster.yaml", &c), ("nc.yaml", nc)]);
    let p = plan_to(&l, 33);
    assert!(
        blocker(&p, 0, ItemKind::Al2Unsupported).is_none(),
        "1.32 still has AL2"
    );
    let al2: Vec<_> = p.steps[1]
        .blockers
        .iter()
        .filter(|b| b.kind == ItemKind::Al2Unsupported)
        .collect();
    assert_eq!(al2.len(), 2);
}

#[test]
fn pinned_alias_blocks_only_before_the_version_exists() {
    let nc = |alias: &str| {
        format!(
            "apiVersion: karpenter.k8s.aws/v1\nkind: EC2NodeClass\nmetadata:\n  name: d\nspec:\n  amiSelectorTerms:\n    - alias: {alias}\n"
        )
    };
    let c = cluster("1.30", "");
    // 1.31 reached EKS on 2024-09-26.
    let old = nc("al2023@v20240901");
    let l = load(&[("cluster.yaml", &c), ("nc.yaml", &old)]);
    let p = plan_to(&l, 31);
    let b = blocker(&p, 0, ItemKind::AmiReleaseMissing).expect("blocker");
    assert_eq!(b.span.map(|s| s.start.line), Some(7));
    let new = nc("al2023@v20241001");
    let l = load(&[("cluster.yaml", &c), ("nc.yaml", &new)]);
    let p = plan_to(&l, 31);
    assert!(p.steps[0].blockers.is_empty(), "{:?}", p.steps[0].blockers);
    assert!(
        p.steps[0]
            .actions
            .iter()
            .any(|a| a.kind == ItemKind::AmiAliasPinned)
    );
    let latest = nc("al2023@latest");
    let l = load(&[("cluster.yaml", &c), ("nc.yaml", &latest)]);
    let p = plan_to(&l, 31);
    assert!(
        p.steps[0]
            .actions
            .iter()
            .any(|a| a.kind == ItemKind::AmiAliasLatest)
    );
}

#[test]
fn drain_blockers_name_the_workload() {
    let c = cluster("1.31", "");
    let objs = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: single, namespace: app}
spec:
  replicas: 1
  selector: {matchLabels: {app: single}}
  template:
    metadata:
      labels: {app: single}
      annotations: {karpenter.sh/do-not-disrupt: "true"}
    spec: {containers: [{name: c, image: x}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: single, namespace: app}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: single}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: zero, namespace: app}
spec:
  maxUnavailable: 0
  selector: {matchLabels: {app: other}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: fine, namespace: app}
spec:
  minAvailable: "50%"
  selector: {matchLabels: {app: big}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: big, namespace: app}
spec:
  replicas: 4
  selector: {matchLabels: {app: big}}
  template:
    metadata: {labels: {app: big}}
    spec: {containers: [{name: c, image: x}]}
---
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: frozen}
spec:
  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: d}
      requirements: []
  disruption:
    consolidationPolicy: WhenEmpty
    consolidateAfter: 1m
    budgets:
      - nodes: "0"
      - nodes: "0"
        schedule: "0 9 * * mon-fri"
        duration: 8h
"#;
    let l = load(&[("cluster.yaml", &c), ("objs.yaml", objs)]);
    let p = plan_to(&l, 32);
    let s = &p.steps[0];
    let pdbs: Vec<&str> = s
        .blockers
        .iter()
        .filter(|b| b.kind == ItemKind::PdbBlocksDrain)
        .filter_map(|b| b.object.as_deref())
        .collect();
    assert_eq!(
        pdbs,
        [
            "PodDisruptionBudget/app/single",
            "PodDisruptionBudget/app/zero"
        ]
    );
    let single = blocker(&p, 0, ItemKind::PdbBlocksDrain).expect("pdb");
    assert!(
        single.message.contains("Deployment/app/single"),
        "{}",
        single.message
    );
    // No terminationGracePeriod on the pool: do-not-disrupt blocks drift.
    let dnd = blocker(&p, 0, ItemKind::DoNotDisrupt).expect("do-not-disrupt");
    assert_eq!(dnd.object.as_deref(), Some("Deployment/app/single"));
    // The unscheduled 0 budget blocks; the scheduled one is a window to avoid.
    let zero: Vec<_> = s
        .blockers
        .iter()
        .filter(|b| b.kind == ItemKind::DisruptionBudgetZero)
        .collect();
    assert_eq!(zero.len(), 1);
    assert!(
        s.actions
            .iter()
            .any(|a| a.kind == ItemKind::DisruptionBudgetZero)
    );
}

#[test]
fn addon_versions_come_from_a_snapshot_when_it_lists_the_target() {
    let c = cluster(
        "1.30",
        "addons:\n  - name: kube-proxy\n    version: v1.30.0-eksbuild.3\n  - name: coredns\n    version: v1.11.1-eksbuild.9\n",
    );
    let snapshot = r#"{"addons": [{"addonName": "coredns", "addonVersions": [
      {"addonVersion": "v1.11.3-eksbuild.2", "compatibilities": [{"clusterVersion": "1.31", "defaultVersion": true}]},
      {"addonVersion": "v1.11.1-eksbuild.9", "compatibilities": [{"clusterVersion": "1.30", "defaultVersion": true}]}
    ]}]}"#;
    let l = load(&[("cluster.yaml", &c), ("addon-versions.json", snapshot)]);
    let p = plan_to(&l, 31);
    // The snapshot lists v1.11.1 for 1.30 only: a blocker, moving to 1.31's default.
    let b = blocker(&p, 0, ItemKind::AddonIncompatible).expect("coredns blocker");
    assert!(b.message.contains("coredns"), "{}", b.message);
    assert!(
        b.commands[0].contains("--addon-version v1.11.3-eksbuild.2"),
        "{:?}",
        b.commands
    );
    assert_eq!(b.span.map(|s| s.start.line), Some(11));
    // kube-proxy 1.30 under a 1.31 API server is within the skew policy: no
    // blocker; it is updated right after the control plane, to the embedded
    // table's 1.31 version.
    assert_eq!(p.steps[0].blockers.len(), 1);
    let kp = p.steps[0]
        .actions
        .iter()
        .find(|a| a.kind == ItemKind::AddonUpdate && a.message.contains("kube-proxy"))
        .expect("kube-proxy update");
    assert_eq!(kp.stage, eksplane_upgrade::Stage::AddonsAfterControlPlane);
    let order: Vec<eksplane_upgrade::Stage> = p.steps[0].actions.iter().map(|a| a.stage).collect();
    let cp = order
        .iter()
        .position(|s| *s == eksplane_upgrade::Stage::ControlPlane);
    let after = order
        .iter()
        .position(|s| *s == eksplane_upgrade::Stage::AddonsAfterControlPlane);
    assert!(cp < after, "{order:?}");
}

#[test]
fn karpenter_must_support_the_target_first() {
    let c = cluster("1.30", "karpenter:\n  version: \"1.0.2\"\n");
    let l = load(&[("cluster.yaml", &c)]);
    let p = plan_to(&l, 32);
    // 1.0.2 supports up to 1.30: going to 1.31 needs 1.0.5 at least.
    let b = blocker(&p, 0, ItemKind::KarpenterUnsupported).expect("blocker");
    assert!(b.message.contains("1.0.5"), "{}", b.message);
    assert_eq!(b.span.map(|s| s.start.line), Some(8));
}

/// The surge arithmetic over the IP planner: secondary-IP mode, an empty
/// m5.large holds its primary IP and one warm ENI's secondary IPs.
#[test]
fn surge_counts_warm_pools_against_free_addresses() {
    let c = cluster(
        "1.31",
        "managedNodeGroups:\n  - name: sys\n    instanceType: m5.large\n    desiredCapacity: 2\n    availabilityZones: [us-east-1a, us-east-1b]\n",
    );
    let l = load(&[
        ("cluster.yaml", &c),
        ("subnets.json", SUBNETS),
        ("vpcs.json", VPCS),
    ]);
    let SurgeOutcome::Judged(s) = surge(&l.platform, Catalog::embedded()) else {
        panic!("not judged")
    };
    assert_eq!(s.groups.len(), 1);
    let g = &s.groups[0];
    assert_eq!(g.source, NodeSource::ManagedNodeGroup);
    // 2 x 2 zones beats maxUnavailable 1.
    assert_eq!(g.surge_nodes, 4);
    // m5.large: 10 IPv4 per ENI; an empty node keeps one ENI warm
    // (WARM_ENI_TARGET=1): its primary IP plus 9 secondary IPs.
    assert_eq!(g.per_node.node_subnet_singles(), 10);
    assert_eq!(s.node_side.need_addresses, 40);
    // Two /26s: 2 x (64 - 5 AWS reserves) = 118, minus the two running
    // nodes' 10 each.
    assert_eq!(s.node_side.free_addresses, 98);
    assert!(s.fits());
    assert_eq!(s.nodes_that_fit, 9);
}

#[test]
fn surge_that_does_not_fit_says_by_how_much() {
    let c = cluster(
        "1.31",
        "managedNodeGroups:\n  - name: sys\n    instanceType: m5.large\n    desiredCapacity: 2\n    availabilityZones: [us-east-1a, us-east-1b]\n    updateConfig:\n      maxUnavailable: 12\n",
    );
    let l = load(&[
        ("cluster.yaml", &c),
        ("subnets.json", SUBNETS),
        ("vpcs.json", VPCS),
    ]);
    let p = plan_to(&l, 32);
    let b = blocker(&p, 0, ItemKind::SurgeDoesNotFit).expect("blocker");
    // 12 nodes x 10 = 120 needed, 98 free: 22 short.
    assert!(
        b.message.contains("short by 22 address(es)"),
        "{}",
        b.message
    );
    assert!(
        b.fix
            .as_deref()
            .unwrap_or("")
            .contains("at most 9 new node(s)")
    );
}

#[test]
fn surge_in_prefix_mode_counts_whole_28s() {
    let c = cluster(
        "1.31",
        "managedNodeGroups:\n  - name: sys\n    instanceType: m5.large\n    desiredCapacity: 1\n    availabilityZones: [us-east-1a]\n",
    );
    let aws_node = r#"
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: aws-node, namespace: kube-system}
spec:
  selector: {matchLabels: {k8s-app: aws-node}}
  template:
    metadata: {labels: {k8s-app: aws-node}}
    spec:
      containers:
        - name: aws-node
          image: x
          env:
            - {name: ENABLE_PREFIX_DELEGATION, value: "true"}
            - {name: WARM_PREFIX_TARGET, value: "1"}
"#;
    let l = load(&[
        ("cluster.yaml", &c),
        ("aws-node.yaml", aws_node),
        ("subnets.json", SUBNETS),
        ("vpcs.json", VPCS),
    ]);
    let SurgeOutcome::Judged(s) = surge(&l.platform, Catalog::embedded()) else {
        panic!("not judged")
    };
    let g = &s.groups[0];
    // An empty node: its IP and one warm /28.
    assert_eq!(g.per_node.prefixes, 1);
    assert_eq!(g.surge_nodes, 2);
    assert_eq!(s.node_side.need_prefixes, 2);
    assert_eq!(s.node_side.need_addresses, 2 * (1 + 16));
}

#[test]
fn without_subnets_the_surge_is_not_judged_and_says_what_to_give() {
    let c = cluster(
        "1.31",
        "managedNodeGroups:\n  - name: sys\n    instanceType: m5.large\n",
    );
    let l = load(&[("cluster.yaml", &c)]);
    let p = plan_to(&l, 32);
    let a = p.steps[0]
        .actions
        .iter()
        .find(|a| a.kind == ItemKind::SurgeNotJudged)
        .expect("note");
    assert!(a.message.contains("describe-subnets"), "{}", a.message);
}

#[test]
fn self_managed_groups_are_replaced_whole_and_surge_by_their_size() {
    let c = cluster(
        "1.31",
        "nodeGroups:\n  - name: legacy\n    instanceType: m5.large\n    desiredCapacity: 3\n",
    );
    let l = load(&[
        ("cluster.yaml", &c),
        ("subnets.json", SUBNETS),
        ("vpcs.json", VPCS),
    ]);
    let SurgeOutcome::Judged(s) = surge(&l.platform, Catalog::embedded()) else {
        panic!("not judged")
    };
    assert_eq!(s.groups[0].source, NodeSource::SelfManagedNodeGroup);
    assert_eq!(s.groups[0].surge_nodes, 3);
    let p = plan_to(&l, 32);
    let a = p.steps[0]
        .actions
        .iter()
        .find(|a| a.kind == ItemKind::SelfManagedNodeGroupReplace)
        .expect("replacement");
    assert!(
        a.commands
            .iter()
            .any(|c| c.contains("eksctl delete nodegroup --cluster demo --name legacy --drain"))
    );
}

#[test]
fn do_not_disrupt_is_only_an_action_when_every_pool_bounds_the_wait() {
    let c = cluster("1.31", "");
    let objs = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: batch, namespace: jobs}
spec:
  replicas: 2
  selector: {matchLabels: {app: batch}}
  template:
    metadata:
      labels: {app: batch}
      annotations: {karpenter.sh/do-not-disrupt: "true"}
    spec: {containers: [{name: c, image: x}]}
---
apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: bounded}
spec:
  template:
    spec:
      nodeClassRef: {group: karpenter.k8s.aws, kind: EC2NodeClass, name: d}
      requirements: []
      terminationGracePeriod: 24h
  disruption:
    consolidationPolicy: WhenEmpty
    consolidateAfter: 1m
"#;
    let l = load(&[("cluster.yaml", &c), ("objs.yaml", objs)]);
    let p = plan_to(&l, 32);
    assert!(blocker(&p, 0, ItemKind::DoNotDisrupt).is_none());
    assert!(
        p.steps[0]
            .actions
            .iter()
            .any(|a| a.kind == ItemKind::DoNotDisrupt)
    );
}

#[test]
fn calendar_and_cost_follow_today() {
    let c = cluster("1.29", "");
    let l = load(&[("cluster.yaml", &c)]);
    let p = plan_to(&l, 30);
    // As of 2026-01-15, 1.29 is in extended support until 2026-03-23.
    let r = &p.calendar.versions[0];
    assert_eq!(r.days_left, Some(67));
    assert_eq!(p.calendar.staying_extra_usd_month, 365.0);
    assert_eq!(p.today, "2026-01-15");
}
