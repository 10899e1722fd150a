//! Flags for the budgets on input (docs/limits.md) and `--allow-empty`, shared by every command
//! that reads sides.

use crate::collect::Limits;
use clap::Args;

/// Budgets on what input may cost, and whether an empty side is accepted.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Accept a side that holds no Kubernetes object (e.g. a namespace not deployed yet).
    #[arg(long)]
    pub allow_empty: bool,
    /// Nodes YAML aliases may add to one file.
    #[arg(long, value_name = "N", default_value_t = Limits::default().alias_nodes_per_file)]
    pub max_alias_nodes: u64,
    /// Nodes YAML aliases may add in the whole run (both sides).
    #[arg(long, value_name = "N", default_value_t = Limits::default().alias_nodes_per_run)]
    pub max_alias_nodes_total: u64,
    /// Documents one side may hold (List items included).
    #[arg(long, value_name = "N", default_value_t = Limits::default().documents)]
    pub max_documents: u64,
    /// Mappings and lists nested in one another (at most 120).
    #[arg(long, value_name = "N", default_value_t = Limits::default().depth,
          value_parser = clap::value_parser!(u32).range(1..=120))]
    pub max_depth: u32,
    /// Bytes of one string (key or value).
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().string_bytes)]
    pub max_string_bytes: u64,
    /// Pages of one list from a live cluster.
    #[arg(long, value_name = "N", default_value_t = Limits::default().list_pages)]
    pub max_list_pages: u32,
    /// Bytes of one response from a live cluster (a larger page is asked for in smaller pages).
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().response_bytes)]
    pub max_response_bytes: u64,
}

impl LimitArgs {
    /// The budgets.
    pub fn limits(&self) -> Limits {
        Limits {
            alias_nodes_per_file: self.max_alias_nodes,
            alias_nodes_per_run: self.max_alias_nodes_total,
            documents: self.max_documents,
            depth: self.max_depth,
            string_bytes: self.max_string_bytes,
            list_pages: self.max_list_pages,
            response_bytes: self.max_response_bytes,
        }
    }
}
