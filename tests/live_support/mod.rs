//! Shared helpers of the live and serve tests: run checkride (and kubectl) with a generous guard
//! against hanging, serve a snapshot on a free loopback port, write kubeconfigs. Every address
//! is 127.0.0.1 with a port the OS picked.
#![allow(dead_code)]

pub mod fake;

use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The only clock in these tests: a guard against a hung process, far above any normal run.
pub const GUARD: Duration = Duration::from_secs(240);

/// The fingerprint key every test run uses, so fingerprints compare across processes.
pub const KEY: &str = "live-tests-key";

/// The checkride binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_checkride")
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A scenario folder.
pub fn scenario(name: &str) -> PathBuf {
    root().join("fixtures/scenarios").join(name)
}

/// What a finished process said.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    /// stdout as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); stderr: {}", self.stderr))
    }
}

fn drain(mut r: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut s = String::new();
        let _ = r.read_to_string(&mut s);
        let _ = tx.send(s);
    });
    rx
}

/// Runs a program to completion (killed and failed if it outlives [`GUARD`]).
pub fn run_program(program: &str, args: &[&str], envs: &[(&str, &str)]) -> Out {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .env_remove("CHECKRIDE_FINGERPRINT_KEY")
        .env_remove("KUBECONFIG")
        .env("CHECKRIDE_NOW", "2026-01-01T00:00:00Z")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let out = drain(child.stdout.take().unwrap());
    let err = drain(child.stderr.take().unwrap());
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > GUARD {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{program} {args:?} still running after {GUARD:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Out {
        code: status.code().unwrap_or(-1),
        stdout: out.recv().unwrap_or_default(),
        stderr: err.recv().unwrap_or_default(),
    }
}

/// Runs checkride with the test fingerprint key.
pub fn checkride(args: &[&str]) -> Out {
    run_program(bin(), args, &[("CHECKRIDE_FINGERPRINT_KEY", KEY)])
}

/// Writes `checkride snapshot SIDE` to `dir/name.json`.
pub fn snapshot_to(side: &Path, dir: &Path, name: &str) -> PathBuf {
    let out = checkride(&["snapshot", side.to_str().unwrap()]);
    assert_eq!(
        out.code,
        0,
        "snapshot of {}: {}",
        side.display(),
        out.stderr
    );
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

/// A `checkride serve` process on a free loopback port, killed when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    stderr: Option<mpsc::Receiver<String>>,
}

impl Server {
    /// Serves a snapshot (with fingerprints, so checkride round trips compare secrets).
    pub fn start(snapshot: &Path, extra: &[&str]) -> Server {
        let mut args = vec!["serve", snapshot.to_str().unwrap(), "--addr", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut child = Command::new(bin())
            .args(&args)
            .env("CHECKRIDE_FINGERPRINT_KEY", KEY)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("checkride serve starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let stderr = drain(child.stderr.take().unwrap());
        let line = rx.recv_timeout(GUARD).unwrap_or_default();
        let url = line.trim().to_string();
        if !url.starts_with("http://127.0.0.1:") {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "serve did not print its URL (got `{url}`): {}",
                stderr.recv().unwrap_or_default()
            );
        }
        Server {
            child,
            url,
            stderr: Some(stderr),
        }
    }

    /// Stops the server and returns what it logged.
    pub fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stderr
            .take()
            .and_then(|r| r.recv_timeout(GUARD).ok())
            .unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes a kubeconfig with one context (and cluster) per (name, url).
pub fn kubeconfig(dir: &Path, contexts: &[(&str, &str)]) -> PathBuf {
    let mut clusters = String::new();
    let mut ctxs = String::new();
    for (name, url) in contexts {
        clusters.push_str(&format!(
            "- name: {name}\n  cluster:\n    server: \"{url}\"\n"
        ));
        ctxs.push_str(&format!(
            "- name: {name}\n  context:\n    cluster: {name}\n    user: tester\n"
        ));
    }
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n{clusters}contexts:\n{ctxs}users:\n- name: tester\n  user:\n    token: test-token\ncurrent-context: {}\n",
        contexts[0].0
    );
    let path = dir.join("kubeconfig");
    std::fs::write(&path, text).unwrap();
    path
}

/// `checkride snapshot context:NAME` through a kubeconfig, with extra flags.
pub fn snapshot_context(kc: &Path, context: &str, extra: &[&str]) -> Out {
    let ctx = format!("context:{context}");
    let mut args = vec![
        "snapshot",
        ctx.as_str(),
        "--kubeconfig",
        kc.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    checkride(&args)
}

/// Object identities of a snapshot, as `group/Kind ns/name`.
pub fn identities(snapshot: &Value) -> Vec<String> {
    snapshot["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            format!(
                "{}/{} {}/{}",
                o["apiVersion"].as_str().unwrap_or(""),
                o["kind"].as_str().unwrap_or(""),
                o["metadata"]["namespace"].as_str().unwrap_or("-"),
                o["metadata"]["name"].as_str().unwrap_or("")
            )
        })
        .collect()
}
