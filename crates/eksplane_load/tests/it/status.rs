//! Status fields as `kubectl get -o yaml` prints them: NodeClaims, Karpenter
//! conditions, DaemonSet counts and Ingress addresses, each with its position.

use super::load;
use eksplane_model::KubeObject;

const NODECLAIMS: &str = r#"apiVersion: v1
items:
- apiVersion: karpenter.sh/v1
  kind: NodeClaim
  metadata:
    labels:
      karpenter.sh/nodepool: default
    name: default-x2k9p
  spec:
    nodeClassRef:
      group: karpenter.k8s.aws
      kind: EC2NodeClass
      name: default
    requirements: []
  status:
    conditions:
    - lastTransitionTime: "2026-12-01T10:00:00Z"
      message: ""
      observedGeneration: 1
      reason: Launched
      status: "True"
      type: Launched
    - lastTransitionTime: "2026-12-01T10:00:41Z"
      message: Node not registered with cluster
      observedGeneration: 1
      reason: NodeNotFound
      status: "False"
      type: Registered
    nodeName: ip-10-0-1-23.ec2.internal
    providerID: aws:///us-east-1a/i-0a1b2c3d4e5f60718
kind: List
metadata:
  resourceVersion: ""
"#;

#[test]
fn node_claims_load_with_their_conditions() {
    let l = load(&[("nodeclaims.yaml", NODECLAIMS)]);
    assert!(l.findings.is_empty(), "{:?}", super::lines(&l));
    let claims = &l.platform.node_claims;
    assert_eq!(claims.len(), 1);
    let c = &claims[0];
    assert_eq!(c.name(), "default-x2k9p");
    assert_eq!(c.node_pool(), Some("default"));
    let status = c.status.as_ref().unwrap_or_else(|| panic!("no status"));
    let reg = status
        .value
        .condition("Registered")
        .unwrap_or_else(|| panic!("no Registered"));
    assert_eq!(reg.value.status_str(), "False");
    assert_eq!(reg.value.reason.as_deref(), Some("NodeNotFound"));
    let at = reg.value.status.as_ref().map(|s| l.db.display(s.span));
    assert_eq!(at.as_deref(), Some("nodeclaims.yaml:27:15"));
    assert!(status.value.condition("Initialized").is_none());
}

const DS_AND_INGRESS: &str = r#"apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-proxy
  namespace: kube-system
spec:
  selector:
    matchLabels: {k8s-app: kube-proxy}
  template:
    metadata:
      labels: {k8s-app: kube-proxy}
    spec:
      containers:
      - name: kube-proxy
        image: 602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/kube-proxy:v1.31.3-minimal-eksbuild.2
status:
  currentNumberScheduled: 3
  desiredNumberScheduled: 3
  numberAvailable: 2
  numberMisscheduled: 0
  numberReady: 2
  numberUnavailable: 1
  observedGeneration: 1
  updatedNumberScheduled: 3
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: checkout
  namespace: payments
spec:
  ingressClassName: alb
status:
  loadBalancer:
    ingress:
    - hostname: k8s-payments-checkout-1a2b3c4d5e-123456789.us-east-1.elb.amazonaws.com
"#;

#[test]
fn daemonset_counts_and_ingress_addresses_keep_positions() {
    let l = load(&[("live.yaml", DS_AND_INGRESS)]);
    assert!(l.findings.is_empty(), "{:?}", super::lines(&l));
    let ds = &l.platform.workloads[0];
    let st = ds
        .daemon_set_status
        .as_ref()
        .unwrap_or_else(|| panic!("no status"));
    let ready = st
        .value
        .number_ready
        .as_ref()
        .unwrap_or_else(|| panic!("no numberReady"));
    assert_eq!(
        (ready.value, l.db.display(ready.span)),
        (2, "live.yaml:21:16".to_string())
    );
    assert_eq!(
        st.value.desired_number_scheduled.as_ref().map(|d| d.value),
        Some(3)
    );
    let ing = &l.platform.ingresses[0];
    let lb = ing
        .status
        .as_ref()
        .and_then(|s| s.value.load_balancer.as_ref())
        .unwrap_or_else(|| panic!("no loadBalancer"));
    let host = lb.value.ingress[0]
        .value
        .address()
        .unwrap_or_else(|| panic!("no address"));
    assert_eq!(l.db.display(host.span), "live.yaml:36:17");
}

#[test]
fn manifests_without_status_have_none() {
    let l = load(&[(
        "m.yaml",
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: a, namespace: b}\nspec: {}\n",
    )]);
    assert!(l.platform.ingresses[0].status.is_none());
}
