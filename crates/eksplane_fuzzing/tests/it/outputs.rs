//! Every rendered output of a loaded platform is well-formed, whatever its
//! names and values: the bundled examples with their names, namespaces and
//! labels replaced by hostile strings (`<script>`, `"&<>'`, `]]>`, quotes,
//! non-ASCII), loaded, checked and rendered. JSON parses and matches its
//! schema, SARIF validates against SARIF 2.1.0, the human report carries no
//! terminal escape it did not write, and HTML and SVG keep every
//! user-supplied string as text.

use crate::workspace_root;
use eksplane_fuzzing::check_and_render;
use eksplane_load::{LoadOptions, Loaded, load_bytes_files};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Strings chosen to break a renderer that does not escape.
const POOL: &[&str] = &[
    "<script>alert(1)</script>",
    "\"&<>'",
    "</svg><script>x</script>",
    "]]>&amp;",
    "a\"b'c",
    "<b onmouseover=\"x\">",
    "x</title><text>y",
    "&#x3C;not-an-entity",
    "tab\there",
    "über-naïve-名前",
    "\u{1b}[31mred\u{1b}[0m",
    "back\\slash",
    "{{ .Values.x }}",
];

fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(POOL).prop_map(str::to_string),
        "[<>&\"' a-z/]{1,12}",
        "[a-z]{1,4}[<>&\"'][a-z\\p{Greek}]{0,6}",
    ]
}

/// A hostile string that is not a Helm action: `{{ .Values.x }}` in a
/// value makes the file an unrendered template (LOAD007), by design.
fn no_helm_action() -> impl Strategy<Value = String> {
    hostile().prop_filter("a Helm action", |s| !s.contains("{{"))
}

/// The files of `examples/<name>` (relative names), optionally leaving some out.
fn example(name: &str, skip: &[&str]) -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                out.push(p);
            }
        }
    }
    let root = workspace_root();
    let mut paths = Vec::new();
    walk(&root.join("examples").join(name), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter(|p| !skip.iter().any(|s| p.ends_with(s)))
        .map(|p| {
            let text =
                std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let rel = p
                .strip_prefix(&root)
                .map(|r| r.display().to_string())
                .unwrap_or_default();
            (rel, text)
        })
        .collect()
}

/// Keys whose plain values are replaced (every occurrence of a value by the
/// same hostile string, so references between objects still hold).
const KEYS: &[&str] = &["name", "namespace", "app", "team", "tier"];

/// The key and plain value of a YAML line `  key: value` / `- key: value`.
fn key_value(line: &str) -> Option<(&str, &str, &str)> {
    let body = line.trim_start().trim_start_matches("- ");
    let (key, value) = body.split_once(": ")?;
    let value = value.trim();
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '/'));
    (KEYS.contains(&key) && plain).then(|| {
        let prefix_len = line.len() - body.len();
        (&line[..prefix_len], key, value)
    })
}

/// Files as the loader takes them: (name, bytes).
type Files = Vec<(String, Vec<u8>)>;

/// The example's YAML with every value of [`KEYS`] replaced by a hostile
/// string (distinct per value: `strings[i % n]` plus the index); the map
/// from each original value to its replacement.
fn hostile_files(
    files: &[(String, String)],
    strings: &[String],
) -> (Files, BTreeMap<String, String>) {
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Vec::new();
    for (name, text) in files {
        if !name.ends_with(".yaml") && !name.ends_with(".yml") {
            out.push((name.clone(), text.clone().into_bytes()));
            continue;
        }
        let mut new = String::new();
        for line in text.lines() {
            match key_value(line) {
                Some((prefix, key, value)) => {
                    let n = map.len();
                    let h = map
                        .entry(value.to_string())
                        .or_insert_with(|| format!("{}{n}", strings[n % strings.len()]))
                        .clone();
                    // A JSON string is a YAML double-quoted scalar.
                    let quoted = serde_json::to_string(&h).unwrap_or_default();
                    new.push_str(&format!("{prefix}{key}: {quoted}\n"));
                }
                None => {
                    new.push_str(line);
                    new.push('\n');
                }
            }
        }
        out.push((name.clone(), new.into_bytes()));
    }
    (out, map)
}

fn load(files: Vec<(String, Vec<u8>)>) -> Loaded {
    load_bytes_files(files, LoadOptions::default())
}

fn validator(path: &Path) -> jsonschema::Validator {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn errors(v: &jsonschema::Validator, doc: &serde_json::Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .take(10)
        .collect()
}

/// What an XML reader gets back from a value written as text.
fn xml_text(s: &str) -> String {
    s.chars()
        .map(|c| {
            if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// HTML-escaped as the renderers do it (`&`, `<`, `>`, `"`, `'`; controls
/// XML forbids as U+FFFD).
fn escaped(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&#39;".to_string(),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => "\u{fffd}".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// The element names an HTML or SVG text opens (`<name` ...).
fn tags(markup: &str) -> std::collections::BTreeSet<String> {
    markup
        .split('<')
        .skip(1)
        .map(|t| {
            t.trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
                .collect::<String>()
                .to_ascii_lowercase()
        })
        .collect()
}

/// No hostile value reaches `markup` unescaped, and every element is one the
/// renderer writes (none from a value).
fn assert_markup_escapes(markup: &str, values: &[&String], allowed: &[&str], what: &str) {
    for v in values {
        // A value opening a tag cannot appear in the markup by chance (one
        // of only `"`, `&` or `>` could: `height="22"`); the escaped form of
        // the namespaces is checked by the caller.
        if v.contains('<') {
            assert!(
                !markup.contains(v.as_str()),
                "{what}: {v:?} written unescaped"
            );
        }
    }
    for t in tags(markup) {
        assert!(
            allowed.contains(&t.as_str()),
            "{what}: element <{t}> from a value"
        );
    }
}

const SARIF_SCHEMA: &str = "../shared/data/sarif/sarif-schema-2.1.0.json";

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// `check` on platform-prod and ip-exhaustion with hostile names: every
    /// format well-formed, JSON and SARIF valid against their schemas.
    #[test]
    fn check_outputs_of_hostile_platforms_are_well_formed(
        strings in prop::collection::vec(hostile(), 1..6),
        which in 0usize..3,
    ) {
        let name = ["platform-prod", "ip-exhaustion", "upgrade-1.29"][which];
        let (files, map) = hostile_files(&example(name, &[]), &strings);
        let loaded = load(files);
        let out = check_and_render(&loaded, None);
        let root = workspace_root();
        let json_schema = validator(&root.join("docs/findings.schema.json"));
        let problems = errors(&json_schema, &out.json);
        prop_assert!(problems.is_empty(), "JSON: {problems:#?}");
        let sarif_schema = root.join(SARIF_SCHEMA);
        prop_assert!(sarif_schema.is_file(), "{} is part of the shared data", sarif_schema.display());
        let problems = errors(&validator(&sarif_schema), &out.sarif);
        prop_assert!(problems.is_empty(), "SARIF: {problems:#?}");
        // The human report without colour has no escape sequence: a value's
        // own ESC bytes would drive the reader's terminal.
        prop_assert!(!out.human.contains('\u{1b}'), "ESC in the human report");
        prop_assert!(!out.inventory.contains('\u{1b}'), "ESC in the inventory");
        // The hostile strings made it into the outputs (as JSON strings).
        let json = out.json.to_string();
        let inventory = out.inventory.clone();
        let shown = map.values().any(|h| {
            let quoted = serde_json::to_string(h).unwrap_or_default();
            json.contains(&quoted[1..quoted.len() - 1]) || inventory.contains(h.as_str())
        });
        prop_assert!(shown, "no output names a replaced value");
    }

    /// `ip-plan --svg`: a NetworkPlan whose subnet ids, names and zones are
    /// hostile renders SVG documents that parse as XML, hold the values as
    /// text, contain no element a value wrote, and are named so that no
    /// file lands outside the `--svg` directory.
    #[test]
    fn ip_plan_svgs_keep_hostile_subnet_values_as_text(
        ids in prop::collection::vec(no_helm_action(), 2..3),
        zone in no_helm_action(),
    ) {
        let subnet = |i: usize, cidr: &str| {
            format!(
                "    - {{id: {}, name: {}, zone: {}, cidr: {cidr}, role: node}}\n",
                serde_json::to_string(&format!("{}{i}", ids[i])).unwrap_or_default(),
                serde_json::to_string(&format!("n{}{i}", ids[i])).unwrap_or_default(),
                serde_json::to_string(&format!("{zone}{i}")).unwrap_or_default(),
            )
        };
        let plan = format!(
            "apiVersion: eksplane.io/v1alpha1\nkind: NetworkPlan\nmetadata:\n  name: {}\nspec:\n  vpc:\n    id: vpc-1\n    cidrs: [10.0.0.0/16]\n  subnets:\n{}{}  target:\n    pods: 300\n    podsPerNode: 30\n",
            serde_json::to_string(&ids[0]).unwrap_or_default(),
            subnet(0, "10.0.0.0/24"),
            subnet(1, "10.0.1.0/25"),
        );
        let loaded = load(vec![("plan.yaml".into(), plan.into_bytes())]);
        check_and_render(&loaded, None);
        prop_assert!(!loaded.has_input_errors(), "{:?}", loaded.findings);
        let catalog = eksplane_aws_data::Catalog::embedded();
        let (inputs, demand) = eksplane_facts::ip_inputs::plan_inputs(
            &loaded.platform,
            Some(&loaded.db),
            catalog,
            &eksplane_facts::ip_inputs::TargetArgs::default(),
        )
        .unwrap_or_else(|p| panic!("{p:?}"));
        let plan = eksplane_ipplan::plan(&inputs, catalog, &eksplane_ipplan::PlanOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let json = eksplane_report::ipplan::render_json(&plan, &demand);
        serde_json::from_str::<serde_json::Value>(&json).unwrap_or_else(|e| panic!("{e}"));
        let svgs = eksplane_report::ipplan::render_svgs(&plan);
        prop_assert_eq!(svgs.len(), 2);
        for (file, svg) in &svgs {
            prop_assert!(
                !file.contains(['/', '\\']) && !file.starts_with('.') && file.ends_with(".svg"),
                "{file:?} is not a plain file name"
            );
            let doc = roxmltree::Document::parse(svg)
                .unwrap_or_else(|e| panic!("{file}: not XML: {e}\n{svg}"));
            let elements: Vec<&str> = doc.descendants().filter(|n| n.is_element()).map(|n| n.tag_name().name()).collect();
            for e in &elements {
                prop_assert!(["svg", "rect", "text", "title"].contains(e), "{file}: element <{e}>");
            }
            // The text as the reader sees it: the values, with what XML
            // cannot hold shown as U+FFFD.
            let text: String = doc.descendants().filter_map(|n| n.text()).collect();
            let shown = |v: &str| text.contains(&xml_text(v));
            prop_assert!(
                plan.subnets.iter().any(|s| shown(&s.subnet_id)),
                "{file}: a subnet id as text"
            );
            let ours = (0..2).any(|j| shown(&format!("{}{j}", ids[j])) && shown(&format!("{zone}{j}")));
            prop_assert!(ours, "{file}: the hostile id and zone as text");
        }
    }
}

proptest! {
    // A simulated day per case: few cases.
    #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]

    /// `simulate --report`: namespaces, workload names and chargeback label
    /// values are hostile; the HTML page and its SVG charts keep them as
    /// text.
    #[test]
    fn simulation_html_keeps_hostile_names_as_text(
        strings in prop::collection::vec(hostile(), 1..5),
    ) {
        let (files, map) = hostile_files(&example("simulate", &["workload-profile.yaml"]), &strings);
        let loaded = load(files);
        check_and_render(&loaded, None);
        let catalog = eksplane_aws_data::Catalog::embedded();
        let spec = eksplane_sim::profile::spec_from_profiles(
            &loaded.platform,
            2 * 3600,
            &|p, _| Err(format!("no file {p}")),
            &|_| String::new(),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let mut inputs = eksplane_sim::SimInputs::new(&loaded.platform, catalog, spec)
            .unwrap_or_else(|e| panic!("{e}"));
        inputs.chargeback_label = Some("team".into());
        let opts = eksplane_sim::SimOptions {
            duration_seconds: 2 * 3600,
            step_seconds: 300,
            seed: 1,
            ..eksplane_sim::SimOptions::default()
        };
        let mut sim = eksplane_sim::Simulation::new(&inputs, &opts);
        while sim.now() < opts.duration_seconds {
            sim.tick();
        }
        let result = sim.finish();
        let view = eksplane_report::simulate::view(&result, opts.duration_seconds, 1, BTreeMap::new());
        let html = eksplane_report::simulate::render_html(&view);
        let values: Vec<&String> = map.values().collect();
        assert_markup_escapes(
            &html,
            &values,
            // The elements crates/eksplane_report/src/simulate.rs writes.
            &[
                "!doctype", "html", "head", "meta", "title", "style", "body", "main", "h1",
                "h2", "p", "div", "section", "table", "tr", "th", "td", "ul", "li", "svg",
                "line", "polygon", "polyline", "text",
            ],
            "simulation HTML",
        );
        // The namespaces the page charges are the hostile ones, escaped.
        let charged: Vec<&String> = view.summary.cost_by_namespace.keys().collect();
        prop_assert!(!charged.is_empty(), "the run charges namespaces");
        for ns in charged {
            prop_assert!(html.contains(&escaped(ns)), "namespace {ns:?} shown escaped");
        }
        let json = eksplane_report::simulate::render_json(&view);
        serde_json::from_str::<serde_json::Value>(&json).unwrap_or_else(|e| panic!("{e}"));
    }
}
