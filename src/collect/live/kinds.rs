//! Which discovered kinds are listed: the default exclusions (derived and high-churn kinds), the
//! platform kinds every snapshot holds, and the user's `--include-kinds` / `--exclude-kinds`.

use crate::error::Error;
use crate::model::ApiResource;
use crate::normalize::managed::DERIVED_KINDS;

/// Kinds excluded by default on live clusters, beyond the normalizer's derived kinds
/// ([`DERIVED_KINDS`]: events, endpoints, endpointslices, leases, controllerrevisions, …):
/// objects that controllers write, that change by the second, or that describe machines.
/// Pods and ReplicaSets are listed, and those a controller owns are dropped (and counted) when
/// the side is built.
pub const LIVE_EXCLUDED_KINDS: &[(&str, &str)] = &[
    ("metrics.k8s.io", "PodMetrics"),
    ("metrics.k8s.io", "NodeMetrics"),
    ("storage.k8s.io", "VolumeAttachment"),
    ("storage.k8s.io", "CSINode"),
    ("storage.k8s.io", "CSIStorageCapacity"),
    ("certificates.k8s.io", "CertificateSigningRequest"),
    ("coordination.k8s.io", "LeaseCandidate"),
    ("networking.k8s.io", "IPAddress"),
    ("resource.k8s.io", "ResourceSlice"),
    ("internal.apiserver.k8s.io", "StorageVersion"),
    ("storagemigration.k8s.io", "StorageVersionMigration"),
];

/// Kinds every live snapshot holds whatever the filters say: the facts and platform objects
/// the rules need. Nodes become node facts.
pub const PLATFORM_KINDS: &[(&str, &str)] = &[
    ("", "Node"),
    ("", "Namespace"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    (
        "admissionregistration.k8s.io",
        "MutatingWebhookConfiguration",
    ),
    (
        "admissionregistration.k8s.io",
        "ValidatingWebhookConfiguration",
    ),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    (
        "admissionregistration.k8s.io",
        "ValidatingAdmissionPolicyBinding",
    ),
    ("networking.k8s.io", "IngressClass"),
    ("storage.k8s.io", "StorageClass"),
    ("scheduling.k8s.io", "PriorityClass"),
];

/// True when a kind is excluded unless the user includes it.
pub fn excluded_by_default(group: &str, kind: &str) -> bool {
    DERIVED_KINDS.contains(&(group, kind)) || LIVE_EXCLUDED_KINDS.contains(&(group, kind))
}

/// True for the platform kinds every snapshot holds.
pub fn is_platform(group: &str, kind: &str) -> bool {
    PLATFORM_KINDS.contains(&(group, kind))
}

/// One `--include-kinds` / `--exclude-kinds` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    /// `*`: every kind.
    All,
    /// `Kind`, `plural`, `singular` or a short name, in any group.
    Name(String),
    /// `group/Kind`, `plural.group` or `Kind.group`.
    Grouped { name: String, group: String },
}

impl Pattern {
    fn parse(raw: &str) -> Result<Pattern, Error> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(Error::Usage("an empty kind was given".into()));
        }
        if s == "*" {
            return Ok(Pattern::All);
        }
        if let Some((group, name)) = s.split_once('/') {
            let group = if group == "core" { "" } else { group };
            if name.is_empty() || name.contains('/') {
                return Err(Error::Usage(format!(
                    "`{raw}`: expected Kind, plural, plural.group or group/Kind"
                )));
            }
            return Ok(Pattern::Grouped {
                name: name.to_ascii_lowercase(),
                group: group.to_string(),
            });
        }
        if let Some((name, group)) = s.split_once('.') {
            return Ok(Pattern::Grouped {
                name: name.to_ascii_lowercase(),
                group: group.to_string(),
            });
        }
        Ok(Pattern::Name(s.to_ascii_lowercase()))
    }

    fn names_match(name: &str, r: &ApiResource) -> bool {
        name == r.name
            || name == r.kind.to_ascii_lowercase()
            || r.short_names.iter().any(|s| s.eq_ignore_ascii_case(name))
    }

    fn matches(&self, r: &ApiResource) -> bool {
        match self {
            Pattern::All => true,
            Pattern::Name(n) => Self::names_match(n, r),
            Pattern::Grouped { name, group } => *group == r.group && Self::names_match(name, r),
        }
    }

    /// A wildcard never overrides a kind named on the other list.
    fn is_specific(&self) -> bool {
        !matches!(self, Pattern::All)
    }
}

/// The user's kind filters, validated.
#[derive(Debug, Clone, Default)]
pub struct KindFilter {
    include: Vec<(String, Pattern)>,
    exclude: Vec<(String, Pattern)>,
}

/// Why a kind is not listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Excluded by default (derived or high-churn).
    Default,
    /// Excluded by `--exclude-kinds`.
    User,
}

impl KindFilter {
    /// Parses comma-separated or repeated entries.
    pub fn parse(include: &[String], exclude: &[String]) -> Result<KindFilter, Error> {
        let split = |list: &[String]| -> Result<Vec<(String, Pattern)>, Error> {
            list.iter()
                .flat_map(|s| s.split(','))
                .filter(|s| !s.trim().is_empty())
                .map(|s| Pattern::parse(s).map(|p| (s.trim().to_string(), p)))
                .collect()
        };
        let f = KindFilter {
            include: split(include)?,
            exclude: split(exclude)?,
        };
        for (raw, p) in &f.include {
            if let Some((other, _)) = f.exclude.iter().find(|(_, q)| q == p) {
                return Err(Error::Usage(format!(
                    "`{raw}` is both included and excluded (`{other}`)"
                )));
            }
        }
        // Two spellings of one built-in kind (`configmaps` and `ConfigMap`) are caught now;
        // short names and custom kinds once the server says what it serves.
        let builtin: Vec<ApiResource> = crate::collect::scope::builtin_kinds()
            .iter()
            .map(|b| ApiResource {
                group: b.group.to_string(),
                version: b.version.to_string(),
                kind: b.kind.to_string(),
                name: b.plural.to_string(),
                namespaced: b.scope == crate::collect::scope::Scope::Namespaced,
                verbs: Vec::new(),
                short_names: Vec::new(),
            })
            .collect();
        f.check_spellings(&builtin)?;
        Ok(f)
    }

    /// A kind named on both lists under two spellings (`cm` and `configmaps`) is a usage error.
    pub fn check_spellings(&self, served: &[ApiResource]) -> Result<(), Error> {
        for r in served {
            let named = |list: &'_ [(String, Pattern)]| {
                list.iter()
                    .find(|(_, p)| p.is_specific() && p.matches(r))
                    .map(|(raw, _)| raw.clone())
            };
            if let (Some(inc), Some(exc)) = (named(&self.include), named(&self.exclude)) {
                let kind = crate::model::group_kind(&r.group, &r.kind);
                return Err(Error::Usage(format!(
                    "`{inc}` (--include-kinds) and `{exc}` (--exclude-kinds) both name {kind}: a kind is either included or excluded"
                )));
            }
        }
        Ok(())
    }

    /// Whether a discovered kind is listed, and if not, why.
    pub fn decide(&self, r: &ApiResource) -> Result<(), Skip> {
        if is_platform(&r.group, &r.kind) {
            return Ok(());
        }
        let included = |specific: bool| {
            self.include
                .iter()
                .any(|(_, p)| p.is_specific() == specific && p.matches(r))
        };
        let excluded = |specific: bool| {
            self.exclude
                .iter()
                .any(|(_, p)| p.is_specific() == specific && p.matches(r))
        };
        if included(true) {
            return Ok(());
        }
        if excluded(true) {
            return Err(Skip::User);
        }
        if included(false) {
            return Ok(());
        }
        if excluded(false) {
            return Err(Skip::User);
        }
        if excluded_by_default(&r.group, &r.kind) {
            return Err(Skip::Default);
        }
        Ok(())
    }

    /// Entries that matched none of the served kinds (probably a typo, or a CRD absent here).
    pub fn unmatched<'a>(&'a self, served: &[ApiResource]) -> Vec<&'a str> {
        self.include
            .iter()
            .chain(&self.exclude)
            .filter(|(_, p)| p.is_specific() && !served.iter().any(|r| p.matches(r)))
            .map(|(raw, _)| raw.as_str())
            .collect()
    }

    /// Entries naming a platform kind on the exclude list: those are always read.
    pub fn excluded_platform_kinds<'a>(&'a self, served: &[ApiResource]) -> Vec<&'a str> {
        self.exclude
            .iter()
            .filter(|(_, p)| {
                p.is_specific()
                    && served
                        .iter()
                        .any(|r| p.matches(r) && is_platform(&r.group, &r.kind))
            })
            .map(|(raw, _)| raw.as_str())
            .collect()
    }

    /// True when the user excluded anything.
    pub fn excludes_any(&self) -> bool {
        !self.exclude.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(group: &str, kind: &str, name: &str, short: &[&str]) -> ApiResource {
        ApiResource {
            group: group.into(),
            version: "v1".into(),
            kind: kind.into(),
            name: name.into(),
            namespaced: true,
            verbs: vec!["list".into()],
            short_names: short.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Defaults skip derived kinds; includes bring them back; excludes drop more; platform
    /// kinds are always read.
    #[test]
    fn defaults_include_and_exclude() {
        let ev = res("", "Event", "events", &["ev"]);
        let deploy = res("apps", "Deployment", "deployments", &["deploy"]);
        let crd = res(
            "apiextensions.k8s.io",
            "CustomResourceDefinition",
            "customresourcedefinitions",
            &["crd"],
        );
        let none = KindFilter::parse(&[], &[]).unwrap();
        assert_eq!(none.decide(&ev), Err(Skip::Default));
        assert_eq!(none.decide(&deploy), Ok(()));

        let f = KindFilter::parse(&["events".into()], &["deploy".into()]).unwrap();
        assert_eq!(f.decide(&ev), Ok(()));
        assert_eq!(f.decide(&deploy), Err(Skip::User));

        let only = KindFilter::parse(&["apps/Deployment".into()], &["*".into()]).unwrap();
        assert_eq!(only.decide(&deploy), Ok(()));
        assert_eq!(only.decide(&ev), Err(Skip::User));
        assert_eq!(only.decide(&crd), Ok(()));
        assert_eq!(
            only.excluded_platform_kinds(std::slice::from_ref(&crd)),
            Vec::<&str>::new()
        );
        let no_crd = KindFilter::parse(&[], &["crd".into()]).unwrap();
        assert_eq!(no_crd.excluded_platform_kinds(&[crd]), vec!["crd"]);
    }

    /// Grouped forms match only their group; typos are reported; contradictions refused.
    #[test]
    fn grouped_forms_and_errors() {
        let ev_new = res("events.k8s.io", "Event", "events", &["ev"]);
        let ev_core = res("", "Event", "events", &["ev"]);
        let f = KindFilter::parse(&["events.events.k8s.io".into()], &[]).unwrap();
        assert_eq!(f.decide(&ev_new), Ok(()));
        assert_eq!(f.decide(&ev_core), Err(Skip::Default));
        let f = KindFilter::parse(&["core/Event,nosuchkind".into()], &[]).unwrap();
        assert_eq!(f.decide(&ev_core), Ok(()));
        assert_eq!(f.unmatched(&[ev_core, ev_new]), vec!["nosuchkind"]);
        assert!(KindFilter::parse(&["secrets".into()], &["secrets".into()]).is_err());
        assert!(KindFilter::parse(&["apps/".into()], &[]).is_err());
    }

    /// One kind under two spellings on both lists is refused: built-in kinds when the flags
    /// are read, short names and custom kinds against what the server serves.
    #[test]
    fn two_spellings_of_one_kind_are_refused() {
        for (inc, exc) in [
            ("configmaps", "ConfigMap"),
            ("deployments.apps", "apps/Deployment"),
            ("ConfigMap", "configmap"),
        ] {
            let e = KindFilter::parse(&[inc.into()], &[exc.into()]).unwrap_err();
            assert!(e.to_string().contains("both"), "{inc}/{exc}: {e}");
        }
        let cm = res("", "ConfigMap", "configmaps", &["cm"]);
        let f = KindFilter::parse(&["cm".into()], &["configmaps".into()]).unwrap();
        let e = f.check_spellings(std::slice::from_ref(&cm)).unwrap_err();
        assert!(e.to_string().contains("`cm`"), "{e}");
        // A wildcard is not a spelling: `*` excluded, one kind included is the documented use.
        let ok = KindFilter::parse(&["cm".into()], &["*".into()]).unwrap();
        assert!(ok.check_spellings(&[cm]).is_ok());
    }
}
