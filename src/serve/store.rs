//! What `serve` answers from: a snapshot's objects, grouped per resource and serialized once,
//! with the discovery entries that describe them. A snapshot taken from a cluster carries its
//! `apiResources`; one made from manifests does not, so discovery is derived: the built-in
//! kinds (k8s-openapi), the CRDs in the snapshot, and a guess for custom kinds without a CRD.

use super::builtin;
use crate::model::{ApiResource, NodeFact, Side, UNKNOWN_VERSION_COMMIT};
use crate::normalize::secrets::drop_fingerprints;
use base64::Engine;
use bytes::Bytes;
use kube::core::Version;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The `gitVersion` served when the snapshot does not know the server's (a placeholder, marked
/// with [`UNKNOWN_VERSION_COMMIT`] as its `gitCommit`).
pub const DEFAULT_SERVER_VERSION: &str = "v1.33.0";

/// One object as served.
pub(crate) struct Item {
    pub namespace: Option<String>,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// The object's JSON.
    pub json: Bytes,
    /// `metadata` (for Table rows).
    pub metadata: Value,
}

/// One resource at one version, and its objects.
pub(crate) struct Served {
    pub info: ApiResource,
    pub categories: Vec<String>,
    pub items: Arc<Vec<Item>>,
}

/// A group and its versions, preferred first.
pub(crate) struct GroupEntry {
    pub name: String,
    pub versions: Vec<String>,
}

/// Everything `serve` answers from.
pub(crate) struct Store {
    /// The `/version` document.
    pub version: Value,
    /// Non-core groups, sorted by name.
    pub groups: Vec<GroupEntry>,
    /// Every resource at every version it is served at.
    pub resources: Vec<Served>,
    index: HashMap<(String, String, String), usize>,
}

/// How the store is built.
pub(crate) struct StoreOptions<'a> {
    /// Overrides the served `/version`.
    pub server_version: Option<&'a str>,
    /// Serve redaction tokens with their fingerprints (else as `‹redacted›`).
    pub with_fingerprints: bool,
}

impl Store {
    /// Builds the store.
    pub fn new(side: &Side, opts: &StoreOptions) -> Store {
        let mut entries = discovery_entries(side);
        let mut by_kind: BTreeMap<(String, String), Vec<Item>> = BTreeMap::new();
        for o in &side.objects {
            let mut m = o.to_manifest();
            if !opts.with_fingerprints {
                drop_fingerprints(&mut m);
            }
            if o.key.group.is_empty() && o.key.kind == "Secret" {
                encode_secret_data(&mut m);
            }
            by_kind
                .entry((o.key.group.clone(), o.key.kind.clone()))
                .or_default()
                .push(item(o.key.namespace.clone(), o.key.name.clone(), &m));
            if !entries
                .iter()
                .any(|r| r.group == o.key.group && r.kind == o.key.kind)
            {
                entries.push(guessed(
                    &o.key.group,
                    &o.key.kind,
                    &o.api_version,
                    o.key.namespace.is_some(),
                ));
            }
        }
        let nodes: Vec<Item> = side.facts.nodes.iter().map(node_item).collect();
        if !nodes.is_empty() {
            by_kind.insert((String::new(), "Node".into()), nodes);
        }
        let mut shared: HashMap<(String, String), Arc<Vec<Item>>> =
            by_kind.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
        let mut resources = Vec::new();
        let mut index = HashMap::new();
        let mut versions: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for info in entries {
            let key = (info.group.clone(), info.version.clone(), info.name.clone());
            if index.contains_key(&key) {
                continue;
            }
            let items = shared
                .entry((info.group.clone(), info.kind.clone()))
                .or_default()
                .clone();
            let vs = versions.entry(info.group.clone()).or_default();
            if !vs.contains(&info.version) {
                vs.push(info.version.clone());
            }
            index.insert(key, resources.len());
            resources.push(Served {
                categories: builtin::categories(&info.group, &info.kind),
                info,
                items,
            });
        }
        let groups = versions
            .into_iter()
            .filter(|(g, _)| !g.is_empty())
            .map(|(name, mut versions)| {
                versions.sort_by_key(|v| std::cmp::Reverse(Version::parse(v).priority()));
                GroupEntry { name, versions }
            })
            .collect();
        Store {
            version: version_doc(side, opts.server_version),
            groups,
            resources,
            index,
        }
    }

    /// The resource at a group, version and plural.
    pub fn find(&self, group: &str, version: &str, plural: &str) -> Option<&Served> {
        self.index
            .get(&(group.to_string(), version.to_string(), plural.to_string()))
            .map(|&i| &self.resources[i])
    }

    /// The resources of one group version, in a stable order.
    pub fn at(&self, group: &str, version: &str) -> Vec<&Served> {
        let mut v: Vec<&Served> = self
            .resources
            .iter()
            .filter(|s| s.info.group == group && s.info.version == version)
            .collect();
        v.sort_by(|a, b| a.info.name.cmp(&b.info.name));
        v
    }
}

/// Discovery entries: recorded ones when the snapshot has them, derived ones otherwise.
fn discovery_entries(side: &Side) -> Vec<ApiResource> {
    if !side.api_resources.is_empty() {
        return side.api_resources.clone();
    }
    let mut out = builtin::resources();
    for o in &side.objects {
        if o.key.group == "apiextensions.k8s.io" && o.key.kind == "CustomResourceDefinition" {
            out.extend(crd_entries(&o.body));
        }
    }
    out
}

/// The discovery entries a CRD adds: one per served version.
fn crd_entries(body: &Map<String, Value>) -> Vec<ApiResource> {
    let spec = body.get("spec");
    let s = |path: &[&str]| -> Option<&Value> {
        let mut cur = spec?;
        for p in path {
            cur = cur.get(p)?;
        }
        Some(cur)
    };
    let (Some(group), Some(kind), Some(plural)) = (
        s(&["group"]).and_then(Value::as_str),
        s(&["names", "kind"]).and_then(Value::as_str),
        s(&["names", "plural"]).and_then(Value::as_str),
    ) else {
        return Vec::new();
    };
    let namespaced = s(&["scope"]).and_then(Value::as_str) != Some("Cluster");
    let short_names: Vec<String> = s(&["names", "shortNames"])
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let versions: Vec<String> = s(&["versions"])
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter(|v| v.get("served").and_then(Value::as_bool) != Some(false))
                .filter_map(|v| v.get("name").and_then(Value::as_str).map(String::from))
                .collect()
        })
        .unwrap_or_default();
    versions
        .into_iter()
        .map(|version| ApiResource {
            group: group.to_string(),
            version,
            kind: kind.to_string(),
            name: plural.to_string(),
            namespaced,
            verbs: builtin::SERVED_VERBS
                .iter()
                .map(|v| v.to_string())
                .collect(),
            short_names: short_names.clone(),
        })
        .collect()
}

/// An entry for a kind no discovery source describes.
fn guessed(group: &str, kind: &str, api_version: &str, namespaced: bool) -> ApiResource {
    let version = api_version.rsplit('/').next().unwrap_or(api_version);
    ApiResource {
        group: group.to_string(),
        version: version.to_string(),
        kind: kind.to_string(),
        name: builtin::guess_plural(kind),
        namespaced,
        verbs: builtin::SERVED_VERBS
            .iter()
            .map(|v| v.to_string())
            .collect(),
        short_names: Vec::new(),
    }
}

/// Secret `data` is base64 on the wire, as the API server sends it.
fn encode_secret_data(m: &mut Value) {
    if let Some(Value::Object(data)) = m.get_mut("data") {
        for v in data.values_mut() {
            if let Value::String(s) = v {
                *s = base64::engine::general_purpose::STANDARD.encode(s.as_bytes());
            }
        }
    }
}

fn item(namespace: Option<String>, name: String, m: &Value) -> Item {
    let metadata = m.get("metadata").cloned().unwrap_or(Value::Null);
    let labels = metadata
        .get("labels")
        .and_then(Value::as_object)
        .map(|l| {
            l.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    Item {
        namespace,
        name,
        labels,
        json: Bytes::from(serde_json::to_vec(m).unwrap_or_default()),
        metadata,
    }
}

/// A Node object carrying what the snapshot's node facts say (and nothing else).
fn node_item(n: &NodeFact) -> Item {
    let mut labels = Map::new();
    let mut info = Map::new();
    for (is_label, key, value) in [
        (true, "node.kubernetes.io/instance-type", &n.instance_type),
        (true, "topology.kubernetes.io/zone", &n.zone),
        (false, "kubeletVersion", &n.kubelet_version),
        (false, "containerRuntimeVersion", &n.container_runtime),
        (false, "operatingSystem", &n.os),
        (false, "architecture", &n.arch),
        (false, "osImage", &n.os_image),
    ] {
        if !value.is_empty() {
            let map = if is_label { &mut labels } else { &mut info };
            map.insert(key.to_string(), Value::String(value.clone()));
        }
    }
    let mut metadata = json!({ "name": n.name });
    if !labels.is_empty() {
        metadata["labels"] = Value::Object(labels);
    }
    let node = json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": metadata,
        "status": { "nodeInfo": info, "allocatable": n.allocatable },
    });
    item(None, n.name.clone(), &node)
}

fn version_doc(side: &Side, overridden: Option<&str>) -> Value {
    let recorded = side.facts.server_version.as_ref();
    let git = overridden
        .map(String::from)
        .or_else(|| recorded.map(|v| v.git_version.clone()))
        .unwrap_or_else(|| DEFAULT_SERVER_VERSION.to_string());
    let triple = crate::model::facts::parse_version_triple(&git);
    let (major, minor) = match (overridden, recorded) {
        (None, Some(v)) => (v.major.clone(), v.minor.clone()),
        _ => triple.map_or((String::new(), String::new()), |(a, b, _)| {
            (a.to_string(), b.to_string())
        }),
    };
    let platform = match (overridden, recorded) {
        (None, Some(v)) => v.platform.clone(),
        _ => String::new(),
    };
    // Neither the snapshot nor the user knows the version: say so, so a collector reading this
    // server records no version rather than the placeholder.
    let commit = match (overridden, recorded) {
        (None, None) => UNKNOWN_VERSION_COMMIT,
        _ => "",
    };
    json!({
        "major": major,
        "minor": minor,
        "gitVersion": git,
        "gitCommit": commit,
        "gitTreeState": "",
        "buildDate": "",
        "goVersion": "",
        "compiler": "",
        "platform": platform,
    })
}
