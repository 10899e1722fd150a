//! Which kinds are namespaced: built-in kinds from k8s-openapi, custom kinds from CRDs in the input.

use k8s_openapi::api::{
    admissionregistration::v1 as admission, apps::v1 as apps, autoscaling::v1 as autoscaling_v1,
    autoscaling::v2 as autoscaling, batch::v1 as batch, certificates::v1 as certificates,
    coordination::v1 as coordination, core::v1 as core, discovery::v1 as discovery,
    events::v1 as events, flowcontrol::v1 as flowcontrol, networking::v1 as networking,
    node::v1 as node, policy::v1 as policy, rbac::v1 as rbac, scheduling::v1 as scheduling,
    storage::v1 as storage,
};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;
use k8s_openapi::{ClusterResourceScope, Resource};
use std::any::TypeId;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The scope of a kind, as far as we know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Objects live in a namespace.
    Namespaced,
    /// Objects are cluster-wide.
    Cluster,
}

/// A built-in kind as k8s-openapi describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinKind {
    /// API group (empty for core).
    pub group: &'static str,
    /// Version (for autoscaling, both v2 and v1 are listed, v2 first).
    pub version: &'static str,
    /// Kind.
    pub kind: &'static str,
    /// Plural resource name (`deployments`).
    pub plural: &'static str,
    /// Scope.
    pub scope: Scope,
}

fn entry<T: Resource + 'static>() -> BuiltinKind {
    let scope = if TypeId::of::<T::Scope>() == TypeId::of::<ClusterResourceScope>() {
        Scope::Cluster
    } else {
        Scope::Namespaced
    };
    BuiltinKind {
        group: T::GROUP,
        version: T::VERSION,
        kind: T::KIND,
        plural: T::URL_PATH_SEGMENT,
        scope,
    }
}

macro_rules! builtin_kinds {
    ($($t:ty),* $(,)?) => { vec![$(entry::<$t>()),*] };
}

/// Built-in kinds of the GA API groups (Kubernetes 1.33), each group's preferred version first.
pub fn builtin_kinds() -> &'static [BuiltinKind] {
    static TABLE: OnceLock<Vec<BuiltinKind>> = OnceLock::new();
    TABLE.get_or_init(|| {
        builtin_kinds![
            admission::MutatingWebhookConfiguration,
            admission::ValidatingWebhookConfiguration,
            admission::ValidatingAdmissionPolicy,
            admission::ValidatingAdmissionPolicyBinding,
            apps::Deployment,
            apps::StatefulSet,
            apps::DaemonSet,
            apps::ReplicaSet,
            apps::ControllerRevision,
            autoscaling::HorizontalPodAutoscaler,
            autoscaling_v1::HorizontalPodAutoscaler,
            batch::Job,
            batch::CronJob,
            certificates::CertificateSigningRequest,
            coordination::Lease,
            core::Binding,
            core::ConfigMap,
            core::Endpoints,
            core::Event,
            core::LimitRange,
            core::Namespace,
            core::Node,
            core::PersistentVolume,
            core::PersistentVolumeClaim,
            core::Pod,
            core::PodTemplate,
            core::ReplicationController,
            core::ResourceQuota,
            core::Secret,
            core::Service,
            core::ServiceAccount,
            discovery::EndpointSlice,
            events::Event,
            flowcontrol::FlowSchema,
            flowcontrol::PriorityLevelConfiguration,
            networking::Ingress,
            networking::IngressClass,
            networking::NetworkPolicy,
            networking::IPAddress,
            networking::ServiceCIDR,
            node::RuntimeClass,
            policy::PodDisruptionBudget,
            rbac::ClusterRole,
            rbac::ClusterRoleBinding,
            rbac::Role,
            rbac::RoleBinding,
            scheduling::PriorityClass,
            storage::CSIDriver,
            storage::CSINode,
            storage::CSIStorageCapacity,
            storage::StorageClass,
            storage::VolumeAttachment,
            CustomResourceDefinition,
            APIService,
        ]
    })
}

/// Built-in kinds by (group, kind).
pub fn builtin() -> &'static HashMap<(&'static str, &'static str), Scope> {
    static TABLE: OnceLock<HashMap<(&'static str, &'static str), Scope>> = OnceLock::new();
    TABLE.get_or_init(|| {
        builtin_kinds()
            .iter()
            .map(|k| ((k.group, k.kind), k.scope))
            .collect()
    })
}

/// Scope lookup for one comparison: built-ins plus the CRDs found in either side's input.
#[derive(Debug, Default, Clone)]
pub struct ScopeTable {
    custom: HashMap<(String, String), Scope>,
}

impl ScopeTable {
    /// Registers a CRD's group/kind/scope.
    pub fn add_crd(&mut self, group: &str, kind: &str, namespaced: bool) {
        let scope = if namespaced {
            Scope::Namespaced
        } else {
            Scope::Cluster
        };
        self.custom
            .insert((group.to_string(), kind.to_string()), scope);
    }

    /// The scope of a kind, or `None` when neither built in nor defined by a CRD in the input.
    pub fn scope(&self, group: &str, kind: &str) -> Option<Scope> {
        if let Some(s) = builtin().get(&(group, kind)) {
            return Some(*s);
        }
        self.custom
            .get(&(group.to_string(), kind.to_string()))
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scope of built-in kinds comes from k8s-openapi; CRDs extend the table.
    #[test]
    fn knows_builtin_and_crd_scopes() {
        let mut t = ScopeTable::default();
        assert_eq!(t.scope("", "Namespace"), Some(Scope::Cluster));
        assert_eq!(t.scope("apps", "Deployment"), Some(Scope::Namespaced));
        assert_eq!(
            t.scope("rbac.authorization.k8s.io", "ClusterRole"),
            Some(Scope::Cluster)
        );
        assert_eq!(t.scope("cert-manager.io", "ClusterIssuer"), None);
        t.add_crd("cert-manager.io", "ClusterIssuer", false);
        assert_eq!(
            t.scope("cert-manager.io", "ClusterIssuer"),
            Some(Scope::Cluster)
        );
    }
}
