//! One difference as rules see it: the variables of `when` (CEL) and of the templates (JSON),
//! each computed only when a rule asks for it. Every value is scrubbed of secrets first.

use super::cel::VARIABLES;
use super::cel::{map, opt_str, to_cel};
use super::entries;
use super::related::SideData;
use crate::diff::Difference;
use crate::model::workload::{self, CONTAINER_LISTS};
use crate::model::{ClusterFacts, FieldPath, Object, Segment};
use crate::normalize::secrets::scrub_value;
use kube_cel::cel::Value as Cel;
use kube_cel::cel::context::VariableResolver;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// What every difference of a run shares.
pub(crate) struct Run<'a> {
    pub staging: SideData<'a>,
    pub prod: SideData<'a>,
    pub facts_json: Value,
    pub facts_cel: Cel,
    builtin_kind: fn(&str, &str) -> bool,
}

impl<'a> Run<'a> {
    pub fn new(
        staging: SideData<'a>,
        prod: SideData<'a>,
        builtin_kind: fn(&str, &str) -> bool,
    ) -> Self {
        let facts = |f: &ClusterFacts| serde_json::to_value(f).unwrap_or(Value::Null);
        let facts_json =
            json!({"staging": facts(&staging.side.facts), "prod": facts(&prod.side.facts)});
        let facts_cel = to_cel(&facts_json);
        Run {
            staging,
            prod,
            facts_json,
            facts_cel,
            builtin_kind,
        }
    }
}

/// A difference with its path and scrubbed values.
pub(crate) struct View<'a> {
    pub d: &'a Difference,
    /// The path (differs from the difference's for a node inside a one-sided value).
    pub path: Option<FieldPath>,
    staging_obj: Option<&'a Object>,
    prod_obj: Option<&'a Object>,
    /// Scrubbed value at the path (the whole object for object-level differences).
    pub staging: Value,
    /// Same for prod.
    pub prod: Value,
}

impl<'a> View<'a> {
    pub fn new(d: &'a Difference, run: &Run<'a>) -> Self {
        let staging_obj = d.staging_index.map(|i| &run.staging.side.objects[i]);
        let prod_obj = d.prod_index.map(|i| &run.prod.side.objects[i]);
        let value = |v: &Option<Value>, obj: Option<usize>, side: &SideData| match (&d.path, obj) {
            (None, Some(i)) if d.object.is_some() => (*side.manifest(i)).clone(),
            _ => v.as_ref().map(scrub_value).unwrap_or(Value::Null),
        };
        View {
            d,
            path: d.path.clone(),
            staging_obj,
            prod_obj,
            staging: value(&d.staging, d.staging_index, &run.staging),
            prod: value(&d.prod, d.prod_index, &run.prod),
        }
    }

    /// The segments of the path (`None` for whole objects).
    pub fn segs(&self) -> Option<&[Segment]> {
        self.path.as_ref().map(FieldPath::segments)
    }

    /// The view of a node inside this difference's one-sided value, at `path`.
    pub fn child(&self, path: FieldPath, value: Value) -> View<'a> {
        let (staging, prod) = match self.d.change {
            crate::model::Change::OnlyInStaging => (value, Value::Null),
            _ => (Value::Null, value),
        };
        View {
            d: self.d,
            path: Some(path),
            staging_obj: self.staging_obj,
            prod_obj: self.prod_obj,
            staging,
            prod,
        }
    }

    /// Every node inside a one-sided map value, with its path, for rules that look deeper than
    /// where the difference sits.
    pub fn descendants(&self) -> Vec<(FieldPath, Value)> {
        let Some(path) = &self.path else {
            return Vec::new();
        };
        if self.d.object.is_none() {
            return Vec::new();
        }
        let value = match self.d.change {
            crate::model::Change::OnlyInStaging => &self.staging,
            crate::model::Change::OnlyInProd => &self.prod,
            crate::model::Change::Changed => return Vec::new(),
        };
        let mut out = Vec::new();
        walk(value, path, &mut out);
        out
    }

    /// The container named in the path (`containers[name=api]`), if any.
    pub fn container(&self) -> Option<(&'static str, &str)> {
        let segs = self.segs()?;
        segs.windows(2).find_map(|w| match (&w[0], &w[1]) {
            (Segment::Key(list), Segment::Item { field, value: name }) if field == "name" => {
                CONTAINER_LISTS
                    .iter()
                    .find(|l| **l == list.as_str())
                    .map(|l| (*l, name.as_str()))
            }
            _ => None,
        })
    }

    /// The last segment's name (map key or item key value).
    pub fn key(&self) -> Option<&str> {
        self.segs()?.last()?.name()
    }

    /// Every segment's name (key, item key value, or index), in order.
    pub fn segments(&self) -> Value {
        let segs = self.segs().unwrap_or(&[]);
        Value::Array(
            segs.iter()
                .map(|s| match s {
                    Segment::Index(i) => json!(i.to_string()),
                    other => json!(other.name().unwrap_or("")),
                })
                .collect(),
        )
    }

    /// The value of the last keyed item in the path (`env[name=URL].value` → `URL`).
    pub fn item(&self) -> Option<&str> {
        self.segs()?.iter().rev().find_map(|s| match s {
            Segment::Item { value, .. } => Some(value.as_str()),
            _ => None,
        })
    }

    fn pod(obj: Option<&Object>) -> Option<Value> {
        let o = obj?;
        workload::pod_spec(&o.key, &o.body).map(|p| scrub_value(&Value::Object(p.clone())))
    }

    fn container_of(&self, pod: &Option<Value>) -> Value {
        let (Some(pod), Some((list, name))) = (pod, self.container()) else {
            return Value::Null;
        };
        pod.get(list)
            .and_then(Value::as_array)
            .and_then(|cs| {
                cs.iter()
                    .find(|c| c.get("name").and_then(Value::as_str) == Some(name))
            })
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// Entries that differ (config lines, or the single value), as JSON.
    pub fn entries(&self) -> Value {
        entries::entries(self.key(), self.item(), &self.staging, &self.prod)
    }

    /// The object identity shown to templates.
    fn object_json(&self) -> Value {
        match &self.d.object {
            Some(k) => json!({
                "group": k.group, "kind": k.kind, "namespace": k.namespace, "name": k.name,
                "display": k.to_string(),
                "stagingName": self.d.staging_object.as_ref().map(|s| s.name.clone()).unwrap_or_else(|| k.name.clone()),
            }),
            None => {
                json!({"group": "", "kind": "cluster", "namespace": null, "name": "cluster", "display": "cluster", "stagingName": "cluster"})
            }
        }
    }

    /// One CEL variable of this view (see [`super::cel::VARIABLES`]).
    fn variable(&self, name: &str, run: &Run) -> Cel {
        let key = self.d.object.as_ref();
        let side_pod = |obj| Self::pod(obj);
        match name {
            "staging" => to_cel(&self.staging),
            "prod" => to_cel(&self.prod),
            "stagingObject" => self
                .d
                .staging_index
                .map(|i| run.staging.cel(i))
                .unwrap_or(Cel::Null),
            "prodObject" => self
                .d
                .prod_index
                .map(|i| run.prod.cel(i))
                .unwrap_or(Cel::Null),
            "stagingPod" => side_pod(self.staging_obj)
                .as_ref()
                .map(to_cel)
                .unwrap_or(Cel::Null),
            "prodPod" => side_pod(self.prod_obj)
                .as_ref()
                .map(to_cel)
                .unwrap_or(Cel::Null),
            "stagingContainer" => to_cel(&self.container_of(&side_pod(self.staging_obj))),
            "prodContainer" => to_cel(&self.container_of(&side_pod(self.prod_obj))),
            "container" => opt_str(self.container().map(|c| c.1)),
            "key" => opt_str(self.key()),
            "item" => opt_str(self.item()),
            "segments" => to_cel(&self.segments()),
            "path" => opt_str(Some(self.path.as_deref().unwrap_or(""))),
            "change" => opt_str(Some(self.d.change.as_str())),
            "equivalent" => opt_str(self.d.equivalent.as_deref()),
            "group" => opt_str(Some(key.map(|k| k.group.as_str()).unwrap_or(""))),
            "kind" => opt_str(Some(key.map(|k| k.kind.as_str()).unwrap_or(""))),
            "namespace" => opt_str(Some(key.and_then(|k| k.namespace.as_deref()).unwrap_or(""))),
            "name" => opt_str(Some(key.map(|k| k.name.as_str()).unwrap_or(""))),
            "builtinKind" => Cel::Bool(key.is_some_and(|k| (run.builtin_kind)(&k.group, &k.kind))),
            "facts" => run.facts_cel.clone(),
            "related" => self.related(run, false).0,
            "entries" => to_cel(&self.entries()),
            _ => Cel::Null,
        }
    }

    fn related(&self, run: &Run, json: bool) -> (Cel, Value) {
        let (def, from_staging) = match (self.prod_obj, self.staging_obj) {
            (Some(p), _) => (p, false),
            (None, Some(s)) => (s, true),
            (None, None) => {
                return (
                    map(vec![("staging", Cel::Null), ("prod", Cel::Null)]),
                    json!({"staging": null, "prod": null}),
                );
            }
        };
        let s = run.staging.related(def, from_staging, self.d.staging_index);
        let p = run.prod.related(def, from_staging, self.d.prod_index);
        if json {
            (
                Cel::Null,
                json!({"staging": run.staging.related_json(&s), "prod": run.prod.related_json(&p)}),
            )
        } else {
            (
                map(vec![
                    ("staging", run.staging.related_cel(&s)),
                    ("prod", run.prod.related_cel(&p)),
                ]),
                Value::Null,
            )
        }
    }

    /// The template variables named in `uses`, as JSON.
    pub fn template_vars(
        &self,
        run: &Run,
        uses: &std::collections::BTreeSet<String>,
    ) -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        for name in uses {
            let v = match name.as_str() {
                "staging" => self.staging.clone(),
                "prod" => self.prod.clone(),
                "stagingObject" => self
                    .d
                    .staging_index
                    .map(|i| (*run.staging.manifest(i)).clone())
                    .unwrap_or(Value::Null),
                "prodObject" => self
                    .d
                    .prod_index
                    .map(|i| (*run.prod.manifest(i)).clone())
                    .unwrap_or(Value::Null),
                "object" => self.object_json(),
                "container" => self.container().map(|c| json!(c.1)).unwrap_or(Value::Null),
                "key" => self.key().map(|k| json!(k)).unwrap_or(Value::Null),
                "item" => self.item().map(|k| json!(k)).unwrap_or(Value::Null),
                "segments" => self.segments(),
                "path" => json!(self.path.as_deref().unwrap_or("")),
                "change" => json!(self.d.change.as_str()),
                "equivalent" => json!(self.d.equivalent),
                "facts" => run.facts_json.clone(),
                "entries" => self.entries(),
                "related" => self.related(run, true).1,
                _ => continue,
            };
            out.insert(name.clone(), v);
        }
        out
    }
}

/// Maps only: a node inside a one-sided list item belongs to that item (a container present on
/// one side only is not "missing a memory limit" on the other).
fn walk(v: &Value, at: &FieldPath, out: &mut Vec<(FieldPath, Value)>) {
    if let Value::Object(m) = v {
        for (k, child) in m {
            let p = at.child(Segment::Key(k.clone()));
            out.push((p.clone(), child.clone()));
            walk(child, &p, out);
        }
    }
}

/// The variables of one view, each computed the first time an expression reads it (a rule that
/// short-circuits never pays for `related` or whole objects).
pub(crate) struct Lazy<'v, 'a> {
    view: &'v View<'a>,
    run: &'v Run<'a>,
    cache: Vec<OnceLock<Cel>>,
}

impl<'v, 'a> Lazy<'v, 'a> {
    pub fn new(view: &'v View<'a>, run: &'v Run<'a>) -> Self {
        Lazy {
            view,
            run,
            cache: VARIABLES.iter().map(|_| OnceLock::new()).collect(),
        }
    }
}

impl VariableResolver for Lazy<'_, '_> {
    fn resolve(&self, name: &str) -> Option<Cel> {
        let i = VARIABLES.iter().position(|v| *v == name)?;
        Some(
            self.cache[i]
                .get_or_init(|| self.view.variable(name, self.run))
                .clone(),
        )
    }
}
