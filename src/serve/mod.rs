//! `checkride serve`: a snapshot replayed as a read-only Kubernetes API server that kubectl and
//! kube-rs can talk to (`/version`, discovery, list with `limit`/`continue` and selectors, get
//! by name; writes and watches answer 405), with optional fault injection for testing.
//! Clients are not trusted: request heads must arrive in time, connections are capped, queries
//! and bodies are bounded and selectors are validated (see `docs/security.md`).

mod builtin;
mod discovery;
pub mod faults;
mod fuzz;
mod list;
mod listen;
mod negotiate;
mod request;
mod select;
mod store;

pub use faults::Faults;
#[doc(hidden)]
pub use fuzz::fuzz_one;
pub use listen::{ConnLimits, HEADER_TIMEOUT, MAX_CONNECTIONS, MAX_HEAD_BYTES};
pub use request::{MAX_BODY_BYTES, MAX_QUERY_BYTES, MAX_QUERY_PARAMS};
pub use store::DEFAULT_SERVER_VERSION;

use crate::error::Error;
use crate::model::Side;
use axum::Router;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use faults::FaultState;
use http::{HeaderValue, Method, StatusCode, header};
use negotiate::{Form, Offers, negotiate};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;
use store::{Store, StoreOptions};

/// How a snapshot is served.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// Serve this `gitVersion` at `/version` instead of the snapshot's.
    pub server_version: Option<String>,
    /// Serve redaction tokens with their fingerprints (for round trips through checkride);
    /// by default only `‹redacted›` is served.
    pub with_fingerprints: bool,
    /// Answer only the classic discovery documents (as servers before 1.26 do).
    pub no_aggregated_discovery: bool,
    /// Faults to inject.
    pub faults: Faults,
    /// Header timeout and connection cap.
    pub limits: ConnLimits,
}

struct App {
    store: Store,
    faults: FaultState,
    aggregated: bool,
    limits: request::RequestLimits,
}

/// What a request path names.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    Version,
    CoreVersions,
    Groups,
    Group(String),
    Resources(String, String),
    Collection {
        group: String,
        version: String,
        namespace: Option<String>,
        plural: String,
    },
    Object {
        group: String,
        version: String,
        namespace: Option<String>,
        plural: String,
        name: String,
    },
    /// The legacy `/api/v1/watch/...` paths.
    Watch,
    NotFound,
}

fn route(path: &str) -> Route {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segs.as_slice() {
        ["version"] => return Route::Version,
        ["api"] => return Route::CoreVersions,
        ["apis"] => return Route::Groups,
        ["apis", g] => return Route::Group(g.to_string()),
        ["api", v, rest @ ..] => (String::new(), v.to_string(), rest),
        ["apis", g, v, rest @ ..] => (g.to_string(), v.to_string(), rest),
        _ => return Route::NotFound,
    };
    let s = |x: &&str| x.to_string();
    match rest {
        [] => Route::Resources(group, version),
        ["watch", ..] => Route::Watch,
        [plural] => Route::Collection {
            group,
            version,
            namespace: None,
            plural: s(plural),
        },
        ["namespaces", ns, plural] => Route::Collection {
            group,
            version,
            namespace: Some(s(ns)),
            plural: s(plural),
        },
        ["namespaces", ns, plural, name] => Route::Object {
            group,
            version,
            namespace: Some(s(ns)),
            plural: s(plural),
            name: s(name),
        },
        [plural, name] => Route::Object {
            group,
            version,
            namespace: None,
            plural: s(plural),
            name: s(name),
        },
        _ => Route::NotFound,
    }
}

/// A `Status` answer.
pub(crate) fn status(code: StatusCode, reason: &str, message: String) -> Response {
    let body = json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code.as_u16(),
    });
    let mut r = (code, body.to_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// A successful answer in the negotiated form.
pub(crate) fn respond(form: Form, body: Vec<u8>) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    if let Ok(v) = HeaderValue::from_str(&form.content_type()) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r
}

async fn handle(State(app): State<Arc<App>>, req: Request) -> Response {
    let method = req.method().clone();
    let uri = req.uri().clone();
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_string();
    let mut response = match request::body(req.headers(), &app.limits) {
        Err(refused) => refused.response(),
        Ok(()) => match request::query(uri.query(), &app.limits) {
            Err(refused) => refused.response(),
            Ok(q) => {
                let r = route(uri.path());
                answer(&app, &method, &r, &uri, accept.as_deref(), &host, &q).await
            }
        },
    };
    if req.headers().contains_key(header::CONTENT_LENGTH)
        || req.headers().contains_key(header::TRANSFER_ENCODING)
    {
        // A body is never read: close rather than drain it for the next request.
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    tracing::debug!(
        "{method} {uri} -> {} (accept: {})",
        response.status().as_u16(),
        accept.as_deref().unwrap_or("-")
    );
    response
}

async fn answer(
    app: &App,
    method: &Method,
    r: &Route,
    uri: &http::Uri,
    accept: Option<&str>,
    host: &str,
    q: &list::Query,
) -> Response {
    let (group, resource) = match r {
        Route::Group(g) | Route::Resources(g, _) => (Some(g.as_str()), None),
        Route::Collection {
            group,
            version,
            plural,
            ..
        }
        | Route::Object {
            group,
            version,
            plural,
            ..
        } => (
            Some(group.as_str()),
            app.store.find(group, version, plural).map(|s| &s.info),
        ),
        _ => (None, None),
    };
    let key = format!("{method} {uri}");
    let has_continue = q.get("continue").is_some_and(|c| !c.is_empty());
    if let Some(injected) = app.faults.before(group, resource, &key, has_continue).await {
        return injected;
    }
    if method != Method::GET && method != Method::HEAD {
        return status(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            format!("{method} is not allowed: checkride serve is read-only"),
        );
    }
    if request::wants_watch(q) || *r == Route::Watch {
        return status(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "watch is not supported: checkride serve replays a snapshot that never changes".into(),
        );
    }
    let reads = matches!(r, Route::Collection { .. } | Route::Object { .. });
    let discovery_root = matches!(r, Route::CoreVersions | Route::Groups);
    let offers = Offers {
        table: reads,
        aggregated: discovery_root && app.aggregated,
    };
    let Some(form) = negotiate(accept, offers) else {
        return status(
            StatusCode::NOT_ACCEPTABLE,
            "NotAcceptable",
            format!(
                "only the following media types are accepted: {}",
                negotiate::ACCEPTED
            ),
        );
    };
    let json = |v: serde_json::Value| respond(form, v.to_string().into_bytes());
    let not_found = || {
        status(
            StatusCode::NOT_FOUND,
            "NotFound",
            "the server could not find the requested resource".into(),
        )
    };
    let unavailable = &app.faults.faults.unavailable_groups;
    match r {
        Route::Version => json(app.store.version.clone()),
        Route::CoreVersions => match form {
            Form::Aggregated(v) => json(discovery::aggregated(&app.store, true, v, unavailable)),
            _ => json(discovery::core_versions(host)),
        },
        Route::Groups => match form {
            Form::Aggregated(v) => json(discovery::aggregated(&app.store, false, v, unavailable)),
            _ => json(discovery::group_list(&app.store)),
        },
        Route::Group(g) => discovery::group(&app.store, g).map_or_else(not_found, json),
        Route::Resources(g, v) => {
            discovery::resource_list(&app.store, g, v).map_or_else(not_found, json)
        }
        Route::Collection {
            group,
            version,
            namespace,
            plural,
        } => match app.store.find(group, version, plural) {
            Some(s) if namespace.is_some() && !s.info.namespaced => not_found(),
            Some(s) => list::list(s, namespace.as_deref(), uri.path(), q, form),
            None => not_found(),
        },
        Route::Object {
            group,
            version,
            namespace,
            plural,
            name,
        } => match app.store.find(group, version, plural) {
            Some(s) if namespace.is_some() != s.info.namespaced => not_found(),
            Some(s) => list::get(s, namespace.as_deref(), name, q, form),
            None => not_found(),
        },
        Route::NotFound | Route::Watch => not_found(),
    }
}

fn router_state(side: &Side, opts: &ServeOptions) -> Arc<App> {
    let store = Store::new(
        side,
        &StoreOptions {
            server_version: opts.server_version.as_deref(),
            with_fingerprints: opts.with_fingerprints,
        },
    );
    Arc::new(App {
        store,
        faults: FaultState::new(opts.faults.clone()),
        aggregated: !opts.no_aggregated_discovery,
        limits: request::RequestLimits::default(),
    })
}

fn router(side: &Side, opts: &ServeOptions) -> Router {
    Router::new()
        .fallback(handle)
        .with_state(router_state(side, opts))
}

/// Binds `addr` (port 0 picks a free one). Returns the bound address and the server future,
/// which runs until `shutdown` resolves.
pub async fn bind<S>(
    side: &Side,
    opts: &ServeOptions,
    addr: SocketAddr,
    shutdown: S,
) -> Result<
    (
        SocketAddr,
        impl std::future::Future<Output = std::io::Result<()>> + use<S>,
    ),
    Error,
>
where
    S: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::Usage(format!("cannot listen on {addr}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::Other(format!("cannot read the bound address: {e}")))?;
    let app = router(side, opts);
    let server = listen::serve(listener, app, opts.limits, shutdown);
    Ok((local, server))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Paths map to discovery, collections and objects; subresources are not served.
    #[test]
    fn routes() {
        assert_eq!(route("/version"), Route::Version);
        assert_eq!(route("/apis/apps"), Route::Group("apps".into()));
        assert_eq!(
            route("/api/v1"),
            Route::Resources(String::new(), "v1".into())
        );
        assert_eq!(
            route("/api/v1/namespaces/shop"),
            Route::Object {
                group: String::new(),
                version: "v1".into(),
                namespace: None,
                plural: "namespaces".into(),
                name: "shop".into()
            }
        );
        assert_eq!(
            route("/apis/apps/v1/namespaces/shop/deployments"),
            Route::Collection {
                group: "apps".into(),
                version: "v1".into(),
                namespace: Some("shop".into()),
                plural: "deployments".into()
            }
        );
        assert_eq!(
            route("/apis/apps/v1/namespaces/shop/deployments/api/status"),
            Route::NotFound
        );
        assert_eq!(route("/api/v1/watch/namespaces/shop/pods"), Route::Watch);
        assert_eq!(route("/apis/apps/v1/watch/deployments"), Route::Watch);
    }
}
