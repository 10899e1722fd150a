//! A fake GitHub REST API for the comment bot's tests: issue comments of one repository, served
//! on 127.0.0.1 with real HTTP, paginated (small pages, `Link` headers), recording every request.
//! Scripted replies (401, 403, 404, rate limits) can be queued for the next requests.

// Shared by several test binaries; each uses a part of it.
#![allow(dead_code)]

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch};
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// A request as the fake saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: String,
    pub authorization: Option<String>,
    pub body: String,
}

/// A reply to force instead of the normal behaviour.
#[derive(Debug, Clone)]
pub struct Scripted {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub message: String,
}

#[derive(Default)]
struct FakeState {
    owner: String,
    repo: String,
    pr: u64,
    page_size: usize,
    next_id: u64,
    comments: Vec<(u64, String)>,
    requests: Vec<Recorded>,
    script: VecDeque<Scripted>,
    /// Every page links back to page 1 as its `next` (a broken or hostile server).
    loop_links: bool,
}

/// A running fake.
#[derive(Clone)]
pub struct FakeGitHub {
    pub url: String,
    state: Arc<Mutex<FakeState>>,
}

impl FakeGitHub {
    /// Starts a fake serving OWNER/REPO with pull request `pr`, `page_size` comments per page.
    pub fn start(owner: &str, repo: &str, pr: u64, page_size: usize) -> FakeGitHub {
        let state = Arc::new(Mutex::new(FakeState {
            owner: owner.into(),
            repo: repo.into(),
            pr,
            page_size,
            next_id: 1000,
            ..Default::default()
        }));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}");
        let app = Router::new()
            .route(
                "/repos/{owner}/{repo}/issues/{pr}/comments",
                get(list).post(create),
            )
            .route("/repos/{owner}/{repo}/issues/comments/{id}", patch(update))
            .fallback(fallback)
            .with_state((state.clone(), url.clone()));
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let l = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(l, app).await.unwrap();
            });
        });
        FakeGitHub { url, state }
    }

    /// Adds a comment that was there before the bot ran; returns its id.
    pub fn seed(&self, body: &str) -> u64 {
        let mut s = self.state.lock().unwrap();
        s.next_id += 1;
        let id = s.next_id;
        s.comments.push((id, body.to_string()));
        id
    }

    /// Queues a forced reply for the next request.
    pub fn script(&self, status: u16, headers: &[(&'static str, &str)], message: &str) {
        self.state.lock().unwrap().script.push_back(Scripted {
            status,
            headers: headers.iter().map(|(k, v)| (*k, v.to_string())).collect(),
            message: message.into(),
        });
    }

    /// Makes every page's `next` link point at page 1 again.
    pub fn loop_links(&self) {
        self.state.lock().unwrap().loop_links = true;
    }

    /// Every comment now on the pull request, in order.
    pub fn comments(&self) -> Vec<(u64, String)> {
        self.state.lock().unwrap().comments.clone()
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().requests.clone()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.state.lock().unwrap().requests.clear();
    }
}

type St = State<(Arc<Mutex<FakeState>>, String)>;

fn record(s: &mut FakeState, method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) {
    s.requests.push(Recorded {
        method: method.to_string(),
        path: uri.path().to_string(),
        query: uri.query().unwrap_or("").to_string(),
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body: String::from_utf8_lossy(body).into_owned(),
    });
}

/// The scripted reply, or a 404 when the repository or PR is not the fake's, or `None`.
fn intercept(s: &mut FakeState, owner: &str, repo: &str, pr: Option<u64>) -> Option<Response> {
    if let Some(sc) = s.script.pop_front() {
        let mut h = HeaderMap::new();
        for (k, v) in &sc.headers {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        let status = StatusCode::from_u16(sc.status).unwrap();
        return Some((status, h, axum::Json(json!({ "message": sc.message }))).into_response());
    }
    if owner != s.owner || repo != s.repo || pr.is_some_and(|p| p != s.pr) {
        return Some(
            (
                StatusCode::NOT_FOUND,
                axum::Json(json!({ "message": "Not Found" })),
            )
                .into_response(),
        );
    }
    None
}

fn comment_json(base: &str, s: &FakeState, id: u64, body: &str) -> Value {
    json!({
        "id": id,
        "body": body,
        "html_url": format!("{base}/{}/{}/pull/{}#issuecomment-{id}", s.owner, s.repo, s.pr),
        "user": { "login": "github-actions[bot]" },
    })
}

async fn list(
    State((st, base)): St,
    Path((owner, repo, pr)): Path<(String, String, u64)>,
    Query(q): Query<HashMap<String, String>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let mut s = st.lock().unwrap();
    record(&mut s, &method, &uri, &headers, b"");
    if let Some(r) = intercept(&mut s, &owner, &repo, Some(pr)) {
        return r;
    }
    let page: usize = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let size = s.page_size;
    let items: Vec<Value> = s
        .comments
        .iter()
        .skip((page - 1) * size)
        .take(size)
        .map(|(id, b)| comment_json(&base, &s, *id, b))
        .collect();
    let mut h = HeaderMap::new();
    if s.loop_links {
        let next = format!("<{base}{}?per_page=100&page=1>; rel=\"next\"", uri.path());
        h.insert("link", HeaderValue::from_str(&next).unwrap());
    } else if page * size < s.comments.len() {
        let next = format!(
            "<{base}{}?per_page=100&page={}>; rel=\"next\"",
            uri.path(),
            page + 1
        );
        h.insert("link", HeaderValue::from_str(&next).unwrap());
    }
    (StatusCode::OK, h, axum::Json(Value::Array(items))).into_response()
}

async fn create(
    State((st, base)): St,
    Path((owner, repo, pr)): Path<(String, String, u64)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut s = st.lock().unwrap();
    record(&mut s, &method, &uri, &headers, &body);
    if let Some(r) = intercept(&mut s, &owner, &repo, Some(pr)) {
        return r;
    }
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let text = v["body"].as_str().unwrap_or("").to_string();
    s.next_id += 1;
    let id = s.next_id;
    s.comments.push((id, text.clone()));
    let out = comment_json(&base, &s, id, &text);
    (StatusCode::CREATED, axum::Json(out)).into_response()
}

async fn update(
    State((st, base)): St,
    Path((owner, repo, id)): Path<(String, String, u64)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut s = st.lock().unwrap();
    record(&mut s, &method, &uri, &headers, &body);
    if let Some(r) = intercept(&mut s, &owner, &repo, None) {
        return r;
    }
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let text = v["body"].as_str().unwrap_or("").to_string();
    let Some(c) = s.comments.iter_mut().find(|(i, _)| *i == id) else {
        return (
            StatusCode::NOT_FOUND,
            axum::Json(json!({ "message": "Not Found" })),
        )
            .into_response();
    };
    c.1 = text.clone();
    let out = comment_json(&base, &s, id, &text);
    (StatusCode::OK, axum::Json(out)).into_response()
}

async fn fallback(
    State((st, _)): St,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut s = st.lock().unwrap();
    record(&mut s, &method, &uri, &headers, &body);
    (
        StatusCode::NOT_FOUND,
        axum::Json(json!({ "message": "Not Found" })),
    )
        .into_response()
}

/// What one `checkride comment` run printed.
pub struct Run {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `checkride comment` on the probes scenario against `api_url` for `repo` PR 7, with
/// `token` in `GITHUB_TOKEN` and no job summary; a panic is a test failure.
pub fn run_comment(repo: &str, api_url: &str, token: &str, extra: &[&str]) -> Run {
    let out = assert_cmd::Command::cargo_bin("checkride")
        .unwrap()
        .args([
            "comment",
            "fixtures/scenarios/probes/staging",
            "fixtures/scenarios/probes/prod",
        ])
        .args(["--repo", repo, "--pr", "7", "--api-url", api_url])
        .args(extra)
        .env("GITHUB_TOKEN", token)
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    r
}
