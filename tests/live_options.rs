//! Context sides and their flags: kubectl-worded connection errors (exit 2), `--secrets`
//! modes, `-n`, kind filters.

mod live_support;

use live_support::{
    Server, checkride, identities, kubeconfig, scenario, snapshot_context, snapshot_to,
};
use serde_json::Value;

fn secrets(snapshot: &Value) -> Vec<&Value> {
    snapshot["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "Secret")
        .collect()
}

/// Nothing listening, an unknown context, a missing kubeconfig: exit 2 with kubectl's words,
/// nothing on stdout.
#[test]
fn connection_problems_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}");
    let kc = kubeconfig(dir.path(), &[("gone", &url)]);
    let out = snapshot_context(&kc, "gone", &[]);
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert_eq!(
        out.stderr.trim(),
        format!(
            "checkride: error: context:gone: The connection to the server 127.0.0.1:{port} was refused - did you specify the right host or port?"
        )
    );

    let out = snapshot_context(&kc, "nope", &[]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr.trim(),
        "checkride: error: context:nope: context \"nope\" does not exist"
    );

    let missing = dir.path().join("no-such-kubeconfig");
    let out = snapshot_context(&missing, "prod", &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("cannot read kubeconfig") && out.stderr.contains("no such file"),
        "{}",
        out.stderr
    );

    let out = checkride(&[
        "compare",
        "context:gone",
        scenario("demo").join("prod").to_str().unwrap(),
        "--kubeconfig",
        kc.to_str().unwrap(),
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}

/// `--secrets keys` keeps key names with the bare mark; `--secrets skip` reads no Secret (and
/// says so); the default keeps comparable fingerprints.
#[test]
fn secrets_modes() {
    let dir = tempfile::tempdir().unwrap();
    let a = snapshot_to(&scenario("secrets-canary").join("prod"), dir.path(), "prod");
    let server = Server::start(&a, &["--with-fingerprints", "-v"]);
    let kc = kubeconfig(dir.path(), &[("prod", &server.url)]);

    let fp = snapshot_context(&kc, "prod", &[]).json();
    let token = secrets(&fp)[0]["data"]
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .clone();
    assert!(token.as_str().unwrap().starts_with("‹redacted:"), "{token}");

    let keys = snapshot_context(&kc, "prod", &["--secrets", "keys"]).json();
    let ks = secrets(&keys);
    assert_eq!(ks.len(), secrets(&fp).len());
    for s in ks {
        for v in s["data"].as_object().unwrap().values() {
            assert_eq!(v, "‹redacted›");
        }
    }
    assert!(
        keys["coverage"]["assumptions"][0]
            .as_str()
            .unwrap()
            .contains("--secrets keys")
    );

    let before = server.stop();
    let server = Server::start(&a, &["--with-fingerprints", "-v"]);
    let kc = kubeconfig(dir.path(), &[("prod", &server.url)]);
    let skip = snapshot_context(&kc, "prod", &["--secrets", "skip"]);
    assert_eq!(skip.code, 0, "{}", skip.stderr);
    let skip = skip.json();
    assert!(secrets(&skip).is_empty());
    assert_eq!(
        skip["coverage"]["assumptions"][0],
        "Secrets were not read (--secrets skip)"
    );
    let log = server.stop();
    assert!(
        before.contains("GET /api/v1/secrets?limit=500 -> 200"),
        "{before}"
    );
    assert!(
        !log.contains("GET /api/v1/secrets"),
        "skip never asks for Secrets: {log}"
    );
}

/// `-n` lists namespaced kinds in those namespaces only (Namespace objects too) and says so;
/// cluster-scoped platform objects are still read; kind filters narrow the rest.
#[test]
fn namespaces_and_kind_filters() {
    let dir = tempfile::tempdir().unwrap();
    let a = snapshot_to(&scenario("platform-gaps").join("prod"), dir.path(), "prod");
    let server = Server::start(&a, &[]);
    let kc = kubeconfig(dir.path(), &[("prod", &server.url)]);
    let all = identities(&snapshot_context(&kc, "prod", &[]).json());
    let namespaces: Vec<String> = all
        .iter()
        .filter_map(|i| i.split(' ').nth(1)?.split('/').next().map(String::from))
        .filter(|n| n != "-")
        .collect();
    let first = namespaces.first().expect("namespaced objects").clone();

    let out = snapshot_context(&kc, "prod", &["-n", &first]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let s = out.json();
    let expected: Vec<String> = all
        .iter()
        .filter(|i| {
            let ns = i.split(' ').nth(1).unwrap().split('/').next().unwrap();
            ns == "-" || ns == first
        })
        .cloned()
        .collect();
    assert_eq!(identities(&s), expected);
    assert_eq!(
        s["coverage"]["assumptions"][0],
        format!("only namespaces {first} were read (-n)")
    );

    let only = snapshot_context(
        &kc,
        "prod",
        &["--exclude-kinds", "*", "--include-kinds", "deploy", "-q"],
    )
    .json();
    let kinds: std::collections::BTreeSet<String> = identities(&only)
        .iter()
        .map(|i| {
            i.split(' ')
                .next()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(kinds.contains("Deployment"));
    assert!(
        kinds.iter().all(|k| k == "Deployment"
            || [
                "CustomResourceDefinition",
                "ValidatingWebhookConfiguration",
                "PriorityClass",
                "Namespace"
            ]
            .contains(&k.as_str())),
        "{kinds:?}"
    );

    let warn = snapshot_context(&kc, "prod", &["--include-kinds", "nosuchkind"]);
    assert_eq!(warn.code, 0);
    assert!(
        warn.stderr
            .contains("`nosuchkind` matches no kind the server serves"),
        "{}",
        warn.stderr
    );
    let bad = snapshot_context(
        &kc,
        "prod",
        &["--include-kinds", "secrets", "--exclude-kinds", "secrets"],
    );
    assert_eq!(bad.code, 2);
}
