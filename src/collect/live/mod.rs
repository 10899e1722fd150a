//! Reading a live cluster through a kubeconfig context: connect, discover, list every kind
//! (bounded concurrency, pagination, retries, timeouts), and hand the documents to the same
//! build and normalization as manifests. What could not be read becomes a coverage gap.

pub mod connect;
mod discovery;
pub(crate) mod http;
pub mod kinds;
mod list;
pub mod progress;

use super::build::RawSide;
use super::limits::{Limit, Limits};
use super::parse::ParsedDoc;
use super::raw::RawDoc;
use super::scope::ScopeTable;
use crate::error::Error;
use crate::model::{ApiResource, Gap, Side};
use crate::normalize::secrets::Fingerprinter;
use futures::StreamExt;
use kinds::{KindFilter, Skip};
use list::{ListSettings, ListTask};
use progress::ProgressSink;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// How Secrets are read (`--secrets`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SecretsMode {
    /// Read them; keep key names and keyed fingerprints; drop values at once.
    #[default]
    Fingerprint,
    /// Read them; keep key names only.
    Keys,
    /// Do not read Secrets at all (no RBAC on Secrets needed).
    Skip,
}

/// Settings for live sides.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    /// `--kubeconfig`; else `KUBECONFIG`, else `~/.kube/config`.
    pub kubeconfig: Option<PathBuf>,
    /// `-n`: only these namespaces (empty = all).
    pub namespaces: Vec<String>,
    /// Kind filters.
    pub kinds: KindFilter,
    /// How Secrets are read.
    pub secrets: SecretsMode,
    /// Requests in flight at once, per side.
    pub concurrency: usize,
    /// Per-request timeout.
    pub request_timeout: Duration,
    /// Objects per page.
    pub page_size: u32,
    /// Retries per request for 429/5xx and transport errors.
    pub retries: u32,
    /// Progress display.
    pub progress: ProgressSink,
    /// Warnings (unmatched kind filters) go to stderr unless quiet.
    pub quiet: bool,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            kubeconfig: None,
            namespaces: Vec::new(),
            kinds: KindFilter::default(),
            secrets: SecretsMode::default(),
            concurrency: 8,
            request_timeout: Duration::from_secs(30),
            page_size: 500,
            retries: 4,
            progress: ProgressSink::hidden(),
            quiet: false,
        }
    }
}

/// A live side, read and not yet built.
pub(crate) struct LiveRead {
    /// The documents, as a manifests side would hold them.
    pub raw: RawSide,
    /// Every listable kind the server serves.
    pub api_resources: Vec<ApiResource>,
    /// What could not be read.
    pub gaps: Vec<Gap>,
    /// What was left out on purpose.
    pub assumptions: Vec<String>,
}

/// What a live side learnt besides its documents.
pub(crate) struct LiveExtras {
    api_resources: Vec<ApiResource>,
    gaps: Vec<Gap>,
    assumptions: Vec<String>,
}

impl LiveRead {
    /// Teaches the scope table every discovered kind's scope (custom kinds included).
    pub fn register_scopes(&self, table: &mut ScopeTable) {
        for r in &self.api_resources {
            table.add_crd(&r.group, &r.kind, r.namespaced);
        }
    }

    /// The documents to build, and the rest.
    pub fn split(self) -> (RawSide, LiveExtras) {
        let extras = LiveExtras {
            api_resources: self.api_resources,
            gaps: self.gaps,
            assumptions: self.assumptions,
        };
        (self.raw, extras)
    }
}

impl LiveExtras {
    /// Completes a side built from the documents with what discovery and listing learnt.
    pub fn apply(self, side: &mut Side) {
        let mut gaps = self.gaps;
        gaps.sort();
        gaps.dedup();
        side.api_resources = self.api_resources;
        side.coverage.complete = gaps.is_empty();
        side.coverage.gaps = gaps;
        side.coverage.assumptions.extend(self.assumptions);
    }
}

/// The runtime live collection runs on (created once, shared by both sides).
pub(crate) fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("checkride-live")
            .build()
            .expect("a tokio runtime can be created")
    })
}

/// Reads one context.
pub(crate) async fn collect(
    context: String,
    opts: Arc<LiveOptions>,
    fp: Fingerprinter,
    limits: Limits,
) -> Result<LiveRead, Error> {
    let side = format!("context:{context}");
    let (client, server) = connect::client_for(&context, opts.kubeconfig.as_deref()).await?;
    let mut f = http::Fetcher::new(client, opts.request_timeout, opts.retries, side.clone());
    f.max_body = limits.response_bytes;
    let progress = opts.progress.side(&side);

    let version = f
        .get("/version", "application/json")
        .await
        .map_err(|e| connect::unreachable(&side, &server, &e))?;
    let version: serde_json::Value = serde_json::from_slice(&version.body)
        .map_err(|e| Error::Cluster(format!("{side}: the server's /version is not JSON: {e}")))?;
    let found = discovery::discover(&f, &server, opts.concurrency).await?;
    tracing::debug!(
        side = %side,
        "discovery: {} listable kinds ({}), {} gaps",
        found.resources.len(),
        if found.aggregated { "aggregated" } else { "per group" },
        found.gaps.len()
    );
    opts.kinds.check_spellings(&found.resources)?;
    warn_filters(&side, &opts, &found.resources);

    let tasks = plan(&found.resources, &opts);
    let assumptions = assumptions(&opts);
    progress.start(tasks.len(), found.gaps.len());
    let settings = ListSettings {
        page_size: opts.page_size,
        secrets: opts.secrets,
        fingerprinter: &fp,
        limits: &limits,
    };
    let results: Vec<(ListTask, Result<Vec<RawDoc>, list::ListError>)> =
        futures::stream::iter(tasks)
            .map(|task| {
                let (f, settings, progress) = (&f, &settings, &progress);
                async move {
                    let r = list::list_all(f, &task, settings).await;
                    progress.list_done(r.as_ref().map_or(0, Vec::len), r.is_err());
                    (task, r)
                }
            })
            .buffer_unordered(opts.concurrency.max(1))
            .collect()
            .await;
    progress.finish();

    let origin: Arc<str> = Arc::from(side.as_str());
    let mut docs: Vec<(Arc<str>, ParsedDoc)> = vec![(
        origin.clone(),
        ParsedDoc {
            doc: version_doc(version),
            line: None,
        },
    )];
    let mut gaps = found.gaps;
    for (task, r) in results {
        match r {
            Ok(items) => {
                let keep = |d: &RawDoc| namespace_selected(&task, d, &opts.namespaces);
                docs.extend(
                    items
                        .into_iter()
                        .filter(keep)
                        .map(|doc| (origin.clone(), ParsedDoc { doc, line: None })),
                );
            }
            Err(e) => {
                tracing::debug!(side = %side, "{}: not read: {}", task.path(), e.reason());
                gaps.push(Gap {
                    group: task.resource.group.clone(),
                    kind: task.resource.kind.clone(),
                    namespace: task.namespace.clone(),
                    reason: e.reason(),
                });
            }
        }
    }
    if docs.len() as u64 > limits.documents {
        return Err(Error::Cluster(format!(
            "{side}: {}",
            Limit::Documents.text(&limits, &format!("{} objects", docs.len()))
        )));
    }
    // The order pages arrived in must not matter.
    docs.sort_by(|a, b| doc_order(&a.1.doc).cmp(&doc_order(&b.1.doc)));
    Ok(LiveRead {
        raw: RawSide {
            source: side,
            docs,
            skipped_files: Vec::new(),
        },
        api_resources: found.resources,
        gaps,
        assumptions,
    })
}

/// The lists to make: one per kind, or one per kind and namespace with `-n`.
fn plan(resources: &[ApiResource], opts: &LiveOptions) -> Vec<ListTask> {
    let mut tasks = Vec::new();
    for r in resources {
        let secret = r.group.is_empty() && r.kind == "Secret";
        if secret && opts.secrets == SecretsMode::Skip {
            continue;
        }
        match opts.kinds.decide(r) {
            Ok(()) => {}
            Err(Skip::Default) | Err(Skip::User) => continue,
        }
        if r.namespaced && !opts.namespaces.is_empty() {
            for ns in &opts.namespaces {
                tasks.push(ListTask {
                    resource: r.clone(),
                    namespace: Some(ns.clone()),
                });
            }
        } else {
            tasks.push(ListTask {
                resource: r.clone(),
                namespace: None,
            });
        }
    }
    tasks
}

/// With `-n`, Namespace objects outside the selection are not part of the side.
fn namespace_selected(task: &ListTask, d: &RawDoc, namespaces: &[String]) -> bool {
    if namespaces.is_empty()
        || !(task.resource.group.is_empty() && task.resource.kind == "Namespace")
    {
        return true;
    }
    let name = d.metadata.as_ref().and_then(|m| m.name.as_deref());
    name.is_some_and(|n| namespaces.iter().any(|s| s == n))
}

/// What a live side leaves out on purpose, so reports say so.
fn assumptions(opts: &LiveOptions) -> Vec<String> {
    let mut out = Vec::new();
    if !opts.namespaces.is_empty() {
        out.push(format!(
            "only namespaces {} were read (-n)",
            opts.namespaces.join(", ")
        ));
    }
    match opts.secrets {
        SecretsMode::Skip => out.push("Secrets were not read (--secrets skip)".to_string()),
        SecretsMode::Keys => {
            out.push("Secret values were not read, only key names (--secrets keys)".to_string())
        }
        SecretsMode::Fingerprint => {}
    }
    if opts.kinds.excludes_any() {
        out.push("some kinds were excluded by --exclude-kinds".to_string());
    }
    out
}

fn warn_filters(side: &str, opts: &LiveOptions, served: &[ApiResource]) {
    let mut warnings: Vec<String> = opts
        .kinds
        .unmatched(served)
        .into_iter()
        .map(|k| format!("{side}: `{k}` matches no kind the server serves"))
        .collect();
    warnings.extend(
        opts.kinds
            .excluded_platform_kinds(served)
            .into_iter()
            .map(|k| format!("{side}: `{k}` is a platform kind and is always read")),
    );
    for w in warnings {
        tracing::warn!("{}", crate::escape::visible(&w));
        if !opts.quiet {
            opts.progress.println(&format!("checkride: warning: {w}"));
        }
    }
}

/// The `/version` answer as the document a `kubectl version -o json` dump would give.
fn version_doc(v: serde_json::Value) -> RawDoc {
    let mut doc = RawDoc::default();
    doc.rest.insert("serverVersion".into(), v);
    doc
}

fn doc_order(d: &RawDoc) -> (Option<&str>, Option<&str>, Option<&str>, Option<&str>) {
    let meta = d.metadata.as_ref();
    (
        d.api_version.as_deref(),
        d.kind.as_deref(),
        meta.and_then(|m| m.namespace.as_deref()),
        meta.and_then(|m| m.name.as_deref()),
    )
}

/// `1.5s`, `250ms`, `2m`: how durations are shown.
pub fn human_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms.is_multiple_of(1000) && ms < 60_000 {
        format!("{}s", ms / 1000)
    } else if ms < 60_000 {
        format!("{:.1}s", d.as_secs_f64())
    } else {
        format!("{}m{}s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

/// Parses `500ms`, `30s`, `2m`, `1h` (a bare number is seconds, as kubectl reads it).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (e.g. 500ms, 30s, 2m)"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("`{s}`: unknown unit (use ms, s, m or h)")),
    };
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Durations parse as kubectl's flags do and print compactly.
    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("3d").is_err());
        assert_eq!(human_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(human_duration(Duration::from_secs(2)), "2s");
    }
}
