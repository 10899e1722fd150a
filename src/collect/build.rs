//! Raw documents → a normalized [`Side`]: facts out of version dumps and Nodes, objects keyed,
//! namespaced by scope, normalized in parallel, ignored ones counted, duplicates refused.

use super::limits::Limits;
use super::parse::ParsedDoc;
use super::raw::RawDoc;
use super::scope::{Scope, ScopeTable};
use crate::error::Error;
use crate::model::{
    ClusterFacts, Coverage, NodeFact, Object, ObjectKey, Origin, ServerVersion, Side,
    UNKNOWN_VERSION_COMMIT, split_api_version,
};
use crate::normalize::{self, names::strip_hash_suffix, secrets::Fingerprinter};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// How a side is loaded.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Namespace for namespaced objects that name none (as `kubectl apply -n`).
    pub default_namespace: String,
    /// Fingerprints secret values.
    pub fingerprinter: Fingerprinter,
    /// Budgets on what the input may cost (docs/limits.md).
    pub limits: Limits,
    /// A side with no object at all is accepted (`--allow-empty`).
    pub allow_empty: bool,
}

impl LoadOptions {
    /// Default budgets, empty sides refused.
    pub fn new(default_namespace: &str, fingerprinter: Fingerprinter) -> Self {
        LoadOptions {
            default_namespace: default_namespace.to_string(),
            fingerprinter,
            limits: Limits::default(),
            allow_empty: false,
        }
    }
}

/// Parsed, not yet built: the documents of one side.
pub(crate) struct RawSide {
    pub source: String,
    pub docs: Vec<(Arc<str>, ParsedDoc)>,
    pub skipped_files: Vec<String>,
}

/// A document to build, where it came from, and (for an item of a JSON `List`, whose line
/// the parser does not know) its index in the list, to find its line if it is in error.
type Flat = (Origin, Option<u32>, RawDoc);

impl RawSide {
    /// Every document, with `List` items flattened out (nested lists too, as kubectl does).
    fn flatten(self) -> Vec<Flat> {
        let mut out = Vec::with_capacity(self.docs.len());
        for (file, pd) in self.docs {
            flatten_into(&file, pd.line, None, pd.doc, &mut out);
        }
        out
    }

    /// Registers the CRDs this side defines.
    pub fn register_crds(&self, table: &mut ScopeTable) {
        let mut visit = |d: &RawDoc| {
            if d.kind.as_deref() != Some("CustomResourceDefinition") {
                return;
            }
            let spec = d.rest.get("spec");
            let group = spec.and_then(|s| s.get("group")).and_then(Value::as_str);
            let kind = spec
                .and_then(|s| s.get("names"))
                .and_then(|n| n.get("kind"))
                .and_then(Value::as_str);
            let scope = spec.and_then(|s| s.get("scope")).and_then(Value::as_str);
            if let (Some(g), Some(k)) = (group, kind) {
                table.add_crd(g, k, scope != Some("Cluster"));
            }
        };
        fn walk(d: &RawDoc, visit: &mut impl FnMut(&RawDoc)) {
            visit(d);
            if d.is_list() {
                for item in d.items.iter().flatten() {
                    walk(item, visit);
                }
            }
        }
        for (_, pd) in &self.docs {
            walk(&pd.doc, &mut visit);
        }
    }
}

/// Pushes a document, or the items of a list (recursively). Items of a typed list
/// (`ConfigMapList`) that name no kind are of the list's item kind, as the API serves them.
fn flatten_into(
    file: &Arc<str>,
    line: Option<u32>,
    index: Option<u32>,
    doc: RawDoc,
    out: &mut Vec<Flat>,
) {
    let (line, index) = match doc.line {
        Some(l) => (Some(l), None),
        None => (line, index),
    };
    if !doc.is_list() {
        let origin = Origin {
            file: file.clone(),
            line,
        };
        out.push((origin, index, doc));
        return;
    }
    let item_kind = doc
        .kind
        .as_deref()
        .and_then(|k| k.strip_suffix("List"))
        .filter(|k| !k.is_empty())
        .map(str::to_string);
    let top = index.is_none() && doc.line.is_none();
    for (i, mut item) in (0u32..).zip(doc.items.unwrap_or_default()) {
        if let Some(k) = &item_kind
            && !item.is_empty()
        {
            if item.kind.is_none() {
                item.kind = Some(k.clone());
            }
            if item.api_version.is_none() && item.kind.as_ref() == Some(k) {
                item.api_version = doc.api_version.clone();
            }
        }
        // Only an item of a top-level JSON list can be found again by its index.
        let index = if top { Some(i) } else { None };
        flatten_into(file, line, index, item, out);
    }
}

/// What one document turned out to be (an object with its controller flag and redactions).
enum Loaded {
    Object(Object, bool, crate::normalize::secrets::Tally),
    Version(ServerVersion),
    Node(NodeFact),
    Skip,
}

/// Builds the side.
pub(crate) fn build(raw: RawSide, scopes: &ScopeTable, opts: &LoadOptions) -> Result<Side, Error> {
    let source = raw.source.clone();
    let skipped = raw.skipped_files.clone();
    let docs = raw.flatten();
    let assumed: std::sync::Mutex<BTreeSet<String>> = Default::default();
    let loaded: Vec<Loaded> = docs
        .into_par_iter()
        .map(|(origin, index, doc)| {
            let mut l = classify(origin, index, doc, scopes, opts, &assumed)?;
            if let Loaded::Object(obj, _, tally) = &mut l {
                *tally = normalize::normalize(obj, &opts.fingerprinter);
            }
            Ok(l)
        })
        .collect::<Result<_, Error>>()?;

    let mut facts = ClusterFacts::default();
    let mut objects = Vec::new();
    let mut ignored: BTreeMap<String, usize> = BTreeMap::new();
    let mut redactions = crate::normalize::secrets::Tally::default();
    for l in loaded {
        match l {
            Loaded::Object(obj, owned, tally) => {
                let k = &obj.key;
                match normalize::managed::ignore_reason(
                    &k.group, &k.kind, &k.name, &obj.body, owned,
                ) {
                    Some(why) => *ignored.entry(why.to_string()).or_default() += 1,
                    None => {
                        redactions.merge(&tally);
                        objects.push(obj);
                    }
                }
            }
            Loaded::Version(v) => {
                facts.server_version.get_or_insert(v);
            }
            Loaded::Node(n) => facts.nodes.push(n),
            Loaded::Skip => {}
        }
    }
    facts.nodes.sort_by(|a, b| a.name.cmp(&b.name));
    facts.nodes.dedup_by(|a, b| a.name == b.name);
    drop_stale_generations(&mut objects, &mut ignored);
    objects.sort_by(|a, b| a.key.cmp(&b.key));
    let merged = merge_duplicates(&mut objects)?;

    let mut assumptions: Vec<String> = merged;
    assumptions.extend(assumed.into_inner().unwrap_or_default());
    assumptions.extend(
        skipped
            .iter()
            .map(|f| format!("{f}: kustomize configuration, not an object (skipped)")),
    );
    Ok(Side {
        source,
        captured_at: crate::now_rfc3339(),
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        fingerprint_key_id: Some(opts.fingerprinter.id().to_string()),
        facts,
        api_resources: Vec::new(),
        coverage: Coverage {
            complete: true,
            gaps: Vec::new(),
            assumptions,
            redactions: redactions.to_map(),
        },
        ignored,
        objects,
    })
}

fn classify(
    origin: Origin,
    index: Option<u32>,
    doc: RawDoc,
    scopes: &ScopeTable,
    opts: &LoadOptions,
    assumed: &std::sync::Mutex<BTreeSet<String>>,
) -> Result<Loaded, Error> {
    if doc.is_empty() {
        return Ok(Loaded::Skip);
    }
    let fail = |msg: String| {
        let line = match index {
            Some(i) => super::locate::json_item_line(&origin, i),
            None => origin.line,
        };
        let msg = match (index, line == origin.line) {
            (Some(i), true) => format!("{msg} (item {} of the list)", i + 1),
            _ => msg,
        };
        Error::input(origin.file.to_string(), line.map(u64::from), None, msg)
    };
    let Some(kind) = doc.kind.clone() else {
        if let Some(v) = doc.rest.get("serverVersion") {
            if v.get("gitCommit").and_then(Value::as_str) == Some(UNKNOWN_VERSION_COMMIT) {
                return Ok(Loaded::Skip); // `checkride serve`'s placeholder: the version is unknown
            }
            return server_version(v)
                .map(Loaded::Version)
                .ok_or_else(|| fail("`serverVersion` has no gitVersion".into()));
        }
        if doc.rest.contains_key("clientVersion") {
            return Ok(Loaded::Skip); // `kubectl version --client`: says nothing about the cluster
        }
        return Err(fail("not a Kubernetes object: no `kind`".into()));
    };
    let Some(api_version) = doc.api_version.clone() else {
        return Err(fail(format!("{kind} has no `apiVersion`")));
    };
    let (group, version) = split_api_version(&api_version);
    if group == "kustomize.config.k8s.io" {
        return Ok(Loaded::Skip);
    }
    let group = normalize::alias_group(group, &kind).to_string();
    let meta = doc.metadata.unwrap_or_default();
    if group.is_empty() && kind == "Node" {
        return Ok(Loaded::Node(node_fact(
            meta.name.unwrap_or_default(),
            meta.labels.as_ref(),
            doc.status.as_ref(),
        )));
    }
    let name = match meta.name.or(meta.generate_name) {
        Some(n) if !n.is_empty() => n,
        _ => return Err(fail(format!("{kind} has no `metadata.name`"))),
    };
    let namespace = match scopes.scope(&group, &kind) {
        Some(Scope::Cluster) => None,
        Some(Scope::Namespaced) => Some(
            meta.namespace
                .unwrap_or_else(|| opts.default_namespace.clone()),
        ),
        None => {
            if let Ok(mut a) = assumed.lock() {
                a.insert(format!(
                    "{} has no CustomResourceDefinition in the input: taken as namespaced",
                    crate::model::group_kind(&group, &kind)
                ));
            }
            Some(
                meta.namespace
                    .unwrap_or_else(|| opts.default_namespace.clone()),
            )
        }
    };
    let owned = meta
        .owner_references
        .iter()
        .flatten()
        .any(|o| o.controller == Some(true));
    let mut body = doc.rest;
    let mut m = Map::new();
    for (field, value) in [("labels", meta.labels), ("annotations", meta.annotations)] {
        if let Some(map) = value {
            let map: Map<String, Value> = map.into_iter().map(|(k, v)| (k, stringify(v))).collect();
            m.insert(field.into(), Value::Object(map));
        }
    }
    if let Some(f) = meta.finalizers {
        m.insert("finalizers".into(), Value::Array(f));
    }
    if !m.is_empty() {
        body.insert("metadata".into(), Value::Object(m));
    }
    let api_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Ok(Loaded::Object(
        Object {
            key: ObjectKey {
                group,
                kind,
                namespace,
                name,
            },
            api_version,
            body,
            origin,
        },
        owned,
        Default::default(),
    ))
}

/// Label and annotation values are strings; YAML authors sometimes write numbers or booleans.
fn stringify(v: Value) -> Value {
    match v {
        Value::String(_) => v,
        Value::Null => Value::String(String::new()),
        other => Value::String(other.to_string()),
    }
}

fn server_version(v: &Value) -> Option<ServerVersion> {
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let git_version = s("gitVersion");
    if git_version.is_empty() {
        return None;
    }
    Some(ServerVersion {
        git_version,
        major: s("major"),
        minor: s("minor").trim_end_matches('+').to_string(),
        platform: s("platform"),
    })
}

fn node_fact(
    name: String,
    labels: Option<&BTreeMap<String, Value>>,
    status: Option<&Value>,
) -> NodeFact {
    let label = |k: &str| {
        labels
            .and_then(|l| l.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let info = |k: &str| {
        status
            .and_then(|s| s.get("nodeInfo"))
            .and_then(|i| i.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let or = |a: String, b: String| if a.is_empty() { b } else { a };
    let allocatable = status
        .and_then(|s| s.get("allocatable"))
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (
                        k.clone(),
                        normalize::quantity::canonical(&text).unwrap_or(text),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    NodeFact {
        name,
        kubelet_version: info("kubeletVersion"),
        container_runtime: info("containerRuntimeVersion"),
        os: or(info("operatingSystem"), label("kubernetes.io/os")),
        arch: or(info("architecture"), label("kubernetes.io/arch")),
        os_image: info("osImage"),
        instance_type: or(
            label("node.kubernetes.io/instance-type"),
            label("beta.kubernetes.io/instance-type"),
        ),
        zone: or(
            label("topology.kubernetes.io/zone"),
            label("failure-domain.beta.kubernetes.io/zone"),
        ),
        allocatable,
    }
}

/// Where a live side holds several kustomize generations of one ConfigMap/Secret, the one a
/// workload references is compared and the rest are ignored as stale.
fn drop_stale_generations(objects: &mut Vec<Object>, ignored: &mut BTreeMap<String, usize>) {
    let is_generated = |o: &Object| {
        o.key.group.is_empty()
            && matches!(o.key.kind.as_str(), "ConfigMap" | "Secret")
            && strip_hash_suffix(&o.key.name).len() != o.key.name.len()
    };
    let mut families: HashMap<(String, Option<String>, String), Vec<usize>> = HashMap::new();
    for (i, o) in objects.iter().enumerate() {
        if is_generated(o) {
            let base = strip_hash_suffix(&o.key.name).to_string();
            families
                .entry((o.key.kind.clone(), o.key.namespace.clone(), base))
                .or_default()
                .push(i);
        }
    }
    if families.values().all(|v| v.len() < 2) {
        return;
    }
    let mut referenced: BTreeSet<(String, Option<String>, String)> = BTreeSet::new();
    for o in objects.iter() {
        if let Some(pod) = crate::model::workload::pod_spec(&o.key, &o.body) {
            for r in crate::model::workload::config_refs(pod) {
                referenced.insert((r.kind.to_string(), o.key.namespace.clone(), r.name));
            }
        }
    }
    let mut drop = vec![false; objects.len()];
    for members in families.values().filter(|m| m.len() > 1) {
        let keep = members
            .iter()
            .copied()
            .find(|&i| {
                let k = &objects[i].key;
                referenced.contains(&(k.kind.clone(), k.namespace.clone(), k.name.clone()))
            })
            .unwrap_or(members[members.len() - 1]);
        for &i in members {
            if i != keep {
                drop[i] = true;
                *ignored
                    .entry("older kustomize generation".into())
                    .or_default() += 1;
            }
        }
    }
    let mut i = 0;
    objects.retain(|_| {
        i += 1;
        !drop[i - 1]
    });
}

/// The same object twice on one side: identical copies (two overlays rendering one shared
/// ConfigMap) are merged and noted; conflicting ones are an input error naming both places.
fn merge_duplicates(objects: &mut Vec<Object>) -> Result<Vec<String>, Error> {
    let mut notes = Vec::new();
    for w in objects.windows(2) {
        if w[0].key != w[1].key {
            continue;
        }
        if w[0].body == w[1].body {
            notes.push(format!(
                "{} is defined twice, identically ({} and {}): compared once",
                w[1].key, w[0].origin, w[1].origin
            ));
            continue;
        }
        let o = &w[1].origin;
        return Err(Error::input(
            o.file.to_string(),
            o.line.map(u64::from),
            None,
            format!(
                "duplicate object {} with different content: also defined at {}",
                w[1].key, w[0].origin
            ),
        ));
    }
    objects.dedup_by(|b, a| a.key == b.key);
    Ok(notes)
}
