//! Memory stays bounded: the worst amplification inputs we can build (generated here, not kept
//! in git) run under `prlimit --as=1073741824` (1 GiB of address space) and exit 2 with an error
//! naming the limit's flag and the file, never an abort. Peak RSS: docs/benchmarks.md#budgets.

mod common;

use std::path::Path;
use std::process::Command;

/// 1 GiB of address space, as issue 10 asks.
const ADDRESS_SPACE: &str = "--as=1073741824";

/// Runs `checkride compare <staging> <prod>` under the address-space limit: (exit code, stderr).
fn compare_capped(staging: &Path, prod: &Path) -> (i32, String) {
    let out = Command::new("prlimit")
        .arg(ADDRESS_SPACE)
        .arg(env!("CARGO_BIN_EXE_checkride"))
        .arg("compare")
        .arg(staging)
        .arg(prod)
        .current_dir(common::root())
        .env_remove("CHECKRIDE_FINGERPRINT_KEY")
        .env_remove("KUBECONFIG")
        .output()
        .expect("prlimit (util-linux) runs; .ci/run installs it");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A ConfigMap named `name` with `extra` appended as further top-level YAML.
fn config_map(name: &str, extra: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n{extra}")
}

/// Writes a one-object prod side next to the staging input.
fn prod_side(dir: &Path) -> std::path::PathBuf {
    let prod = dir.join("prod.yaml");
    std::fs::write(&prod, config_map("app", "data:\n  a: b\n")).unwrap();
    prod
}

/// Asserts a capped run stopped on `flag` at `file`, with exit 2 and no abort.
fn assert_refused(code: i32, stderr: &str, flag: &str, file: &str) {
    assert_eq!(code, 2, "exit code, stderr:\n{stderr}");
    assert!(stderr.contains(flag), "names {flag}:\n{stderr}");
    assert!(stderr.contains(file), "names {file}:\n{stderr}");
    assert!(!stderr.contains("memory allocation"), "no abort:\n{stderr}");
}

/// One anchored string of almost 4 MiB (just under --max-string-bytes) replayed by 49 000
/// aliases: 4.4 MB of input that would build 200 GB. A long string counts its bytes against
/// --max-alias-nodes, so it is refused before parsing instead of aborting on allocation.
#[test]
fn long_string_replayed_by_aliases_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(4 * 1024 * 1024 - 64);
    let aliases = ["*s"; 49_000].join(", ");
    let bomb = dir.path().join("string-bomb.yaml");
    let body = format!("data:\n  s: &s \"{long}\"\nlist: [{aliases}]\n");
    std::fs::write(&bomb, config_map("app", &body)).unwrap();
    let (code, stderr) = compare_capped(&bomb, &prod_side(dir.path()));
    assert_refused(code, &stderr, "--max-alias-nodes)", "string-bomb.yaml:7");
}

/// A billion-laughs bomb spread over many documents and files, each file under the per-file
/// budget (8 documents × 5 664 nodes = 45 312 < 50 000): the sixth file takes the run past
/// --max-alias-nodes-total and the error names it.
#[test]
fn alias_bomb_spread_over_files_trips_the_run_budget() {
    let dir = tempfile::tempdir().unwrap();
    let staging = dir.path().join("staging");
    std::fs::create_dir(&staging).unwrap();
    let item = format!("\"{}\"", "y".repeat(63));
    let laughs = format!(
        "l0: &a [{}]\nl1: &b [{}]\nl2: &c [{}]\nl3: [{}]\n",
        [item.as_str(); 10].join(", "),
        ["*a"; 10].join(", "),
        ["*b"; 10].join(", "),
        ["*c"; 4].join(", "),
    );
    for file in 0..12 {
        let docs: Vec<String> = (0..8)
            .map(|doc| config_map(&format!("cm-{file}-{doc}"), &laughs))
            .collect();
        let path = staging.join(format!("bomb-{file:02}.yaml"));
        std::fs::write(path, docs.join("---\n")).unwrap();
    }
    let (code, stderr) = compare_capped(&staging, &prod_side(dir.path()));
    assert_refused(code, &stderr, "--max-alias-nodes-total", "bomb-05.yaml");
}

/// A million brackets nested in one another stop at --max-depth, at their file and line.
#[test]
fn deep_nesting_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("deep.yaml");
    let body = format!("data:\n  a: {}\n", "[".repeat(1_000_000));
    std::fs::write(&deep, config_map("app", &body)).unwrap();
    let (code, stderr) = compare_capped(&deep, &prod_side(dir.path()));
    assert_refused(code, &stderr, "--max-depth", "deep.yaml:");
}

/// One string of 8 MiB stops at --max-string-bytes, at its file and line.
#[test]
fn huge_string_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.json");
    let value = "z".repeat(8 * 1024 * 1024);
    let body = format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"app\"}},\"data\":{{\"a\":\"{value}\"}}}}\n"
    );
    std::fs::write(&huge, body).unwrap();
    let (code, stderr) = compare_capped(&huge, &prod_side(dir.path()));
    assert_refused(code, &stderr, "--max-string-bytes", "huge.json:");
}
