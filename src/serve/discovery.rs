//! Discovery documents rendered from the store: the classic `/api`, `/api/v1`, `/apis`,
//! `/apis/G`, `/apis/G/V`, and aggregated discovery (`apidiscovery.k8s.io` v2/v2beta1) for
//! `/api` and `/apis`. A group made unavailable by a fault is marked stale, as the aggregator
//! marks an API service that does not answer.

use super::store::{GroupEntry, Served, Store};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::core::discovery::v2::{
    APIGroupDiscovery, APIGroupDiscoveryList, APIResourceDiscovery, APIVersionDiscovery,
    GroupVersionKind,
};
use serde_json::{Value, json};

/// `/api`.
pub(crate) fn core_versions(host: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": host}],
    })
}

fn group_doc(g: &GroupEntry) -> Value {
    let versions: Vec<Value> = g
        .versions
        .iter()
        .map(|v| json!({"groupVersion": format!("{}/{v}", g.name), "version": v}))
        .collect();
    json!({
        "name": g.name,
        "versions": versions,
        "preferredVersion": versions.first().cloned().unwrap_or(Value::Null),
    })
}

/// `/apis`.
pub(crate) fn group_list(store: &Store) -> Value {
    let groups: Vec<Value> = store.groups.iter().map(group_doc).collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `/apis/G`.
pub(crate) fn group(store: &Store, name: &str) -> Option<Value> {
    let g = store.groups.iter().find(|g| g.name == name)?;
    let mut doc = group_doc(g);
    doc["kind"] = json!("APIGroup");
    doc["apiVersion"] = json!("v1");
    Some(doc)
}

/// Adds the optional `shortNames` and `categories` of a resource.
fn with_names(mut doc: Value, s: &Served) -> Value {
    if !s.info.short_names.is_empty() {
        doc["shortNames"] = json!(s.info.short_names);
    }
    if !s.categories.is_empty() {
        doc["categories"] = json!(s.categories);
    }
    doc
}

fn resource_doc(s: &Served) -> Value {
    let r = &s.info;
    let doc = json!({
        "name": r.name,
        "singularName": r.kind.to_ascii_lowercase(),
        "namespaced": r.namespaced,
        "kind": r.kind,
        "verbs": r.verbs,
    });
    with_names(doc, s)
}

/// `/api/v1` and `/apis/G/V`.
pub(crate) fn resource_list(store: &Store, group: &str, version: &str) -> Option<Value> {
    let known = if group.is_empty() {
        version == "v1"
    } else {
        store
            .groups
            .iter()
            .any(|g| g.name == group && g.versions.iter().any(|v| v == version))
    };
    if !known {
        return None;
    }
    let resources: Vec<Value> = store
        .at(group, version)
        .into_iter()
        .map(resource_doc)
        .collect();
    let group_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Some(json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": resources,
    }))
}

fn aggregated_resource(s: &Served) -> APIResourceDiscovery {
    let r = &s.info;
    APIResourceDiscovery {
        resource: Some(r.name.clone()),
        response_kind: Some(GroupVersionKind {
            group: Some(r.group.clone()),
            version: Some(r.version.clone()),
            kind: Some(r.kind.clone()),
        }),
        scope: Some(
            if r.namespaced {
                "Namespaced"
            } else {
                "Cluster"
            }
            .into(),
        ),
        singular_resource: Some(r.kind.to_ascii_lowercase()),
        verbs: r.verbs.clone(),
        short_names: r.short_names.clone(),
        categories: s.categories.clone(),
        subresources: Vec::new(),
    }
}

fn aggregated_group(
    store: &Store,
    name: &str,
    versions: &[String],
    stale: bool,
) -> APIGroupDiscovery {
    let versions = versions
        .iter()
        .map(|v| APIVersionDiscovery {
            version: Some(v.clone()),
            resources: if stale {
                Vec::new()
            } else {
                store
                    .at(name, v)
                    .into_iter()
                    .map(aggregated_resource)
                    .collect()
            },
            freshness: Some(if stale { "Stale" } else { "Current" }.into()),
        })
        .collect();
    APIGroupDiscovery {
        metadata: Some(ObjectMeta {
            name: Some(name.to_string()),
            ..Default::default()
        }),
        versions,
    }
}

/// Aggregated `/api` (`core == true`) or `/apis`; groups in `unavailable` are stale. Built
/// with kube-core's `discovery::v2` types, which the live collector reads back.
pub(crate) fn aggregated(
    store: &Store,
    core: bool,
    version: &str,
    unavailable: &[String],
) -> Value {
    let items: Vec<APIGroupDiscovery> = if core {
        vec![aggregated_group(store, "", &["v1".to_string()], false)]
    } else {
        store
            .groups
            .iter()
            .map(|g| aggregated_group(store, &g.name, &g.versions, unavailable.contains(&g.name)))
            .collect()
    };
    let list = APIGroupDiscoveryList {
        metadata: Some(Default::default()),
        items,
    };
    let mut doc = serde_json::to_value(&list).unwrap_or_else(|_| json!({}));
    doc["kind"] = json!("APIGroupDiscoveryList");
    doc["apiVersion"] = json!(format!("apidiscovery.k8s.io/{version}"));
    doc
}
