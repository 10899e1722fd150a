//! Cluster facts: what a side says about the cluster itself (server version, nodes).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Facts about one side's cluster. Absent facts are unknown, never "equal" or "different".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterFacts {
    /// The API server's version, from `/version` or a `kubectl version` dump.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub server_version: Option<ServerVersion>,
    /// One entry per Node seen, sorted by name.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub nodes: Vec<NodeFact>,
}

/// The `gitCommit` that `checkride serve` answers at `/version` for a snapshot that does not
/// know its server's version: the `gitVersion` beside it is a placeholder that keeps clients
/// (kubectl's version dispatcher) working, and collectors record the version as unknown.
pub const UNKNOWN_VERSION_COMMIT: &str = "checkride-unknown";

/// The API server version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerVersion {
    /// e.g. `v1.30.4-eks-a737599`.
    pub git_version: String,
    /// e.g. `1`.
    #[serde(default)]
    pub major: String,
    /// e.g. `30` (a trailing `+` as EKS prints it is removed).
    #[serde(default)]
    pub minor: String,
    /// e.g. `linux/amd64`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub platform: String,
}

impl ServerVersion {
    /// (major, minor, patch) parsed from the git version; `None` when it is not semver-like.
    pub fn triple(&self) -> Option<(u64, u64, u64)> {
        parse_version_triple(&self.git_version)
    }
}

/// Parses `v1.30.4-eks-1` (or `1.30.4`) into (1, 30, 4).
pub fn parse_version_triple(s: &str) -> Option<(u64, u64, u64)> {
    let s = s.trim_start_matches('v');
    let core = s.split(['-', '+']).next()?;
    let mut parts = core.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    let patch = parts.next().unwrap_or("0").parse().ok()?;
    Some((major, minor, patch))
}

/// What one Node says about the machine it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeFact {
    /// Node name.
    pub name: String,
    /// `status.nodeInfo.kubeletVersion`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kubelet_version: String,
    /// `status.nodeInfo.containerRuntimeVersion`, e.g. `containerd://1.7.11`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub container_runtime: String,
    /// `status.nodeInfo.operatingSystem` (or the `kubernetes.io/os` label).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub os: String,
    /// `status.nodeInfo.architecture` (or the `kubernetes.io/arch` label).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub arch: String,
    /// `status.nodeInfo.osImage`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub os_image: String,
    /// `node.kubernetes.io/instance-type` label.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub instance_type: String,
    /// `topology.kubernetes.io/zone` label.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub zone: String,
    /// `status.allocatable`, quantities canonicalized.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub allocatable: BTreeMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Version strings from EKS/GKE parse to their numeric triple.
    #[test]
    fn parses_vendor_versions() {
        assert_eq!(
            parse_version_triple("v1.30.4-eks-a737599"),
            Some((1, 30, 4))
        );
        assert_eq!(
            parse_version_triple("v1.27.16-gke.1287000"),
            Some((1, 27, 16))
        );
        assert_eq!(parse_version_triple("1.29"), Some((1, 29, 0)));
        assert_eq!(parse_version_triple("containerd"), None);
    }
}
