//! The live collector against `checkride serve` with injected faults: every fault is either
//! survived (retried, restarted) or reported as a coverage gap, never silently dropped.

mod live_support;

use live_support::{
    Server, checkride, identities, kubeconfig, scenario, snapshot_context, snapshot_to,
};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// A scenario side's snapshot in `dir`.
fn snap(dir: &Path, name: &str, side: &str) -> PathBuf {
    snapshot_to(&scenario(name).join(side), dir, &format!("{name}-{side}"))
}

fn gaps(snapshot: &Value) -> Vec<String> {
    snapshot["coverage"]["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            format!(
                "{}/{}: {}",
                g["group"].as_str().unwrap(),
                g["kind"].as_str().unwrap(),
                g["reason"].as_str().unwrap()
            )
        })
        .collect()
}

/// 403 on Secrets in prod: `compare` exits 3, the table and the JSON name the gap, and the
/// staging Secrets are not reported as missing from prod (they were not seen, not absent).
/// `--allow-partial` lets the run finish on its findings.
#[test]
fn forbidden_secrets_are_a_named_gap() {
    let dir = tempfile::tempdir().unwrap();
    let staging = Server::start(
        &snap(dir.path(), "secrets-canary", "staging"),
        &["--with-fingerprints"],
    );
    let prod = Server::start(
        &snap(dir.path(), "secrets-canary", "prod"),
        &["--with-fingerprints", "--forbid", "secrets"],
    );
    let kc = kubeconfig(
        dir.path(),
        &[("staging", &staging.url), ("prod", &prod.url)],
    );
    let kc = kc.to_str().unwrap();
    let args = [
        "compare",
        "context:staging",
        "context:prod",
        "--kubeconfig",
        kc,
    ];

    let table = checkride(&args);
    assert_eq!(table.code, 3, "{}", table.stderr);
    insta::assert_snapshot!("forbidden_secrets_table", table.stdout);

    let json = checkride(&[&args[..], &["-o", "json"]].concat());
    assert_eq!(json.code, 3);
    let report = json.json();
    assert_eq!(report["coverage"]["complete"], false);
    assert_eq!(
        report["coverage"]["gaps"],
        json!([{"side": "prod", "group": "", "kind": "Secret",
                "reason": "403 Forbidden: secrets is forbidden: User \"system:anonymous\" cannot list resource \"secrets\" in API group \"\" at the cluster scope"}])
    );
    let findings = report["findings"].as_array().unwrap();
    assert!(
        !findings.iter().any(|f| f["object"]["kind"] == "Secret"),
        "no finding on unread Secrets"
    );

    let partial = checkride(&[&args[..], &["--allow-partial"]].concat());
    assert!(partial.code == 0 || partial.code == 1, "{}", partial.stderr);
}

/// A group answering 503 (stale in aggregated discovery, 503 on its classic documents) is a
/// gap for that group; every other kind is collected.
#[test]
fn unavailable_group_leaves_the_rest_collected() {
    let dir = tempfile::tempdir().unwrap();
    let a = snap(dir.path(), "platform-gaps", "prod");
    let healthy = Server::start(&a, &[]);
    let kc = kubeconfig(dir.path(), &[("healthy", &healthy.url)]);
    let all = snapshot_context(&kc, "healthy", &[]).json();
    let expected: Vec<String> = identities(&all)
        .into_iter()
        .filter(|i| !i.starts_with("monitoring.coreos.com/"))
        .collect();
    assert!(
        identities(&all)
            .iter()
            .any(|i| i.starts_with("monitoring.coreos.com/"))
    );

    for (mode, extra, reason) in [
        (
            "aggregated",
            vec![],
            "discovery of monitoring.coreos.com/v1 failed: stale (the API service behind it is unavailable)",
        ),
        (
            "classic",
            vec!["--no-aggregated-discovery"],
            "discovery of monitoring.coreos.com/v1 failed: 503 Service Unavailable: the server is currently unable to handle the request (monitoring.coreos.com)",
        ),
    ] {
        let mut flags = vec!["--unavailable-group", "monitoring.coreos.com"];
        flags.extend(extra);
        let broken = Server::start(&a, &flags);
        let kc = kubeconfig(dir.path(), &[("broken", &broken.url)]);
        let out = snapshot_context(&kc, "broken", &[]);
        assert_eq!(out.code, 3, "{mode}: {}", out.stderr);
        let s = out.json();
        assert_eq!(
            gaps(&s),
            vec![format!("monitoring.coreos.com/*: {reason}")],
            "{mode}"
        );
        assert_eq!(identities(&s), expected, "{mode}");
    }
}

/// Bursts of 429 (with Retry-After) and 500 on every request are retried with backoff and the
/// snapshot is complete and identical to an undisturbed one; the -v log shows both waits.
#[test]
fn bursts_of_429_and_500_are_retried() {
    let dir = tempfile::tempdir().unwrap();
    let a = snap(dir.path(), "demo", "prod");
    let calm = Server::start(&a, &["--with-fingerprints"]);
    let flaky = Server::start(
        &a,
        &[
            "--with-fingerprints",
            "--error-burst",
            "429=1",
            "--error-burst",
            "500=1",
            "--retry-after",
            "1",
        ],
    );
    let kc = kubeconfig(dir.path(), &[("calm", &calm.url), ("flaky", &flaky.url)]);
    let narrow = [
        "--exclude-kinds",
        "*",
        "--include-kinds",
        "deployments,configmaps,hpa",
        "--concurrency",
        "32",
    ];
    let expected = snapshot_context(&kc, "calm", &narrow);
    let mut flags = narrow.to_vec();
    flags.push("-v");
    let out = snapshot_context(&kc, "flaky", &flags);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let (e, got) = (expected.json(), out.json());
    assert_eq!(got["objects"], e["objects"]);
    assert_eq!(got["coverage"]["complete"], true);
    assert_eq!(got["coverage"], e["coverage"]);
    assert!(
        out.stderr
            .contains("GET /apis/apps/v1/deployments?limit=500 -> 429 Too Many Requests"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("in 1s (Retry-After; attempt 2 of 5)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("(backoff; attempt 3 of 5)"),
        "{}",
        out.stderr
    );
}

/// Expired continue tokens (410) restart the list from the top and it completes; a token that
/// keeps expiring ends in a gap for that kind only.
#[test]
fn expired_continue_tokens_restart_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let a = snap(dir.path(), "secrets-canary", "prod");
    let calm = Server::start(&a, &["--with-fingerprints"]);
    let expiring = Server::start(&a, &["--with-fingerprints", "--expire-continue", "2"]);
    let always = Server::start(&a, &["--with-fingerprints", "--expire-continue", "1000000"]);
    let kc = kubeconfig(
        dir.path(),
        &[
            ("calm", &calm.url),
            ("expiring", &expiring.url),
            ("always", &always.url),
        ],
    );
    let pages = ["--page-size", "1", "--concurrency", "1", "-v"];
    let expected = snapshot_context(&kc, "calm", &pages).json();

    let out = snapshot_context(&kc, "expiring", &pages);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["objects"], expected["objects"]);
    assert_eq!(
        out.stderr
            .matches("continue token expired (410); restarting the list")
            .count(),
        2
    );

    let out = snapshot_context(&kc, "always", &pages);
    assert_eq!(out.code, 3, "{}", out.stderr);
    let s = out.json();
    assert_eq!(
        gaps(&s),
        vec!["/Secret: 410 Gone: the list's continue token expired 4 times in a row; gave up"]
    );
    assert!(identities(&s).iter().all(|i| !i.contains("/Secret ")));
    assert!(identities(&s).iter().any(|i| i.contains("/Deployment ")));
}

/// A request that never answers times out (per request, retried once) and becomes a gap; the
/// other kinds are collected.
#[test]
fn hung_request_times_out_into_a_gap() {
    let dir = tempfile::tempdir().unwrap();
    let a = snap(dir.path(), "demo", "prod");
    let hung = Server::start(&a, &["--hang", "configmaps"]);
    let kc = kubeconfig(dir.path(), &[("hung", &hung.url)]);
    let out = snapshot_context(&kc, "hung", &["--request-timeout", "500ms"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    let s = out.json();
    assert_eq!(gaps(&s), vec!["/ConfigMap: timed out after 500ms"]);
    assert!(identities(&s).iter().any(|i| i.contains("/Deployment ")));
}
