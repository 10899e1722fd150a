//! The accept loop: HTTP/1.1 over hyper with the limits a server facing untrusted clients
//! needs. A request head must arrive within the header timeout (an idle or half-sent request
//! is closed then, so it cannot hold a slot); at most `max_connections` connections are served
//! at once, and a connection past the cap is answered `503` with `Retry-After` and closed; the
//! request head is bounded in size (`431` past it). Shutdown stops accepting and lets the open
//! requests finish.

use super::status;
use axum::Router;
use http::{StatusCode, header};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

/// Connection limits.
#[derive(Debug, Clone, Copy)]
pub struct ConnLimits {
    /// Longest wait for a complete request head (also closes idle keep-alive connections).
    pub header_timeout: Duration,
    /// Most connections served at once.
    pub max_connections: usize,
}

/// Default header-read timeout: 10 s (what Go servers commonly set as `ReadHeaderTimeout`).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Default connection cap: 256 (kubectl opens a handful; the live collector one per
/// concurrent list).
pub const MAX_CONNECTIONS: usize = 256;
/// Largest request head (request line and headers): 64 KiB, above the 16 KiB query limit.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Most request headers.
const MAX_HEADERS: usize = 100;
/// How long open requests may take to finish once shutdown is asked for.
const DRAIN: Duration = Duration::from_secs(5);

impl Default for ConnLimits {
    fn default() -> Self {
        ConnLimits {
            header_timeout: HEADER_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves.
pub(crate) async fn serve<S>(
    listener: TcpListener,
    app: Router,
    limits: ConnLimits,
    shutdown: S,
) -> std::io::Result<()>
where
    S: std::future::Future<Output = ()> + Send + 'static,
{
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::debug!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tracing::debug!(
                "{peer}: refused, {} connections open",
                limits.max_connections
            );
            tokio::spawn(refuse(stream, limits.max_connections));
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .max_buf_size(MAX_HEAD_BYTES)
            .max_header_size(MAX_HEAD_BYTES)
            .max_headers(MAX_HEADERS)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!("{peer}: connection closed: {e}");
            }
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(DRAIN) => {}
    }
    Ok(())
}

/// Answers a connection past the cap with `503` and closes it, without reading the request.
async fn refuse(mut stream: TcpStream, cap: usize) {
    let r = status(
        StatusCode::SERVICE_UNAVAILABLE,
        "ServiceUnavailable",
        format!("checkride serve has {cap} connections open; retry shortly"),
    );
    let body = axum::body::to_bytes(r.into_body(), 4096)
        .await
        .unwrap_or_default();
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\n{}: application/json\r\n{}: 1\r\n{}: close\r\n{}: {}\r\n\r\n",
        header::CONTENT_TYPE,
        header::RETRY_AFTER,
        header::CONNECTION,
        header::CONTENT_LENGTH,
        body.len()
    );
    let write = async {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(&body).await?;
        stream.shutdown().await
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), write).await;
}
