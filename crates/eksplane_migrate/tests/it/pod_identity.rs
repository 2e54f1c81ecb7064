use crate::{example_files, load, load_files};
use eksplane_migrate::pod_identity::{KeepIrsa, Verdict, plan_pod_identity};
use eksplane_model::KubeObject;

#[test]
fn platform_prod_lists_every_irsa_service_account() {
    let l = load_files(&example_files("platform-prod"));
    let plan = plan_pod_identity(&l.platform);
    let names: Vec<String> = plan
        .service_accounts
        .iter()
        .map(|s| format!("{}/{}", s.namespace, s.service_account))
        .collect();
    let annotated: Vec<String> = l
        .platform
        .service_accounts
        .iter()
        .filter(|s| s.irsa_role_arn().is_some())
        .map(|s| format!("{}/{}", s.namespace().unwrap_or("default"), s.name()))
        .collect();
    assert_eq!(names.len(), annotated.len());
    for a in &annotated {
        assert!(names.contains(a), "{a} missing from {names:?}");
    }
    let report = plan
        .service_accounts
        .iter()
        .find(|s| s.service_account == "report-sa")
        .expect("report-sa");
    assert!(matches!(
        report.verdict,
        Verdict::Migrate {
            trust_present: false,
            associated: false,
            addon: None
        }
    ));
    assert!(report.eksctl_irsa.is_some());
    assert_eq!(plan.agent_missing, Some(false));
}

#[test]
fn cross_account_and_windows_stay_on_irsa() {
    let files = [
        (
            "c.yaml",
            r#"
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c1, region: us-east-1}
accessConfig:
  accessEntries:
    - principalARN: arn:aws:iam::111122223333:role/admins
"#,
        ),
        (
            "sa.yaml",
            r#"
apiVersion: v1
kind: ServiceAccount
metadata:
  name: far
  namespace: a
  annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::999999999999:role/elsewhere"}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: win
  namespace: a
  annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/win"}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: bad
  namespace: a
  annotations: {eks.amazonaws.com/role-arn: "not-an-arn"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: iis, namespace: a}
spec:
  selector: {matchLabels: {app: iis}}
  template:
    metadata: {labels: {app: iis}}
    spec:
      serviceAccountName: win
      nodeSelector: {kubernetes.io/os: windows}
      containers: [{name: iis, image: iis}]
"#,
        ),
    ];
    let l = load(&files);
    let plan = plan_pod_identity(&l.platform);
    let by = |n: &str| {
        plan.service_accounts
            .iter()
            .find(|s| s.service_account == n)
            .map(|s| s.verdict.clone())
            .expect(n)
    };
    assert!(matches!(
        by("far"),
        Verdict::KeepIrsa(KeepIrsa::CrossAccount { .. })
    ));
    assert!(matches!(
        by("win"),
        Verdict::KeepIrsa(KeepIrsa::Windows { .. })
    ));
    assert!(matches!(
        by("bad"),
        Verdict::KeepIrsa(KeepIrsa::NotARoleArn)
    ));
    assert_eq!(plan.agent_missing, None);
}

/// Pods that eksctl `fargateProfiles` put on Fargate keep IRSA: Pod
/// Identity does not serve Fargate pods.
#[test]
fn fargate_pods_stay_on_irsa() {
    let files = [
        (
            "c.yaml",
            r#"
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c1, region: us-east-1}
fargateProfiles:
  - name: batch
    selectors:
      - namespace: jobs-*
        labels: {runtime: fargate}
  - name: serverless
    selectors:
      - namespace: serverless
"#,
        ),
        (
            "sa.yaml",
            r#"
apiVersion: v1
kind: ServiceAccount
metadata:
  name: worker
  namespace: jobs-nightly
  annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/worker"}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: api
  namespace: jobs-nightly
  annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/api"}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: fn
  namespace: serverless
  annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/fn"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: jobs-nightly}
spec:
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker, runtime: fargate}}
    spec:
      serviceAccountName: worker
      containers: [{name: w, image: w}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: jobs-nightly}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      serviceAccountName: api
      containers: [{name: a, image: a}]
"#,
        ),
    ];
    let l = load(&files);
    let plan = plan_pod_identity(&l.platform);
    let by = |n: &str| {
        plan.service_accounts
            .iter()
            .find(|s| s.service_account == n)
            .map(|s| s.verdict.clone())
            .expect(n)
    };
    match by("worker") {
        Verdict::KeepIrsa(KeepIrsa::Fargate { profile, workloads }) => {
            assert_eq!(profile, "batch");
            assert_eq!(
                workloads,
                vec!["Deployment jobs-nightly/worker".to_string()]
            );
        }
        v => panic!("worker: {v:?}"),
    }
    // Same namespace, without the selector's label: EC2 nodes, migrate.
    assert!(
        matches!(by("api"), Verdict::Migrate { .. }),
        "{:?}",
        by("api")
    );
    // No workload in the inputs, but the profile takes the whole namespace.
    assert!(
        matches!(by("fn"), Verdict::KeepIrsa(KeepIrsa::Fargate { ref profile, .. }) if profile == "serverless"),
        "{:?}",
        by("fn")
    );
}
