//! The real kubectl reads `checkride serve`. kubectl here is a dispatcher that runs a client
//! 1.27–1.33 matching the server's `/version`; the tests serve three versions, so three
//! different clients are exercised. kubectl must be installed: `.ci/run` checks it, and these
//! tests fail (they are not skipped) when it is missing.

mod live_support;

use live_support::{Out, Server, checkride, run_program, scenario, snapshot_to};
use serde_json::Value;
use std::io::{Read, Write};
use std::path::Path;

/// Server versions served; the dispatcher runs kubectl 1.27, 1.30 and 1.33 for them.
const VERSIONS: [(&str, &str); 3] = [("v1.27.16", "27"), ("v1.30.4", "30"), ("v1.33.1", "33")];

fn kubectl(server: &Server, cache: &Path, args: &[&str]) -> Out {
    let mut all = vec![
        "--server",
        server.url.as_str(),
        "--cache-dir",
        cache.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    run_program("kubectl", &all, &[("HOME", cache.to_str().unwrap())])
}

fn require_kubectl() {
    let out = run_program("kubectl", &["version", "--client", "-o", "json"], &[]);
    assert_eq!(
        out.code, 0,
        "kubectl is required by these tests (see .ci/run): {}",
        out.stderr
    );
}

fn snapshot_objects(path: &Path, kind: &str) -> Vec<Value> {
    let s: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    s["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == kind)
        .cloned()
        .collect()
}

/// `kubectl get deployments -A -o json`, `get --raw /apis`, the printed table, get by name,
/// label selectors, custom resources and Secrets, against three server versions (three clients).
#[test]
fn kubectl_reads_what_the_snapshot_holds() {
    require_kubectl();
    let dir = tempfile::tempdir().unwrap();
    let a = snapshot_to(&scenario("platform-gaps").join("prod"), dir.path(), "prod");
    let deployments = snapshot_objects(&a, "Deployment");
    assert!(!deployments.is_empty());
    for (version, minor) in VERSIONS {
        let server = Server::start(&a, &["--server-version", version]);
        let cache = dir.path().join(format!("cache-{minor}"));

        let v = kubectl(&server, &cache, &["version", "-o", "json"]);
        let v: Value = serde_json::from_str(&v.stdout).unwrap_or_else(|_| panic!("{}", v.stderr));
        assert_eq!(v["serverVersion"]["gitVersion"], version);
        let client_minor = v["clientVersion"]["minor"]
            .as_str()
            .unwrap_or("")
            .trim_end_matches('+');
        assert_eq!(
            client_minor, minor,
            "{version}: the dispatcher picks a matching client; {v}"
        );

        let out = kubectl(&server, &cache, &["get", "deployments", "-A", "-o", "json"]);
        assert_eq!(out.code, 0, "{version}: {}", out.stderr);
        let list: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(list["items"].as_array().unwrap(), &deployments, "{version}");

        let out = kubectl(&server, &cache, &["get", "--raw", "/apis"]);
        assert_eq!(out.code, 0, "{version}: {}", out.stderr);
        let apis: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(apis["kind"], "APIGroupList");
        let groups: Vec<&str> = apis["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["name"].as_str().unwrap())
            .collect();
        assert!(
            groups.contains(&"apps") && groups.contains(&"monitoring.coreos.com"),
            "{groups:?}"
        );

        let out = kubectl(&server, &cache, &["get", "deployments", "-A"]);
        assert_eq!(out.code, 0, "{version}: {}", out.stderr);
        let lines: Vec<Vec<&str>> = out
            .stdout
            .lines()
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(lines[0], vec!["NAMESPACE", "NAME"], "{}", out.stdout);
        assert_eq!(lines[1], vec!["shop", "checkout"]);

        let out = kubectl(
            &server,
            &cache,
            &["get", "deploy", "checkout", "-n", "shop", "-o", "json"],
        );
        assert_eq!(out.code, 0, "{version}: {}", out.stderr);
        assert_eq!(
            serde_json::from_str::<Value>(&out.stdout).unwrap(),
            deployments[0]
        );

        let out = kubectl(
            &server,
            &cache,
            &[
                "get",
                "deploy",
                "-A",
                "-l",
                "app.kubernetes.io/name=nothing",
                "-o",
                "name",
            ],
        );
        assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);

        let out = kubectl(
            &server,
            &cache,
            &["get", "servicemonitors", "-A", "-o", "json"],
        );
        assert_eq!(out.code, 0, "{version}: {}", out.stderr);
        let monitors: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(
            monitors["items"].as_array().unwrap(),
            &snapshot_objects(&a, "ServiceMonitor")
        );

        let out = kubectl(
            &server,
            &cache,
            &["delete", "deployment", "checkout", "-n", "shop"],
        );
        assert_ne!(out.code, 0);
        assert!(out.stderr.contains("read-only"), "{}", out.stderr);
    }
}

/// A snapshot that knows no server version is served with a parseable placeholder, so the
/// dispatcher picks a client and kubectl works, marked `gitCommit: checkride-unknown`; that
/// `kubectl version -o json` dump, read back as part of a side, records no server version.
#[test]
fn unknown_version_is_served_marked_and_read_as_unknown() {
    require_kubectl();
    let dir = tempfile::tempdir().unwrap();
    let side = scenario("platform-gaps").join("prod");
    let a = snapshot_to(&side, dir.path(), "prod");
    assert!(
        !std::fs::read_to_string(&a)
            .unwrap()
            .contains("serverVersion")
    );
    let server = Server::start(&a, &[]);
    let cache = dir.path().join("cache");
    let v = kubectl(&server, &cache, &["version", "-o", "json"]);
    assert_eq!(v.code, 0, "{}", v.stderr);
    let doc: Value = serde_json::from_str(&v.stdout).unwrap();
    let served = &doc["serverVersion"];
    assert_eq!(served["gitCommit"], "checkride-unknown", "{doc}");
    let git = served["gitVersion"].as_str().unwrap();
    let minor = served["minor"].as_str().unwrap();
    assert!(
        git.starts_with(&format!("v1.{minor}.")) && served["major"] == "1",
        "parseable: {served}"
    );
    let out = kubectl(&server, &cache, &["get", "deployments", "-A", "-o", "name"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("deployment.apps/"), "{}", out.stdout);

    let copy = dir.path().join("side");
    std::fs::create_dir_all(&copy).unwrap();
    for entry in std::fs::read_dir(&side).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), copy.join(entry.file_name())).unwrap();
    }
    std::fs::write(copy.join("zz-version.json"), &v.stdout).unwrap();
    let snap = checkride(&["snapshot", copy.to_str().unwrap()]);
    assert_eq!(snap.code, 0, "{}", snap.stderr);
    assert!(
        snap.json()["facts"].get("serverVersion").is_none(),
        "{}",
        snap.stdout
    );
}

/// Secrets read through kubectl show key names and `‹redacted›` (base64, as the API sends data),
/// never a fingerprint.
#[test]
fn kubectl_sees_no_fingerprint() {
    require_kubectl();
    let dir = tempfile::tempdir().unwrap();
    let a = snapshot_to(&scenario("secrets-canary").join("prod"), dir.path(), "prod");
    assert!(
        std::fs::read_to_string(&a).unwrap().contains("‹redacted:"),
        "the file holds fingerprints"
    );
    let server = Server::start(&a, &["--server-version", VERSIONS[1].0]);
    let cache = dir.path().join("cache");
    let out = kubectl(&server, &cache, &["get", "secrets", "-A", "-o", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let list: Value = serde_json::from_str(&out.stdout).unwrap();
    use base64::Engine;
    for s in list["items"].as_array().unwrap() {
        for v in s["data"].as_object().unwrap().values() {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(v.as_str().unwrap())
                .unwrap();
            assert_eq!(String::from_utf8(decoded).unwrap(), "‹redacted›");
        }
    }
    let out = kubectl(&server, &cache, &["get", "deployments", "-A", "-o", "yaml"]);
    assert!(!out.stdout.contains("‹redacted:"), "{}", out.stdout);
}

/// A raw HTTP exchange (for Accept headers kubectl does not send on its own).
fn http_get(url: &str, path: &str, accept: &str) -> (u16, String, String) {
    let addr = url.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(live_support::GUARD)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let code = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let content_type = head
        .lines()
        .find_map(|l| l.strip_prefix("content-type: "))
        .unwrap_or("")
        .to_string();
    (code, content_type, body.to_string())
}

/// Accept negotiation as an API server does it: protobuf only → 406, protobuf then JSON →
/// JSON, Table when asked, aggregated discovery when asked.
#[test]
fn accept_negotiation() {
    let dir = tempfile::tempdir().unwrap();
    let a = snapshot_to(&scenario("demo").join("prod"), dir.path(), "prod");
    let server = Server::start(&a, &[]);
    let path = "/apis/apps/v1/deployments";
    let (code, _, body) = http_get(&server.url, path, "application/vnd.kubernetes.protobuf");
    assert_eq!(code, 406);
    assert!(body.contains("\"reason\":\"NotAcceptable\""));
    let (code, ct, body) = http_get(
        &server.url,
        path,
        "application/vnd.kubernetes.protobuf,application/json",
    );
    assert_eq!((code, ct.as_str()), (200, "application/json"));
    assert!(body.contains("\"kind\":\"DeploymentList\""));
    let (code, ct, body) = http_get(
        &server.url,
        path,
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json",
    );
    assert_eq!(
        (code, ct.as_str()),
        (200, "application/json;as=Table;v=v1;g=meta.k8s.io")
    );
    assert!(body.contains("\"kind\":\"Table\""));
    let (code, ct, _) = http_get(
        &server.url,
        "/apis",
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
    );
    assert_eq!(
        (code, ct.as_str()),
        (
            200,
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
        )
    );
}
