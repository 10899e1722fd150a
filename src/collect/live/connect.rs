//! From `context:NAME` to a kube client: the kubeconfig (`--kubeconfig`, else `KUBECONFIG`, else
//! `~/.kube/config`, like kubectl), or the pod's service account in a cluster. Errors use
//! kubectl's wording and never quote the kubeconfig (it holds credentials).

use super::http::Failure;
use crate::error::Error;
use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};
use std::path::Path;

/// The context name that asks for the pod's own service account.
pub const IN_CLUSTER: &str = "in-cluster";

/// A client for a context, and the server URL it talks to (for messages).
pub(crate) async fn client_for(
    context: &str,
    kubeconfig: Option<&Path>,
) -> Result<(kube::Client, String), Error> {
    let side = format!("context:{context}");
    let mut config = if context == IN_CLUSTER {
        kube::Config::incluster().map_err(|e| {
            Error::Cluster(format!(
                "{side}: not running in a pod with a service account: {e}"
            ))
        })?
    } else {
        let kc = match kubeconfig {
            Some(p) => Kubeconfig::read_from(p),
            None => Kubeconfig::read(),
        }
        .map_err(|e| kubeconfig_error(&side, kubeconfig, &e))?;
        let options = KubeConfigOptions {
            context: Some(context.to_string()),
            ..Default::default()
        };
        kube::Config::from_custom_kubeconfig(kc, &options)
            .await
            .map_err(|e| match e {
                KubeconfigError::LoadContext(_) => {
                    Error::Cluster(format!("{side}: context \"{context}\" does not exist"))
                }
                other => kubeconfig_error(&side, kubeconfig, &other),
            })?
    };
    // Retries are ours (they honour Retry-After and feed coverage gaps).
    config.default_retry = false;
    let server = config.cluster_url.to_string();
    let client = kube::Client::try_from(config).map_err(|e| {
        Error::Cluster(format!(
            "{side}: cannot build a client for {server}: {}",
            innermost(&e)
        ))
    })?;
    Ok((client, server))
}

fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// Kubeconfig problems, worded without quoting the file's content.
fn kubeconfig_error(side: &str, path: Option<&Path>, e: &KubeconfigError) -> Error {
    let file = path.map_or_else(
        || "the kubeconfig (KUBECONFIG or ~/.kube/config)".to_string(),
        |p| p.display().to_string(),
    );
    let what = match e {
        KubeconfigError::ReadConfig(io, p) => {
            return Error::Cluster(format!(
                "{side}: cannot read kubeconfig {}: {}",
                p.display(),
                match io.kind() {
                    std::io::ErrorKind::NotFound => "no such file".to_string(),
                    _ => io.to_string(),
                }
            ));
        }
        KubeconfigError::FindPath => {
            "no kubeconfig found (set KUBECONFIG or --kubeconfig)".to_string()
        }
        KubeconfigError::Parse(_) => format!("{file} is not a valid kubeconfig (YAML error)"),
        KubeconfigError::LoadClusterOfContext(c) => {
            format!("the cluster of context {c} is not defined in {file}")
        }
        other => format!("{file}: {other}"),
    };
    Error::Cluster(format!("{side}: {what}"))
}

/// A run-stopping failure of the first requests (version, discovery roots), worded as kubectl
/// words it.
pub(crate) fn unreachable(side: &str, server: &str, f: &Failure) -> Error {
    let host = server
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/');
    let msg = match f {
        Failure::Transport { refused: true, .. } => format!(
            "The connection to the server {host} was refused - did you specify the right host or port?"
        ),
        Failure::Transport { message, .. } => {
            format!("Unable to connect to the server: {message}")
        }
        Failure::Timeout(_) => format!(
            "Unable to connect to the server {host}: {} (--request-timeout)",
            f.reason()
        ),
        Failure::Status { code: 401, .. } => {
            "You must be logged in to the server (Unauthorized)".to_string()
        }
        Failure::Status { code: 403, .. } => {
            format!("the server refused discovery ({})", f.reason())
        }
        Failure::Status { .. } | Failure::TooLarge { .. } => {
            format!("the server could not be read ({})", f.reason())
        }
    };
    Error::Cluster(format!("{side}: {msg}"))
}
