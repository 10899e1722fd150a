//! The built-in rule pack: every rule's examples pass through the whole pipeline (load →
//! normalize → diff → classify), and the pack covers the cases the rule issue lists.

use checkride::pipeline::examples;
use checkride::rules::RuleSet;
use checkride::rules::rule::Expect;

fn pack() -> &'static RuleSet {
    RuleSet::builtin().expect("built-in rules load")
}

/// Every example of every built-in rule gets the verdict it expects, with no rule error.
#[test]
fn every_builtin_example_passes() {
    let outcomes = examples::run(pack(), |_| true);
    assert!(outcomes.len() >= 60, "only {} examples ran", outcomes.len());
    let failures: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.ok)
        .map(|o| {
            format!(
                "{} / {} ({}:{}): {}",
                o.rule, o.example, o.source, o.line, o.detail
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "failing examples:\n{}",
        failures.join("\n")
    );
}

/// At least 30 rules; each has a title, a rationale, an example that fires and one that must not.
#[test]
fn pack_shape() {
    let rules = &pack().rules;
    assert!(rules.len() >= 30, "{} rules", rules.len());
    for r in rules {
        assert!(r.builtin && r.enabled, "{}", r.id);
        assert!(
            !r.title.is_empty() && r.rationale.len() > 40,
            "{}: title/rationale",
            r.id
        );
        assert!(
            r.examples
                .iter()
                .any(|e| matches!(e.expect, Expect::Verdict(_))),
            "{}: no firing example",
            r.id
        );
        assert!(
            r.examples.iter().any(|e| e.expect == Expect::NoMatch),
            "{}: no quiet example",
            r.id
        );
        assert!(
            r.source == format!("rules/{}/{}.yaml", r.category, r.id),
            "{}: lives at {}",
            r.id,
            r.source
        );
    }
}

/// Every case the issue lists has a rule. Ids are a contract: rules are retired, never renamed.
#[test]
fn covers_the_issue_list() {
    let wanted = [
        "server-minor-skew",
        "version-patch-skew",
        "kubelet-minor-skew",
        "container-runtime-skew",
        "node-os-differs",
        "node-arch-differs",
        "fewer-nodes",
        "different-instance-types",
        "replicas-lower-in-staging",
        "hpa-only-in-prod",
        "pdb-only-in-prod",
        "probe-missing-on-one-side",
        "probe-delay-longer-in-staging",
        "probe-budget-larger-in-staging",
        "probe-target-differs",
        "memory-limit-higher-in-staging",
        "memory-limit-missing-in-staging",
        "cpu-limit-missing-in-staging",
        "resources-smaller-in-staging",
        "image-older-in-staging",
        "image-unpinned-in-staging",
        "config-key-one-side",
        "referenced-config-missing",
        "env-var-one-side",
        "value-points-at-mock",
        "env-name-only-difference",
        "ingress-class-differs",
        "ingress-tls-one-side",
        "ingress-controller-annotation-differs",
        "certificate-source-differs",
        "job-only-in-prod",
        "cronjob-only-in-prod",
        "cronjob-suspended-in-staging",
        "helm-hook-differs",
        "init-container-one-side",
        "admission-control-only-in-prod",
        "networkpolicy-only-in-prod",
        "crd-only-in-prod",
        "priorityclass-only-in-prod",
        "security-hardening-only-in-prod",
        "revision-history-zero",
        "rollout-strategy-differs",
        "workload-kind-differs",
        "service-exposure-differs",
        "scheduling-relaxed-in-staging",
        "staging-tooling",
    ];
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|id| pack().get(id).is_none())
        .collect();
    assert!(missing.is_empty(), "missing rules: {missing:?}");
}

/// An Ingress only in staging gets two complete sentences from `exposure-object-one-side` (the
/// staging one used to stop at "routes traffic in").
#[test]
fn exposure_object_only_in_staging_reads_as_sentences() {
    let dir = tempfile::tempdir().unwrap();
    let svc = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n";
    let ing = "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web-admin}\nspec: {rules: [{host: admin.example.com}]}\n";
    for (side, text) in [
        ("staging", format!("{svc}{ing}")),
        ("prod", svc.to_string()),
    ] {
        std::fs::create_dir(dir.path().join(side)).unwrap();
        std::fs::write(dir.path().join(side).join("all.yaml"), text).unwrap();
    }
    let out = assert_cmd::Command::cargo_bin("checkride")
        .unwrap()
        .arg("compare")
        .arg(dir.path().join("staging"))
        .arg(dir.path().join("prod"))
        .args(["-o", "json"])
        .output()
        .unwrap();
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "exposure-object-one-side")
        .expect("the staging-only Ingress is judged");
    assert_eq!(f["change"], "only_in_staging");
    assert_eq!(
        f["staging_says"],
        "Ingress web-admin routes staging's traffic: its hosts, paths and TLS are rehearsed on a route prod does not have"
    );
    assert_eq!(
        f["prod_might_say"],
        "No Ingress web-admin: prod's traffic takes a path staging never used"
    );
}
