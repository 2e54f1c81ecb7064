use crate::{example_files, load, load_files};
use eksplane_migrate::access::{AccessOptions, EntryAction, plan_access_entries};
use eksplane_migrate::principal_key;

const ACCOUNT: &str = "777788889999";

fn accept(v: &[&str]) -> AccessOptions {
    AccessOptions {
        accept_loss: v.iter().map(|s| s.to_string()).collect(),
    }
}

/// Every aws-auth mapRoles/mapUsers ARN of the example.
fn mapped(l: &eksplane_load::Loaded) -> Vec<String> {
    let a = l.platform.aws_auth.as_ref().expect("aws-auth");
    a.map_roles
        .iter()
        .map(|m| m.value.rolearn.value.clone())
        .chain(a.map_users.iter().map(|m| m.value.userarn.value.clone()))
        .collect()
}

#[test]
fn platform_prod_refuses_naming_the_mapped_account() {
    let l = load_files(&example_files("platform-prod"));
    let plan = plan_access_entries(&l.platform, &AccessOptions::default());
    assert!(plan.refused());
    assert!(!plan.switch_to_api && !plan.remove_aws_auth);
    let blocking: Vec<&str> = plan
        .proof
        .iter()
        .filter(|p| p.blocks())
        .map(|p| p.principal.as_str())
        .collect();
    assert_eq!(blocking, vec![ACCOUNT]);
    let d = plan
        .decisions
        .iter()
        .find(|d| d.principal == ACCOUNT)
        .expect("a decision for the account");
    assert!(d.options.iter().any(|o| o.contains("--accept-loss")));
}

#[test]
fn platform_prod_passes_with_the_decision_and_covers_every_mapping() {
    let l = load_files(&example_files("platform-prod"));
    let plan = plan_access_entries(&l.platform, &accept(&[ACCOUNT]));
    assert!(!plan.refused(), "{:#?}", plan.proof);
    assert!(plan.switch_to_api && plan.remove_aws_auth);
    for arn in mapped(&l) {
        let proof = plan
            .proof
            .iter()
            .find(|p| principal_key(&p.principal) == principal_key(&arn))
            .unwrap_or_else(|| panic!("{arn} not in the proof"));
        assert!(proof.lost.is_empty(), "{arn}: {:?}", proof.lost);
        let planned = plan
            .entries
            .iter()
            .any(|e| principal_key(&e.principal_arn) == principal_key(&arn));
        assert!(
            planned || proof.via.contains("access entry"),
            "{arn}: neither planned nor covered by an entry"
        );
    }
    let karpenter = plan
        .entries
        .iter()
        .find(|e| e.principal_arn.ends_with("KarpenterNodeRole-platform-prod"))
        .expect("Karpenter's node role");
    assert_eq!(karpenter.entry_type, "EC2_LINUX");
    assert!(karpenter.kubernetes_groups.is_empty() && karpenter.username.is_none());
    let bg = plan
        .entries
        .iter()
        .find(|e| e.principal_arn.ends_with("user/breakglass-admin"))
        .expect("breakglass user");
    assert!(
        bg.policies
            .iter()
            .any(|p| p.policy_arn.ends_with("/AmazonEKSClusterAdminPolicy")
                && p.namespaces.is_empty())
    );
}

#[test]
fn platform_prod_without_map_accounts_passes() {
    let files: Vec<(String, String)> = example_files("platform-prod")
        .into_iter()
        .map(|(n, t)| {
            if n.ends_with("aws-auth.yaml") {
                let cut = t.find("  mapAccounts:").expect("mapAccounts");
                (n, t[..cut].to_string())
            } else {
                (n, t)
            }
        })
        .collect();
    let l = load_files(&files);
    let plan = plan_access_entries(&l.platform, &AccessOptions::default());
    assert!(!plan.refused(), "{:#?}", plan.proof);
    assert!(plan.switch_to_api);
}

const CLUSTER_CONFIG_MAP: &str = r#"
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c1, region: us-east-1}
accessConfig:
  authenticationMode: CONFIG_MAP
"#;

#[test]
fn a_system_group_other_than_masters_blocks_until_accepted() {
    let aws_auth = r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/auditor
      username: auditor
      groups: [system:monitoring, viewers]
"#;
    let l = load(&[("c.yaml", CLUSTER_CONFIG_MAP), ("a.yaml", aws_auth)]);
    let plan = plan_access_entries(&l.platform, &AccessOptions::default());
    assert!(
        plan.enable_entries,
        "CONFIG_MAP needs API_AND_CONFIG_MAP first"
    );
    assert!(plan.refused());
    let p = &plan.proof[0];
    assert_eq!(
        p.lost,
        vec!["Kubernetes group system:monitoring".to_string()]
    );
    assert_eq!(
        plan.entries[0].kubernetes_groups,
        vec!["viewers".to_string()]
    );
    let ok = plan_access_entries(
        &l.platform,
        &accept(&["arn:aws:iam::111122223333:role/auditor"]),
    );
    assert!(!ok.refused());
}

#[test]
fn an_untranslatable_username_bound_by_rbac_blocks() {
    let aws_auth = r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/ops
      username: "ops-{{AccountID}}"
      groups: [ops]
"#;
    let rbac = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ops-user}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
  - {kind: User, name: ops-111122223333}
  - {kind: Group, name: ops}
"#;
    let l = load(&[
        ("c.yaml", CLUSTER_CONFIG_MAP),
        ("a.yaml", aws_auth),
        ("r.yaml", rbac),
    ]);
    let plan = plan_access_entries(&l.platform, &AccessOptions::default());
    assert!(plan.refused(), "{:#?}", plan.proof);
    assert!(plan.proof[0].lost[0].contains("ClusterRoleBinding ops-user"));
    assert!(plan.entries[0].username.is_none());
    assert!(
        plan.decisions
            .iter()
            .any(|d| d.problem.contains("{{AccountID}}"))
    );
}

#[test]
fn a_wrong_typed_entry_is_recreated_and_a_fargate_role_gets_its_type() {
    let cluster = r#"
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c1, region: us-east-1}
accessConfig:
  authenticationMode: CONFIG_MAP
  accessEntries:
    - principalARN: arn:aws:iam::111122223333:role/nodes
      type: STANDARD
"#;
    let aws_auth = r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/nodes
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes]
    - rolearn: arn:aws:iam::111122223333:role/fargate
      username: system:node:{{SessionName}}
      groups: [system:bootstrappers, system:nodes, system:node-proxier]
"#;
    let l = load(&[("c.yaml", cluster), ("a.yaml", aws_auth)]);
    let plan = plan_access_entries(&l.platform, &AccessOptions::default());
    assert!(!plan.refused(), "{:#?}", plan.proof);
    let nodes = &plan.entries[0];
    assert_eq!(nodes.action, EntryAction::Recreate);
    assert_eq!(nodes.entry_type, "EC2_LINUX");
    let ops: Vec<&str> = nodes.calls("c1").iter().map(|c| c.operation).collect();
    assert_eq!(ops, vec!["delete-access-entry", "create-access-entry"]);
    assert_eq!(plan.entries[1].entry_type, "FARGATE_LINUX");
}

#[test]
fn in_api_and_config_map_an_entry_shadows_its_mapping() {
    let cluster = r#"
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c1, region: us-east-1}
accessConfig:
  authenticationMode: API_AND_CONFIG_MAP
  accessEntries:
    - principalARN: arn:aws:iam::111122223333:role/dev
      kubernetesGroups: [dev]
"#;
    let aws_auth = r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/dev
      username: dev
      groups: [dev, extra]
"#;
    let l = load(&[("c.yaml", cluster), ("a.yaml", aws_auth)]);
    let plan = plan_access_entries(&l.platform, &AccessOptions::default());
    // The entry already decides; the mapping's `extra` is dead today, so
    // nothing is lost and nothing is widened.
    assert!(!plan.refused());
    assert!(plan.entries.is_empty());
    assert!(!plan.proof[0].after.groups.contains("extra"));
}
