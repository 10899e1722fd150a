//! Object identity: API group + kind + namespace + name, version-agnostic.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The identity of an object on one side of a comparison.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ObjectKey {
    /// API group; empty for the core group.
    pub group: String,
    /// Kind, as in `kind:`.
    pub kind: String,
    /// Namespace; `None` for cluster-scoped kinds.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub namespace: Option<String>,
    /// `metadata.name`.
    pub name: String,
}

impl ObjectKey {
    /// `group/Kind`, or `Kind` for the core group: the form rules match kinds against.
    pub fn group_kind(&self) -> String {
        group_kind(&self.group, &self.kind)
    }
}

/// `group/Kind`, or `Kind` for the core group.
pub fn group_kind(group: &str, kind: &str) -> String {
    if group.is_empty() {
        kind.to_string()
    } else {
        format!("{group}/{kind}")
    }
}

impl fmt::Display for ObjectKey {
    /// `Kind ns/name` (or `Kind name` when cluster-scoped): how a person names an object.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {}/{}", self.kind, ns, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

/// Splits an `apiVersion` into (group, version): `apps/v1` → (`apps`, `v1`), `v1` → (``, `v1`).
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Core-group objects display without a group; namespaced ones with ns/name.
    #[test]
    fn display_and_group_kind() {
        let k = ObjectKey {
            group: "apps".into(),
            kind: "Deployment".into(),
            namespace: Some("shop".into()),
            name: "api".into(),
        };
        assert_eq!(k.to_string(), "Deployment shop/api");
        assert_eq!(k.group_kind(), "apps/Deployment");
        assert_eq!(split_api_version("v1"), ("", "v1"));
        assert_eq!(
            split_api_version("networking.k8s.io/v1"),
            ("networking.k8s.io", "v1")
        );
    }
}
