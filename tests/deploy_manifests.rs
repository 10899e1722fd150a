//! Every manifest in deploy/ loads with checkride's own loader, is a kind we know, and has the
//! fields its kind needs: a valid CronJob schedule and a command line checkride accepts, PVC
//! size and access modes, read-only RBAC (get/list/watch only), bindings to roles that exist.

use checkride::collect::{self, LoadOptions, SideSpec};
use checkride::model::{Object, Side};
use checkride::normalize::secrets::Fingerprinter;
use clap::Parser;
use serde_json::Value;

fn deploy() -> Side {
    collect::load_one(
        &SideSpec::parse("deploy").unwrap(),
        &LoadOptions::new("default", Fingerprinter::random()),
    )
    .unwrap_or_else(|e| panic!("deploy/ does not load: {e}"))
}

fn strs<'a>(o: &'a Object, path: &str) -> Vec<&'a str> {
    o.get(path)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn need<'a>(o: &'a Object, path: &str) -> &'a Value {
    o.get(path)
        .unwrap_or_else(|| panic!("{} ({}): `{path}` is required", o.key, o.origin))
}

/// A five-field cron schedule of numbers, ranges, steps, lists, `*` or day/month names.
fn valid_schedule(s: &str) -> bool {
    let fields: Vec<&str> = s.split_whitespace().collect();
    fields.len() == 5
        && fields.iter().all(|f| {
            f.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '*' | ',' | '-' | '/'))
        })
}

fn check_cronjob(o: &Object, side: &Side) {
    let schedule = need(o, "spec.schedule").as_str().unwrap();
    assert!(
        valid_schedule(schedule),
        "{}: bad schedule `{schedule}`",
        o.key
    );
    let pod = need(o, "spec.jobTemplate.spec.template.spec");
    let restart = pod["restartPolicy"].as_str().unwrap_or("Always");
    assert!(
        matches!(restart, "Never" | "OnFailure"),
        "{}: a Job's pods need restartPolicy Never or OnFailure",
        o.key
    );
    let containers = pod["containers"].as_array().expect("containers");
    assert!(!containers.is_empty());
    for c in containers {
        assert!(
            c["image"].as_str().is_some_and(|i| !i.is_empty()),
            "{}: image",
            o.key
        );
        let mut argv = vec!["checkride".to_string()];
        argv.extend(
            c["args"]
                .as_array()
                .expect("args")
                .iter()
                .map(|a| a.as_str().unwrap().to_string()),
        );
        if let Err(e) = checkride::cli::Cli::try_parse_from(&argv) {
            panic!("{}: checkride rejects its args {argv:?}: {e}", o.key);
        }
    }
    for v in pod["volumes"].as_array().into_iter().flatten() {
        if let Some(claim) = v
            .pointer("/persistentVolumeClaim/claimName")
            .and_then(Value::as_str)
        {
            assert!(
                side.objects
                    .iter()
                    .any(|p| p.key.kind == "PersistentVolumeClaim"
                        && p.key.name == claim
                        && p.key.namespace == o.key.namespace),
                "{}: PVC {claim} is not in deploy/",
                o.key
            );
        }
    }
}

fn check_role(o: &Object) {
    let rules = need(o, "rules").as_array().expect("rules is a list");
    assert!(!rules.is_empty(), "{}: no rules", o.key);
    for r in rules {
        let verbs: Vec<&str> = r["verbs"]
            .as_array()
            .expect("verbs")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(!verbs.is_empty(), "{}: a rule without verbs", o.key);
        for v in verbs {
            assert!(
                matches!(v, "get" | "list" | "watch"),
                "{}: verb `{v}` is not read-only",
                o.key
            );
        }
        let targets = r["resources"].as_array().map_or(0, Vec::len)
            + r["nonResourceURLs"].as_array().map_or(0, Vec::len);
        assert!(targets > 0, "{}: a rule without resources", o.key);
    }
}

fn check_binding(o: &Object, side: &Side) {
    let kind = need(o, "roleRef.kind").as_str().unwrap();
    let name = need(o, "roleRef.name").as_str().unwrap();
    assert!(
        side.objects
            .iter()
            .any(|r| r.key.kind == kind && r.key.name == name),
        "{}: binds {kind} {name}, which is not in deploy/",
        o.key
    );
    assert!(!need(o, "subjects").as_array().unwrap().is_empty());
}

/// Each manifest is a known kind with its required fields.
#[test]
fn deploy_manifests_are_valid() {
    let side = deploy();
    assert!(side.coverage.complete);
    assert!(!side.objects.is_empty());
    let mut seen = Vec::new();
    for o in &side.objects {
        seen.push(o.key.kind.clone());
        match (o.key.group.as_str(), o.key.kind.as_str()) {
            ("batch", "CronJob") => check_cronjob(o, &side),
            ("", "PersistentVolumeClaim") => {
                assert!(
                    !strs(o, "spec.accessModes").is_empty(),
                    "{}: accessModes",
                    o.key
                );
                need(o, "spec.resources.requests.storage");
            }
            ("rbac.authorization.k8s.io", "ClusterRole" | "Role") => check_role(o),
            ("rbac.authorization.k8s.io", "ClusterRoleBinding" | "RoleBinding") => {
                check_binding(o, &side)
            }
            ("", "ServiceAccount" | "Namespace") => {}
            (g, k) => panic!("{} ({}): unknown kind {g}/{k} in deploy/", o.key, o.origin),
        }
    }
    assert!(
        seen.iter().any(|k| k == "CronJob"),
        "no CronJob in deploy/: {seen:?}"
    );
}

/// The schedule check itself rejects what cron would.
#[test]
fn schedule_check_rejects_garbage() {
    assert!(valid_schedule("0 6 * * 1"));
    assert!(valid_schedule("*/15 0-6 1,15 jan mon"));
    assert!(!valid_schedule("every monday"));
    assert!(!valid_schedule("0 6 * *"));
}
