//! Shared by the canary-corpus tests: the corpus paths, running checkride with or without a
//! persistent key, the leak check (canaries plain, base64 nested, gzip inside base64) and a
//! crawl of every endpoint of `checkride serve`.
#![allow(dead_code)]

use crate::live_support::{Out, Server, bin, run_program};
use base64::Engine;
use std::io::{Read, Write};
use std::path::Path;

pub const STAGING: &str = "fixtures/secrets-corpus/staging";
pub const PROD: &str = "fixtures/secrets-corpus/prod";
pub const RAW_SNAPSHOT: &str = "fixtures/secrets-corpus/snapshot-raw.json";
pub const KEY: &str = "corpus-key";

/// The numeric canaries of the corpus (numbers cannot carry the `CANARY` mark).
pub const NUMERIC: &[&str] = &[
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
pub fn run(args: &[&str], key: bool) -> Out {
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
pub fn leaks(text: &str, depth: u32, found: &mut Vec<String>) {
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

pub fn decodings(run: &str) -> Vec<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let trimmed = run.trim_end_matches('=');
    [STANDARD_NO_PAD, URL_SAFE_NO_PAD]
        .iter()
        .filter_map(|e| e.decode(trimmed).ok())
        .collect()
}

pub fn gunzip(bytes: &[u8]) -> Option<Vec<u8>> {
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
pub fn assert_clean(what: &str, text: &str) {
    let mut found = Vec::new();
    leaks(text, 3, &mut found);
    assert!(found.is_empty(), "{what} leaks {found:?}");
}

/// Fails when an output meant for humans shows a fingerprint.
pub fn assert_no_fingerprint(what: &str, text: &str) {
    assert!(!text.contains("‹redacted:"), "{what} shows a fingerprint");
}

pub fn assert_out_clean(what: &str, out: &Out) {
    assert_clean(&format!("{what} (stdout)"), &out.stdout);
    assert_clean(&format!("{what} (stderr)"), &out.stderr);
}

/// Serves `input`, GETs discovery, every list and every object; returns the responses read.
pub fn crawl_served(input: &Path, extra: &[&str]) -> usize {
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
pub fn get(host: &str, path: &str) -> String {
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
