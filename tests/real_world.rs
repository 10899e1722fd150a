//! Real staging/production manifests from public GitOps repositories (`../shared/real-world/`):
//! every pair compares, the JSON parses, and no Secret value of theirs reaches the output.

mod common;
use base64::Engine;
use common::{checkride, run};
use std::path::{Path, PathBuf};

/// The staging/production pairs under `../shared/real-world/*/rendered/`.
fn pairs() -> Vec<(PathBuf, PathBuf)> {
    let base = common::root().join("../shared/real-world");
    let Ok(entries) = std::fs::read_dir(&base) else {
        return Vec::new();
    };
    let mut out: Vec<_> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("rendered"))
        .filter(|r| r.join("staging.yaml").is_file() && r.join("production.yaml").is_file())
        .map(|r| (r.join("staging.yaml"), r.join("production.yaml")))
        .collect();
    out.sort();
    out
}

/// Values of every Secret in a file (raw and base64-decoded, whole and line by line), 8+ chars.
fn secret_values(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    for doc in serde_saphyr::from_multiple::<serde_json::Value>(&text).unwrap_or_default() {
        if doc["kind"] != "Secret" {
            continue;
        }
        for field in ["data", "stringData"] {
            let Some(map) = doc[field].as_object() else {
                continue;
            };
            for v in map.values().filter_map(|v| v.as_str()) {
                let mut candidates = vec![v.to_string()];
                if let (true, Ok(bytes)) = (
                    field == "data",
                    base64::engine::general_purpose::STANDARD.decode(v.trim()),
                ) {
                    candidates.push(String::from_utf8_lossy(&bytes).into_owned());
                }
                for c in candidates {
                    for line in c.lines().chain(std::iter::once(c.as_str())) {
                        let line = line.trim();
                        if line.chars().count() >= 8 {
                            out.push(line.to_string());
                        }
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Each real pair: exit 0 or 1, parseable JSON, no Secret value in the table or JSON.
#[test]
fn real_world_pairs_compare_without_leaking() {
    let pairs = pairs();
    if pairs.is_empty() {
        // Outside this workplace the folder may be absent; CI always has it beside the clone.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have ../shared/real-world"
        );
        eprintln!("../shared/real-world not present: nothing to compare");
        return;
    }
    let mut secrets_checked = 0;
    for (staging, prod) in &pairs {
        let (s, p) = (staging.to_str().unwrap(), prod.to_str().unwrap());
        let (code, json, err) = run(checkride().args(["compare", s, p, "-o", "json"]));
        assert!(code == 0 || code == 1, "{s}: exit {code}: {err}");
        let report: serde_json::Value = serde_json::from_str(&json).expect("JSON report");
        assert!(
            report["staging"]["objects"].as_u64().unwrap() > 0,
            "{s}: nothing loaded"
        );
        let (_, table, _) = run(checkride().args(["compare", s, p]));
        let values: Vec<String> = secret_values(staging)
            .into_iter()
            .chain(secret_values(prod))
            .collect();
        secrets_checked += values.len();
        for v in &values {
            assert!(!json.contains(v.as_str()), "{s}: JSON leaks a Secret value");
            assert!(
                !table.contains(v.as_str()),
                "{s}: table leaks a Secret value"
            );
        }
    }
    assert!(
        secrets_checked > 0,
        "the real-world inputs hold Secrets: the check must have run"
    );
}
