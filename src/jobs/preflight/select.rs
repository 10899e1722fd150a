//! The release selector of `preflight --release`: a label selector in the API server's grammar
//! (`app=checkout,tier!=batch`, `tier in (web,api)`; parsed by [`crate::model::selector`],
//! matched by kube-core), or `kind/name` (`deployment/checkout`, `deploy/checkout`).

use crate::error::Error;
use crate::model::Object;
use crate::model::selector::{self, Selector, SelectorExt};
use crate::model::workload::template_labels;
use serde_json::Value;

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

/// Which objects a release is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Release {
    /// Objects whose labels (or pod-template labels) the selector selects.
    Labels(Selector),
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
        if is_label_selector(s) {
            let sel = selector::parse(s).map_err(|e| bad(&e))?;
            if sel.selects_all() {
                return Err(bad("no terms"));
            }
            return Ok(Release::Labels(sel));
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
            Release::Labels(sel) => {
                let own = o
                    .body
                    .get("metadata")
                    .and_then(|m| m.get("labels"))
                    .and_then(Value::as_object);
                let template = template_labels(&o.key, &o.body);
                [own, template]
                    .into_iter()
                    .flatten()
                    .any(|labels| sel.matches(&selector::label_map(labels)))
            }
        }
    }
}

/// Selector text rather than `kind/name`: an operator, a set, a negation or several terms.
fn is_label_selector(s: &str) -> bool {
    s.contains(['=', '!', '(', ',']) || s.split_whitespace().any(|w| w == "in" || w == "notin")
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
        assert_eq!(t.to_string(), "app=checkout,tier!=batch");
        let Release::Labels(t) = Release::parse("tier in (web, api),!canary").unwrap() else {
            panic!("labels expected")
        };
        assert_eq!(t.to_string(), "tier in (api,web),!canary");
        assert!(Release::parse("app=a=b").is_err());
        assert!(Release::parse("!!!").is_err());
        assert!(Release::parse("checkout").is_err());
        assert!(Release::parse("=x").is_err());
        assert!(Release::parse("a/b/c").is_err());
    }
}
