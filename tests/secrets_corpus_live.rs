//! The canary corpus (`fixtures/secrets-corpus`) through the live paths: every endpoint of
//! `checkride serve`, `-v` logs of a live side, and the live collector reading the corpus's raw
//! objects (Secret annotations included) from an independent fake API server, with
//! fingerprints and with `--secrets keys`.

mod corpus_support;
mod live_support;

use corpus_support::{PROD, RAW_SNAPSHOT, STAGING, assert_out_clean, crawl_served, run};
use live_support::fake::{self, FakeOptions};
use live_support::{Server, kubeconfig};
use serde_json::{Value, json};
use std::path::Path;

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

/// The corpus's raw objects as an API server sends them, read by the live collector from an
/// independent fake (not `checkride serve`, which would redact them first): no canary reaches
/// the snapshot, the comparison or the `-v` log, with fingerprints and with `--secrets keys`;
/// every Secret annotation but the name-only ones is masked, and the Helm ConfigMap release is
/// ignored. The objects are really read (the check is not vacuous).
#[test]
fn live_collector_of_raw_objects() {
    let mut objects =
        vec![json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "corpus"}})];
    let mut files: Vec<_> = std::fs::read_dir(STAGING)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        objects.extend(serde_saphyr::from_multiple::<Value>(&text).unwrap());
    }
    let server = fake::start(FakeOptions {
        aggregated: true,
        objects,
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let kc = kubeconfig(dir.path(), &[("raw", &server.url)]);
    let kc = kc.to_str().unwrap();
    for mode in [&[][..], &["--secrets", "keys"][..]] {
        for key in [false, true] {
            let mut args = vec!["snapshot", "context:raw", "--kubeconfig", kc, "-v"];
            args.extend_from_slice(mode);
            let out = run(&args, key);
            assert_eq!(out.code, 0, "{mode:?}: {}", out.stderr);
            assert_out_clean(&format!("live snapshot {mode:?} key={key}"), &out);
            let snap = out.json();
            let objects = snap["objects"].as_array().unwrap();
            assert!(objects.len() >= 12, "{} objects", objects.len());
            let annotated = objects
                .iter()
                .find(|o| o["kind"] == "Secret" && o["metadata"]["name"] == "annotated")
                .expect("the annotated Secret is read");
            let notes = &annotated["metadata"]["annotations"];
            assert_eq!(notes["cert-manager.io/issuer-name"], "letsencrypt-stg");
            for masked in ["note", "kapp.k14s.io/original"] {
                let v = notes[masked].as_str().unwrap_or_default();
                assert!(v.starts_with("‹redacted"), "{masked}: {v}");
            }
            let ignored = snap["ignored"].to_string();
            assert!(ignored.contains("Helm release ConfigMap"), "{ignored}");
        }
        for fmt in ["json", "markdown"] {
            let mut args = vec![
                "compare",
                "context:raw",
                PROD,
                "--kubeconfig",
                kc,
                "-o",
                fmt,
            ];
            args.extend_from_slice(mode);
            let out = run(&args, false);
            assert!(out.code <= 1, "{mode:?}: {}", out.stderr);
            assert_out_clean(&format!("live compare {mode:?} -o {fmt}"), &out);
        }
    }
}
