//! The contract between stages: snapshots in, reports out.

pub mod drift;
pub mod facts;
pub mod key;
pub mod path;
pub mod policy;
pub mod report;
pub mod selector;
pub mod snapshot;

pub use facts::{ClusterFacts, NodeFact, ServerVersion, UNKNOWN_VERSION_COMMIT};
pub use key::{ObjectKey, group_kind, split_api_version};
pub use path::{FieldPath, Segment};
pub use policy::{ExitCode, Judged, Policy, VerdictLabel, display_order, fidelity_score};
pub use report::{
    Change, FailOn, Finding, Report, ReportCoverage, RuleError, Severity, SideSummary, Summary,
    Verdict, WaiverEntry, WaiverRef, WaiverSummary,
};
pub use snapshot::{API_VERSION, ApiResource, Coverage, Gap, Object, Origin, Side, SnapshotDoc};
pub mod workload;
