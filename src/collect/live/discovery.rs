//! What the server serves: aggregated discovery when the server offers it (two requests),
//! else the classic per-group documents, fetched concurrently. Tolerant per group: a group (or
//! group version) that cannot be read becomes a coverage gap, never a failed run.
//!
//! Each kind is listed at the first version, in the server's order of preference, that serves
//! it: the preferred version for most, an older one for a kind only it serves. Only listable
//! resources count; subresources never do.

use super::connect::unreachable;
use super::http::{Failure, Fetcher};
use crate::error::Error;
use crate::model::{ApiResource, Gap};
use futures::StreamExt;
use kube::core::discovery::v2::{ACCEPT_AGGREGATED_DISCOVERY_V2, APIGroupDiscoveryList};
use serde::Deserialize;
use std::collections::BTreeSet;

/// The outcome of discovery.
pub(crate) struct Discovered {
    /// One entry per listable (group, kind), sorted.
    pub resources: Vec<ApiResource>,
    /// Groups or group versions that could not be read.
    pub gaps: Vec<Gap>,
    /// True when the server answered both roots with aggregated discovery.
    pub aggregated: bool,
}

/// A classic `/apis` answer.
#[derive(Deserialize)]
struct GroupList {
    #[serde(default)]
    groups: Vec<Group>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Group {
    name: String,
    #[serde(default)]
    versions: Vec<GroupVersionRef>,
    #[serde(default)]
    preferred_version: Option<GroupVersionRef>,
}

#[derive(Deserialize, Clone)]
#[serde(rename_all = "camelCase")]
struct GroupVersionRef {
    #[serde(default)]
    group_version: String,
    version: String,
}

/// A classic `/api` answer.
#[derive(Deserialize)]
struct CoreVersions {
    #[serde(default)]
    versions: Vec<String>,
}

/// A classic `/api/v1` or `/apis/G/V` answer.
#[derive(Deserialize)]
struct ResourceList {
    #[serde(default)]
    resources: Vec<Resource>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Resource {
    name: String,
    #[serde(default)]
    namespaced: bool,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    verbs: Vec<String>,
    #[serde(default)]
    short_names: Vec<String>,
}

/// One group version's listable resources; documents come in preference order.
type VersionDoc = Vec<ApiResource>;

/// Runs discovery. Failing to read the roots (`/api`, `/apis`) stops the run.
pub(crate) async fn discover(
    f: &Fetcher,
    server: &str,
    concurrency: usize,
) -> Result<Discovered, Error> {
    let (core, groups) = futures::join!(
        f.get("/api", ACCEPT_AGGREGATED_DISCOVERY_V2),
        f.get("/apis", ACCEPT_AGGREGATED_DISCOVERY_V2),
    );
    let core = core.map_err(|e| unreachable(&f.side, server, &e))?;
    let groups = groups.map_err(|e| unreachable(&f.side, server, &e))?;
    let bad = |what: &str, e: serde_json::Error| {
        Error::Cluster(format!(
            "{}: the server's {what} discovery document is not valid: {e}",
            f.side
        ))
    };
    let mut docs = Vec::new();
    let mut gaps = Vec::new();
    // Each root answers in its own form (a server may aggregate `/apis` only).
    let mut wanted: Vec<(String, String, String)> = Vec::new();
    let core_aggregated = is_aggregated(&core.content_type);
    if core_aggregated {
        let list: APIGroupDiscoveryList =
            serde_json::from_slice(&core.body).map_err(|e| bad("/api", e))?;
        from_aggregated(list, &mut docs, &mut gaps);
    } else {
        let core: CoreVersions = serde_json::from_slice(&core.body).map_err(|e| bad("/api", e))?;
        wanted.extend(
            core.versions
                .iter()
                .map(|v| (String::new(), v.clone(), format!("/api/{v}"))),
        );
    }
    let groups_aggregated = is_aggregated(&groups.content_type);
    if groups_aggregated {
        let list: APIGroupDiscoveryList =
            serde_json::from_slice(&groups.body).map_err(|e| bad("/apis", e))?;
        from_aggregated(list, &mut docs, &mut gaps);
    } else {
        let groups: GroupList =
            serde_json::from_slice(&groups.body).map_err(|e| bad("/apis", e))?;
        for g in &groups.groups {
            for v in ordered_versions(g) {
                let gv = if v.group_version.is_empty() {
                    format!("{}/{}", g.name, v.version)
                } else {
                    v.group_version.clone()
                };
                wanted.push((g.name.clone(), v.version.clone(), format!("/apis/{gv}")));
            }
        }
    }
    let fetched: Vec<_> = futures::stream::iter(wanted)
        .map(|(group, version, path)| async move {
            let r = f.get(&path, "application/json").await;
            (group, version, r)
        })
        .buffered(concurrency.max(1))
        .collect()
        .await;
    for (group, version, r) in fetched {
        match r.and_then(|got| parse_version_doc(&got.body)) {
            Ok(list) => docs.push(listable(&group, &version, list)),
            Err(e) => gaps.push(group_gap(&group, &version, &e.reason())),
        }
    }
    let aggregated = core_aggregated && groups_aggregated;
    Ok(Discovered {
        resources: choose(docs),
        gaps,
        aggregated,
    })
}

fn parse_version_doc(body: &[u8]) -> Result<ResourceList, Failure> {
    serde_json::from_slice(body).map_err(|e| Failure::Transport {
        refused: false,
        message: format!("invalid discovery document: {e}"),
    })
}

fn is_aggregated(content_type: &str) -> bool {
    content_type.contains("as=apigroupdiscoverylist")
}

/// The preferred version first, then the others in the server's order.
fn ordered_versions(g: &Group) -> Vec<GroupVersionRef> {
    let mut out: Vec<GroupVersionRef> = Vec::new();
    if let Some(p) = &g.preferred_version {
        out.push(p.clone());
    }
    for v in &g.versions {
        if !out.iter().any(|o| o.version == v.version) {
            out.push(v.clone());
        }
    }
    out
}

fn group_gap(group: &str, version: &str, reason: &str) -> Gap {
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Gap {
        group: group.to_string(),
        kind: "*".to_string(),
        namespace: None,
        reason: format!("discovery of {gv} failed: {reason}"),
    }
}

fn listable(group: &str, version: &str, list: ResourceList) -> Vec<ApiResource> {
    list.resources
        .into_iter()
        .filter(|r| !r.name.contains('/') && r.verbs.iter().any(|v| v == "list"))
        .map(|r| ApiResource {
            group: group.to_string(),
            version: version.to_string(),
            kind: r.kind,
            name: r.name,
            namespaced: r.namespaced,
            verbs: r.verbs,
            short_names: r.short_names,
        })
        .collect()
}

fn from_aggregated(list: APIGroupDiscoveryList, docs: &mut Vec<VersionDoc>, gaps: &mut Vec<Gap>) {
    for g in list.items {
        let group = g.metadata.and_then(|m| m.name).unwrap_or_default();
        for v in g.versions {
            let version = v.version.unwrap_or_default();
            if v.freshness.as_deref() == Some("Stale") {
                gaps.push(group_gap(
                    &group,
                    &version,
                    "stale (the API service behind it is unavailable)",
                ));
                continue;
            }
            let resources = v
                .resources
                .into_iter()
                .filter(|r| r.verbs.iter().any(|v| v == "list"))
                .filter_map(|r| {
                    let name = r.resource?;
                    let kind = r.response_kind.and_then(|k| k.kind)?;
                    Some(ApiResource {
                        group: group.clone(),
                        version: version.clone(),
                        kind,
                        name,
                        namespaced: r.scope.as_deref() == Some("Namespaced"),
                        verbs: r.verbs,
                        short_names: r.short_names,
                    })
                })
                .filter(|r| !r.name.contains('/'))
                .collect();
            docs.push(resources);
        }
    }
}

/// One resource per (group, kind): the first version (in preference order) serving it. Kinds
/// also served under their current group (old `extensions` Ingresses) are read there only.
fn choose(docs: Vec<VersionDoc>) -> Vec<ApiResource> {
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut out: Vec<ApiResource> = Vec::new();
    for doc in docs {
        for r in doc {
            if seen.insert((r.group.clone(), r.kind.clone())) {
                out.push(r);
            }
        }
    }
    let canonical: BTreeSet<(String, String)> = seen;
    out.retain(|r| {
        let to = crate::normalize::alias_group(&r.group, &r.kind);
        to == r.group || !canonical.contains(&(to.to_string(), r.kind.clone()))
    });
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(group: &str, version: &str, kinds: &[&str]) -> VersionDoc {
        kinds
            .iter()
            .map(|k| ApiResource {
                group: group.into(),
                version: version.into(),
                kind: k.to_string(),
                name: format!("{}s", k.to_lowercase()),
                namespaced: true,
                verbs: vec!["list".into()],
                short_names: vec![],
            })
            .collect()
    }

    /// A kind served only by an older version is still read; the preferred version wins for
    /// kinds both serve; the old `extensions` group is dropped when the current one serves it.
    #[test]
    fn chooses_first_version_per_kind() {
        let chosen = choose(vec![
            doc("gateway.networking.k8s.io", "v1", &["Gateway", "HTTPRoute"]),
            doc(
                "gateway.networking.k8s.io",
                "v1alpha2",
                &["HTTPRoute", "TCPRoute"],
            ),
            doc("networking.k8s.io", "v1", &["Ingress"]),
            doc("extensions", "v1beta1", &["Ingress"]),
        ]);
        let got: Vec<String> = chosen
            .iter()
            .map(|r| format!("{}/{}/{}", r.group, r.version, r.kind))
            .collect();
        assert_eq!(
            got,
            vec![
                "gateway.networking.k8s.io/v1/Gateway",
                "gateway.networking.k8s.io/v1/HTTPRoute",
                "gateway.networking.k8s.io/v1alpha2/TCPRoute",
                "networking.k8s.io/v1/Ingress",
            ]
        );
    }
}
