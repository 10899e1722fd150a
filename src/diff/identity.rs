//! One canonical identity for an object across the two sides, used by pairing and by the rule
//! engine's index of related objects: group, kind, the namespace both sides agree on
//! (`--map-namespace`, environment tokens), and the name with a kustomize generator hash suffix
//! (ConfigMaps and Secrets) and, for the second pairing pass and the index, environment tokens
//! set aside.

use super::pair::NameMapping;
use crate::model::ObjectKey;
use crate::normalize::names::strip_hash_suffix;

/// The identity both sides agree on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PairIdentity {
    /// API group; empty for core.
    pub group: String,
    /// Kind.
    pub kind: String,
    /// Canonical namespace; `None` for cluster-scoped kinds.
    pub namespace: Option<String>,
    /// Canonical name.
    pub name: String,
}

/// The name without what a generator appended: the kustomize hash suffix of a core ConfigMap or
/// Secret (`app-config-5fh2k8g9tb` → `app-config`).
pub fn base_name(key: &ObjectKey) -> &str {
    if key.group.is_empty() && matches!(key.kind.as_str(), "ConfigMap" | "Secret") {
        strip_hash_suffix(&key.name)
    } else {
        &key.name
    }
}

impl NameMapping {
    /// The identity of `key` as read on one side, with environment tokens set aside in its name.
    pub fn identity(&self, key: &ObjectKey, staging_side: bool) -> PairIdentity {
        self.identity_with(
            key,
            |ns| self.canonical_namespace(ns, staging_side),
            |name| self.tokens.strip(name, staging_side),
        )
    }

    /// The identity of `key` with its name kept as written (but for a hash suffix): the first,
    /// exact pairing pass.
    pub fn exact_identity(&self, key: &ObjectKey, staging_side: bool) -> PairIdentity {
        self.identity_with(
            key,
            |ns| self.canonical_namespace(ns, staging_side),
            str::to_string,
        )
    }

    /// The identity with the namespace and name rules given (callers that memoize them).
    pub fn identity_with(
        &self,
        key: &ObjectKey,
        namespace: impl Fn(&str) -> String,
        name: impl Fn(&str) -> String,
    ) -> PairIdentity {
        PairIdentity {
            group: key.group.clone(),
            kind: key.kind.clone(),
            namespace: key.namespace.as_deref().map(namespace),
            name: name(base_name(key)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(kind: &str, ns: &str, name: &str) -> ObjectKey {
        ObjectKey {
            group: String::new(),
            kind: kind.into(),
            namespace: Some(ns.into()),
            name: name.into(),
        }
    }

    /// Namespaces map, env tokens and (for ConfigMaps and Secrets only) hash suffixes go.
    #[test]
    fn identities_agree_across_sides() {
        let mut m = NameMapping::default();
        m.namespaces.insert("shop-qa".into(), "shop".into());
        let s = m.identity(&key("ConfigMap", "shop-qa", "cfg-staging-5fh2k8g9tb"), true);
        let p = m.identity(
            &key("ConfigMap", "shop", "cfg-production-b8fg6k9m2c"),
            false,
        );
        assert_eq!(s, p);
        assert_eq!(
            m.exact_identity(&key("Service", "shop-qa", "api-staging"), true)
                .name,
            "api-staging"
        );
        assert_eq!(
            base_name(&key("Service", "x", "api-5fh2k8g9tb")),
            "api-5fh2k8g9tb"
        );
    }
}
