//! Runs the checkride binary and returns (exit code, stdout, stderr).

// Shared by several test binaries; each uses a part of it.
#![allow(dead_code)]

/// Runs `checkride ARGS` with extra environment variables (and without the ones removed).
pub fn checkride(args: &[&str], env: &[(&str, &str)], remove: &[&str]) -> (i32, String, String) {
    let mut c = assert_cmd::Command::cargo_bin("checkride").unwrap();
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    for k in remove {
        c.env_remove(k);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
