//! The shipped `deploy/rbac.yaml` grants what the collector reads, per `--secrets` mode,
//! checked against the real discovery documents of a 1.33 API server.

mod live_support;

use checkride::collect::live::kinds::excluded_by_default;
use serde_json::Value;

fn documents() -> Vec<Value> {
    let text = std::fs::read_to_string(live_support::root().join("deploy/rbac.yaml")).unwrap();
    text.split("\n---\n")
        .map(|doc| serde_saphyr::from_str::<Value>(doc).expect("valid YAML"))
        .collect()
}

fn role<'a>(docs: &'a [Value], name: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"] == "ClusterRole" && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("ClusterRole {name}"))
}

fn has(list: &Value, item: &str) -> bool {
    list.as_array()
        .is_some_and(|a| a.iter().any(|v| v == item || v == "*"))
}

/// True when a role lets the collector list a resource.
fn grants_list(role: &Value, group: &str, plural: &str) -> bool {
    role["rules"].as_array().unwrap().iter().any(|r| {
        has(&r["apiGroups"], group) && has(&r["resources"], plural) && has(&r["verbs"], "list")
    })
}

/// The listable resources a 1.33 server serves: (group, plural, kind).
fn served() -> Vec<(String, String, String)> {
    let dir = live_support::fake::discovery_dir();
    let mut out = Vec::new();
    let core: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("api__v1.json")).unwrap()).unwrap();
    for r in core["resources"].as_array().unwrap() {
        if has(&r["verbs"], "list") && !r["name"].as_str().unwrap().contains('/') {
            out.push((
                String::new(),
                r["name"].as_str().unwrap().into(),
                r["kind"].as_str().unwrap().into(),
            ));
        }
    }
    let agg: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("aggregated_v2.json")).unwrap())
            .unwrap();
    for g in agg["items"].as_array().unwrap() {
        let group = g["metadata"]["name"].as_str().unwrap();
        for v in g["versions"].as_array().unwrap() {
            for r in v["resources"].as_array().unwrap() {
                if has(&r["verbs"], "list") {
                    out.push((
                        group.into(),
                        r["resource"].as_str().unwrap().into(),
                        r["responseKind"]["kind"].as_str().unwrap().into(),
                    ));
                }
            }
        }
    }
    out
}

/// `checkride-reader` lets every mode read everything; `checkride-reader-no-secrets` lets
/// `--secrets skip` read every kind it lists by default, and never a Secret.
#[test]
fn shipped_roles_match_what_is_read() {
    let docs = documents();
    let reader = role(&docs, "checkride-reader");
    let no_secrets = role(&docs, "checkride-reader-no-secrets");
    let resources = served();
    assert!(resources.len() > 50, "the discovery documents were read");
    for (group, plural, kind) in &resources {
        assert!(
            grants_list(reader, group, plural),
            "reader: {group}/{plural}"
        );
        let secret = group.is_empty() && plural == "secrets";
        if !secret && !excluded_by_default(group, kind) {
            assert!(
                grants_list(no_secrets, group, plural),
                "no-secrets role misses {group}/{plural}"
            );
        }
    }
    assert!(grants_list(reader, "", "secrets"));
    assert!(
        !grants_list(no_secrets, "", "secrets"),
        "--secrets skip needs no access to Secrets"
    );
    for r in no_secrets["rules"].as_array().unwrap() {
        if r.get("apiGroups").is_some() {
            assert!(
                !has(&r["apiGroups"], "*"),
                "a wildcard group would include Secrets"
            );
        }
        for verb in r["verbs"].as_array().unwrap() {
            assert!(verb == "list" || verb == "get", "read-only: {verb}");
        }
    }
    let binding = docs
        .iter()
        .find(|d| d["kind"] == "ClusterRoleBinding")
        .unwrap();
    assert_eq!(binding["roleRef"]["name"], "checkride-reader");
}
