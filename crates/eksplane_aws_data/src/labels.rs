//! Karpenter's well-known `karpenter.k8s.aws/*` label values, derived from an
//! instance type's name and facts exactly as karpenter-provider-aws
//! `pkg/providers/instancetype/types.go` (`computeRequirements`) derives them.

use crate::types::InstanceType;

pub const LABEL_CATEGORY: &str = "karpenter.k8s.aws/instance-category";
pub const LABEL_FAMILY: &str = "karpenter.k8s.aws/instance-family";
pub const LABEL_GENERATION: &str = "karpenter.k8s.aws/instance-generation";
pub const LABEL_SIZE: &str = "karpenter.k8s.aws/instance-size";
pub const LABEL_CPU: &str = "karpenter.k8s.aws/instance-cpu";
pub const LABEL_CPU_MANUFACTURER: &str = "karpenter.k8s.aws/instance-cpu-manufacturer";
pub const LABEL_MEMORY: &str = "karpenter.k8s.aws/instance-memory";
pub const LABEL_HYPERVISOR: &str = "karpenter.k8s.aws/instance-hypervisor";
pub const LABEL_ENCRYPTION_IN_TRANSIT: &str =
    "karpenter.k8s.aws/instance-encryption-in-transit-supported";
pub const LABEL_GPU_COUNT: &str = "karpenter.k8s.aws/instance-gpu-count";
pub const LABEL_GPU_NAME: &str = "karpenter.k8s.aws/instance-gpu-name";
pub const LABEL_GPU_MANUFACTURER: &str = "karpenter.k8s.aws/instance-gpu-manufacturer";
pub const LABEL_GPU_MEMORY: &str = "karpenter.k8s.aws/instance-gpu-memory";
pub const LABEL_ACCELERATOR_NAME: &str = "karpenter.k8s.aws/instance-accelerator-name";
pub const LABEL_ACCELERATOR_MANUFACTURER: &str =
    "karpenter.k8s.aws/instance-accelerator-manufacturer";
pub const LABEL_ACCELERATOR_COUNT: &str = "karpenter.k8s.aws/instance-accelerator-count";
pub const LABEL_LOCAL_NVME: &str = "karpenter.k8s.aws/instance-local-nvme";
pub const LABEL_NETWORK_BANDWIDTH: &str = "karpenter.k8s.aws/instance-network-bandwidth";
pub const LABEL_CAPABILITY_FLEX: &str = "karpenter.k8s.aws/instance-capability-flex";

/// The parts of an instance type's name Karpenter labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NameParts<'a> {
    /// Leading letters: `c` of `c7i-flex.large`, `u` of `u-6tb1.metal`, `mac` of `mac2-m2pro.metal`.
    pub category: Option<&'a str>,
    /// Digits after the category (and after a `-<n>tb` memory marker).
    pub generation: Option<&'a str>,
    /// Text before the dot: `c7i-flex`, `m7i`, `u-6tb1`.
    pub family: Option<&'a str>,
    /// Text after the dot: `large`, `metal-24xl`.
    pub size: Option<&'a str>,
}

/// Splits a name as Karpenter does.
///
/// Category and generation: the regular expression
/// `(^[a-z]+)(\-[0-9]+tb)?([0-9]+).*\.` (`instanceTypeScheme` in
/// karpenter-provider-aws `pkg/providers/instancetype/types.go`), groups 1 and 3.
/// Family and size: `strings.Split(name, ".")` when it gives exactly two parts.
pub fn name_parts(name: &str) -> NameParts<'_> {
    let mut parts = NameParts::default();
    if let Some((cat, gen_)) = category_generation(name) {
        parts.category = Some(cat);
        parts.generation = Some(gen_);
    }
    let mut split = name.split('.');
    if let (Some(family), Some(size), None) = (split.next(), split.next(), split.next()) {
        parts.family = Some(family);
        parts.size = Some(size);
    }
    parts
}

/// A hand-written matcher equivalent to `(^[a-z]+)(\-[0-9]+tb)?([0-9]+).*\.`
/// under Go's leftmost-first semantics: the letters are maximal (a shorter run
/// would be followed by a letter, which neither `-` nor a digit matches); the
/// optional `-<digits>tb` is tried first; the generation digits are maximal
/// (the rest, `.*\.`, only needs a later `.`, which is not a digit).
fn category_generation(name: &str) -> Option<(&str, &str)> {
    let bytes = name.as_bytes();
    let letters = bytes.iter().take_while(|b| b.is_ascii_lowercase()).count();
    if letters == 0 {
        return None;
    }
    let digits_from = |start: usize| {
        bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let mut gen_start = letters;
    // The optional group `(\-[0-9]+tb)`.
    if bytes.get(letters) == Some(&b'-') {
        let n = digits_from(letters + 1);
        let after = letters + 1 + n;
        if n > 0 && bytes.get(after..after + 2) == Some(b"tb".as_slice()) {
            let g = digits_from(after + 2);
            if g > 0 {
                gen_start = after + 2;
            }
        }
    }
    let g = digits_from(gen_start);
    if g == 0 {
        return None;
    }
    let gen_end = gen_start + g;
    // `.*\.`: a dot somewhere after the generation.
    if !name[gen_end..].contains('.') {
        return None;
    }
    Some((&name[..letters], &name[gen_start..gen_end]))
}

/// `lowerKabobCase` in types.go: lower case, spaces to dashes.
pub fn lower_kabob_case(s: &str) -> String {
    s.replace(' ', "-").to_lowercase()
}

impl InstanceType {
    /// Name parts as Karpenter parses them.
    pub fn name_parts(&self) -> NameParts<'_> {
        name_parts(&self.name)
    }

    /// The `karpenter.k8s.aws/*` labels Karpenter puts on a node of this type,
    /// with the values it derives (karpenter-provider-aws
    /// `pkg/providers/instancetype/types.go`, `computeRequirements`). Labels
    /// whose fact is unknown (e.g. vCPUs of a [`crate::FactSource::VpcLimits`]
    /// entry) or absent (no GPU) are left out, as Karpenter leaves them
    /// `DoesNotExist`.
    pub fn karpenter_labels(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::with_capacity(20);
        let parts = self.name_parts();
        if let (Some(c), Some(g)) = (parts.category, parts.generation) {
            out.push((LABEL_CATEGORY, c.to_string()));
            out.push((LABEL_GENERATION, g.to_string()));
        }
        if let (Some(f), Some(s)) = (parts.family, parts.size) {
            out.push((LABEL_FAMILY, f.to_string()));
            out.push((LABEL_SIZE, s.to_string()));
        }
        // `strings.Contains(instanceTypeParts[0], "-flex")`: set on every type.
        let first = self.name.split('.').next().unwrap_or_default();
        out.push((LABEL_CAPABILITY_FLEX, first.contains("-flex").to_string()));
        if let Some(v) = self.vcpus {
            out.push((LABEL_CPU, v.to_string()));
        }
        if let Some(m) = &self.cpu_manufacturer {
            out.push((LABEL_CPU_MANUFACTURER, lower_kabob_case(m)));
        }
        if let Some(m) = self.memory_mib {
            out.push((LABEL_MEMORY, m.to_string()));
        }
        // An unknown hypervisor has no label value we could vouch for.
        if self.hypervisor != crate::types::Hypervisor::Unknown {
            out.push((LABEL_HYPERVISOR, self.hypervisor.as_str().to_string()));
        }
        if let Some(e) = self.network.encryption_in_transit {
            out.push((LABEL_ENCRYPTION_IN_TRANSIT, e.to_string()));
        }
        if let Some(gb) = self.local_nvme_gb() {
            out.push((LABEL_LOCAL_NVME, gb.to_string()));
        }
        // Karpenter reads its generated `InstanceTypeBandwidthMegabits` table
        // (baseline bandwidth); here it is derived from the same baseline that
        // DescribeInstanceTypes reports per network card, summed over cards.
        if let Some(bw) = self.network.baseline_bandwidth_mbps {
            out.push((LABEL_NETWORK_BANDWIDTH, bw.to_string()));
        }
        // GPU labels only when exactly one GPU kind is listed (`len(Gpus) == 1`).
        if let [gpu] = self.gpus.as_slice() {
            out.push((LABEL_GPU_NAME, lower_kabob_case(&gpu.name)));
            out.push((LABEL_GPU_MANUFACTURER, lower_kabob_case(&gpu.manufacturer)));
            out.push((LABEL_GPU_COUNT, gpu.count.to_string()));
            if let Some(m) = gpu.memory_mib {
                out.push((LABEL_GPU_MEMORY, m.to_string()));
            }
        }
        if let [acc] = self.accelerators.as_slice() {
            out.push((LABEL_ACCELERATOR_NAME, lower_kabob_case(&acc.name)));
            out.push((
                LABEL_ACCELERATOR_MANUFACTURER,
                lower_kabob_case(&acc.manufacturer),
            ));
            out.push((LABEL_ACCELERATOR_COUNT, acc.count.to_string()));
        }
        out
    }

    /// One label's value, if Karpenter sets it on this type.
    pub fn karpenter_label(&self, key: &str) -> Option<String> {
        self.karpenter_labels()
            .into_iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &str, cat: Option<&str>, gen_: Option<&str>, fam: &str, size: &str) {
        let p = name_parts(name);
        assert_eq!(p.category, cat, "category of {name}");
        assert_eq!(p.generation, gen_, "generation of {name}");
        assert_eq!(p.family, Some(fam), "family of {name}");
        assert_eq!(p.size, Some(size), "size of {name}");
    }

    #[test]
    fn parses_names_like_karpenter() {
        check("m6i.4xlarge", Some("m"), Some("6"), "m6i", "4xlarge");
        check("c7i-flex.large", Some("c"), Some("7"), "c7i-flex", "large");
        check("m7i.metal-24xl", Some("m"), Some("7"), "m7i", "metal-24xl");
        check("u-6tb1.metal", Some("u"), Some("1"), "u-6tb1", "metal");
        check(
            "u-12tb1.112xlarge",
            Some("u"),
            Some("1"),
            "u-12tb1",
            "112xlarge",
        );
        check(
            "u7i-12tb.224xlarge",
            Some("u"),
            Some("7"),
            "u7i-12tb",
            "224xlarge",
        );
        check(
            "mac2-m2pro.metal",
            Some("mac"),
            Some("2"),
            "mac2-m2pro",
            "metal",
        );
        check(
            "trn1n.32xlarge",
            Some("trn"),
            Some("1"),
            "trn1n",
            "32xlarge",
        );
        check("g6e.xlarge", Some("g"), Some("6"), "g6e", "xlarge");
        check("p5en.48xlarge", Some("p"), Some("5"), "p5en", "48xlarge");
        check(
            "p6-b200.48xlarge",
            Some("p"),
            Some("6"),
            "p6-b200",
            "48xlarge",
        );
        check("x2iedn.metal", Some("x"), Some("2"), "x2iedn", "metal");
        check("is4gen.xlarge", Some("is"), Some("4"), "is4gen", "xlarge");
        check(
            "hpc7a.96xlarge",
            Some("hpc"),
            Some("7"),
            "hpc7a",
            "96xlarge",
        );
        // No digit right after the letters: the regular expression does not match.
        check("mac-m4.metal", None, None, "mac-m4", "metal");
    }

    #[test]
    fn names_without_a_dot_have_no_parts() {
        let p = name_parts("m6i");
        assert_eq!(p, NameParts::default());
        assert_eq!(name_parts("").category, None);
        assert_eq!(name_parts("a.b.c").family, None);
        assert_eq!(name_parts("-1tb2.x").category, None);
        // `-<n>tb` not followed by digits: the optional group is skipped and
        // the digits must follow the letters directly.
        assert_eq!(name_parts("u-6tb.metal").category, None);
    }

    #[test]
    fn kabob_case() {
        assert_eq!(lower_kabob_case("Radeon Pro V520"), "radeon-pro-v520");
        assert_eq!(lower_kabob_case("NVIDIA"), "nvidia");
    }
}
