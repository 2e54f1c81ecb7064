//! Each recognised kind loads, with the right line numbers.

use crate::{lines, load};
use eksplane_model::KubeObject;
use eksplane_model::karpenter::{ConsolidationPolicy, Operator};

const KARPENTER: &str = r#"# guide's NodePool and EC2NodeClass
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata:
  name: default
spec:
  role: "KarpenterNodeRole-platform-prod"
  amiSelectorTerms:
    - alias: al2023@latest
  subnetSelectorTerms:
    - tags:
        karpenter.sh/discovery: "platform-prod"
  securityGroupSelectorTerms:
    - tags:
        karpenter.sh/discovery: "platform-prod"
  kubelet:
    maxPods: 110
    podsPerCore: 4
    kubeReserved:
      cpu: 200m
      memory: 1Gi
    systemReserved:
      memory: 500Mi
    evictionHard:
      memory.available: 5%
  metadataOptions:
    httpTokens: required
    httpPutResponseHopLimit: 1
  tags:
    team: platform
  blockDeviceMappings:
    - deviceName: /dev/xvda
      ebs:
        volumeSize: 100Gi
        volumeType: gp3
        encrypted: true
---
apiVersion: karpenter.sh/v1
kind: NodePool
metadata:
  name: default
spec:
  template:
    metadata:
      labels:
        team: platform
    spec:
      nodeClassRef:
        group: karpenter.k8s.aws
        kind: EC2NodeClass
        name: default
      requirements:
        - key: kubernetes.io/arch
          operator: In
          values: ["amd64", "arm64"]
        - key: karpenter.k8s.aws/instance-generation
          operator: Gt
          values: ["5"]
        - key: karpenter.k8s.aws/instance-gpu-count
          operator: DoesNotExist
      taints:
        - key: dedicated
          value: batch
          effect: NoSchedule
      expireAfter: 720h
  disruption:
    consolidationPolicy: WhenEmpty
    consolidateAfter: 1m
    budgets:
      - nodes: "10%"
      - nodes: "0"
        schedule: "0 9 * * mon-fri"
        duration: 8h
        reasons: [Drifted, Underutilized]
  limits:
    cpu: "1000"
    memory: 1000Gi
  weight: 10
"#;

#[test]
fn karpenter_node_class_and_pool() {
    let l = load(&[("karpenter.yaml", KARPENTER)]);
    assert!(l.findings.is_empty(), "{:?}", lines(&l));
    let nc = &l.platform.node_classes[0];
    assert_eq!(nc.name(), "default");
    assert_eq!(nc.meta().name.span.start.line, 5);
    let role = nc
        .spec
        .role
        .as_ref()
        .map(|r| (r.value.as_str(), r.span.start.line));
    assert_eq!(role, Some(("KarpenterNodeRole-platform-prod", 7)));
    let k = nc.kubelet().unwrap_or_else(|| panic!("kubelet"));
    let mp = k
        .max_pods
        .as_ref()
        .map(|m| (m.value, m.span.start.line, m.span.start.col));
    assert_eq!(mp, Some((110, 17, 14)));
    assert_eq!(k.kube_reserved["memory"].value.units_ceil(), 1 << 30);
    assert_eq!(k.eviction_hard["memory.available"].span.start.line, 25);
    let hop = nc
        .spec
        .metadata_options
        .as_ref()
        .and_then(|m| m.value.http_put_response_hop_limit.as_ref());
    assert_eq!(hop.map(|h| (h.value, h.span.start.line)), Some((1, 28)));
    assert_eq!(nc.spec.tags["team"].span.start.line, 30);
    assert_eq!(
        nc.ami_family(),
        Some(eksplane_model::karpenter::AmiFamily::Al2023)
    );
    assert_eq!(nc.spec.block_device_mappings[0].span.start.line, 32);

    let np = &l.platform.node_pools[0];
    assert_eq!((np.name(), np.origin.span.start.line), ("default", 38));
    let reqs = &np.spec.template.spec.requirements;
    assert_eq!(reqs.len(), 3);
    assert_eq!(
        (reqs[1].value.operator, reqs[1].span.start.line),
        (Operator::Gt, 56)
    );
    assert!(reqs[1].value.matches(Some("6")) && !reqs[1].value.matches(Some("5")));
    assert!(reqs[2].value.matches(None));
    assert_eq!(np.spec.template.spec.taints[0].span.start.line, 62);
    assert_eq!(np.consolidation_policy(), ConsolidationPolicy::WhenEmpty);
    let d = np
        .spec
        .disruption
        .as_ref()
        .unwrap_or_else(|| panic!("disruption"));
    assert_eq!(d.budgets[1].value.reasons, vec!["Drifted", "Underutilized"]);
    assert_eq!(d.budgets[1].span.start.line, 71);
    let limits = np.spec.limits.as_ref().unwrap_or_else(|| panic!("limits"));
    assert_eq!(limits["cpu"].value.milli(), 1_000_000);
    assert_eq!(limits["memory"].span.start.line, 77);
    assert_eq!(
        np.spec
            .weight
            .as_ref()
            .map(|w| (w.value, w.span.start.line)),
        Some((10, 78))
    );
    assert_eq!(np.origin.locate(&["spec", "limits", "cpu"]).start.line, 76);
}

const AWS_NODE: &str = r#"apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: aws-node
  namespace: kube-system
spec:
  selector:
    matchLabels:
      k8s-app: aws-node
  template:
    metadata:
      labels:
        k8s-app: aws-node
    spec:
      initContainers:
        - name: aws-vpc-cni-init
          image: 602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni-init:v1.19.2-eksbuild.1
          env:
            - name: DISABLE_TCP_EARLY_DEMUX
              value: "true"
      containers:
        - name: aws-node
          image: 602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1
          env:
            - name: ENABLE_PREFIX_DELEGATION
              value: "true"
            - name: WARM_PREFIX_TARGET
              value: "1"
            - name: WARM_IP_TARGET
              value: "five"
            - name: MY_NODE_NAME
              valueFrom:
                fieldRef:
                  fieldPath: spec.nodeName
"#;

#[test]
fn aws_node_settings_typed_with_defaults() {
    let l = load(&[("aws-node.yaml", AWS_NODE)]);
    let a = l
        .platform
        .aws_node
        .as_ref()
        .unwrap_or_else(|| panic!("aws-node"));
    let s = &a.settings;
    assert!(s.enable_prefix_delegation.value);
    assert_eq!(
        s.enable_prefix_delegation.span.map(|x| x.start.line),
        Some(26)
    );
    assert_eq!(s.warm_prefix_target.value, Some(1));
    assert_eq!(s.warm_eni_target.value, 1, "default");
    assert!(s.warm_eni_target.span.is_none());
    assert!(s.disable_tcp_early_demux.value, "init container env read");
    assert!(!s.enable_pod_eni.value);
    assert_eq!(a.version_triple(), Some((1, 19, 2)));
    assert_eq!(a.version.as_ref().map(|v| v.span.start.line), Some(23));
    assert!(a.env["MY_NODE_NAME"].value_from);
    // The bad value is reported where it is written, and the default used.
    assert_eq!(s.warm_ip_target.value, None);
    assert_eq!(
        lines(&l),
        vec![
            "LOAD002 aws-node.yaml:30:22 aws-node env WARM_IP_TARGET is \"five\", expected a non-negative integer; the CNI would fail to start or use its default"
        ]
    );
    // The DaemonSet is also a workload.
    assert_eq!(l.platform.workloads.len(), 1);
}

const AWS_AUTH: &str = r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/eks-node-system
      username: system:node:{{EC2PrivateDNSName}}
      groups:
        - system:bootstrappers
        - system:nodes
    - rolearn: arn:aws:iam::111122223333:role/platform-admins
      username: admin
      groups:
        - system:masters
  mapUsers: |
    - userarn: arn:aws:iam::111122223333:user/break-glass
      username: break-glass
      groups: [system:masters]
  mapAccounts: |
    - "444455556666"
"#;

#[test]
fn aws_auth_embedded_yaml_points_into_outer_file() {
    let l = load(&[("aws-auth.yaml", AWS_AUTH)]);
    assert!(l.findings.is_empty(), "{:?}", lines(&l));
    let a = l
        .platform
        .aws_auth
        .as_ref()
        .unwrap_or_else(|| panic!("aws-auth"));
    assert_eq!(a.map_roles.len(), 2);
    assert!(a.map_roles[0].value.is_node_role());
    let admin = &a.map_roles[1];
    assert_eq!(admin.span.start.line, 13);
    assert_eq!(
        (
            admin.value.rolearn.span.start.line,
            admin.value.rolearn.span.start.col
        ),
        (13, 16)
    );
    assert_eq!(admin.value.groups[0].span.start.line, 16);
    assert_eq!(a.map_users[0].value.groups[0].value, "system:masters");
    assert_eq!(a.map_users[0].value.userarn.span.start.line, 18);
    assert_eq!(a.map_accounts[0].value, "444455556666");
    assert_eq!(a.map_accounts[0].span.start.line, 22);
    assert!(l.platform.config_maps.is_empty());
}

const WORKLOADS: &str = r#"apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: checkout
      namespace: payments
    spec:
      replicas: 3
      selector:
        matchLabels: {app: checkout}
      template:
        metadata:
          labels: {app: checkout}
          annotations:
            karpenter.sh/do-not-disrupt: "true"
        spec:
          serviceAccountName: checkout-sa
          nodeSelector:
            kubernetes.io/arch: arm64
          tolerations:
            - key: dedicated
              operator: Equal
              value: payments
              effect: NoSchedule
          topologySpreadConstraints:
            - maxSkew: 1
              topologyKey: topology.kubernetes.io/zone
              whenUnsatisfiable: DoNotSchedule
              labelSelector:
                matchLabels: {app: checkout}
          affinity:
            podAntiAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                - topologyKey: kubernetes.io/hostname
                  labelSelector:
                    matchLabels: {app: checkout}
          containers:
            - name: app
              image: checkout:1.0
              resources:
                requests: {cpu: 500m, memory: 512Mi}
                limits: {memory: 1Gi}
  - apiVersion: batch/v1
    kind: CronJob
    metadata:
      name: nightly
      namespace: reporting
    spec:
      schedule: "0 2 * * *"
      jobTemplate:
        spec:
          activeDeadlineSeconds: 14400
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: report
                  image: report:2
  - apiVersion: policy/v1
    kind: PodDisruptionBudget
    metadata:
      name: checkout
      namespace: payments
    spec:
      minAvailable: 3
      selector:
        matchLabels: {app: checkout}
  - apiVersion: v1
    kind: ServiceAccount
    metadata:
      name: checkout-sa
      namespace: payments
      annotations:
        eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/checkout-irsa
"#;

#[test]
fn workloads_in_a_list_with_pod_template() {
    let l = load(&[("list.yaml", WORKLOADS)]);
    assert!(l.findings.is_empty(), "{:?}", lines(&l));
    let d = &l.platform.workloads[0];
    assert_eq!(
        (d.kind(), d.name(), d.namespace()),
        ("Deployment", "checkout", Some("payments"))
    );
    assert_eq!(
        d.replicas.as_ref().map(|r| (r.value, r.span.start.line)),
        Some((3, 10))
    );
    assert_eq!(d.service_account_name(), "checkout-sa");
    assert_eq!(
        d.pod_annotation(eksplane_model::k8s::DO_NOT_DISRUPT)
            .map(|a| (a.value.as_str(), a.span.start.line)),
        Some(("true", 17))
    );
    let spec = &d.template.spec;
    assert_eq!(spec.tolerations.as_ref().map(Vec::len), Some(1));
    assert_eq!(
        spec.topology_spread_constraints
            .as_ref()
            .map(|t| t[0].max_skew),
        Some(1)
    );
    let req = spec.containers[0]
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref());
    assert_eq!(
        req.and_then(|r| r.get("cpu")).map(|q| q.0.as_str()),
        Some("500m")
    );
    assert_eq!(
        d.origin.span.start.line, 4,
        "item of a List keeps its own position"
    );
    let cj = &l.platform.workloads[1];
    assert_eq!(
        cj.schedule.as_ref().map(|s| s.value.as_str()),
        Some("0 2 * * *")
    );
    assert_eq!(cj.active_deadline_seconds, Some(14400));
    assert_eq!(cj.effective_replicas(), None);
    let pdb = &l.platform.pdbs[0];
    assert_eq!(
        pdb.spec.min_available.as_ref().map(|m| m.span.start.line),
        Some(67)
    );
    let sa = &l.platform.service_accounts[0];
    assert_eq!(sa.irsa_role_arn().map(|a| a.span.start.line), Some(76));
}

const HELM: &str = r#"---
# Source: aws-load-balancer-controller/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: aws-load-balancer-controller
  namespace: kube-system
---
# Source: aws-load-balancer-controller/templates/ingressclass.yaml
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: alb
spec:
  controller: ingress.k8s.aws/alb
---
# Source: app/templates/ingress.yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: web
  annotations:
    alb.ingress.kubernetes.io/scheme: internet-facing
    alb.ingress.kubernetes.io/target-type: ip
    alb.ingress.kubernetes.io/group.name: public
    alb.ingress.kubernetes.io/group.order: "10"
    alb.ingress.kubernetes.io/listen-ports: '[{"HTTPS":443}]'
    alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:us-east-1:111122223333:certificate/abc
    alb.ingress.kubernetes.io/healthcheck-path: /healthz
spec:
  ingressClassName: alb
  rules:
    - host: web.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80
---
# Source: app/templates/crd-thing.yaml
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: web
"#;

#[test]
fn helm_output_keeps_sources_and_alb_annotations() {
    use eksplane_model::ingress::{Scheme, TargetType};
    let l = load(&[("rendered.yaml", HELM)]);
    assert!(l.findings.is_empty(), "{:?}", lines(&l));
    let sa = &l.platform.service_accounts[0];
    assert_eq!(
        sa.origin
            .helm_source
            .as_ref()
            .map(|s| (s.value.as_str(), s.span.start.line)),
        Some((
            "aws-load-balancer-controller/templates/serviceaccount.yaml",
            2
        ))
    );
    assert!(l.platform.ingress_classes[0].is_alb());
    let ing = &l.platform.ingresses[0];
    assert_eq!(
        ing.origin.helm_source.as_ref().map(|s| s.value.as_str()),
        Some("app/templates/ingress.yaml")
    );
    let a = ing.alb();
    assert_eq!(a.effective_scheme(), Scheme::InternetFacing);
    assert_eq!(a.effective_target_type(), TargetType::Ip);
    assert_eq!(
        a.group_name
            .as_ref()
            .map(|g| (g.value.as_str(), g.span.start.line)),
        Some(("public", 26))
    );
    assert_eq!(
        a.group_order.as_ref().map(|g| g.value.clone()),
        Some(Ok(10))
    );
    assert_eq!(a.effective_listen_ports().len(), 1);
    assert_eq!(
        a.healthcheck_path.as_ref().map(|h| h.span.start.line),
        Some(30)
    );
    assert_eq!(ing.class_name(), Some("alb"));
    // Unknown kinds are kept, counted, and never an error.
    assert_eq!(l.platform.opaque.len(), 1);
    assert_eq!(l.stats.opaque, 1);
    assert_eq!(
        l.platform.opaque[0]
            .origin
            .helm_source
            .as_ref()
            .map(|s| s.value.as_str()),
        Some("app/templates/crd-thing.yaml")
    );
}

const NETWORK: &str = r#"apiVersion: vpcresources.k8s.aws/v1beta1
kind: SecurityGroupPolicy
metadata:
  name: payments-db-access
  namespace: payments
spec:
  podSelector:
    matchLabels:
      app: checkout
  securityGroups:
    groupIds:
      - sg-0abc123def4567890
---
apiVersion: crd.k8s.amazonaws.com/v1alpha1
kind: ENIConfig
metadata:
  name: us-east-1a
spec:
  subnet: subnet-0a1
  securityGroups: [sg-0abc]
---
apiVersion: v1
kind: Service
metadata:
  name: edge
  namespace: web
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-type: external
spec:
  type: LoadBalancer
  ports: [{port: 443, targetPort: 8443}]
---
apiVersion: elbv2.k8s.aws/v1beta1
kind: IngressClassParams
metadata:
  name: public
spec:
  scheme: internet-facing
  group:
    name: public
---
apiVersion: v1
kind: Namespace
metadata:
  name: payments
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ci-deployers
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
  - {kind: Group, name: ci-deployers, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: payments}
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get, list]
"#;

#[test]
fn networking_rbac_and_core_kinds() {
    let l = load(&[("net.yaml", NETWORK)]);
    assert!(l.findings.is_empty(), "{:?}", lines(&l));
    let p = &l.platform;
    let sgp = &p.security_group_policies[0];
    assert_eq!(sgp.spec.security_groups.group_ids[0].span.start.line, 12);
    assert_eq!(
        p.eni_configs[0]
            .spec
            .subnet
            .as_ref()
            .map(|s| s.span.start.line),
        Some(19)
    );
    assert!(p.services[0].is_load_balancer());
    assert_eq!(
        p.ingress_class_params[0]
            .spec
            .group
            .as_ref()
            .and_then(|g| g.name.as_ref())
            .map(|n| n.span.start.line),
        Some(40)
    );
    assert_eq!(p.namespaces[0].name(), "payments");
    assert_eq!(p.cluster_role_bindings[0].subjects[0].name, "ci-deployers");
    assert_eq!(p.roles[0].rules[0].verbs, vec!["get", "list"]);
    let inv = p.inventory();
    assert_eq!(inv.kubernetes.get("SecurityGroupPolicy"), Some(&1));
    assert_eq!(inv.kubernetes.values().sum::<usize>(), 7);
}

#[test]
fn documents_that_are_neither_kube_nor_aws_are_counted() {
    let l = load(&[("values.yaml", "replicaCount: 3\nimage: {tag: v1}\n")]);
    assert!(l.findings.is_empty());
    assert_eq!(l.stats.unrecognised, 1);
}

#[test]
fn hpas_are_modelled_with_floor_default_and_positions() {
    let text = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n  minReplicas: 3\n  maxReplicas: 10\n---\napiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  scaleTargetRef: {kind: Deployment, name: api}\n  maxReplicas: 4\n  targetCPUUtilizationPercentage: 80\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: bad\nspec:\n  scaleTargetRef: {kind: Deployment, name: x}\n  minReplicas: 5\n  maxReplicas: 2\n";
    let l = load(&[("hpa.yaml", text)]);
    let ls = lines(&l);
    assert_eq!(
        ls,
        vec![
            "LOAD002 hpa.yaml:30:16 HorizontalPodAutoscaler bad: spec.maxReplicas 2 is below spec.minReplicas 5"
        ]
    );
    let p = &l.platform;
    assert_eq!(p.hpas.len(), 3);
    let web = &p.hpas[0];
    assert_eq!((web.min_replicas(), web.max_replicas()), (3, 10));
    assert_eq!(
        web.spec.min_replicas.as_ref().map(|m| m.span.start.line),
        Some(11)
    );
    assert_eq!(web.spec.scale_target_ref.span.start.line, 8);
    assert_eq!(p.hpas_for("Deployment", Some("shop"), "web").count(), 1);
    assert_eq!(p.hpas_for("Deployment", Some("default"), "web").count(), 0);
    // v1, floor unset: 1.
    let api = &p.hpas[1];
    assert_eq!((api.min_replicas(), api.max_replicas()), (1, 4));
    assert!(api.targets("Deployment", Some("default"), "api"));
    assert_eq!(
        p.inventory().kubernetes.get("HorizontalPodAutoscaler"),
        Some(&3)
    );
}

#[test]
fn workshop_hpa_reads() {
    let Some(text) =
        crate::corpus_file("eks-workshop-v2/manifests/modules/autoscaling/workloads/hpa/hpa.yaml")
    else {
        return;
    };
    let l = load(&[("hpa.yaml", &text)]);
    assert!(l.findings.is_empty(), "{:?}", lines(&l));
    let h = &l.platform.hpas[0];
    assert_eq!(h.spec.scale_target_ref.value.kind, "Deployment");
    assert_eq!(h.spec.scale_target_ref.value.name, "ui");
    assert_eq!((h.min_replicas(), h.max_replicas()), (1, 4));
}
