//! AWS IAM output shapes (`aws iam ... --output json`). Member names follow
//! botocore `data/iam/2010-05-08/service-2.json` (shapes `GetRoleResponse`, `Role`,
//! `AttachedPermissionsBoundary`, `RoleLastUsed`, `Tag`), botocore 1.43.
//!
//! `AssumeRolePolicyDocument` is a string in the API (`policyDocumentType`):
//! URL-encoded JSON text ("You can use a URL decoding method to convert the policy
//! back to plain JSON text", IAM API reference, `Role`). The AWS CLI decodes it and
//! prints an object. [`PolicyDocument`] reads both. The policy grammar (a single
//! statement or a list; `Principal` `"*"` or a map of string-or-list; `Action`
//! string-or-list; `Condition` operator -> key -> string-or-list) is from the IAM
//! User Guide, "Grammar of the IAM JSON policy language"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>).

use super::{Tag, Timestamp, tag_value};
use eksplane_source::Spanned;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor, value::MapAccessDeserializer};
use std::collections::BTreeMap;
use std::fmt;

/// The service principal EKS Pod Identity assumes roles as
/// (<https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html>).
pub const POD_IDENTITY_SERVICE: &str = "pods.eks.amazonaws.com";
/// Pod Identity needs both actions in the trust policy (same page).
pub const POD_IDENTITY_ACTIONS: &[&str] = &["sts:AssumeRole", "sts:TagSession"];
/// The action an IRSA trust policy allows
/// (<https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>).
pub const IRSA_ACTION: &str = "sts:AssumeRoleWithWebIdentity";
/// The audience of IRSA tokens (same page).
pub const IRSA_AUDIENCE: &str = "sts.amazonaws.com";

/// `aws iam get-role` (shape `GetRoleResponse`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRoleOutput {
    pub role: Option<Spanned<Role>>,
}

impl GetRoleOutput {
    pub const TOP_LEVEL_KEY: &'static str = "Role";
}

/// Shape `Role`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Role {
    pub path: Option<String>,
    pub role_name: Option<Spanned<String>>,
    pub role_id: Option<String>,
    pub arn: Option<Spanned<String>>,
    pub create_date: Option<Timestamp>,
    /// The trust policy: an object (CLI output) or URL-encoded JSON text (API).
    /// Statements read from text carry the span of the whole text.
    #[serde(default, deserialize_with = "spanned_policy_document")]
    pub assume_role_policy_document: Option<Spanned<PolicyDocument>>,
    pub description: Option<String>,
    /// Seconds.
    pub max_session_duration: Option<i64>,
    pub permissions_boundary: Option<AttachedPermissionsBoundary>,
    #[serde(default)]
    pub tags: Vec<Spanned<Tag>>,
    pub role_last_used: Option<RoleLastUsed>,
}

/// Shape `AttachedPermissionsBoundary`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPermissionsBoundary {
    pub permissions_boundary_type: Option<String>,
    pub permissions_boundary_arn: Option<String>,
}

/// Shape `RoleLastUsed`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleLastUsed {
    pub last_used_date: Option<Timestamp>,
    pub region: Option<String>,
}

/// What an IRSA trust statement admits: the OIDC provider it pins and the
/// `sub`/`aud` conditions on that provider's tokens.
#[derive(Debug, Clone)]
pub struct OidcTrust<'a> {
    /// e.g. `oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`.
    pub provider: &'a str,
    pub statement: &'a Spanned<Statement>,
    /// `(operator, pattern)` for the `<provider>:sub` key, e.g.
    /// `("StringEquals", "system:serviceaccount:ns:name")`.
    pub subjects: Vec<(&'a str, &'a str)>,
    /// Values of the `<provider>:aud` key.
    pub audiences: Vec<&'a str>,
}

impl OidcTrust<'_> {
    /// Whether a token of service account `namespace/name` satisfies the `sub`
    /// conditions (`StringEquals` exactly, `StringLike` as a glob). With no `sub`
    /// condition every service account of the cluster is admitted.
    pub fn admits_service_account(&self, namespace: &str, name: &str) -> bool {
        let subject = format!("system:serviceaccount:{namespace}:{name}");
        let positive: Vec<_> = self
            .subjects
            .iter()
            .filter(|(op, _)| !op.contains("Not"))
            .collect();
        positive.is_empty()
            || positive.iter().any(|(op, pattern)| {
                if op.contains("Like") {
                    glob_match(pattern, &subject, false)
                } else {
                    *pattern == subject
                }
            })
    }
}

impl Role {
    pub fn name(&self) -> Option<&str> {
        self.role_name.as_ref().map(|s| s.value.as_str())
    }

    pub fn arn(&self) -> Option<&str> {
        self.arn.as_ref().map(|s| s.value.as_str())
    }

    pub fn tag(&self, key: &str) -> Option<&str> {
        tag_value(&self.tags, key)
    }

    /// The trust policy's statements (none when it was not in the snapshot).
    pub fn trust_statements(&self) -> &[Spanned<Statement>] {
        self.assume_role_policy_document
            .as_ref()
            .map(|d| d.value.statements.as_slice())
            .unwrap_or(&[])
    }

    fn allow_statements(&self) -> impl Iterator<Item = &Spanned<Statement>> {
        self.trust_statements().iter().filter(|s| s.is_allow())
    }

    /// Every `(kind, value)` principal the `Allow` statements of the trust policy
    /// name: `("Service", "pods.eks.amazonaws.com")`, `("Federated", "arn:...")`,
    /// `("AWS", "arn:...")`, or `("*", "*")` for `"Principal": "*"`.
    pub fn trust_principals(&self) -> Vec<(&str, &str)> {
        self.allow_statements()
            .filter_map(|s| s.principal.as_ref())
            .flat_map(Principal::entries)
            .collect()
    }

    /// Whether an `Allow` statement names `service` as a `Service` principal.
    pub fn trusts_service(&self, service: &str) -> bool {
        self.allow_statements().any(|s| s.names_service(service))
    }

    /// Whether one `Allow` statement both names `service` as a principal and
    /// allows `action` (wildcards in the policy honoured), e.g.
    /// `("pods.eks.amazonaws.com", "sts:TagSession")`.
    pub fn allows_action_for_service(&self, service: &str, action: &str) -> bool {
        self.allow_statements()
            .any(|s| s.names_service(service) && s.matches_action(action))
    }

    /// The OIDC providers the trust policy's `Allow` statements federate with, as
    /// written after `:oidc-provider/` in `Federated` principals, e.g.
    /// `oidc.eks.us-east-1.amazonaws.com/id/ABC`: the cluster issuers an IRSA role pins.
    pub fn oidc_providers(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .trust_principals()
            .into_iter()
            .filter(|(kind, _)| *kind == "Federated")
            .filter_map(|(_, arn)| oidc_provider_of(arn))
            .collect();
        v.dedup();
        v
    }

    /// The IRSA trusts of the policy: one per `Allow` statement and OIDC provider.
    pub fn oidc_trusts(&self) -> Vec<OidcTrust<'_>> {
        let mut out = Vec::new();
        for st in self.allow_statements() {
            let Some(principal) = st.principal.as_ref() else {
                continue;
            };
            for (kind, arn) in principal.entries() {
                if kind != "Federated" {
                    continue;
                }
                let Some(provider) = oidc_provider_of(arn) else {
                    continue;
                };
                let mut subjects = Vec::new();
                let mut audiences = Vec::new();
                for (op, key, values) in st.conditions() {
                    let Some((prefix, claim)) = key.rsplit_once(':') else {
                        continue;
                    };
                    if !prefix.eq_ignore_ascii_case(provider) {
                        continue;
                    }
                    match claim {
                        "sub" => subjects.extend(values.iter().map(|v| (op, v.as_str()))),
                        "aud" => audiences.extend(values.iter().map(String::as_str)),
                        _ => {}
                    }
                }
                out.push(OidcTrust {
                    provider,
                    statement: st,
                    subjects,
                    audiences,
                });
            }
        }
        out
    }
}

/// The provider part of an IAM OIDC provider ARN
/// (`arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC`).
pub fn oidc_provider_of(arn: &str) -> Option<&str> {
    arn.split_once(":oidc-provider/")
        .map(|(_, p)| p)
        .filter(|p| !p.is_empty())
}

/// An IAM policy document. Reads an object, or JSON text (URL-encoded or not).
#[derive(Debug, Clone, Default)]
pub struct PolicyDocument {
    pub version: Option<String>,
    pub id: Option<String>,
    /// Always a list, whether the policy wrote one statement or several.
    pub statements: Vec<Spanned<Statement>>,
    /// Read from text (the API's URL-encoded form) rather than an object.
    pub from_text: bool,
}

impl PolicyDocument {
    /// Parses policy JSON text, URL-decoding it first unless it already starts
    /// with `{`. Statements get detached spans.
    pub fn parse_text(text: &str) -> Result<PolicyDocument, String> {
        let decoded;
        let json = if text.trim_start().starts_with('{') {
            text
        } else {
            decoded = url_decode(text)?;
            &decoded
        };
        let plain: PlainDocument = serde_json::from_str(json)
            .map_err(|e| format!("the policy document is not valid policy JSON: {e}"))?;
        Ok(PolicyDocument {
            version: plain.version,
            id: plain.id,
            statements: plain
                .statement
                .0
                .into_iter()
                .map(Spanned::detached)
                .collect(),
            from_text: true,
        })
    }
}

impl<'de> Deserialize<'de> for PolicyDocument {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PolicyDocument;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an IAM policy document (an object, or JSON text, URL-encoded or not)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PolicyDocument, E> {
                PolicyDocument::parse_text(v).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<PolicyDocument, A::Error> {
                let mut doc = PolicyDocument::default();
                while let Some(k) = m.next_key::<String>()? {
                    match k.as_str() {
                        "Version" => doc.version = m.next_value()?,
                        "Id" => doc.id = m.next_value()?,
                        "Statement" => {
                            let list: Spanned<StatementList> = m.next_value()?;
                            let span = list.span;
                            doc.statements = match list.value {
                                StatementList::One(s) => vec![Spanned::new(*s, span)],
                                StatementList::Many(v) => v,
                            };
                        }
                        _ => {
                            m.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(doc)
            }
        }
        d.deserialize_any(V)
    }
}

/// Gives statements read from text the span of the text.
fn spanned_policy_document<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Spanned<PolicyDocument>>, D::Error> {
    let doc: Option<Spanned<PolicyDocument>> = Option::deserialize(d)?;
    Ok(doc.map(|mut doc| {
        let span = doc.span;
        for s in &mut doc.value.statements {
            if s.span.is_detached() {
                s.span = span;
            }
        }
        doc
    }))
}

/// `Statement` as written: one object or a list (with positions).
enum StatementList {
    One(Box<Statement>),
    Many(Vec<Spanned<Statement>>),
}

impl<'de> Deserialize<'de> for StatementList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StatementList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a statement or a list of statements")
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<StatementList, A::Error> {
                Statement::deserialize(MapAccessDeserializer::new(m))
                    .map(|s| StatementList::One(Box::new(s)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<StatementList, A::Error> {
                let mut v = Vec::new();
                while let Some(st) = s.next_element::<Spanned<Statement>>()? {
                    v.push(st);
                }
                Ok(StatementList::Many(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<StatementList, E> {
                Ok(StatementList::Many(Vec::new()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A policy document from text, without positions.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PlainDocument {
    version: Option<String>,
    id: Option<String>,
    #[serde(default)]
    statement: PlainStatements,
}

#[derive(Default)]
struct PlainStatements(Vec<Statement>);

impl<'de> Deserialize<'de> for PlainStatements {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PlainStatements;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a statement or a list of statements")
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<PlainStatements, A::Error> {
                Statement::deserialize(MapAccessDeserializer::new(m))
                    .map(|s| PlainStatements(vec![s]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<PlainStatements, A::Error> {
                let mut v = Vec::new();
                while let Some(st) = s.next_element::<Statement>()? {
                    v.push(st);
                }
                Ok(PlainStatements(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<PlainStatements, E> {
                Ok(PlainStatements::default())
            }
        }
        d.deserialize_any(V)
    }
}

/// One policy statement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Statement {
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    pub effect: Option<String>,
    pub principal: Option<Principal>,
    pub not_principal: Option<Principal>,
    #[serde(default)]
    pub action: OneOrMany,
    #[serde(default)]
    pub not_action: OneOrMany,
    #[serde(default)]
    pub resource: OneOrMany,
    #[serde(default)]
    pub not_resource: OneOrMany,
    /// Operator (`StringEquals`, `StringLike`, ...) -> condition key -> values.
    #[serde(default)]
    pub condition: BTreeMap<String, BTreeMap<String, OneOrMany>>,
}

impl Statement {
    pub fn is_allow(&self) -> bool {
        self.effect
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case("Allow"))
    }

    /// The `Action` values as written.
    pub fn actions(&self) -> &[String] {
        &self.action.0
    }

    /// Whether the statement applies to `action` (`sts:TagSession`): some `Action`
    /// pattern matches it, or no `NotAction` pattern does. Actions compare
    /// case-insensitively, with `*` and `?` wildcards (IAM User Guide, "IAM JSON
    /// policy elements: Action").
    pub fn matches_action(&self, action: &str) -> bool {
        if !self.action.0.is_empty() {
            self.action.0.iter().any(|p| glob_match(p, action, true))
        } else if !self.not_action.0.is_empty() {
            !self
                .not_action
                .0
                .iter()
                .any(|p| glob_match(p, action, true))
        } else {
            false
        }
    }

    /// The principals as `(kind, value)` pairs.
    pub fn principals(&self) -> Vec<(&str, &str)> {
        self.principal
            .as_ref()
            .map(Principal::entries)
            .unwrap_or_default()
    }

    /// Whether `Principal.Service` names `service` (case-insensitively).
    pub fn names_service(&self, service: &str) -> bool {
        self.principals()
            .iter()
            .any(|(k, v)| *k == "Service" && v.eq_ignore_ascii_case(service))
    }

    /// Every condition as `(operator, key, values)`.
    pub fn conditions(&self) -> Vec<(&str, &str, &[String])> {
        self.condition
            .iter()
            .flat_map(|(op, keys)| {
                keys.iter()
                    .map(move |(k, v)| (op.as_str(), k.as_str(), v.0.as_slice()))
            })
            .collect()
    }

    /// The `(operator, values)` of condition key `key` (keys compare
    /// case-insensitively, as IAM does).
    pub fn condition_values(&self, key: &str) -> Vec<(&str, &[String])> {
        self.conditions()
            .into_iter()
            .filter(|(_, k, _)| k.eq_ignore_ascii_case(key))
            .map(|(op, _, v)| (op, v))
            .collect()
    }
}

/// `Principal` / `NotPrincipal`: `"*"` or a map of kind (`AWS`, `Service`,
/// `Federated`, `CanonicalUser`) to one or more values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `"Principal": "*"`: anyone.
    Any,
    Map(BTreeMap<String, OneOrMany>),
}

impl Principal {
    /// `(kind, value)` pairs; `("*", "*")` for [`Principal::Any`].
    pub fn entries(&self) -> Vec<(&str, &str)> {
        match self {
            Principal::Any => vec![("*", "*")],
            Principal::Map(m) => m
                .iter()
                .flat_map(|(k, v)| v.0.iter().map(move |x| (k.as_str(), x.as_str())))
                .collect(),
        }
    }

    /// `"*"`, or `{"AWS": "*"}`: any principal.
    pub fn is_anyone(&self) -> bool {
        match self {
            Principal::Any => true,
            Principal::Map(m) => m.get("AWS").is_some_and(|v| v.0.iter().any(|x| x == "*")),
        }
    }
}

impl<'de> Deserialize<'de> for Principal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Principal;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"*\" or a map of principal kinds to values")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Principal, E> {
                if v == "*" {
                    Ok(Principal::Any)
                } else {
                    // Not in the grammar; read as an AWS principal rather than fail.
                    let mut m = BTreeMap::new();
                    m.insert("AWS".to_string(), OneOrMany(vec![v.to_string()]));
                    Ok(Principal::Map(m))
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Principal, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(k) = m.next_key::<String>()? {
                    let v: OneOrMany = m.next_value()?;
                    out.insert(k, v);
                }
                Ok(Principal::Map(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A policy value written as one string or a list of strings. Booleans and
/// numbers (legal in condition values) are kept as their text; `null` is empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OneOrMany(pub Vec<String>);

impl OneOrMany {
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    pub fn iter(&self) -> std::slice::Iter<'_, String> {
        self.0.iter()
    }

    pub fn contains(&self, s: &str) -> bool {
        self.0.iter().any(|x| x == s)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A scalar read as text.
struct ScalarText(String);

struct ScalarVisitor;

impl Visitor<'_> for ScalarVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

impl<'de> Deserialize<'de> for ScalarText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor).map(ScalarText)
    }
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<OneOrMany, E> {
                ScalarVisitor.visit_bool(v).map(|s| OneOrMany(vec![s]))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<OneOrMany, E> {
                ScalarVisitor.visit_i64(v).map(|s| OneOrMany(vec![s]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<OneOrMany, E> {
                ScalarVisitor.visit_u64(v).map(|s| OneOrMany(vec![s]))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<OneOrMany, E> {
                ScalarVisitor.visit_f64(v).map(|s| OneOrMany(vec![s]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<OneOrMany, E> {
                Ok(OneOrMany::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<OneOrMany, E> {
                Ok(OneOrMany::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<OneOrMany, A::Error> {
                let mut v = Vec::new();
                while let Some(ScalarText(x)) = s.next_element()? {
                    v.push(x);
                }
                Ok(OneOrMany(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// Matches `text` against a pattern with `*` (any run) and `?` (any one character).
pub fn glob_match(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let norm = |s: &str| -> Vec<char> {
        if ignore_case {
            s.to_lowercase().chars().collect()
        } else {
            s.chars().collect()
        }
    };
    let (p, t) = (norm(pattern), norm(text));
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Decodes `%XX` escapes and `+` (space), as `java.net.URLDecoder` does for the
/// IAM API's policy documents.
fn url_decode(s: &str) -> Result<String, String> {
    fn hex(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let v = bytes
                    .get(i + 1)
                    .and_then(|&h| hex(h))
                    .zip(bytes.get(i + 2).and_then(|&l| hex(l)))
                    .map(|(h, l)| h * 16 + l)
                    .ok_or_else(|| format!("bad URL escape at byte {i} of the policy document"))?;
                out.push(v);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| "the URL-decoded policy document is not UTF-8".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::test_support::decode;

    const IRSA_ROLE: &str = r#"{
    "Role": {
        "Path": "/",
        "RoleName": "report-irsa",
        "RoleId": "AROAEXAMPLEID1234567",
        "Arn": "arn:aws:iam::111122223333:role/report-irsa",
        "CreateDate": "2024-02-01T08:00:00+00:00",
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {
                        "Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
                    },
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                        "StringEquals": {
                            "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:reporting:report-sa",
                            "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com"
                        }
                    }
                },
                {
                    "Effect": "Deny",
                    "Principal": {"Service": "pods.eks.amazonaws.com"},
                    "Action": "sts:*"
                }
            ]
        },
        "Description": "reporting IRSA",
        "MaxSessionDuration": 3600,
        "Tags": [{"Key": "team", "Value": "data"}],
        "RoleLastUsed": {"LastUsedDate": "2024-06-01T00:00:00+00:00", "Region": "us-east-1"}
    }
}"#;

    #[test]
    fn get_role_with_object_trust_policy() {
        let out: GetRoleOutput = decode(IRSA_ROLE);
        let role = out.role.unwrap_or_else(|| panic!("role"));
        assert_eq!(role.span.start.line, 2);
        assert_eq!(role.name(), Some("report-irsa"));
        assert_eq!(role.role_name.as_ref().map(|n| n.span.start.line), Some(4));
        assert_eq!(
            role.arn(),
            Some("arn:aws:iam::111122223333:role/report-irsa")
        );
        assert_eq!(role.tag("team"), Some("data"));
        let doc = role
            .assume_role_policy_document
            .as_ref()
            .unwrap_or_else(|| panic!("doc"));
        assert_eq!(doc.span.start.line, 8);
        assert!(!doc.from_text);
        assert_eq!(doc.version.as_deref(), Some("2012-10-17"));
        assert_eq!(doc.statements.len(), 2);
        assert_eq!(doc.statements[0].span.start.line, 11);
        assert_eq!(doc.statements[1].span.start.line, 24);
        assert_eq!(
            doc.statements[0].actions(),
            ["sts:AssumeRoleWithWebIdentity"]
        );

        let provider = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
        assert_eq!(role.oidc_providers(), vec![provider]);
        // The Deny statement does not count as trust.
        assert!(!role.trusts_service(POD_IDENTITY_SERVICE));
        assert_eq!(role.trust_principals().len(), 1);
        let trusts = role.oidc_trusts();
        assert_eq!(trusts.len(), 1);
        assert_eq!(trusts[0].provider, provider);
        assert_eq!(
            trusts[0].subjects,
            vec![("StringEquals", "system:serviceaccount:reporting:report-sa")]
        );
        assert_eq!(trusts[0].audiences, vec![IRSA_AUDIENCE]);
        assert!(trusts[0].admits_service_account("reporting", "report-sa"));
        assert!(!trusts[0].admits_service_account("reporting", "other"));
        assert_eq!(trusts[0].statement.span.start.line, 11);
        let sub_key = format!("{provider}:SUB");
        assert_eq!(doc.statements[0].condition_values(&sub_key).len(), 1);
    }

    #[test]
    fn get_role_with_url_encoded_trust_policy() {
        let text = r#"{"Role": {
  "RoleName": "checkout-app",
  "Arn": "arn:aws:iam::111122223333:role/checkout-app",
  "AssumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Sid%22%3A%22AllowEksAuthToAssumeRoleForPodIdentity%22%2C%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22pods.eks.amazonaws.com%22%7D%2C%22Action%22%3A%5B%22sts%3AAssumeRole%22%2C%22sts%3ATagSession%22%5D%7D%5D%7D"
}}"#;
        let out: GetRoleOutput = decode(text);
        let role = out.role.unwrap_or_else(|| panic!("role"));
        let doc = role
            .assume_role_policy_document
            .as_ref()
            .unwrap_or_else(|| panic!("doc"));
        assert!(doc.from_text);
        assert_eq!(doc.span.start.line, 4);
        assert_eq!(doc.statements.len(), 1);
        // Statements from text point at the text.
        assert_eq!(doc.statements[0].span.start.line, 4);
        assert_eq!(
            doc.statements[0].sid.as_deref(),
            Some("AllowEksAuthToAssumeRoleForPodIdentity")
        );
        assert!(role.trusts_service(POD_IDENTITY_SERVICE));
        for action in POD_IDENTITY_ACTIONS {
            assert!(
                role.allows_action_for_service(POD_IDENTITY_SERVICE, action),
                "{action}"
            );
        }
        assert!(!role.allows_action_for_service(POD_IDENTITY_SERVICE, IRSA_ACTION));
        assert!(!role.allows_action_for_service("ec2.amazonaws.com", "sts:AssumeRole"));
        assert_eq!(
            role.trust_principals(),
            vec![("Service", POD_IDENTITY_SERVICE)]
        );
        assert!(role.oidc_providers().is_empty());
    }

    #[test]
    fn form_encoded_and_plain_text_policies() {
        let plus = "%7B%22Version%22%3A+%222012-10-17%22%2C+%22Statement%22%3A+%7B%22Effect%22%3A+%22Allow%22%2C+%22Principal%22%3A+%22*%22%2C+%22Action%22%3A+%22sts%3A*%22%7D%7D";
        let doc = PolicyDocument::parse_text(plus).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(doc.statements.len(), 1);
        assert_eq!(doc.statements[0].principal, Some(Principal::Any));
        assert!(doc.statements[0].matches_action("STS:TagSession"));
        assert!(
            doc.statements[0]
                .principal
                .as_ref()
                .is_some_and(Principal::is_anyone)
        );

        let plain = r#"{"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Principal": {"AWS": ["arn:aws:iam::1:root", "arn:aws:iam::2:root"]}, "Condition": {"Bool": {"aws:SecureTransport": true}}}]}"#;
        let doc = PolicyDocument::parse_text(plain).unwrap_or_else(|e| panic!("{e}"));
        let st = &doc.statements[0];
        assert!(st.matches_action("sts:AssumeRole"));
        assert!(!st.matches_action("iam:PassRole"));
        assert_eq!(st.principals().len(), 2);
        assert_eq!(
            st.condition_values("aws:securetransport"),
            vec![("Bool", ["true".to_string()].as_slice())]
        );

        assert!(PolicyDocument::parse_text("%7B%ZZ").is_err());
        assert!(PolicyDocument::parse_text("not json").is_err());
    }

    #[test]
    fn single_statement_object_and_bad_document() {
        let text = "Role:\n  AssumeRolePolicyDocument:\n    Statement:\n      Effect: Allow\n      Principal: {Service: [ec2.amazonaws.com, pods.eks.amazonaws.com]}\n      Action: [sts:AssumeRole]\n";
        let out: GetRoleOutput = decode(text);
        let role = out.role.unwrap_or_else(|| panic!("role"));
        assert!(role.trusts_service("EC2.amazonaws.com"));
        assert!(role.allows_action_for_service(POD_IDENTITY_SERVICE, "sts:AssumeRole"));
        assert!(!role.allows_action_for_service(POD_IDENTITY_SERVICE, "sts:TagSession"));
        assert_eq!(role.trust_statements()[0].span.start.line, 4);

        let n = crate::aws::test_support::root(
            "{\"Role\": {\"AssumeRolePolicyDocument\": \"%7Bnope\"}}",
        );
        let e = eksplane_source::decode::<GetRoleOutput>(&n)
            .err()
            .unwrap_or_else(|| panic!("should fail"));
        assert!(e.path.contains("AssumeRolePolicyDocument"), "{}", e.path);
    }

    #[test]
    fn globs() {
        assert!(glob_match("sts:*", "sts:TagSession", false));
        assert!(glob_match("*", "", false));
        assert!(glob_match(
            "system:serviceaccount:ns:*",
            "system:serviceaccount:ns:a",
            false
        ));
        assert!(!glob_match(
            "system:serviceaccount:ns:*",
            "system:serviceaccount:other:a",
            false
        ));
        assert!(glob_match("a?c", "abc", false));
        assert!(!glob_match("a?c", "ac", false));
        assert!(glob_match("*a*b", "xxaxxb", false));
        assert!(!glob_match("ab", "AB", false));
        assert!(glob_match("ab", "AB", true));
    }
}
