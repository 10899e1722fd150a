//! Budgets on what input can make checkride do: YAML alias expansion (per file and per run),
//! documents per side, nesting depth, string size, pages per live list and response size. Each
//! has a default that admits real clusters and a flag (docs/limits.md); going over one is an
//! input error naming the input and the limit (exit 2), or a coverage gap for a live kind.

use crate::error::Error;
use std::sync::atomic::{AtomicU64, Ordering};

/// The budgets of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Nodes YAML aliases may add to one file (`--max-alias-nodes`).
    pub alias_nodes_per_file: u64,
    /// Nodes YAML aliases may add in the whole run, both sides (`--max-alias-nodes-total`).
    pub alias_nodes_per_run: u64,
    /// Documents one side may hold, `List` items included (`--max-documents`).
    pub documents: u64,
    /// Mappings and sequences nested in one another (`--max-depth`).
    pub depth: u32,
    /// Bytes of one string, key or value (`--max-string-bytes`).
    pub string_bytes: u64,
    /// Pages of one live list (`--max-list-pages`).
    pub list_pages: u32,
    /// Bytes of one response from a live cluster (`--max-response-bytes`).
    pub response_bytes: u64,
}

impl Limits {
    /// The defaults: far above what real clusters need (the 200k-object benchmark pair, the
    /// real-world pairs, Kubernetes' ≈1.5 MiB object limit, pages of large ConfigMaps), far
    /// below what would exhaust a CI runner (docs/limits.md).
    pub const DEFAULT: Limits = Limits {
        alias_nodes_per_file: 50_000,
        alias_nodes_per_run: 250_000,
        documents: 250_000,
        depth: 100,
        string_bytes: 4 * 1024 * 1024,
        list_pages: 10_000,
        response_bytes: 256 * 1024 * 1024,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// One of the budgets, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// [`Limits::alias_nodes_per_file`].
    AliasNodesPerFile,
    /// [`Limits::alias_nodes_per_run`].
    AliasNodesPerRun,
    /// [`Limits::documents`].
    Documents,
    /// [`Limits::depth`].
    Depth,
    /// [`Limits::string_bytes`].
    StringBytes,
    /// [`Limits::list_pages`].
    ListPages,
    /// [`Limits::response_bytes`].
    ResponseBytes,
}

impl Limit {
    /// The flag that sets it.
    pub fn flag(self) -> &'static str {
        match self {
            Limit::AliasNodesPerFile => "--max-alias-nodes",
            Limit::AliasNodesPerRun => "--max-alias-nodes-total",
            Limit::Documents => "--max-documents",
            Limit::Depth => "--max-depth",
            Limit::StringBytes => "--max-string-bytes",
            Limit::ListPages => "--max-list-pages",
            Limit::ResponseBytes => "--max-response-bytes",
        }
    }

    /// Its value in `limits`.
    pub fn value(self, limits: &Limits) -> u64 {
        match self {
            Limit::AliasNodesPerFile => limits.alias_nodes_per_file,
            Limit::AliasNodesPerRun => limits.alias_nodes_per_run,
            Limit::Documents => limits.documents,
            Limit::Depth => u64::from(limits.depth),
            Limit::StringBytes => limits.string_bytes,
            Limit::ListPages => u64::from(limits.list_pages),
            Limit::ResponseBytes => limits.response_bytes,
        }
    }

    /// What is limited, with its unit, for `N <unit>`.
    fn unit(self) -> &'static str {
        match self {
            Limit::AliasNodesPerFile => "nodes added by YAML aliases in one file",
            Limit::AliasNodesPerRun => "nodes added by YAML aliases in one run",
            Limit::Documents => "documents on one side",
            Limit::Depth => "levels of nesting",
            Limit::StringBytes => "bytes in one string",
            Limit::ListPages => "pages in one list",
            Limit::ResponseBytes => "bytes in one response",
        }
    }

    /// `the limit of 100000 nodes added by YAML aliases in one file (--max-alias-nodes)`.
    pub fn describe(self, limits: &Limits) -> String {
        format!(
            "the limit of {} {} ({})",
            self.value(limits),
            self.unit(),
            self.flag()
        )
    }

    /// `<what>: over <the limit …>`.
    pub fn text(self, limits: &Limits, what: &str) -> String {
        format!("{what}: over {}", self.describe(limits))
    }

    /// An input error at a file (and line): `<what>: over <the limit …>`.
    pub fn error(self, limits: &Limits, file: &str, line: Option<u64>, what: &str) -> Error {
        Error::input(file, line, None, self.text(limits, what))
    }
}

/// What a run has spent of the budgets that span files and sides.
#[derive(Debug, Default)]
pub(crate) struct Spent {
    alias_nodes: AtomicU64,
}

impl Spent {
    /// Charges `n` alias nodes to the run; the new total.
    pub fn alias_nodes(&self, n: u64) -> u64 {
        self.alias_nodes
            .fetch_add(n, Ordering::Relaxed)
            .saturating_add(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Messages name the value, the unit and the flag.
    #[test]
    fn messages_name_value_and_flag() {
        let l = Limits::default();
        let e = Limit::AliasNodesPerFile
            .error(&l, "a.yaml", Some(3), "YAML aliases here")
            .to_string();
        assert_eq!(
            e,
            "a.yaml:3: YAML aliases here: over the limit of 50000 nodes added by YAML aliases in one file (--max-alias-nodes)"
        );
        let s = Spent::default();
        assert_eq!(s.alias_nodes(5), 5);
        assert_eq!(s.alias_nodes(u64::MAX), u64::MAX);
    }
}
