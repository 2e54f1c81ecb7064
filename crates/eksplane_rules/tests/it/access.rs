use crate::{check_lines as check, only};

const EKSCTL: &str = "apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: legacy
  region: eu-west-1
  version: \"1.30\"
accessConfig:
  authenticationMode: CONFIG_MAP
";

const DESCRIBE: &str = r#"{"cluster": {"name": "legacy",
  "arn": "arn:aws:eks:eu-west-1:111122223333:cluster/legacy",
  "accessConfig": {"authenticationMode": "CONFIG_MAP"}}}
"#;

const AWS_AUTH: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/nodes
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes]
";

#[test]
fn config_map_mode_fires_with_every_source() {
    let out = check(&[
        ("cluster.yaml", EKSCTL),
        ("describe-cluster.json", DESCRIBE),
        ("aws-auth.yaml", AWS_AUTH),
    ]);
    insta::assert_snapshot!(out);
    assert_eq!(only(&out, "ACC001").len(), 1);
}

#[test]
fn api_modes_are_clean() {
    for mode in ["API", "API_AND_CONFIG_MAP"] {
        let text = EKSCTL.replace("CONFIG_MAP", mode);
        let out = check(&[("cluster.yaml", &text)]);
        assert!(only(&out, "ACC001").is_empty(), "{mode}: {out}");
    }
}

#[test]
fn unknown_mode_is_not_guessed() {
    // Without any source stating the mode, nothing is reported.
    let out = check(&[("aws-auth.yaml", AWS_AUTH)]);
    assert!(only(&out, "ACC001").is_empty(), "{out}");
}
