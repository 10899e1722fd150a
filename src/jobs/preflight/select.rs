//! The release selector of `preflight --release`: a label selector when it contains `=`
//! (`app=checkout,tier!=batch`), else `kind/name` (`deployment/checkout`, `deploy/checkout`).

use crate::error::Error;
use crate::model::Object;
use crate::model::workload::template_labels;
use serde_json::{Map, Value};

/// Short names and plurals kubectl users type, mapped to kinds.
const KIND_ALIASES: &[(&str, &str)] = &[
    ("deploy", "Deployment"),
    ("deployments", "Deployment"),
    ("sts", "StatefulSet"),
    ("statefulsets", "StatefulSet"),
    ("ds", "DaemonSet"),
    ("daemonsets", "DaemonSet"),
    ("cj", "CronJob"),
    ("cronjobs", "CronJob"),
    ("jobs", "Job"),
    ("svc", "Service"),
    ("services", "Service"),
    ("cm", "ConfigMap"),
    ("configmaps", "ConfigMap"),
    ("secrets", "Secret"),
    ("hpa", "HorizontalPodAutoscaler"),
    ("pdb", "PodDisruptionBudget"),
    ("ing", "Ingress"),
    ("ingresses", "Ingress"),
    ("netpol", "NetworkPolicy"),
    ("sa", "ServiceAccount"),
    ("rollouts", "Rollout"),
];

/// One `key=value`, `key==value` or `key!=value` term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Label key.
    pub key: String,
    /// Label value.
    pub value: String,
    /// True for `!=`.
    pub negated: bool,
}

/// Which objects a release is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Release {
    /// Objects whose labels (or pod-template labels) satisfy every term.
    Labels(Vec<Term>),
    /// Objects of this kind (lowercase) and name, in any namespace.
    Named {
        /// Kind, lowercase.
        kind: String,
        /// `metadata.name`.
        name: String,
    },
}

impl Release {
    /// Parses the `--release` argument.
    pub fn parse(s: &str) -> Result<Release, Error> {
        let bad = |why: &str| {
            Error::Usage(format!(
                "--release `{s}`: {why} (use a label selector such as app=checkout, or kind/name such as deployment/checkout)"
            ))
        };
        if s.contains('=') {
            let mut terms = Vec::new();
            for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let (key, value, negated) = if let Some((k, v)) = part.split_once("!=") {
                    (k, v, true)
                } else if let Some((k, v)) = part.split_once("==") {
                    (k, v, false)
                } else if let Some((k, v)) = part.split_once('=') {
                    (k, v, false)
                } else {
                    return Err(bad(&format!("`{part}` is not key=value")));
                };
                if key.trim().is_empty() {
                    return Err(bad(&format!("`{part}` has no label key")));
                }
                terms.push(Term {
                    key: key.trim().to_string(),
                    value: value.trim().to_string(),
                    negated,
                });
            }
            if terms.is_empty() {
                return Err(bad("no terms"));
            }
            return Ok(Release::Labels(terms));
        }
        match s.split_once('/') {
            Some((k, n)) if !k.is_empty() && !n.is_empty() && !n.contains('/') => {
                let k = k.to_ascii_lowercase();
                let k = k.split('.').next().unwrap_or(&k).to_string();
                let kind = KIND_ALIASES
                    .iter()
                    .find(|(alias, _)| *alias == k)
                    .map_or(k, |(_, kind)| kind.to_ascii_lowercase());
                Ok(Release::Named {
                    kind,
                    name: n.to_string(),
                })
            }
            _ => Err(bad("not a label selector nor kind/name")),
        }
    }

    /// Does this object belong to the release?
    pub fn matches(&self, o: &Object) -> bool {
        match self {
            Release::Named { kind, name } => {
                o.key.kind.to_ascii_lowercase() == *kind && o.key.name == *name
            }
            Release::Labels(terms) => {
                let own = o
                    .body
                    .get("metadata")
                    .and_then(|m| m.get("labels"))
                    .and_then(Value::as_object);
                let template = template_labels(&o.key, &o.body);
                [own, template]
                    .into_iter()
                    .flatten()
                    .any(|labels| satisfies(terms, labels))
            }
        }
    }
}

fn satisfies(terms: &[Term], labels: &Map<String, Value>) -> bool {
    terms.iter().all(|t| {
        let v = labels.get(&t.key).and_then(Value::as_str);
        if t.negated {
            v != Some(t.value.as_str())
        } else {
            v == Some(t.value.as_str())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both grammars parse; aliases and API-group suffixes resolve to the kind.
    #[test]
    fn parses_both_forms() {
        assert_eq!(
            Release::parse("deploy/checkout").unwrap(),
            Release::Named {
                kind: "deployment".into(),
                name: "checkout".into()
            }
        );
        assert_eq!(
            Release::parse("Deployment.apps/checkout").unwrap(),
            Release::parse("deployment/checkout").unwrap()
        );
        let Release::Labels(t) = Release::parse("app=checkout, tier!=batch").unwrap() else {
            panic!("labels expected")
        };
        assert_eq!(t.len(), 2);
        assert!(t[1].negated);
        assert!(Release::parse("checkout").is_err());
        assert!(Release::parse("=x").is_err());
        assert!(Release::parse("a/b/c").is_err());
    }
}
