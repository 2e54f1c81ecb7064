//! The guide's "Verify" section, run over snapshots that carry status
//! (`aws ... --output json`, `kubectl get -o yaml`): each item is `pass`,
//! `fail` or `skipped`, with the evidence (which object, which field, where
//! in which file) that decided it.
//!
//! Never a false all-clear: a check whose inputs are missing is `skipped`
//! with what it needs, and an item passes only when every one of its checks
//! passed. A run where nothing passed is reported as not verified
//! ([`Outcome::NothingVerified`]), never as green.
//!
//! The guide's items, in its order: access entries and aws-auth, Pod Identity,
//! prefix delegation, Karpenter, add-ons, Ingress; plus the data-plane
//! DaemonSets (`aws-node`, `kube-proxy`). Its STS smoke test needs a live
//! cluster and is not run on files (see [`Verification::notes`]).

mod access;
mod addons;
mod cni;
mod daemonsets;
mod identity;
mod ingress;
mod karpenter;

use eksplane_facts::Facts;
use eksplane_source::Span;
use serde::Serialize;

/// The result of one check, or of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Skipped => "skipped",
        }
    }
}

/// One check and its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub status: Status,
    /// What was found (pass, fail) or what is needed (skipped).
    pub message: String,
    /// The object or AWS output read: `DaemonSet/kube-system/aws-node`,
    /// `describe-addon vpc-cni`.
    pub object: Option<String>,
    /// The field read, as a path: `status.numberReady`.
    pub field: Option<String>,
    /// Where the field (or object) is written.
    pub span: Option<Span>,
}

impl Check {
    fn new(status: Status, message: impl Into<String>) -> Check {
        Check {
            status,
            message: message.into(),
            object: None,
            field: None,
            span: None,
        }
    }

    pub(crate) fn pass(message: impl Into<String>) -> Check {
        Check::new(Status::Pass, message)
    }

    pub(crate) fn fail(message: impl Into<String>) -> Check {
        Check::new(Status::Fail, message)
    }

    pub(crate) fn skipped(message: impl Into<String>) -> Check {
        Check::new(Status::Skipped, message)
    }

    pub(crate) fn object(mut self, object: impl Into<String>) -> Check {
        self.object = Some(object.into());
        self
    }

    pub(crate) fn field(mut self, field: impl Into<String>) -> Check {
        self.field = Some(field.into());
        self
    }

    pub(crate) fn at(mut self, span: Span) -> Check {
        self.span = (!span.is_detached()).then_some(span);
        self
    }
}

/// The items of the guide's Verify section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemId {
    Access,
    PodIdentity,
    PrefixDelegation,
    Karpenter,
    Addons,
    Ingress,
    Daemonsets,
}

impl ItemId {
    pub const ALL: [ItemId; 7] = [
        ItemId::Access,
        ItemId::PodIdentity,
        ItemId::PrefixDelegation,
        ItemId::Karpenter,
        ItemId::Addons,
        ItemId::Ingress,
        ItemId::Daemonsets,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemId::Access => "access",
            ItemId::PodIdentity => "pod-identity",
            ItemId::PrefixDelegation => "prefix-delegation",
            ItemId::Karpenter => "karpenter",
            ItemId::Addons => "addons",
            ItemId::Ingress => "ingress",
            ItemId::Daemonsets => "daemonsets",
        }
    }

    /// The item as the guide words it.
    pub fn title(self) -> &'static str {
        match self {
            ItemId::Access => "Auth: access entries resolve, no stale aws-auth dependency",
            ItemId::PodIdentity => "Pod Identity: agent running, associations present",
            ItemId::PrefixDelegation => "VPC CNI: prefix delegation active",
            ItemId::Karpenter => "Karpenter: pools healthy, nodes claimed",
            ItemId::Addons => "Add-ons: all ACTIVE on compatible versions",
            ItemId::Ingress => "Ingress: ALB provisioned and address assigned",
            ItemId::Daemonsets => "Data plane: aws-node and kube-proxy ready",
        }
    }

    /// What the guide runs for it (the snapshot equivalent is what
    /// `eksplane verify` reads).
    pub fn guide_commands(self) -> &'static [&'static str] {
        match self {
            ItemId::Access => &["aws eks list-access-entries --cluster-name CLUSTER"],
            ItemId::PodIdentity => &[
                "kubectl get daemonset eks-pod-identity-agent -n kube-system",
                "aws eks list-pod-identity-associations --cluster-name CLUSTER",
            ],
            ItemId::PrefixDelegation => &[
                "kubectl get daemonset aws-node -n kube-system -o yaml | grep -i ENABLE_PREFIX_DELEGATION",
            ],
            ItemId::Karpenter => &["kubectl get nodepool,ec2nodeclass", "kubectl get nodeclaim"],
            ItemId::Addons => &[
                "aws eks list-addons --cluster-name CLUSTER",
                "aws eks describe-addon --cluster-name CLUSTER --addon-name NAME",
            ],
            ItemId::Ingress => &["kubectl get ingress -A"],
            ItemId::Daemonsets => &["kubectl get daemonset aws-node kube-proxy -n kube-system"],
        }
    }
}

/// One item of the Verify section and its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: ItemId,
    pub status: Status,
    pub checks: Vec<Check>,
}

impl Item {
    /// `fail` when a check failed; `pass` only when every check passed (and
    /// there is one); `skipped` otherwise: a partly verified item is not a pass.
    fn new(id: ItemId, checks: Vec<Check>) -> Item {
        let status = if checks.iter().any(|c| c.status == Status::Fail) {
            Status::Fail
        } else if !checks.is_empty() && checks.iter().all(|c| c.status == Status::Pass) {
            Status::Pass
        } else {
            Status::Skipped
        };
        Item { id, status, checks }
    }

    /// How many checks have this status.
    pub fn count(&self, s: Status) -> usize {
        self.checks.iter().filter(|c| c.status == s).count()
    }
}

/// What the run amounts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Every item passed.
    Pass,
    /// No item failed, some were skipped: verified only in part.
    Incomplete,
    /// No item failed and none passed: nothing was verified.
    NothingVerified,
    /// At least one item failed.
    Fail,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Incomplete => "incomplete",
            Outcome::NothingVerified => "nothing-verified",
            Outcome::Fail => "fail",
        }
    }
}

/// Every item, in the guide's order, and what the run did not cover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub items: Vec<Item>,
    /// What files cannot verify (the STS smoke test).
    pub notes: Vec<String>,
}

impl Verification {
    pub fn item(&self, id: ItemId) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }

    /// How many items have this status.
    pub fn count(&self, s: Status) -> usize {
        self.items.iter().filter(|i| i.status == s).count()
    }

    pub fn outcome(&self) -> Outcome {
        if self.count(Status::Fail) > 0 {
            Outcome::Fail
        } else if self.count(Status::Pass) == 0 {
            Outcome::NothingVerified
        } else if self.count(Status::Skipped) > 0 {
            Outcome::Incomplete
        } else {
            Outcome::Pass
        }
    }
}

/// The guide's STS smoke test, which only a live cluster can run.
pub const SMOKE_TEST_NOTE: &str = "the guide's STS smoke test (a pod under a Pod-Identity-bound \
    ServiceAccount calling `sts get-caller-identity`) needs a live cluster and was not run: \
    files cannot prove the credential chain works";

/// Runs every item of the Verify section over one platform.
pub fn verify(facts: &Facts<'_>) -> Verification {
    let items = ItemId::ALL
        .into_iter()
        .map(|id| {
            let checks = match id {
                ItemId::Access => access::checks(facts),
                ItemId::PodIdentity => identity::checks(facts),
                ItemId::PrefixDelegation => cni::checks(facts),
                ItemId::Karpenter => karpenter::checks(facts),
                ItemId::Addons => addons::checks(facts),
                ItemId::Ingress => ingress::checks(facts),
                ItemId::Daemonsets => daemonsets::checks(facts),
            };
            Item::new(id, checks)
        })
        .collect();
    Verification {
        items,
        notes: vec![SMOKE_TEST_NOTE.to_string()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_passes_only_when_every_check_passed() {
        let pass = || Check::pass("ok");
        let skip = || Check::skipped("needs x");
        let fail = || Check::fail("bad");
        assert_eq!(Item::new(ItemId::Access, vec![]).status, Status::Skipped);
        assert_eq!(Item::new(ItemId::Access, vec![pass()]).status, Status::Pass);
        assert_eq!(
            Item::new(ItemId::Access, vec![pass(), skip()]).status,
            Status::Skipped
        );
        assert_eq!(
            Item::new(ItemId::Access, vec![pass(), skip(), fail()]).status,
            Status::Fail
        );
    }

    #[test]
    fn outcomes() {
        let v = |s: &[Status]| Verification {
            items: s
                .iter()
                .map(|&status| Item {
                    id: ItemId::Access,
                    status,
                    checks: vec![],
                })
                .collect(),
            notes: vec![],
        };
        assert_eq!(v(&[Status::Pass]).outcome(), Outcome::Pass);
        assert_eq!(
            v(&[Status::Pass, Status::Skipped]).outcome(),
            Outcome::Incomplete
        );
        assert_eq!(
            v(&[Status::Skipped, Status::Skipped]).outcome(),
            Outcome::NothingVerified
        );
        assert_eq!(v(&[Status::Skipped, Status::Fail]).outcome(), Outcome::Fail);
    }
}
