//! Helpers shared by the integration tests: run the real binary from the crate root.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The crate root (tests run the binary from here so paths in output are relative and stable).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `checkride` binary, run from the crate root, with time pinned and no fingerprint key.
pub fn checkride() -> Command {
    let mut cmd = Command::cargo_bin("checkride").expect("binary built");
    cmd.current_dir(root())
        .env("CHECKRIDE_NOW", "2026-11-26T12:00:00Z")
        .env_remove("CHECKRIDE_FINGERPRINT_KEY")
        .env_remove("KUBECONFIG");
    cmd
}

/// Output of a run: (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every scenario folder name, sorted.
pub fn scenarios() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("fixtures/scenarios"))
        .expect("scenario pack")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// `fixtures/scenarios/<name>/<side>` as a relative path string.
pub fn side(name: &str, side: &str) -> String {
    format!("fixtures/scenarios/{name}/{side}")
}

/// Writes a file under a temp dir and returns its path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(&p, text).expect("write");
    p
}
