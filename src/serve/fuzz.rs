//! One request answered without a socket, from a small fixed snapshot: the fuzz target of
//! request parsing (paths, queries, selectors, continue tokens, `Accept`), see
//! [`crate::fuzzing`].

use super::{App, ServeOptions, handle, router_state};
use axum::body::Body;
use axum::extract::State;
use std::sync::{Arc, OnceLock};

const SIDE: &str = r#"
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
  labels: {app.kubernetes.io/name: checkout, tier: web}
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: checkout}
  template:
    metadata:
      labels: {app.kubernetes.io/name: checkout}
    spec:
      containers: [{name: app, image: "shop/checkout:1.0"}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: checkout-config, namespace: shop, labels: {tier: web}}
data: {mode: live}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: other, namespace: default}
data: {a: b}
---
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: shop}
stringData: {password: fuzz-canary-value}
"#;

fn app() -> &'static (Arc<App>, tokio::runtime::Runtime) {
    static APP: OnceLock<(Arc<App>, tokio::runtime::Runtime)> = OnceLock::new();
    APP.get_or_init(|| {
        let limits = crate::collect::Limits::default();
        let docs = crate::collect::parse::parse(
            "side.yaml",
            SIDE,
            crate::collect::parse::Format::Yaml,
            &crate::collect::parse::SideBudget::new(&limits, "side.yaml"),
        )
        .expect("the fuzz side parses");
        let name: Arc<str> = Arc::from("side.yaml");
        let raw = crate::collect::build::RawSide {
            source: "side.yaml".into(),
            docs: docs.into_iter().map(|d| (name.clone(), d)).collect(),
            skipped_files: Vec::new(),
        };
        let opts = crate::collect::LoadOptions::new(
            "default",
            crate::normalize::secrets::Fingerprinter::from_secret("fuzz"),
        );
        let side = crate::collect::build::build(raw, &Default::default(), &opts)
            .expect("the fuzz side builds");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread runtime");
        (router_state(&side, &ServeOptions::default()), rt)
    })
}

/// Answers `METHOD TARGET` (first line) with the `Accept` of the second line, if any; the
/// status code, or 0 when the text is not a request hyper would pass on.
pub fn fuzz_one(text: &str) -> u16 {
    let mut lines = text.splitn(3, '\n');
    let first = lines.next().unwrap_or("");
    let accept = lines.next();
    let (method, target) = first.split_once(' ').unwrap_or(("GET", first));
    let mut req = http::Request::builder().method(method).uri(target);
    if let Some(a) = accept {
        req = req.header(http::header::ACCEPT, a);
    }
    let Ok(req) = req.body(Body::empty()) else {
        return 0;
    };
    let (app, rt) = app();
    let response = rt.block_on(handle(State(app.clone()), req));
    let code = response.status().as_u16();
    let body = rt
        .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
        .unwrap_or_default();
    assert!(
        !String::from_utf8_lossy(&body).contains("fuzz-canary-value"),
        "a Secret value was served"
    );
    code
}
