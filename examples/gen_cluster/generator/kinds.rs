//! The vocabulary of the plan: object kinds, the two sides, object fates and managers.

/// The resource kinds the generator writes, in the order the dumps list them.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(super) enum Kind {
    ConfigMap,
    Secret,
    ServiceAccount,
    Service,
    Deployment,
    HorizontalPodAutoscaler,
    Ingress,
    CronJob,
}

impl Kind {
    /// Every kind, in output order.
    pub(super) const ALL: [Kind; 8] = [
        Kind::ConfigMap,
        Kind::Secret,
        Kind::ServiceAccount,
        Kind::Service,
        Kind::Deployment,
        Kind::HorizontalPodAutoscaler,
        Kind::Ingress,
        Kind::CronJob,
    ];

    /// Relative odds that an object of this kind is perturbed on staging.
    pub(super) fn drift_weight(self) -> f64 {
        match self {
            Kind::Deployment => 4.0,
            Kind::Ingress | Kind::CronJob => 2.0,
            Kind::ConfigMap | Kind::HorizontalPodAutoscaler => 1.5,
            Kind::Secret | Kind::Service => 1.0,
            Kind::ServiceAccount => 0.3,
        }
    }

    /// The `kind` field.
    pub(super) fn name(self) -> &'static str {
        match self {
            Kind::ConfigMap => "ConfigMap",
            Kind::Secret => "Secret",
            Kind::ServiceAccount => "ServiceAccount",
            Kind::Service => "Service",
            Kind::Deployment => "Deployment",
            Kind::HorizontalPodAutoscaler => "HorizontalPodAutoscaler",
            Kind::Ingress => "Ingress",
            Kind::CronJob => "CronJob",
        }
    }

    /// The `apiVersion` field.
    pub(super) fn api_version(self) -> &'static str {
        match self {
            Kind::ConfigMap | Kind::Secret | Kind::ServiceAccount | Kind::Service => "v1",
            Kind::Deployment => "apps/v1",
            Kind::HorizontalPodAutoscaler => "autoscaling/v2",
            Kind::Ingress => "networking.k8s.io/v1",
            Kind::CronJob => "batch/v1",
        }
    }

    /// Whether the server keeps `metadata.generation` for this kind.
    pub(super) fn has_generation(self) -> bool {
        matches!(
            self,
            Kind::Deployment | Kind::HorizontalPodAutoscaler | Kind::Ingress | Kind::CronJob
        )
    }
}

/// One of the two clusters of the pair.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Prod,
    Staging,
}

impl Side {
    /// File name of the side's dumps, without extension.
    pub(super) fn file_stem(self) -> &'static str {
        match self {
            Side::Prod => "prod",
            Side::Staging => "staging",
        }
    }
}

/// What happens to a planned object on staging.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Fate {
    Same,
    Perturbed,
    ProdOnly,
    StagingOnly,
}

impl Fate {
    /// Whether an object with this fate exists on `side`.
    pub(super) fn present_on(self, side: Side) -> bool {
        !matches!(
            (self, side),
            (Fate::ProdOnly, Side::Staging) | (Fate::StagingOnly, Side::Prod)
        )
    }
}

/// The deployment tool that applies a namespace's objects (labels, annotations, field manager).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Manager {
    Helm,
    Argo,
    Flux,
}

impl Manager {
    /// The `manager` of its managedFields entry.
    pub(super) fn field_manager(self) -> &'static str {
        match self {
            Manager::Helm => "helm",
            Manager::Argo => "argocd-controller",
            Manager::Flux => "kustomize-controller",
        }
    }
}
