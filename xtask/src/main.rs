//! Project automation. `cargo xtask gen-data [--shared DIR] [--moto-json FILE] [--check]`
//! regenerates the embedded data of `eksplane_aws_data` from AWS-format inputs:
//!
//! - the moto PyPI package's `moto/ec2/resources/instance_types.json.gz`
//!   (DescribeInstanceTypes output), found with `python3 -c 'import moto'`
//!   and decompressed with `gzip -dc` (or `--moto-json` for a plain JSON file);
//! - `../shared/data/karpenter-provider-aws/vpc-limits.csv` (trunk / branch
//!   ENIs, and network facts for the types moto lacks);
//! - `../shared/data/amazon-vpc-cni-k8s/vpc_ip_resource_limit.go` (network
//!   facts for the types neither of those lists);
//! - `../shared/data/karpenter-provider-aws/instance-types.md` (vCPUs, memory
//!   and architecture for the types the DescribeInstanceTypes snapshot lacks);
//! - `../shared/data/karpenter-provider-aws/on-demand-prices.csv` (us-east-1).
//!
//! Each written file records its sources and the generation date in a header.
//! `--check` regenerates in memory and fails if a committed file differs
//! (ignoring the `generated:` date line).
//!
//! `cargo xtask man [--check]` writes the man pages, `docs/man/eksplane.1` and
//! one `eksplane-COMMAND.1` per subcommand, from the binary's clap
//! definitions (clap_mangen); `--check` fails if a committed page is stale
//! (a test runs it).

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "xtask is a command-line tool: it reports to the terminal"
)]

use anyhow::{Context, Result, bail};
use eksplane_aws_data::{Catalog, FactSource, PRICE_REGION, sources, tables};
use std::collections::BTreeMap;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("gen-data") => gen_data(&args[1..]),
        Some("man") => man(args.get(1).map(String::as_str) == Some("--check")),
        _ => {
            eprintln!(
                "usage: cargo xtask gen-data [--shared DIR] [--moto-json FILE] [--check]\n       cargo xtask man [--check]"
            );
            std::process::exit(2);
        }
    }
}

mod man;

/// Writes (or with `check`, compares) the man pages in `docs/man/`.
fn man(check: bool) -> Result<()> {
    let dir = workspace_root().join("docs/man");
    let pages = man::pages()?;
    if check {
        let stale = man::stale(&dir, &pages);
        if !stale.is_empty() {
            bail!(
                "man pages out of date: {}; run `cargo xtask man`",
                stale.join(", ")
            );
        }
        println!("{} man pages up to date", pages.len());
        return Ok(());
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, text) in &pages {
        std::fs::write(dir.join(name), text)
            .with_context(|| format!("writing {}", dir.join(name).display()))?;
    }
    println!("wrote {} man pages to {}", pages.len(), dir.display());
    Ok(())
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

struct Options {
    shared: PathBuf,
    moto_json: Option<PathBuf>,
    check: bool,
}

fn parse_options(args: &[String]) -> Result<Options> {
    let mut o = Options {
        shared: workspace_root().join("../shared"),
        moto_json: None,
        check: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--shared" => {
                o.shared = PathBuf::from(it.next().context("--shared needs a directory")?)
            }
            "--moto-json" => {
                o.moto_json = Some(PathBuf::from(
                    it.next().context("--moto-json needs a file")?,
                ));
            }
            "--check" => o.check = true,
            other => bail!("unknown argument {other:?}"),
        }
    }
    Ok(o)
}

/// Where the moto snapshot came from, for the header.
struct MotoSource {
    text: String,
    description: String,
}

fn load_moto(o: &Options) -> Result<MotoSource> {
    if let Some(p) = &o.moto_json {
        let text =
            std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
        return Ok(MotoSource {
            description: format!("DescribeInstanceTypes JSON from {}", p.display()),
            text,
        });
    }
    let out = Command::new("python3")
        .args([
            "-c",
            "import moto,os;print(os.path.dirname(moto.__file__));print(moto.__version__)",
        ])
        .output()
        .context("running python3 to locate the moto package (or pass --moto-json FILE)")?;
    if !out.status.success() {
        bail!(
            "python3 could not import moto: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let stdout = String::from_utf8(out.stdout).context("python3 output is not UTF-8")?;
    let mut lines = stdout.lines();
    let dir = lines.next().context("no moto directory printed")?;
    let version = lines.next().context("no moto version printed")?;
    let gz = Path::new(dir).join("ec2/resources/instance_types.json.gz");
    let gz_len = std::fs::metadata(&gz)
        .with_context(|| format!("reading {}", gz.display()))?
        .len();
    let out = Command::new("gzip")
        .arg("-dc")
        .arg(&gz)
        .output()
        .with_context(|| format!("running gzip -dc {}", gz.display()))?;
    if !out.status.success() {
        bail!("gzip -dc {} failed", gz.display());
    }
    let text = String::from_utf8(out.stdout).context("moto's JSON is not UTF-8")?;
    Ok(MotoSource {
        text,
        description: format!(
            "PyPI package moto {version}: moto/ec2/resources/instance_types.json.gz ({gz_len} bytes; \
             DescribeInstanceTypes output keyed by type)"
        ),
    })
}

/// The origin and commit `SOURCES.md` gives for a file (`| file | origin | commit | ...`).
fn source_row(sources_md: &str, file: &str) -> Result<(String, String)> {
    for l in sources_md.lines() {
        let cols: Vec<&str> = l.split('|').map(str::trim).collect();
        if cols.len() > 3 && cols[1] == file {
            return Ok((cols[2].to_string(), cols[3].to_string()));
        }
    }
    bail!("SOURCES.md has no row for {file}")
}

fn gen_data(args: &[String]) -> Result<()> {
    let o = parse_options(args)?;
    let data = o.shared.join("data");
    let sources_md = std::fs::read_to_string(data.join("SOURCES.md"))
        .with_context(|| format!("reading {}", data.join("SOURCES.md").display()))?;
    let vpc_path = data.join("karpenter-provider-aws/vpc-limits.csv");
    let price_path = data.join("karpenter-provider-aws/on-demand-prices.csv");
    let (vpc_origin, vpc_commit) =
        source_row(&sources_md, "karpenter-provider-aws/vpc-limits.csv")?;
    let (price_origin, price_commit) =
        source_row(&sources_md, "karpenter-provider-aws/on-demand-prices.csv")?;

    let moto = load_moto(&o)?;
    let described = eksplane_aws_data::import::parse_describe_instance_types(&moto.text)
        .context("reading the DescribeInstanceTypes snapshot")?;
    let vpc_text = std::fs::read_to_string(&vpc_path)
        .with_context(|| format!("reading {}", vpc_path.display()))?;
    let vpc = tables::parse_vpc_limits_csv(&vpc_text).context("reading vpc-limits.csv")?;
    let price_text = std::fs::read_to_string(&price_path)
        .with_context(|| format!("reading {}", price_path.display()))?;
    let prices = tables::parse_on_demand_prices_csv(&price_text, PRICE_REGION)
        .context("reading on-demand-prices.csv")?;

    let cni_path = data.join("amazon-vpc-cni-k8s/vpc_ip_resource_limit.go");
    let kdoc_path = data.join("karpenter-provider-aws/instance-types.md");
    let (cni_origin, cni_commit) =
        source_row(&sources_md, "amazon-vpc-cni-k8s/vpc_ip_resource_limit.go")?;
    let (kdoc_origin, kdoc_commit) =
        source_row(&sources_md, "karpenter-provider-aws/instance-types.md")?;
    let cni_text = std::fs::read_to_string(&cni_path)
        .with_context(|| format!("reading {}", cni_path.display()))?;
    let cni =
        sources::parse_vpc_cni_limits_go(&cni_text).context("reading vpc_ip_resource_limit.go")?;
    let kdoc_text = std::fs::read_to_string(&kdoc_path)
        .with_context(|| format!("reading {}", kdoc_path.display()))?;
    let kdoc: BTreeMap<String, sources::KarpenterDocType> =
        sources::parse_karpenter_instance_types_md(&kdoc_text)
            .context("reading instance-types.md")?
            .into_iter()
            .map(|k| (k.name.clone(), k))
            .collect();

    // Network facts: DescribeInstanceTypes, else vpc-limits.csv, else the VPC
    // CNI's table. Compute facts (vCPUs, memory, architecture):
    // DescribeInstanceTypes, else Karpenter's generated reference.
    let described_names: HashSet<String> = described.iter().map(|t| t.name.clone()).collect();
    let mut fill_ins: Vec<_> = vpc
        .iter()
        .filter(|v| !described_names.contains(&v.instance_type))
        .map(tables::VpcLimits::to_instance_type)
        .collect();
    let vpc_names: HashSet<&str> = vpc.iter().map(|v| v.instance_type.as_str()).collect();
    fill_ins.extend(
        cni.iter()
            .filter(|c| {
                !described_names.contains(&c.instance_type)
                    && !vpc_names.contains(c.instance_type.as_str())
            })
            .map(sources::CniLimits::to_instance_type),
    );
    for t in &mut fill_ins {
        if let Some(k) = kdoc.get(&t.name) {
            sources::fill_compute_facts(t, k);
        }
    }
    // Cross-check: where both DescribeInstanceTypes and Karpenter's reference
    // give vCPUs and memory, they must agree (a disagreement is reported).
    let mut disagreements = Vec::new();
    for t in &described {
        if let Some(k) = kdoc.get(&t.name)
            && (k.vcpus() != t.vcpus || k.memory_mib() != t.memory_mib)
        {
            disagreements.push(format!(
                "{}: describe-instance-types {:?} vCPUs {:?} MiB, Karpenter {:?} {:?}",
                t.name,
                t.vcpus,
                t.memory_mib,
                k.vcpus(),
                k.memory_mib()
            ));
        }
    }
    let n_described = described.len();
    let count = |f: &dyn Fn(&eksplane_aws_data::InstanceType) -> bool| {
        fill_ins.iter().filter(|t| f(t)).count()
    };
    let n_vpc = count(&|t| t.source == FactSource::VpcLimits);
    let n_cni = count(&|t| t.source == FactSource::VpcCniTable);
    let n_kdoc = count(&|t| t.compute_source == Some(FactSource::KarpenterDocs));
    let catalog = Catalog::from_types(described.into_iter().chain(fill_ins));
    let incomplete: Vec<String> = catalog
        .iter()
        .filter(|t| !t.missing_facts().is_empty())
        .map(|t| format!("{} ({})", t.name, t.missing_facts().join(", ")))
        .collect();

    // Today's date (UTC) from the system clock.
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let date =
        eksplane_aws_data::eks_versions::Date::from_days(i64::try_from(secs / 86_400).unwrap_or(0))
            .to_string();
    let generated = format!("generated: {date} by `cargo xtask gen-data`");
    let catalog_header = vec![
        "Instance catalog for eksplane_aws_data. Do not edit: regenerate with `cargo xtask gen-data`.".to_string(),
        generated.clone(),
        format!("source d ({n_described} types; every field): {}", moto.description),
        format!(
            "source v ({n_vpc} types that snapshot lacks): network facts, hypervisor and bare metal from \
             ../shared/data/karpenter-provider-aws/vpc-limits.csv = {vpc_origin} at commit {vpc_commit}"
        ),
        format!(
            "source c ({n_cni} types neither lists): network facts, hypervisor and bare metal from \
             ../shared/data/amazon-vpc-cni-k8s/vpc_ip_resource_limit.go = {cni_origin} at commit {cni_commit}"
        ),
        format!(
            "source +k ({n_kdoc} of the v and c types): vcpus, memory_mib and architectures from the labels \
             karpenter.k8s.aws/instance-cpu, karpenter.k8s.aws/instance-memory and kubernetes.io/arch of \
             ../shared/data/karpenter-provider-aws/instance-types.md = {kdoc_origin} at commit {kdoc_commit}"
        ),
        "The source column names each field group's source: `v+k` = network facts from v, vcpus/memory/architectures from k.".to_string(),
        format!(
            "incomplete ({} types; their empty fields are unknown, never guessed): {}",
            incomplete.len(),
            incomplete.join("; ")
        ),
        "Prices and trunk limits are separate tables (on-demand-prices-us-east-1.tsv, trunk-limits.tsv), \
         merged by name when a catalog is read."
            .to_string(),
    ];
    let price_header = vec![
        format!(
            "On-demand USD per hour, {PRICE_REGION}. Do not edit: regenerate with `cargo xtask gen-data`."
        ),
        generated.clone(),
        format!(
            "source: ../shared/data/karpenter-provider-aws/on-demand-prices.csv = {price_origin} at commit {price_commit}"
        ),
        "columns: instance_type usd_per_hour".to_string(),
    ];
    let trunk_header = vec![
        "Trunk ENI (security groups for pods) limits. Do not edit: regenerate with `cargo xtask gen-data`."
            .to_string(),
        generated,
        format!(
            "source: ../shared/data/karpenter-provider-aws/vpc-limits.csv = {vpc_origin} at commit {vpc_commit}"
        ),
        "columns: instance_type trunking_compatible(0|1) branch_enis".to_string(),
    ];

    let out_dir = workspace_root().join("crates/eksplane_aws_data/data");
    let files = [
        (
            "instance-types.tsv",
            catalog.to_catalog_text(&catalog_header),
        ),
        (
            "on-demand-prices-us-east-1.tsv",
            tables::write_price_table(&prices, &price_header),
        ),
        (
            "trunk-limits.tsv",
            tables::write_trunk_table(&vpc, &trunk_header),
        ),
    ];
    let mut stale = Vec::new();
    for (name, content) in &files {
        let path = out_dir.join(name);
        if o.check {
            let old = std::fs::read_to_string(&path).unwrap_or_default();
            if strip_date(&old) != strip_date(content) {
                stale.push(*name);
            }
        } else {
            std::fs::write(&path, content)
                .with_context(|| format!("writing {}", path.display()))?;
            println!("wrote {} ({} bytes)", path.display(), content.len());
        }
    }
    if o.check {
        if !stale.is_empty() {
            bail!(
                "stale generated data: {}; run `cargo xtask gen-data`",
                stale.join(", ")
            );
        }
        println!("generated data is up to date");
    }
    println!(
        "{} types ({n_described} from DescribeInstanceTypes, {n_vpc} from vpc-limits.csv, {n_cni} from the VPC CNI's table; \
         {n_kdoc} with vCPUs/memory from Karpenter's reference), {} prices, {} trunk limits",
        catalog.len(),
        prices.len(),
        vpc.len()
    );
    println!(
        "{} incomplete types: {}",
        incomplete.len(),
        incomplete.join("; ")
    );
    if !disagreements.is_empty() {
        println!(
            "{} types where DescribeInstanceTypes and Karpenter's reference disagree (DescribeInstanceTypes kept):",
            disagreements.len()
        );
        for d in &disagreements {
            println!("  {d}");
        }
    }
    Ok(())
}

fn strip_date(s: &str) -> String {
    s.lines()
        .filter(|l| !l.starts_with("# generated: "))
        .collect::<Vec<_>>()
        .join("\n")
}
