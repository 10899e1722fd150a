//! `preflight` on scenario pairs: what a release touches, the drills, acknowledgement (by
//! `--ack` or waiver) and the blocking rule, with verdicts set by the test where needed; the
//! command line's debrief and exit codes.

#[path = "support/cli.rs"]
mod support;

use checkride::jobs::preflight::{self, Ack, drills::Drill, select::Release};
use checkride::model::{FailOn, Policy, Report, Severity, Side, Verdict, WaiverRef};
use checkride::pipeline;
use checkride::settings::{Flags, Job, Settings};

fn load(scenario: &str) -> (Side, Side, Report) {
    let dir = format!("fixtures/scenarios/{scenario}");
    let flags = Flags::pair(&format!("{dir}/staging"), &format!("{dir}/prod"));
    let settings = Settings::resolve(Job::Preflight, flags).unwrap();
    let j = pipeline::run(&settings).unwrap();
    (j.staging, j.prod, j.report)
}

/// The release policy of `compare`'s defaults, with these acknowledgements.
fn policy(acks: &[String]) -> Policy {
    preflight::release_policy(&Policy::fail_on(FailOn::Lie), acks)
}

fn names(set: &std::collections::BTreeSet<checkride::model::ObjectKey>) -> Vec<String> {
    let mut v: Vec<String> = set.iter().map(ToString::to_string).collect();
    v.sort();
    v
}

/// `deployment/checkout` touches its ConfigMap, its Service, its PDB and its migration Job in
/// prod, and nothing of `web`; a label selector picks `web` with its HPA.
#[test]
fn release_touches_what_it_references_and_what_selects_it() {
    let (s, p, r) = load("demo");
    let rel = Release::parse("deployment/checkout").unwrap();
    let b = preflight::brief(&r, &s, &p, "deployment/checkout", &rel, policy(&[]));
    assert_eq!(
        names(&b.touched.0),
        [
            "ConfigMap shop/shop-config",
            "Deployment shop/checkout",
            "Job shop/checkout-db-migrate",
            "PodDisruptionBudget shop/checkout",
            "Service shop/checkout",
        ]
    );
    assert_eq!(names(&b.selected.1), ["Deployment shop-staging/checkout"]);
    assert!(
        b.rows
            .iter()
            .all(|f| f.object.as_ref().is_some_and(|k| k.name != "web"))
    );

    let rel = Release::parse("app.kubernetes.io/name=web").unwrap();
    let b = preflight::brief(&r, &s, &p, "web", &rel, policy(&[]));
    assert_eq!(
        names(&b.touched.0),
        [
            "ConfigMap shop/shop-config",
            "Deployment shop/web",
            "HorizontalPodAutoscaler shop/web",
            "Service shop/web",
        ]
    );
}

/// In the platform-gaps pair the release's ServiceMonitor, NetworkPolicies (the default-deny
/// one selects every pod) and PriorityClass exist in prod only: observability and the unhappy
/// path say staging cannot tell.
#[test]
fn drills_name_what_staging_cannot_tell() {
    let (s, p, r) = load("platform-gaps");
    let rel = Release::parse("deploy/checkout").unwrap();
    let b = preflight::brief(&r, &s, &p, "deploy/checkout", &rel, policy(&[]));
    let touched = names(&b.touched.0);
    for want in [
        "NetworkPolicy shop/checkout-allow",
        "NetworkPolicy shop/default-deny-all",
        "PriorityClass shop-critical",
        "ServiceMonitor shop/checkout",
    ] {
        assert!(
            touched.contains(&want.to_string()),
            "{want} not in {touched:?}"
        );
    }
    assert!(
        !touched
            .iter()
            .any(|t| t.contains("ValidatingWebhookConfiguration"))
    );
    assert_eq!(b.monitors, (1, 0));
    let drill = |d: Drill| b.drills.iter().find(|x| x.drill == d).unwrap();
    let obs = drill(Drill::Observability);
    assert_eq!(obs.cannot.len(), 1, "{:?}", obs.cannot);
    assert_eq!(
        obs.cannot[0].1[0].object.as_ref().unwrap().kind,
        "ServiceMonitor"
    );
    let unhappy: Vec<&str> = drill(Drill::Unhappy).cannot.iter().map(|c| c.0).collect();
    assert!(unhappy.contains(&"network policies"), "{unhappy:?}");
    assert!(
        unhappy.contains(&"objects missing from staging"),
        "{unhappy:?}"
    );
    // Manifests carry no cluster facts: the cluster aspect is unknown, not "matches".
    let happy = drill(Drill::Happy);
    assert_eq!(happy.unknown.len(), 1);
    assert!(!happy.can.contains(&preflight::drills::CLUSTER_ASPECT));
}

/// A high lie on the release blocks until acknowledged by --ack or a waiver; a lie on another
/// object is not listed; an --ack that matches nothing is reported.
#[test]
fn high_lies_block_until_acknowledged() {
    let (s, p, mut r) = load("demo");
    let probe = "spec.template.spec.containers[name=checkout].readinessProbe.initialDelaySeconds";
    let mut probe_id = String::new();
    for f in &mut r.findings {
        // Start from no judgement, so the lies below are the only ones.
        f.verdict = Verdict::Unclassified;
        f.severity = None;
        let name = f
            .object
            .as_ref()
            .map(|k| k.name.clone())
            .unwrap_or_default();
        if f.path.as_deref() == Some(probe) {
            f.verdict = Verdict::Lie;
            f.severity = Some(Severity::High);
            probe_id = f.id.clone();
        } else if f
            .path
            .as_deref()
            .is_some_and(|p| p.ends_with("PAYMENTS_URL].value"))
        {
            f.verdict = Verdict::Lie;
            f.severity = Some(Severity::Medium);
        } else if name == "web" {
            f.verdict = Verdict::Lie;
            f.severity = Some(Severity::High);
        }
    }
    let rel = Release::parse("deployment/checkout").unwrap();
    let b = preflight::brief(&r, &s, &p, "deployment/checkout", &rel, policy(&[]));
    assert_eq!(b.lies.len(), 2, "the web HPA lie does not touch checkout");
    assert_eq!(
        b.lies[0].finding.severity,
        Some(Severity::High),
        "high first"
    );
    assert_eq!(b.blocking().len(), 1);
    let text = preflight::render::text_brief(&b);
    assert!(
        text.contains(&format!("acknowledge: --ack {probe_id}")),
        "{text}"
    );
    assert!(text.contains("BLOCKED: 1 unacknowledged high-severity lie touches"));

    let acks = vec![probe_id.clone(), "0000000000000000".to_string()];
    let b = preflight::brief(&r, &s, &p, "deployment/checkout", &rel, policy(&acks));
    assert!(b.blocking().is_empty());
    assert_eq!(
        b.lies
            .iter()
            .find(|l| l.finding.id == probe_id)
            .unwrap()
            .ack,
        Ack::Flag
    );
    assert_eq!(b.unused_acks, ["0000000000000000"]);
    assert!(preflight::render::text_brief(&b).contains("READY"));

    let f = r.findings.iter_mut().find(|f| f.id == probe_id).unwrap();
    f.verdict = Verdict::Waived;
    f.waived_verdict = Some(Verdict::Lie);
    f.waiver = Some(WaiverRef {
        owner: "team-checkout".into(),
        reason: "slow JIT warm-up in staging".into(),
        expires: "2025-04-01".into(),
    });
    let b = preflight::brief(&r, &s, &p, "deployment/checkout", &rel, policy(&[]));
    assert!(b.blocking().is_empty());
    assert!(matches!(&b.lies[0].ack, Ack::Waiver(o, _) if o == "team-checkout"));
}

fn cli(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["preflight"];
    all.extend_from_slice(args);
    support::checkride(&all, &[("CHECKRIDE_NOW", "2025-03-17T09:00:00Z")], &[])
}

/// The debrief template holds one row to fill in per row of the brief; a selector that selects
/// nothing, or that does not parse, exits 2.
#[test]
fn debrief_and_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let debrief = dir.path().join("debrief.md");
    let d = debrief.to_str().unwrap();
    let (code, out, err) = cli(&[
        "fixtures/scenarios/probes/staging",
        "fixtures/scenarios/probes/prod",
        "--release",
        "deploy/web",
        "--debrief",
        d,
    ]);
    assert!(code == 0 || code == 1, "{err}");
    let text = std::fs::read_to_string(&debrief).unwrap();
    assert!(
        text.starts_with("# Release debrief: `deploy/web`\n\n2025-03-17 · "),
        "{text}"
    );
    let rows = out
        .lines()
        .skip_while(|l| !l.starts_with("3. Read out loud"))
        .filter(|l| {
            l.trim_start().starts_with(|c: char| c.is_ascii_digit()) && l.contains("staging says")
        })
        .count();
    assert!(rows > 0, "{out}");
    assert_eq!(text.matches("_to fill in_").count(), rows);
    for section in [
        "## What matched prod",
        "## What did not match prod",
        "## What we still do not know",
    ] {
        assert!(text.contains(section), "{section}");
    }

    let (code, _, err) = cli(&[
        "fixtures/scenarios/probes/staging",
        "fixtures/scenarios/probes/prod",
        "--release",
        "deploy/nope",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--release `deploy/nope` selects no object"),
        "{err}"
    );
    let (code, _, err) = cli(&[
        "fixtures/scenarios/probes/staging",
        "fixtures/scenarios/probes/prod",
        "--release",
        "checkout",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("not a label selector nor kind/name"), "{err}");
}
