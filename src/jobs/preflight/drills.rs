//! The four drills of a release rehearsal and what staging can and cannot tell you for each. One
//! table of aspects per drill: an aspect with findings on the release is something staging
//! cannot tell you (each finding says why); an aspect without any is something it can. Each drill
//! also names what no staging run can tell you.

use crate::model::{Change, Finding};

/// A drill of the rehearsal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drill {
    /// Does the new version start and pass probes the way prod would?
    Happy,
    /// Can the release be rolled back?
    Rollback,
    /// How does it fail when a dependency does?
    Unhappy,
    /// Will you see it in prod?
    Observability,
}

impl Drill {
    /// All four, in the order they are run.
    pub const ALL: [Drill; 4] = [
        Drill::Happy,
        Drill::Rollback,
        Drill::Unhappy,
        Drill::Observability,
    ];

    /// Title and question.
    pub fn title(self) -> (&'static str, &'static str) {
        match self {
            Drill::Happy => (
                "Happy path",
                "does the new version start and pass probes the way prod would?",
            ),
            Drill::Rollback => (
                "Rollback path",
                "is history kept, does the strategy allow a rollback, are migrations reversible?",
            ),
            Drill::Unhappy => (
                "Unhappy path",
                "which dependencies are mocked, missing or differently sized in staging?",
            ),
            Drill::Observability => (
                "Observability",
                "are the ServiceMonitors, PodMonitors and alert rules prod relies on present in staging?",
            ),
        }
    }

    /// What no staging run can answer for this drill.
    pub fn never(self) -> &'static str {
        match self {
            Drill::Happy => {
                "real traffic, real data volumes and warm caches: watch the first minutes in prod"
            }
            Drill::Rollback => {
                "whether database migrations are reversible: read the down migration, or plan a roll-forward"
            }
            Drill::Unhappy => {
                "how the real third parties fail (timeouts, throttling): only their status pages and prod telemetry say"
            }
            Drill::Observability => {
                "whether alerts reach the on-call: check the routing, not just that the rules exist"
            }
        }
    }
}

/// (drill, aspect, does the finding concern it?).
type Aspect = (Drill, &'static str, fn(&Finding) -> bool);

fn path_has(f: &Finding, needles: &[&str]) -> bool {
    f.path
        .as_deref()
        .is_some_and(|p| needles.iter().any(|n| p.contains(n)))
}

fn kind_is(f: &Finding, kinds: &[&str]) -> bool {
    f.object
        .as_ref()
        .is_some_and(|k| kinds.contains(&k.kind.as_str()))
}

fn config_data(f: &Finding) -> bool {
    kind_is(f, &["ConfigMap", "Secret"])
}

/// Every aspect of every drill.
pub const ASPECTS: &[Aspect] = &[
    (Drill::Happy, "probes", |f| path_has(f, &["Probe"])),
    (Drill::Happy, "images", |f| path_has(f, &[".image"])),
    (Drill::Happy, "requests and limits", |f| {
        path_has(f, &[".resources"])
    }),
    (Drill::Happy, "environment and configuration", |f| {
        path_has(f, &[".env[", ".envFrom", ".command", ".args"]) || config_data(f)
    }),
    (Drill::Happy, "init containers and security context", |f| {
        path_has(f, &["initContainers", "securityContext"])
    }),
    (Drill::Happy, CLUSTER_ASPECT, |f| f.is_cluster_level()),
    (Drill::Rollback, "revision history", |f| {
        path_has(f, &["revisionHistoryLimit"])
    }),
    (Drill::Rollback, "rollout strategy", |f| {
        path_has(
            f,
            &[
                ".strategy",
                "minReadySeconds",
                "progressDeadlineSeconds",
                "podManagementPolicy",
            ],
        ) || kind_is(f, &["Rollout"])
    }),
    (Drill::Rollback, "migration and batch jobs", |f| {
        kind_is(f, &["Job", "CronJob"]) || path_has(f, &["helm.sh/hook"])
    }),
    (Drill::Unhappy, "dependency endpoints and settings", |f| {
        path_has(f, &[".env[", ".envFrom"]) || config_data(f)
    }),
    (Drill::Unhappy, "objects missing from staging", |f| {
        f.change == Change::OnlyInProd && f.path.is_none()
    }),
    (
        Drill::Unhappy,
        "sizing: replicas, resources, autoscaling, disruption budgets",
        |f| {
            path_has(
                f,
                &[
                    "spec.replicas",
                    ".resources",
                    "cluster.nodes.count",
                    "cluster.nodes.allocatable",
                    "cluster.nodes.instanceTypes",
                ],
            ) || kind_is(f, &["HorizontalPodAutoscaler", "PodDisruptionBudget"])
        },
    ),
    (Drill::Unhappy, "network policies", |f| {
        kind_is(f, &["NetworkPolicy"])
    }),
    (
        Drill::Observability,
        "ServiceMonitors, PodMonitors and alert rules",
        |f| {
            f.object
                .as_ref()
                .is_some_and(|k| k.group == "monitoring.coreos.com")
        },
    ),
    (
        Drill::Observability,
        "metrics ports and scrape annotations",
        |f| path_has(f, &["prometheus.io", ".ports"]),
    ),
];

/// What staging says for one drill of this release.
#[derive(Debug, Clone)]
pub struct DrillBrief<'a> {
    /// The drill.
    pub drill: Drill,
    /// Aspects with no difference on the release: staging can tell you these.
    pub can: Vec<&'static str>,
    /// Aspects with differences, and the findings behind them: staging cannot tell you these.
    pub cannot: Vec<(&'static str, Vec<&'a Finding>)>,
    /// Aspects the inputs say nothing about, and why.
    pub unknown: Vec<(&'static str, &'static str)>,
}

/// The aspect that needs cluster facts (server version, nodes) on both sides to be known.
pub const CLUSTER_ASPECT: &str = "cluster version, nodes and runtime";

/// Evaluates the drills over the findings that touch the release (noise excluded by the caller).
/// `facts_known`: both sides carry cluster facts (else the cluster aspect is unknown, not equal).
pub fn evaluate<'a>(findings: &[&'a Finding], facts_known: bool) -> Vec<DrillBrief<'a>> {
    Drill::ALL
        .iter()
        .map(|&drill| {
            let mut can = Vec::new();
            let mut cannot = Vec::new();
            let mut unknown = Vec::new();
            for (d, aspect, concerns) in ASPECTS {
                if *d != drill {
                    continue;
                }
                let hits: Vec<&Finding> = findings.iter().copied().filter(|f| concerns(f)).collect();
                if !hits.is_empty() {
                    cannot.push((*aspect, hits));
                } else if *aspect == CLUSTER_ASPECT && !facts_known {
                    unknown.push((
                        *aspect,
                        "the inputs carry no server version or nodes for both sides (compare live clusters or snapshots to know)",
                    ));
                } else {
                    can.push(*aspect);
                }
            }
            DrillBrief {
                drill,
                can,
                cannot,
                unknown,
            }
        })
        .collect()
}
