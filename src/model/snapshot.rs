//! One side of a comparison, loaded and normalized, and its saved form (`kind: Snapshot`).

use super::facts::ClusterFacts;
use super::key::ObjectKey;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// `apiVersion` of every document checkride writes.
pub const API_VERSION: &str = "checkride.dev/v1alpha1";

/// Where an object was read from, for error messages (never serialized into snapshots).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// File path as the user gave it (or `-`, or `context:NAME`).
    pub file: Arc<str>,
    /// 1-based line of the document's start, when known.
    pub line: Option<u32>,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}", self.file, l),
            None => write!(f, "{}", self.file),
        }
    }
}

/// A normalized object.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    /// Identity as read (before namespace mapping and name canonicalization).
    pub key: ObjectKey,
    /// `apiVersion` as read (after group aliasing).
    pub api_version: String,
    /// Everything but `apiVersion`, `kind`, `metadata.name` and `metadata.namespace`, normalized.
    pub body: Map<String, Value>,
    /// Where it came from.
    pub origin: Origin,
}

impl Object {
    /// The value at a dotted path of plain keys inside the body (`spec.replicas`).
    pub fn get(&self, dotted: &str) -> Option<&Value> {
        let mut parts = dotted.split('.');
        let mut cur = self.body.get(parts.next()?)?;
        for p in parts {
            cur = cur.get(p)?;
        }
        Some(cur)
    }

    /// A label value.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.body
            .get("metadata")?
            .get("labels")?
            .get(name)?
            .as_str()
    }

    /// Rebuilds the Kubernetes-shaped object (as stored in snapshots and served by `serve`).
    pub fn to_manifest(&self) -> Value {
        let mut out = Map::new();
        out.insert("apiVersion".into(), Value::String(self.api_version.clone()));
        out.insert("kind".into(), Value::String(self.key.kind.clone()));
        let mut meta = Map::new();
        meta.insert("name".into(), Value::String(self.key.name.clone()));
        if let Some(ns) = &self.key.namespace {
            meta.insert("namespace".into(), Value::String(ns.clone()));
        }
        if let Some(Value::Object(m)) = self.body.get("metadata") {
            for (k, v) in m {
                meta.insert(k.clone(), v.clone());
            }
        }
        out.insert("metadata".into(), Value::Object(meta));
        for (k, v) in &self.body {
            if k != "metadata" {
                out.insert(k.clone(), v.clone());
            }
        }
        Value::Object(out)
    }
}

/// A kind the side's API server serves (from discovery; empty for manifests).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiResource {
    /// API group; empty for core.
    pub group: String,
    /// Preferred version.
    pub version: String,
    /// Kind.
    pub kind: String,
    /// Plural resource name (`deployments`).
    pub name: String,
    /// Namespaced or cluster-scoped.
    pub namespaced: bool,
    /// Verbs the server allows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verbs: Vec<String>,
    /// Short names (`deploy`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub short_names: Vec<String>,
}

/// Something that could not be read: a kind, a namespace, a group.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Gap {
    /// API group (empty for core).
    pub group: String,
    /// Kind, or `*` when a whole group was unavailable.
    pub kind: String,
    /// Namespace, when the gap is limited to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Why (e.g. `403 Forbidden`).
    pub reason: String,
}

/// What was and was not read on one side.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Coverage {
    /// True when nothing the side was asked to read was missed.
    pub complete: bool,
    /// What was not read.
    #[serde(default)]
    pub gaps: Vec<Gap>,
    /// What was assumed where the input did not say (e.g. scope of a custom kind without CRD).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<String>,
    /// Values redacted while loading, per detector (docs/secrets.md lists the detectors).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub redactions: BTreeMap<String, u64>,
}

/// A side: the normalized objects and facts of one environment.
#[derive(Debug, Clone, Default)]
pub struct Side {
    /// What was read (`fixtures/…/prod`, `context:prod`, a snapshot path).
    pub source: String,
    /// RFC 3339 time of capture.
    pub captured_at: String,
    /// checkride version that captured it.
    pub tool_version: String,
    /// Id of the key secret fingerprints were made with; `None` = no fingerprints kept.
    pub fingerprint_key_id: Option<String>,
    /// Server version, nodes.
    pub facts: ClusterFacts,
    /// Kinds served (from discovery).
    pub api_resources: Vec<ApiResource>,
    /// What was and was not read.
    pub coverage: Coverage,
    /// Objects not compared on purpose, counted per reason.
    pub ignored: BTreeMap<String, usize>,
    /// The objects, sorted by key.
    pub objects: Vec<Object>,
}

/// The saved form of a [`Side`]: `checkride snapshot` writes it, `compare` reads it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotDoc {
    /// Always [`API_VERSION`].
    pub api_version: String,
    /// Always `Snapshot`.
    pub kind: String,
    /// What was read.
    pub source: String,
    /// RFC 3339 capture time.
    pub captured_at: String,
    /// checkride version.
    pub tool_version: String,
    /// Id of the fingerprint key, or null when values carry no fingerprints.
    #[serde(default)]
    pub fingerprint_key_id: Option<String>,
    /// Cluster facts.
    #[serde(default)]
    pub facts: ClusterFacts,
    /// Kinds served.
    #[serde(default)]
    pub api_resources: Vec<ApiResource>,
    /// What was and was not read.
    pub coverage: Coverage,
    /// Ignored objects per reason.
    #[serde(default)]
    pub ignored: BTreeMap<String, usize>,
    /// Kubernetes-shaped objects.
    pub objects: Vec<Value>,
}
