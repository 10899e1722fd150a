//! The scenario pack: each pair's real table and JSON, snapshotted and reviewed.

mod common;
use common::{checkride, run, scenarios, side};

/// Every scenario's table and JSON match the reviewed snapshots, and exit codes follow the report.
#[test]
fn scenario_outputs_match_snapshots() {
    let names = scenarios();
    assert!(names.len() >= 9, "scenario pack too small: {names:?}");
    for name in names {
        let (code, table, err) = run(checkride().args([
            "compare",
            &side(&name, "staging"),
            &side(&name, "prod"),
            "--width",
            "140",
        ]));
        assert!(code == 0 || code == 1, "{name}: exit {code}: {err}");
        insta::assert_snapshot!(format!("{name}__table"), table);

        let (code_json, json, err) = run(checkride().args([
            "compare",
            &side(&name, "staging"),
            &side(&name, "prod"),
            "-o",
            "json",
        ]));
        assert_eq!(
            code, code_json,
            "{name}: table and json exit codes differ: {err}"
        );
        let report: serde_json::Value = serde_json::from_str(&json).expect("report is JSON");
        let lies = report["summary"]["lie"].as_u64().unwrap();
        assert_eq!(code == 1, lies > 0, "{name}: exit {code} with {lies} lies");
        insta::assert_snapshot!(format!("{name}__json"), json);
    }
}

/// The quiet pair differs only in server fields, order, format and namespace: nothing to report.
#[test]
fn quiet_pair_is_quiet() {
    let (code, json, err) = run(checkride().args([
        "compare",
        &side("quiet", "staging"),
        &side("quiet", "prod"),
        "-o",
        "json",
    ]));
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{json}");
    assert!(report["coverage"]["complete"].as_bool().unwrap());
    assert!(report["staging"]["objects"].as_u64().unwrap() >= 3);
}

/// The demo pair pairs `shop-staging` with `shop` by environment name and sees the lies it holds.
#[test]
fn demo_pairs_namespaces_by_env_token() {
    let (_, json, _) = run(checkride().args([
        "compare",
        &side("demo", "staging"),
        &side("demo", "prod"),
        "-o",
        "json",
    ]));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let delay = findings
        .iter()
        .find(|f| {
            f["path"]
                .as_str()
                .is_some_and(|p| p.ends_with("readinessProbe.initialDelaySeconds"))
        })
        .expect("readiness delay finding");
    assert_eq!(delay["staging"], 300);
    assert_eq!(delay["prod"], 5);
    assert_eq!(delay["object"]["namespace"], "shop");
    assert_eq!(delay["staging_object"]["namespace"], "shop-staging");
    assert!(
        findings.iter().all(|f| f["change"] != "only_in_staging"),
        "namespaces did not pair"
    );
}

/// Finding ids, path text and rule ids are a contract (waivers, `--ack`, history streaks): the
/// demo scenario's are pinned here, and change only with a documented, deliberate break.
#[test]
fn demo_ids_are_pinned() {
    let (_, json, err) = run(checkride().args([
        "compare",
        &side("demo", "staging"),
        &side("demo", "prod"),
        "-o",
        "json",
    ]));
    let report: serde_json::Value = serde_json::from_str(&json).expect(&err);
    let rows: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {} {}",
                f["id"].as_str().unwrap(),
                f["rule"].as_str().unwrap_or("-"),
                f["object"]["kind"].as_str().unwrap_or("cluster"),
                f["object"]["name"].as_str().unwrap_or("-"),
                f["path"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    insta::assert_snapshot!(rows.join("\n"), @r"
    ab5fc54a69c12cd6 env-name-only-difference ConfigMap shop-config data.PUBLIC_BASE_URL
    9f8187e716573335 replicas-lower-in-staging Deployment checkout spec.replicas
    55d9b033e245cc62 value-points-at-mock Deployment checkout spec.template.spec.containers[name=checkout].env[name=PAYMENTS_URL].value
    5f554dee4657aecb probe-delay-longer-in-staging Deployment checkout spec.template.spec.containers[name=checkout].readinessProbe.initialDelaySeconds
    f4e17c645cb37101 memory-limit-higher-in-staging Deployment checkout spec.template.spec.containers[name=checkout].resources.limits.memory
    4a2248bfe1906bf0 resources-smaller-in-staging Deployment checkout spec.template.spec.containers[name=checkout].resources.requests.cpu
    71194f34678bbb62 resources-smaller-in-staging Deployment checkout spec.template.spec.containers[name=checkout].resources.requests.memory
    334208479960dfb0 hpa-only-in-prod HorizontalPodAutoscaler web -
    585419a4c395e6dd job-only-in-prod Job checkout-db-migrate -
    877acdc3bdb097b5 pdb-only-in-prod PodDisruptionBudget checkout -
    ");
}
