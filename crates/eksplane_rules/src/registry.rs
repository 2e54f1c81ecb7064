use eksplane_diagnostics::{Finding, RuleId, Severity};
use eksplane_facts::Facts;
use eksplane_source::Span;

/// A lint rule: a stable id, a title, a default severity, its documentation
/// (captured from the doc comment of its declaration) and its check.
#[derive(Debug)]
pub struct Rule {
    pub id: RuleId,
    /// kebab-case name, e.g. `config-map-auth-mode`.
    pub name: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub docs: RuleDocs,
    /// `None` for findings the loader emits (area `LOAD`) or the engine emits
    /// (area `CFG`): they are documented here but not run as checks.
    /// Rules read the platform and the facts derived from it once per run
    /// (`eksplane_facts::Facts`: node sources, effective CNI settings, the
    /// instance catalog, indexes), never deriving them again.
    pub check: Option<fn(&Facts<'_>) -> Vec<Finding>>,
}

impl Rule {
    /// Whether the engine runs this rule (loader and config rules are
    /// documentation only).
    pub fn runs(&self) -> bool {
        self.check.is_some()
    }
}

/// The rule's documentation, in markdown with fixed sections (`## What it
/// does`, `## Why it matters`, `## Example`, `## Fix`, `## References`).
#[derive(Debug, Clone, Copy)]
pub struct RuleDocs(pub &'static str);

impl RuleDocs {
    /// The text of one `## Section`, trimmed.
    pub fn section(&self, name: &str) -> Option<&'static str> {
        let head = format!("## {name}");
        let start = self.0.find(&head)? + head.len();
        let rest = &self.0[start..];
        let end = rest.find("\n## ").unwrap_or(rest.len());
        Some(rest[..end].trim())
    }

    /// The documentation as markdown (the one space after `///` removed).
    pub fn text(&self) -> String {
        let mut s: String = self
            .0
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n");
        s.push('\n');
        s
    }

    /// The first paragraph of "What it does": a one-line summary.
    pub fn summary(&self) -> &'static str {
        self.section("What it does")
            .and_then(|s| s.split("\n \n").next().or(Some(s)))
            .map(|s| s.split("\n\n").next().unwrap_or(s))
            .unwrap_or("")
    }
}

impl Rule {
    /// A finding of this rule at `span`, with its id, default severity and title.
    pub fn finding(&self, message: impl Into<String>, span: Span) -> Finding {
        Finding::new(self.id, self.severity, self.title, message, span)
    }
}

/// Declares a rule with its doc comment as documentation:
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub RULE = ("KAR001", "node-pool-without-limits", Warning,
///                 "NodePool without limits", Some(check));
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* pub $name:ident = ($id:literal, $slug:literal, $sev:ident, $title:literal, $check:expr);) => {
        pub static $name: $crate::Rule = $crate::Rule {
            id: eksplane_diagnostics::RuleId($id),
            name: $slug,
            severity: eksplane_diagnostics::Severity::$sev,
            title: $title,
            docs: $crate::RuleDocs(concat!($($doc, "\n"),*)),
            check: $check,
        };
    };
    ($(#[doc = $doc:literal])* pub $name:ident = ($id:literal, $slug:literal, $sev:ident, $title:literal, catalog $check:expr);) => {
        pub static $name: $crate::Rule = $crate::Rule {
            id: eksplane_diagnostics::RuleId($id),
            name: $slug,
            severity: eksplane_diagnostics::Severity::$sev,
            title: $title,
            docs: $crate::RuleDocs(concat!($($doc, "\n"),*)),
            check: Some($check),
        };
    };
}

/// Every rule, in id order.
pub fn all() -> Vec<&'static Rule> {
    let mut v: Vec<&'static Rule> = crate::rules::AREAS
        .iter()
        .flat_map(|a| a.iter().copied())
        .collect();
    v.sort_by_key(|r| r.id);
    v
}

/// A rule by id (`KAR001`) or name (`node-pool-without-limits`), case-insensitive.
pub fn find(key: &str) -> Option<&'static Rule> {
    all()
        .into_iter()
        .find(|r| r.id.as_str().eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

/// Where `docs/rules.md` is published: the workspace's `repository` URL.
/// Each rule has an anchor there ([`Rule::doc_url`]).
pub const DOCS_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/rules.md");

impl Rule {
    /// The rule's section of the published `docs/rules.md`
    /// (`.../docs/rules.md#kar001`).
    pub fn doc_url(&self) -> String {
        format!("{DOCS_URL}#{}", self.id.as_str().to_ascii_lowercase())
    }
}

/// The rule a mistyped id or name most likely means: the same area and
/// number written differently (`KAR01`, `kar-1` -> KAR001), else an id or
/// name a few edits away. `None` when nothing is close.
pub fn suggest(key: &str) -> Option<&'static Rule> {
    let key = key.trim();
    let upper = key.to_ascii_uppercase();
    let letters: String = upper
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let digits: String = upper[letters.len()..]
        .chars()
        .filter(|c| c.is_ascii_digit())
        .collect();
    if !letters.is_empty()
        && let Ok(n) = digits.parse::<u32>()
        && let Some(r) = all().into_iter().find(|r| {
            r.id.area() == letters && r.id.as_str()[letters.len()..].parse::<u32>().ok() == Some(n)
        })
    {
        return Some(r);
    }
    let lower = key.to_ascii_lowercase();
    all()
        .into_iter()
        .flat_map(|r| {
            [
                (edit_distance(&upper, r.id.as_str()), r.id.as_str().len(), r),
                (edit_distance(&lower, r.name), r.name.len(), r),
            ]
        })
        .filter(|(d, len, _)| *d <= (len / 3).max(1))
        .min_by_key(|(d, _, r)| (*d, r.id))
        .map(|(_, _, r)| r)
}

/// "unknown rule `X`; did you mean `Y` (name)?" for a key no rule matches.
pub fn unknown_rule_message(key: &str) -> String {
    match suggest(key) {
        Some(r) => format!("unknown rule {key:?}: did you mean {} ({})?", r.id, r.name),
        None => format!("unknown rule {key:?} (`eksplane rules` lists them)"),
    }
}

/// The rules a selector names: an id (`KAR001`), a name
/// (`node-pool-without-limits`), an area (`KAR`) or `ALL`, case-insensitive;
/// an error with a suggestion otherwise.
pub fn select(key: &str) -> Result<Vec<&'static Rule>, String> {
    if let Some(r) = find(key) {
        return Ok(vec![r]);
    }
    let upper = key.trim().to_ascii_uppercase();
    let rules: Vec<&'static Rule> = all()
        .into_iter()
        .filter(|r| upper == "ALL" || r.id.area() == upper)
        .collect();
    if rules.is_empty() {
        Err(unknown_rule_message(key))
    } else {
        Ok(rules)
    }
}

/// Levenshtein distance over bytes (ids and names are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// `docs/rules.md`: every rule's documentation, generated from the doc
/// comments (a test keeps the committed file in step).
pub fn docs_markdown() -> String {
    let mut s = String::from(
        "<!-- Generated from the rules' doc comments by `UPDATE_DOCS=1 cargo test -p eksplane_rules`; do not edit. -->\n\n# eksplane rules\n\n",
    );
    s.push_str("| id | name | default severity | title |\n|---|---|---|---|\n");
    for r in all() {
        s.push_str(&format!(
            "| [{id}](#{lower}) | `{name}` | {sev} | {title} |\n",
            id = r.id,
            lower = r.id.as_str().to_ascii_lowercase(),
            name = r.name,
            sev = r.severity,
            title = r.title
        ));
    }
    for r in all() {
        s.push_str(&format!(
            "\n## {}\n\n`{}` · default severity **{}** · {}\n\n",
            r.id, r.name, r.severity, r.title
        ));
        // Sections become level-3 headings under the rule.
        for line in r.docs.text().lines() {
            match line.strip_prefix("## ") {
                Some(h) => s.push_str(&format!("### {h}\n")),
                None => {
                    s.push_str(line);
                    s.push('\n');
                }
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn ids_and_names_are_unique_and_well_formed() {
        let rules = all();
        let ids: BTreeSet<_> = rules.iter().map(|r| r.id).collect();
        let names: BTreeSet<_> = rules.iter().map(|r| r.name).collect();
        assert_eq!(ids.len(), rules.len(), "duplicate rule id");
        assert_eq!(names.len(), rules.len(), "duplicate rule name");
        for r in rules {
            let id = r.id.as_str();
            assert!(
                id.len() >= 5 && id[r.id.area().len()..].chars().all(|c| c.is_ascii_digit()),
                "{id}"
            );
            for s in ["What it does", "Why it matters", "Fix"] {
                assert!(r.docs.section(s).is_some(), "{id} lacks ## {s}");
            }
        }
    }

    #[test]
    fn near_misses_suggest_the_rule() {
        let id = |k: &str| suggest(k).map(|r| r.id.as_str());
        assert_eq!(id("KAR01"), Some("KAR001"));
        assert_eq!(id("kar1"), Some("KAR001"));
        assert_eq!(id("node-pool-without-limit"), Some("KAR001"));
        assert_eq!(id("KRA001"), Some("KAR001"));
        assert_eq!(id("zzzzzzzzzz"), None);
        assert!(unknown_rule_message("KAR01").contains("did you mean KAR001"));
        assert_eq!(
            select("kar").map(|v| v.len()).ok(),
            Some(all().iter().filter(|r| r.id.area() == "KAR").count())
        );
        assert!(select("KAR01").is_err_and(|e| e.contains("KAR001")));
        // The anchor is the lower-cased id: docs/rules.md's `## KAR001` heading.
        let r = find("KAR001").unwrap_or_else(|| panic!("KAR001"));
        assert!(
            r.doc_url().ends_with("/docs/rules.md#kar001"),
            "{}",
            r.doc_url()
        );
        assert!(docs_markdown().contains("\n## KAR001\n"));
    }
}
