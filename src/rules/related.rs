//! Objects related to a difference's object, on each side: what a workload references
//! (ConfigMaps/Secrets through env, envFrom, volumes), who references a ConfigMap/Secret, what an
//! HPA/PDB/Service targets and who targets a workload, and the same app under another workload
//! kind. Designed once here, so rules only *ask* (`related.staging.targets`, …).

use super::cel::{map, to_cel};
use crate::diff::identity::PairIdentity;
use crate::diff::pair::NameMapping;
use crate::model::selector::{self, Expression, SelectorExt};
use crate::model::workload::{self, ConfigRef};
use crate::model::{Object, ObjectKey, Side};
use crate::normalize::secrets::scrub_value;
use kube_cel::cel::Value as Cel;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

/// Identity both sides agree on: the one pairing uses (env tokens, hash suffixes set aside).
pub(crate) type Canon = PairIdentity;

/// One side, with lazily built lookups and per-object caches.
pub(crate) struct SideData<'a> {
    pub side: &'a Side,
    pub staging_side: bool,
    mapping: &'a NameMapping,
    manifests: Vec<OnceLock<Arc<Value>>>,
    cel: Vec<OnceLock<Cel>>,
    index: OnceLock<Index>,
    /// Canonical namespace and stripped names, per (side, text): pairing's name rules are not
    /// cheap and the same few strings come back for every object.
    names: [Mutex<HashMap<String, String>>; 4],
}

#[derive(Default)]
struct Index {
    by_key: HashMap<Canon, usize>,
    /// ConfigMap/Secret → (workload, key referenced or none).
    refs_to: HashMap<Canon, Vec<(usize, Option<String>)>>,
    /// Workload → HPAs/PDBs/Services targeting it.
    targeted_by: HashMap<Canon, Vec<usize>>,
    /// (namespace, app) → workloads.
    apps: HashMap<(Option<String>, String), Vec<usize>>,
    /// (namespace, pod template label, value) → workloads, to resolve selectors without a scan.
    by_label: HashMap<(Option<String>, String, String), Vec<usize>>,
}

/// A side's caches hold a value per object (a 50k-object side takes a third of a second to
/// free on one core): they are freed off the critical path.
impl Drop for SideData<'_> {
    fn drop(&mut self) {
        crate::stage::free_in_background((
            std::mem::take(&mut self.manifests),
            std::mem::take(&mut self.cel),
            self.index.take(),
            std::mem::take(&mut self.names),
        ));
    }
}

/// One object's contribution to the [`Index`].
#[derive(Default)]
struct IndexEntry {
    key: Canon,
    labels: Vec<(Option<String>, String, String)>,
    apps: Vec<(Option<String>, String)>,
    refs: Vec<(Canon, Option<String>)>,
}

fn is_workload(o: &Object) -> bool {
    workload::pod_spec_path(&o.key.group, &o.key.kind).is_some()
}

impl<'a> SideData<'a> {
    pub fn new(side: &'a Side, staging_side: bool, mapping: &'a NameMapping) -> Self {
        let n = side.objects.len();
        SideData {
            side,
            staging_side,
            mapping,
            manifests: (0..n).map(|_| OnceLock::new()).collect(),
            cel: (0..n).map(|_| OnceLock::new()).collect(),
            index: OnceLock::new(),
            names: Default::default(),
        }
    }

    /// The object's Kubernetes-shaped form, secrets scrubbed.
    pub fn manifest(&self, i: usize) -> Arc<Value> {
        self.manifests[i]
            .get_or_init(|| Arc::new(scrub_value(&self.side.objects[i].to_manifest())))
            .clone()
    }

    /// The same, as a CEL value.
    pub fn cel(&self, i: usize) -> Cel {
        self.cel[i]
            .get_or_init(|| to_cel(&self.manifest(i)))
            .clone()
    }

    /// A namespace (`ns` true) or a name in the form both sides agree on, memoized.
    fn canonical(&self, ns: bool, text: &str, staging_side: bool) -> String {
        let memo = &self.names[usize::from(ns) * 2 + usize::from(staging_side)];
        if let Some(v) = memo.lock().ok().and_then(|m| m.get(text).cloned()) {
            return v;
        }
        let v = if ns {
            self.mapping.canonical_namespace(text, staging_side)
        } else {
            self.mapping.tokens.strip(text, staging_side)
        };
        if let Ok(mut m) = memo.lock() {
            m.insert(text.to_string(), v.clone());
        }
        v
    }

    /// The canonical identity of a key as seen from the side it was read on.
    pub fn canon_key(&self, k: &ObjectKey, staging_side: bool) -> Canon {
        self.mapping.identity_with(
            k,
            |ns| self.canonical(true, ns, staging_side),
            |name| self.canonical(false, name, staging_side),
        )
    }

    fn app_ids(&self, o: &Object, staging_side: bool) -> Vec<(Option<String>, String)> {
        let ns = o
            .key
            .namespace
            .as_deref()
            .map(|n| self.canonical(true, n, staging_side));
        let mut ids = vec![(ns.clone(), self.canonical(false, &o.key.name, staging_side))];
        for label in ["app.kubernetes.io/name", "app"] {
            if let Some(v) = o.label(label) {
                ids.push((ns.clone(), self.canonical(false, v, staging_side)));
            }
        }
        ids.sort();
        ids.dedup();
        ids
    }

    /// Builds the side's lookups now (they are otherwise built by the first difference that
    /// needs them, while the other differences of that side wait).
    pub fn warm(&self) {
        self.index();
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            // What each object contributes is worked out in parallel; the maps are filled in
            // object order, so the lists inside them are in a stable order.
            let entries: Vec<IndexEntry> = self
                .side
                .objects
                .par_iter()
                .map(|o| self.index_entry(o))
                .collect();
            let mut ix = Index::default();
            for (i, e) in entries.into_iter().enumerate() {
                ix.by_key.entry(e.key).or_insert(i);
                for l in e.labels {
                    ix.by_label.entry(l).or_default().push(i);
                }
                for id in e.apps {
                    ix.apps.entry(id).or_default().push(i);
                }
                for (rk, key) in e.refs {
                    ix.refs_to.entry(rk).or_default().push((i, key));
                }
            }
            let targets: Vec<Vec<Canon>> = self
                .side
                .objects
                .par_iter()
                .map(|o| {
                    self.targets_of(o, self.staging_side, &ix)
                        .into_iter()
                        .map(|t| self.canon_key(&self.side.objects[t].key, self.staging_side))
                        .collect()
                })
                .collect();
            for (i, ks) in targets.into_iter().enumerate() {
                for k in ks {
                    ix.targeted_by.entry(k).or_default().push(i);
                }
            }
            ix
        })
    }

    /// One object's part of the [`Index`].
    fn index_entry(&self, o: &Object) -> IndexEntry {
        let key = self.canon_key(&o.key, self.staging_side);
        let mut e = IndexEntry::default();
        if is_workload(o) {
            for (lk, lv) in workload::template_labels(&o.key, &o.body)
                .into_iter()
                .flatten()
            {
                if let Some(lv) = lv.as_str() {
                    e.labels
                        .push((key.namespace.clone(), lk.clone(), lv.to_string()));
                }
            }
            e.apps = self.app_ids(o, self.staging_side);
            e.refs = refs(o)
                .into_iter()
                .map(|r| (self.ref_key(o, &r), r.key))
                .collect();
        }
        e.key = key;
        e
    }

    fn ref_key(&self, o: &Object, r: &ConfigRef) -> Canon {
        let k = ObjectKey {
            group: String::new(),
            kind: r.kind.to_string(),
            namespace: o.key.namespace.clone(),
            name: r.name.clone(),
        };
        self.canon_key(&k, self.staging_side)
    }

    /// Workloads on this side that `o` (read on `from_staging`'s side) targets.
    fn targets_of(&self, o: &Object, from_staging: bool, ix: &Index) -> Vec<usize> {
        if workload::is_autoscaler(&o.key) {
            return workload::scale_target(o)
                .map(|t| self.canon_key(&t, from_staging))
                .and_then(|k| ix.by_key.get(&k).copied())
                .into_iter()
                .collect();
        }
        let selector = match (o.key.group.as_str(), o.key.kind.as_str()) {
            ("policy", "PodDisruptionBudget") => o.get("spec.selector"),
            ("", "Service") => o.get("spec.selector"),
            _ => None,
        };
        let Some(selector) = selector else {
            return Vec::new();
        };
        // Candidates: workloads carrying a label the selector requires (its first `k=v`, or
        // every value of its first `k in (…)`); then kube-core matches the whole selector.
        let Some(sel) = selector::from_value(selector).filter(|s| !s.selects_all()) else {
            return Vec::new();
        };
        let Some((lk, values)) = sel.clone().into_iter().find_map(|e| match e {
            Expression::Equal(k, v) => Some((k, vec![v])),
            Expression::In(k, vs) => Some((k, vs.into_iter().collect())),
            _ => None,
        }) else {
            return Vec::new();
        };
        let ns = self.canon_key(&o.key, from_staging).namespace;
        let mut out: Vec<usize> = values
            .into_iter()
            .filter_map(|lv| ix.by_label.get(&(ns.clone(), lk.clone(), lv)))
            .flatten()
            .copied()
            .filter(|&w| {
                let wo = &self.side.objects[w];
                workload::template_labels(&wo.key, &wo.body)
                    .is_some_and(|labels| sel.matches(&selector::label_map(labels)))
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The related objects of `o` (read on `from_staging`'s side) as found on this side.
    pub fn related(&self, o: &Object, from_staging: bool, here: Option<usize>) -> Related {
        let ix = self.index();
        let key = self.canon_key(&o.key, from_staging);
        let mut r = Related::default();
        // What this side's object (or, if absent, the other side's definition) references.
        let me = here.map(|i| &self.side.objects[i]);
        let (def, def_side) = match me {
            Some(m) => (m, self.staging_side),
            None => (o, from_staging),
        };
        if is_workload(def) {
            for cr in refs(def) {
                let rk = self.ref_key(def, &cr);
                match ix.by_key.get(&rk) {
                    Some(&t) => {
                        r.references.push(t);
                        if let Some(k) = &cr.key
                            && !cr.optional
                            && !has_key(&self.side.objects[t], k)
                        {
                            r.missing.push(missing_ref(&cr));
                        }
                    }
                    None if !cr.optional => r.missing.push(missing_ref(&cr)),
                    None => {}
                }
            }
        }
        let mut keys = BTreeSet::new();
        for (w, k) in ix.refs_to.get(&key).into_iter().flatten() {
            r.referenced_by.push(*w);
            keys.extend(k.clone());
        }
        r.keys = keys.into_iter().collect();
        r.targets = self.targets_of(def, def_side, ix);
        r.targeted_by = ix.targeted_by.get(&key).cloned().unwrap_or_default();
        if is_workload(o) {
            r.same_app = self
                .app_ids(o, from_staging)
                .iter()
                .flat_map(|id| ix.apps.get(id).into_iter().flatten())
                .copied()
                .filter(|&i| {
                    let k = &self.side.objects[i].key;
                    (k.group.as_str(), k.kind.as_str())
                        != (o.key.group.as_str(), o.key.kind.as_str())
                })
                .collect();
        }
        for list in [
            &mut r.references,
            &mut r.referenced_by,
            &mut r.targets,
            &mut r.targeted_by,
            &mut r.same_app,
        ] {
            list.sort_unstable();
            list.dedup();
        }
        r.missing.sort_by_key(|m| m.to_string());
        r.missing.dedup();
        r
    }

    /// The related objects as CEL (objects are this side's cached CEL manifests).
    pub fn related_cel(&self, r: &Related) -> Cel {
        let list = |idx: &[usize]| Cel::List(Arc::new(idx.iter().map(|&i| self.cel(i)).collect()));
        map(vec![
            ("references", list(&r.references)),
            (
                "missingReferences",
                to_cel(&Value::Array(r.missing.clone())),
            ),
            ("referencedBy", list(&r.referenced_by)),
            ("referencedKeys", to_cel(&serde_json::json!(r.keys))),
            ("targets", list(&r.targets)),
            ("targetedBy", list(&r.targeted_by)),
            ("sameApp", list(&r.same_app)),
        ])
    }

    /// The related objects as JSON (for templates).
    pub fn related_json(&self, r: &Related) -> Value {
        let list = |idx: &[usize]| {
            Value::Array(idx.iter().map(|&i| (*self.manifest(i)).clone()).collect())
        };
        serde_json::json!({
            "references": list(&r.references),
            "missingReferences": r.missing,
            "referencedBy": list(&r.referenced_by),
            "referencedKeys": r.keys,
            "targets": list(&r.targets),
            "targetedBy": list(&r.targeted_by),
            "sameApp": list(&r.same_app),
        })
    }
}

/// Objects related to one object on one side (indexes into the side's objects).
#[derive(Debug, Default)]
pub(crate) struct Related {
    references: Vec<usize>,
    missing: Vec<Value>,
    referenced_by: Vec<usize>,
    keys: Vec<String>,
    targets: Vec<usize>,
    targeted_by: Vec<usize>,
    same_app: Vec<usize>,
}

fn refs(o: &Object) -> Vec<ConfigRef> {
    workload::pod_spec(&o.key, &o.body)
        .map(workload::config_refs)
        .unwrap_or_default()
}

fn has_key(o: &Object, key: &str) -> bool {
    ["data", "stringData", "binaryData"]
        .iter()
        .any(|f| o.body.get(*f).and_then(|d| d.get(key)).is_some())
}

fn missing_ref(r: &ConfigRef) -> Value {
    serde_json::json!({"kind": r.kind, "name": r.name, "key": r.key})
}
