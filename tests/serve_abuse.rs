//! `checkride serve` facing hostile or careless clients, over real sockets on 127.0.0.1:
//! watches in every spelling answer 405, invalid selectors 400 (never "everything"), an
//! idle or half-sent request is closed after the header timeout, connections past the cap are
//! answered 503 and the cap frees up again, and queries and bodies are bounded.

mod live_support;

use live_support::{Server, scenario, snapshot_to};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn demo_prod(dir: &std::path::Path) -> std::path::PathBuf {
    snapshot_to(&scenario("demo").join("prod"), dir, "demo-prod")
}

fn addr(server: &Server) -> String {
    server.url.trim_start_matches("http://").to_string()
}

/// Sends raw bytes on a new connection and reads the whole answer (the request asks the
/// server to close).
fn raw(server: &Server, request: &str) -> String {
    let mut s = TcpStream::connect(addr(server)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// GET `target`; the status code and body.
fn get(server: &Server, target: &str) -> (u16, String) {
    let answer = raw(
        server,
        &format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
    );
    let code = answer
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (code, body)
}

fn names(body: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    let mut n: Vec<String> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap().to_string())
        .collect();
    n.sort();
    n
}

/// Every spelling the API server reads as a watch (`true`, `True`, `1`, `t`, empty, the first
/// of repeated values) and the legacy `/watch/` paths answer 405; `watch=false` lists.
#[test]
fn watches_answer_405() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&demo_prod(dir.path()), &[]);
    let list = "/apis/apps/v1/deployments";
    for q in [
        "watch=true",
        "watch=True",
        "watch=TRUE",
        "watch=1",
        "watch=t",
        "watch",
        "watch=true&watch=false",
        "limit=5&watch=yes",
    ] {
        let (code, body) = get(&server, &format!("{list}?{q}"));
        assert_eq!(code, 405, "{q}: {body}");
        assert!(
            body.contains("\"reason\":\"MethodNotAllowed\""),
            "{q}: {body}"
        );
    }
    assert_eq!(get(&server, "/apis/apps/v1/watch/deployments").0, 405);
    assert_eq!(
        get(&server, "/api/v1/watch/namespaces/shop/configmaps").0,
        405
    );
    for q in ["watch=false", "watch=False", "watch=0", "watch=f"] {
        assert_eq!(get(&server, &format!("{list}?{q}")).0, 200, "{q}");
    }
}

/// Selector text the API server refuses is refused with 400 and a `Status` naming the
/// problem, for labels and fields alike; valid set-based selectors still select exactly.
#[test]
fn invalid_selectors_answer_400() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&demo_prod(dir.path()), &[]);
    let list = "/apis/apps/v1/deployments";
    let (code, all) = get(&server, list);
    assert_eq!(code, 200);
    let all = names(&all);
    assert!(all.len() >= 2, "the demo has several deployments: {all:?}");
    for bad in [
        "labelSelector=!!!",
        "labelSelector=!",
        "labelSelector=%3D",
        "labelSelector=a%3Db%3Dc",
        "labelSelector=app+in+web",
        "labelSelector=app+in+(web",
        "labelSelector=-bad%3Dx",
        "labelSelector=app%3D%25%25%25",
        "labelSelector=a%2C",
        "labelSelector=a%3E1",
        "fieldSelector=!!!",
        "fieldSelector=spec.nodeName%3Dx",
        "labelSelector=%ZZ",
    ] {
        let (code, body) = get(&server, &format!("{list}?{bad}"));
        assert_eq!(code, 400, "{bad}: {body}");
        assert!(body.contains("\"kind\":\"Status\""), "{bad}: {body}");
    }
    let sel = |q: &str| {
        let (code, body) = get(&server, &format!("{list}?labelSelector={q}"));
        assert_eq!(code, 200, "{q}: {body}");
        names(&body)
    };
    assert_eq!(sel("app.kubernetes.io%2Fname%3Dcheckout"), vec!["checkout"]);
    assert_eq!(
        sel("app.kubernetes.io%2Fname+in+(checkout%2Cweb)"),
        vec!["checkout", "web"]
    );
    let not_checkout = sel("app.kubernetes.io%2Fname+notin+(checkout)");
    assert!(!not_checkout.contains(&"checkout".to_string()));
    assert_eq!(not_checkout.len(), all.len() - 1);
    assert!(sel("!app.kubernetes.io%2Fname").is_empty());
    assert_eq!(sel(""), all);
}

/// A half-sent request head and an idle connection are closed once the header timeout has
/// passed; a complete request on a fresh connection is still answered.
#[test]
fn slow_request_heads_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&demo_prod(dir.path()), &["--header-timeout", "1s"]);
    let mut partial = TcpStream::connect(addr(&server)).unwrap();
    partial
        .write_all(b"GET /version HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let idle = TcpStream::connect(addr(&server)).unwrap();
    let started = Instant::now();
    for mut s in [partial, idle] {
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut buf = Vec::new();
        let read = s.read_to_end(&mut buf);
        assert!(
            read.is_ok(),
            "the server closes the connection (not our read timeout): {read:?}"
        );
    }
    let waited = started.elapsed();
    assert!(
        waited < Duration::from_secs(15),
        "closed after about the 1 s header timeout, took {waited:?}"
    );
    assert_eq!(get(&server, "/version").0, 200);
}

/// Connections past `--max-connections` are answered 503 with Retry-After at once; idle
/// connections holding every slot are closed by the header timeout, and the server answers
/// again.
#[test]
fn connection_cap_sheds_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        &demo_prod(dir.path()),
        &["--header-timeout", "2s", "--max-connections", "4"],
    );
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut s = TcpStream::connect(addr(&server)).unwrap();
        s.write_all(b"GET /version HTTP/1.1\r\n").unwrap();
        held.push(s);
    }
    // The accept loop takes the held connections in order; give it a moment.
    std::thread::sleep(Duration::from_millis(300));
    let answer = raw(&server, "GET /version HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 503"), "over the cap: {answer}");
    assert!(
        answer.to_ascii_lowercase().contains("retry-after: 1"),
        "{answer}"
    );
    assert!(
        answer.contains("\"reason\":\"ServiceUnavailable\""),
        "{answer}"
    );
    let started = Instant::now();
    loop {
        let (code, _) = get(&server, "/version");
        if code == 200 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "slots never freed up (last answer {code})"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(held);
}

/// A query over 16 KiB answers 414, more than 64 parameters 400, a body over 1 MiB 413
/// (never read), a write 405; none of them is listed.
#[test]
fn queries_and_bodies_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&demo_prod(dir.path()), &[]);
    let long = format!(
        "/api/v1/configmaps?labelSelector=a%3D{}",
        "b".repeat(17 * 1024)
    );
    assert_eq!(get(&server, &long).0, 414);
    let many: Vec<String> = (0..65).map(|i| format!("p{i}=1")).collect();
    assert_eq!(
        get(&server, &format!("/api/v1/configmaps?{}", many.join("&"))).0,
        400
    );
    let big = raw(
        &server,
        "GET /api/v1/configmaps HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\nxx",
    );
    assert!(big.starts_with("HTTP/1.1 413"), "{big}");
    assert!(
        big.to_ascii_lowercase().contains("connection: close"),
        "{big}"
    );
    let chunked = raw(
        &server,
        "POST /api/v1/configmaps HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
    );
    assert!(chunked.starts_with("HTTP/1.1 413"), "{chunked}");
    let post = raw(
        &server,
        "POST /api/v1/namespaces/shop/configmaps HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    );
    assert!(post.starts_with("HTTP/1.1 405"), "{post}");
    let huge_head = format!(
        "GET /version HTTP/1.1\r\nHost: x\r\nX-Pad: {}\r\n\r\n",
        "p".repeat(100 * 1024)
    );
    let answer = raw(&server, &huge_head);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
        "an over-long head is refused: {}",
        &answer[..answer.len().min(80)]
    );
}
