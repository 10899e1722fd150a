//! The canary corpus (`fixtures/secrets-corpus`): one fixture per shape a secret hides in, run
//! through every path a value can leave by — compare in every format, snapshot (with and
//! without a key), a hand-made raw snapshot, serve (every endpoint), report (history file,
//! Markdown, HTML, JSON), comment (dry-run body), preflight and its debrief, error messages
//! (parser, kustomize) and `-v` logs. No canary may appear in any of them, not even
//! base64-encoded (nested) or gzipped inside base64.

mod live_support;

use base64::Engine;
use live_support::{Out, Server, bin, kubeconfig, run_program};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const STAGING: &str = "fixtures/secrets-corpus/staging";
const PROD: &str = "fixtures/secrets-corpus/prod";
const RAW_SNAPSHOT: &str = "fixtures/secrets-corpus/snapshot-raw.json";
const KEY: &str = "corpus-key";

/// The numeric canaries of the corpus (numbers cannot carry the `CANARY` mark).
const NUMERIC: &[&str] = &[
    "867530924680",
    "135790924680",
    "246801357924",
    "975310924680",
    "975311357924",
    "112233778899",
    "445566778899",
    "556677112233",
    "889900112233",
    "8642097531",
];

/// Runs checkride from the crate root; `key` sets a persistent fingerprint key.
fn run(args: &[&str], key: bool) -> Out {
    let envs: &[(&str, &str)] = if key {
        &[("CHECKRIDE_FINGERPRINT_KEY", KEY)]
    } else {
        &[]
    };
    let out = run_program(bin(), args, envs);
    assert_ne!(out.code, 101, "{args:?} panicked: {}", out.stderr);
    out
}

/// Every canary found in `text`, also inside base64 (nested, and gzip inside base64).
fn leaks(text: &str, depth: u32, found: &mut Vec<String>) {
    for (i, _) in text.match_indices("CANARY") {
        let end = (i + 40).min(text.len());
        let end = (i..=end)
            .rev()
            .find(|e| text.is_char_boundary(*e))
            .unwrap_or(i);
        found.push(text[i..end].to_string());
    }
    for n in NUMERIC {
        if text.contains(n) {
            found.push((*n).to_string());
        }
    }
    if depth == 0 {
        return;
    }
    let is_b64 = |c: char| c.is_ascii_alphanumeric() || "+/=_-".contains(c);
    for run in text.split(|c: char| !is_b64(c)).filter(|r| r.len() >= 12) {
        for bytes in decodings(run) {
            let bytes = gunzip(&bytes).unwrap_or(bytes);
            let inner = String::from_utf8_lossy(&bytes);
            leaks(&inner, depth - 1, found);
        }
    }
}

fn decodings(run: &str) -> Vec<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let trimmed = run.trim_end_matches('=');
    [STANDARD_NO_PAD, URL_SAFE_NO_PAD]
        .iter()
        .filter_map(|e| e.decode(trimmed).ok())
        .collect()
}

fn gunzip(bytes: &[u8]) -> Option<Vec<u8>> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return None;
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(1 << 24)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

/// Fails with every canary found in `text`.
fn assert_clean(what: &str, text: &str) {
    let mut found = Vec::new();
    leaks(text, 3, &mut found);
    assert!(found.is_empty(), "{what} leaks {found:?}");
}

/// Fails when an output meant for humans shows a fingerprint.
fn assert_no_fingerprint(what: &str, text: &str) {
    assert!(!text.contains("‹redacted:"), "{what} shows a fingerprint");
}

fn assert_out_clean(what: &str, out: &Out) {
    assert_clean(&format!("{what} (stdout)"), &out.stdout);
    assert_clean(&format!("{what} (stderr)"), &out.stderr);
}

/// The corpus is not vacuous: its canaries are really in the inputs, in every side and shape,
/// and the test's own decoder finds them (plain, base64, gzip + base64).
#[test]
fn corpus_holds_canaries_the_check_can_find() {
    let mut files = 0;
    for side in [STAGING, PROD] {
        for e in std::fs::read_dir(side).unwrap() {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
            let mut found = Vec::new();
            leaks(&text, 3, &mut found);
            assert!(!found.is_empty(), "a corpus file without canary");
            files += 1;
        }
    }
    assert!(files >= 22, "{files} files");
    let helm = std::fs::read_to_string(format!("{PROD}/08-helm-configmap-release.yaml")).unwrap();
    assert!(
        !helm.contains("CANARY"),
        "the Helm canary is only inside gzip + base64"
    );
    let mut found = Vec::new();
    leaks(&helm, 3, &mut found);
    assert!(
        found.iter().any(|f| f.starts_with("CANARYHelmCm")),
        "{found:?}"
    );
}

/// compare, in every format, leaks nothing and shows no fingerprint; the differences are
/// really reported (the outputs are not empty of the objects that hold the canaries).
#[test]
fn compare_in_every_format() {
    for fmt in ["table", "json", "markdown", "junit"] {
        for key in [false, true] {
            let out = run(&["compare", STAGING, PROD, "-o", fmt], key);
            assert!(out.code == 0 || out.code == 1, "{fmt}: {}", out.stderr);
            assert_out_clean(&format!("compare -o {fmt}"), &out);
            assert_no_fingerprint(&format!("compare -o {fmt}"), &out.stdout);
        }
    }
    let json = run(&["compare", STAGING, PROD, "-o", "json"], false).json();
    let findings = json["findings"].as_array().unwrap();
    assert!(findings.len() >= 40, "{} findings", findings.len());
    let redactions = &json["coverage"]["redactions"];
    for detector in [
        "key-name",
        "assignment",
        "url-password",
        "flag-value",
        "secret-data",
    ] {
        assert!(
            redactions[detector].as_u64().unwrap_or(0) > 0,
            "{detector}: {redactions}"
        );
    }
    let ignored = json["prod"]["ignored"].to_string();
    assert!(ignored.contains("Helm release ConfigMap"), "{ignored}");
}

/// Snapshots, with and without a key, hold no canary; compared again they leak nothing.
#[test]
fn snapshots_and_their_comparison() {
    let dir = tempfile::tempdir().unwrap();
    for key in [false, true] {
        let mut paths = Vec::new();
        for side in [STAGING, PROD] {
            let out = run(&["snapshot", side], key);
            assert_eq!(out.code, 0, "{}", out.stderr);
            assert_out_clean(&format!("snapshot {side} key={key}"), &out);
            if !key {
                assert_no_fingerprint("keyless snapshot", &out.stdout);
            }
            let p = dir.path().join(format!("{}-{key}.json", paths.len()));
            std::fs::write(&p, &out.stdout).unwrap();
            paths.push(p);
        }
        let (a, b) = (paths[0].to_str().unwrap(), paths[1].to_str().unwrap());
        for fmt in ["table", "json"] {
            let out = run(&["compare", a, b, "-o", fmt], key);
            assert_out_clean("compare of snapshots", &out);
        }
    }
}

/// A hand-made snapshot holding raw values is checked again on load: compare, snapshot and
/// serve pass none of them on (source and coverage notes included).
#[test]
fn raw_snapshot_is_rechecked() {
    let text = std::fs::read_to_string(RAW_SNAPSHOT).unwrap();
    assert!(text.contains("CANARYSnapData") && text.contains("8642097531"));
    for args in [
        vec!["snapshot", RAW_SNAPSHOT],
        vec!["compare", RAW_SNAPSHOT, PROD, "-o", "json"],
        vec!["compare", PROD, RAW_SNAPSHOT, "-o", "markdown"],
    ] {
        for key in [false, true] {
            let out = run(&args, key);
            assert!(out.code <= 1, "{args:?}: {}", out.stderr);
            assert_out_clean(&format!("{args:?}"), &out);
        }
    }
    crawl_served(Path::new(RAW_SNAPSHOT), &[]);
}

/// Every endpoint of `checkride serve`, with and without fingerprints, on a snapshot of the
/// corpus.
#[test]
fn serve_every_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["snapshot", PROD], true);
    let snap = dir.path().join("prod.json");
    std::fs::write(&snap, &out.stdout).unwrap();
    let served = crawl_served(&snap, &["--with-fingerprints"]);
    assert!(served >= 20, "{served} responses");
    crawl_served(&snap, &[]);
    crawl_served(Path::new(PROD), &[]);
}

/// Serves `input`, GETs discovery, every list and every object; returns the responses read.
fn crawl_served(input: &Path, extra: &[&str]) -> usize {
    let server = Server::start(input, extra);
    let base = server.url.trim_start_matches("http://").to_string();
    let mut todo = vec![
        "/version".to_string(),
        "/api".into(),
        "/apis".into(),
        "/api/v1".into(),
        "/openapi/v2".into(),
    ];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(path) = todo.pop() {
        if !seen.insert(path.clone()) || seen.len() > 400 {
            continue;
        }
        let body = get(&base, &path);
        assert_clean(&format!("GET {path} ({})", input.display()), &body);
        if !extra.contains(&"--with-fingerprints") {
            assert_no_fingerprint(&format!("GET {path}"), &body);
        }
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&body) else {
            continue;
        };
        for g in v["groups"].as_array().into_iter().flatten() {
            if let Some(gv) = g["preferredVersion"]["groupVersion"].as_str() {
                todo.push(format!("/apis/{gv}"));
            }
        }
        if let Some(gv) = v["groupVersion"].as_str() {
            let prefix = if gv.contains('/') {
                format!("/apis/{gv}")
            } else {
                format!("/api/{gv}")
            };
            for r in v["resources"].as_array().into_iter().flatten() {
                let name = r["name"].as_str().unwrap_or_default();
                if !name.contains('/') {
                    todo.push(format!("{prefix}/{name}"));
                    if r["namespaced"] == true {
                        todo.push(format!("{prefix}/namespaces/corpus/{name}"));
                    }
                }
            }
        }
        if path.matches('/').count() >= 3 && !path.contains("/namespaces/corpus/") {
            for item in v["items"].as_array().into_iter().flatten() {
                let name = item["metadata"]["name"].as_str().unwrap_or_default();
                match item["metadata"]["namespace"].as_str() {
                    Some(ns) => {
                        let (prefix, res) = path.rsplit_once('/').unwrap();
                        todo.push(format!("{prefix}/namespaces/{ns}/{res}/{name}"));
                    }
                    None => todo.push(format!("{path}/{name}")),
                }
            }
        }
    }
    let log = server.stop();
    assert_clean("serve's log", &log);
    seen.len()
}

/// A plain HTTP/1.1 GET on the loopback server; the body.
fn get(host: &str, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    match text.split_once("\r\n\r\n") {
        Some((_, body)) => body.to_string(),
        None => text,
    }
}

/// The weekly report: the history file, and the Markdown, HTML and JSON views.
#[test]
fn report_history_and_views() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history");
    let h = history.to_str().unwrap();
    for fmt in ["markdown", "html", "json"] {
        let out_file = dir.path().join(format!("report.{fmt}"));
        let out = run(
            &[
                "report",
                STAGING,
                PROD,
                "--history",
                h,
                "-o",
                fmt,
                "--out",
                out_file.to_str().unwrap(),
            ],
            false,
        );
        assert!(out.code <= 1, "{fmt}: {}", out.stderr);
        assert_out_clean(&format!("report -o {fmt}"), &out);
        let text = std::fs::read_to_string(&out_file).unwrap();
        assert_clean(&format!("report -o {fmt} file"), &text);
        assert_no_fingerprint(&format!("report -o {fmt} file"), &text);
    }
    let mut runs = 0;
    for e in std::fs::read_dir(&history).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        assert_clean("history run file", &text);
        assert_no_fingerprint("history run file", &text);
        runs += 1;
    }
    assert!(runs >= 1);
}

/// History keeps no ConfigMap content: a value that is no secret at all is masked in the
/// stored sentences too.
#[test]
fn history_keeps_no_configmap_content() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("h");
    let out = run(
        &[
            "report",
            "fixtures/scenarios/config-rename/staging",
            "fixtures/scenarios/config-rename/prod",
            "--history",
            h.to_str().unwrap(),
        ],
        false,
    );
    assert!(out.code <= 1, "{}", out.stderr);
    let e = std::fs::read_dir(&h).unwrap().next().unwrap().unwrap();
    let text = std::fs::read_to_string(e.path()).unwrap();
    assert!(!text.contains("checkout-db.shop.svc"), "{text}");
    assert!(text.contains("‹value›"), "{text}");
}

/// The PR comment body (dry run), noise shown too.
#[test]
fn comment_dry_run_body() {
    for extra in [&[][..], &["--show-noise"][..]] {
        let mut args = vec![
            "comment",
            STAGING,
            PROD,
            "--repo",
            "acme/app",
            "--pr",
            "7",
            "--dry-run",
        ];
        args.extend_from_slice(extra);
        let out = run(&args, false);
        assert!(out.code <= 1, "{}", out.stderr);
        assert!(!out.stdout.is_empty());
        assert_out_clean("comment --dry-run", &out);
        assert_no_fingerprint("comment --dry-run", &out.stdout);
    }
}

/// Preflight of a release touching the canary objects, and its debrief file.
#[test]
fn preflight_and_debrief() {
    let dir = tempfile::tempdir().unwrap();
    for release in ["app=names", "deployment/numeric", "cronjob/args"] {
        let debrief = dir.path().join("debrief.md");
        let out = run(
            &[
                "preflight",
                STAGING,
                PROD,
                "--release",
                release,
                "--debrief",
                debrief.to_str().unwrap(),
            ],
            false,
        );
        assert!(out.code <= 1 || out.code == 4, "{release}: {}", out.stderr);
        assert_out_clean(&format!("preflight {release}"), &out);
        if let Ok(text) = std::fs::read_to_string(&debrief) {
            assert_clean("debrief", &text);
        }
    }
}

fn overlay(dir: &Path, name: &str, files: &[(&str, &str)]) -> PathBuf {
    let d = dir.join(name);
    std::fs::create_dir_all(&d).unwrap();
    for (f, text) in files {
        std::fs::write(d.join(f), text).unwrap();
    }
    d
}

/// Error messages of parsers and of `kubectl kustomize` go through the same detectors: a
/// broken Secret, a secretGenerator literal, a kyaml node dump.
#[test]
fn error_messages() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: \"CANARYErrYaml\n  other: [\n",
    )
    .unwrap();
    let out = run(&["compare", bad.to_str().unwrap(), PROD], false);
    assert_eq!(out.code, 2);
    assert_out_clean("parse error", &out);

    let bad_json = dir.path().join("bad.json");
    std::fs::write(
        &bad_json,
        r#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"password":"CANARYErrJson"} garbage"#,
    )
    .unwrap();
    let out = run(&["compare", bad_json.to_str().unwrap(), PROD], false);
    assert_eq!(out.code, 2);
    assert_out_clean("JSON parse error", &out);

    let literal = overlay(
        dir.path(),
        "literal",
        &[(
            "kustomization.yaml",
            "secretGenerator:\n- name: db\n  literals:\n  - CANARYErrLiteral\n",
        )],
    );
    let secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\nstringData: {password: CANARYErrNode}\n";
    let node = overlay(
        dir.path(),
        "node",
        &[
            ("s.yaml", secret),
            (
                "kustomization.yaml",
                "resources: [s.yaml]\nreplacements:\n- source: {kind: Secret, name: x, fieldPath: metadata.name}\n  targets:\n  - select: {kind: Secret}\n    fieldPaths: [stringData.password.sub]\n",
            ),
        ],
    );
    for o in [literal, node] {
        let side = format!("kustomize:{}", o.display());
        let out = run(&["compare", &side, PROD], false);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(out.stderr.contains("kubectl kustomize"), "{}", out.stderr);
        assert_out_clean(&format!("kustomize error {side}"), &out);
    }
}

/// `-v` logs of a live collection (the corpus served, read as a context) leak nothing, and
/// neither does the comparison of the live side.
#[test]
fn verbose_logs_of_a_live_side() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Path::new(RAW_SNAPSHOT), &[]);
    let kc = kubeconfig(dir.path(), &[("corpus", &server.url)]);
    let kc = kc.to_str().unwrap();
    for extra in [&["-v"][..], &["-vv"][..], &["-v", "--secrets", "keys"][..]] {
        let mut args = vec![
            "compare",
            "context:corpus",
            PROD,
            "--kubeconfig",
            kc,
            "-o",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = run(&args, false);
        assert!(out.code <= 1, "{extra:?}: {}", out.stderr);
        assert!(!out.stderr.is_empty(), "-v logs something");
        assert_out_clean(&format!("compare {extra:?}"), &out);
    }
}
