//! A second, independent fake API server (it shares no code with `checkride serve`): it serves
//! the real discovery documents of `k8s-discovery/` verbatim (copied byte for byte from
//! `../shared/k8s-discovery`, see SOURCE.md there; the per-group documents disagree in places,
//! as real clusters' do), and lists raw objects the way an API server sends them: built-in list
//! items without `apiVersion`/`kind`, with server-populated fields, paged by `limit`/`continue`.

use axum::Router;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// How the fake behaves.
#[derive(Default, Clone)]
pub struct FakeOptions {
    /// Answer `/apis` with `aggregated_v2.json` when the client asks for aggregated discovery.
    pub aggregated: bool,
    /// Objects (with apiVersion and kind) the lists return.
    pub objects: Vec<Value>,
    /// Answer 401 to everything.
    pub unauthorized: bool,
}

/// A running fake, stopped when dropped.
pub struct Fake {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// Every request: `path?query` and its Accept header.
    pub requests: Arc<Mutex<Vec<(String, String)>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The copied discovery documents.
pub fn discovery_dir() -> PathBuf {
    super::root().join("tests/live_support/k8s-discovery")
}

fn read(name: &str) -> Option<String> {
    std::fs::read_to_string(discovery_dir().join(name)).ok()
}

/// (group, version, plural) → kind, from every version document and aggregated discovery.
fn resource_map() -> HashMap<(String, String, String), String> {
    let mut map = HashMap::new();
    for entry in std::fs::read_dir(discovery_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let Some(stem) = name.strip_suffix(".json") else {
            continue;
        };
        let parts: Vec<&str> = stem.split("__").collect();
        let (group, version) = match parts.as_slice() {
            ["api", v] => (String::new(), v.to_string()),
            ["apis", g, v] => (g.to_string(), v.to_string()),
            _ => continue,
        };
        let doc: Value = serde_json::from_str(&read(&name).unwrap()).unwrap();
        for r in doc["resources"].as_array().unwrap() {
            let plural = r["name"].as_str().unwrap().to_string();
            let kind = r["kind"].as_str().unwrap().to_string();
            map.insert((group.clone(), version.clone(), plural), kind);
        }
    }
    let agg: Value = serde_json::from_str(&read("aggregated_v2.json").unwrap()).unwrap();
    for g in agg["items"].as_array().unwrap() {
        let group = g["metadata"]["name"].as_str().unwrap_or("").to_string();
        for v in g["versions"].as_array().unwrap() {
            let version = v["version"].as_str().unwrap().to_string();
            for r in v["resources"].as_array().unwrap() {
                let plural = r["resource"].as_str().unwrap().to_string();
                let kind = r["responseKind"]["kind"].as_str().unwrap().to_string();
                map.insert((group.clone(), version.clone(), plural), kind);
            }
        }
    }
    map
}

struct State {
    opts: FakeOptions,
    resources: HashMap<(String, String, String), String>,
    requests: Arc<Mutex<Vec<(String, String)>>>,
}

fn status(code: StatusCode, reason: &str, message: &str) -> Response {
    let body = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                      "message": message, "reason": reason, "code": code.as_u16()});
    (
        code,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn json_answer(content_type: &str, body: String) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, content_type.to_string())],
        body,
    )
        .into_response()
}

/// The object as the server stores it: server fields added, type fields kept for custom kinds.
fn as_served(o: &Value, n: usize) -> Value {
    let mut o = o.clone();
    let meta = o["metadata"].as_object_mut().unwrap();
    meta.insert(
        "uid".into(),
        json!(format!("00000000-0000-0000-0000-{n:012}")),
    );
    meta.insert("resourceVersion".into(), json!((1000 + n).to_string()));
    meta.insert("creationTimestamp".into(), json!("2025-06-01T12:00:00Z"));
    meta.insert(
        "managedFields".into(),
        json!([{"manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": "v1"}]),
    );
    let obj = o.as_object_mut().unwrap();
    obj.remove("apiVersion");
    obj.remove("kind");
    obj.entry("status")
        .or_insert(json!({"observedGeneration": 1}));
    o
}

fn list(
    state: &State,
    group: &str,
    version: &str,
    ns: Option<&str>,
    plural: &str,
    query: &str,
) -> Response {
    let Some(kind) = state
        .resources
        .get(&(group.into(), version.into(), plural.into()))
    else {
        return status(
            StatusCode::NOT_FOUND,
            "NotFound",
            "the server could not find the requested resource",
        );
    };
    let params: HashMap<&str, &str> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .collect();
    let matching: Vec<Value> = state
        .opts
        .objects
        .iter()
        .enumerate()
        .filter(|(_, o)| {
            let api = o["apiVersion"].as_str().unwrap_or("");
            let g = api.rsplit_once('/').map_or("", |(g, _)| g);
            g == group && o["kind"] == json!(kind)
        })
        .filter(|(_, o)| ns.is_none_or(|ns| o["metadata"]["namespace"] == json!(ns)))
        .map(|(n, o)| as_served(o, n))
        .collect();
    let start: usize = params
        .get("continue")
        .and_then(|c| c.strip_prefix("offset-"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let limit: usize = params
        .get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(usize::MAX);
    let end = start.saturating_add(limit).min(matching.len());
    let mut metadata = json!({"resourceVersion": "5000"});
    if end < matching.len() {
        metadata["continue"] = json!(format!("offset-{end}"));
    }
    let body = json!({"kind": format!("{kind}List"), "apiVersion": if group.is_empty() { version.to_string() } else { format!("{group}/{version}") },
                      "metadata": metadata, "items": matching[start.min(end)..end]});
    json_answer("application/json", body.to_string())
}

async fn handle(state: Arc<State>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    state
        .requests
        .lock()
        .unwrap()
        .push((format!("{path}?{query}"), accept.clone()));
    if state.opts.unauthorized {
        return status(StatusCode::UNAUTHORIZED, "Unauthorized", "Unauthorized");
    }
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let file = |name: String| match read(&name) {
        Some(text) => json_answer("application/json", text),
        None => status(
            StatusCode::NOT_FOUND,
            "NotFound",
            "the server could not find the requested resource",
        ),
    };
    match segs.as_slice() {
        ["version"] => json_answer(
            "application/json",
            json!({"major": "1", "minor": "33", "gitVersion": "v1.33.1", "platform": "linux/amd64"}).to_string(),
        ),
        ["api"] => file("api.json".into()),
        ["apis"] if state.opts.aggregated && accept.contains("v=v2;as=APIGroupDiscoveryList") => json_answer(
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
            read("aggregated_v2.json").unwrap(),
        ),
        ["apis"] => file("apis.json".into()),
        ["api", v] => file(format!("api__{v}.json")),
        ["apis", g] => file(format!("apis__{g}.json")),
        ["apis", g, v] => file(format!("apis__{g}__{v}.json")),
        ["api", v, plural] => list(&state, "", v, None, plural, &query),
        ["api", v, "namespaces", ns, plural] => list(&state, "", v, Some(ns), plural, &query),
        ["apis", g, v, plural] => list(&state, g, v, None, plural, &query),
        ["apis", g, v, "namespaces", ns, plural] => list(&state, g, v, Some(ns), plural, &query),
        _ => status(StatusCode::NOT_FOUND, "NotFound", "the server could not find the requested resource"),
    }
}

/// Starts the fake on a free loopback port.
pub fn start(opts: FakeOptions) -> Fake {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let state = Arc::new(State {
        opts,
        resources: resource_map(),
        requests: requests.clone(),
    });
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            let app = Router::new().fallback(move |req: Request| handle(state.clone(), req));
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stop_rx.await;
                })
                .await
                .unwrap();
        });
    });
    let addr = addr_rx.recv_timeout(super::GUARD).expect("fake starts");
    Fake {
        url: format!("http://{addr}"),
        requests,
        stop: Some(stop_tx),
        thread: Some(thread),
    }
}
