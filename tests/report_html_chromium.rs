//! The weekly HTML report in a real browser: headless Chromium (Debian's `chromium`, installed by
//! `.ci/run`) renders it offline; the screenshot must not be blank (pixel variance, not file
//! size) and the DOM must hold the table rows and the trend chart. Fails loudly without Chromium.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";

fn chromium() -> PathBuf {
    let p = PathBuf::from(CHROMIUM);
    assert!(
        p.exists(),
        "{CHROMIUM} is missing: this test needs Debian's chromium package \
         (`apt-get install -y chromium`; .ci/run installs it)"
    );
    p
}

/// Runs headless Chromium with background networking off; a generous guard kills a hung one.
fn run_chromium(profile: &Path, args: &[String]) -> String {
    let mut child = std::process::Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let guard = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if guard.elapsed() > Duration::from_secs(180) {
            let _ = child.kill();
            panic!("chromium did not finish within the guard");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "chromium failed: {:?}", out.status);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Builds a three-run history of the probes pair and renders the last run as HTML.
fn html_report(dir: &Path) -> (PathBuf, usize) {
    let history = dir.join("history");
    let page = dir.join("report.html");
    for at in [
        "2025-03-03T06:00:00Z",
        "2025-03-10T06:00:00Z",
        "2025-03-17T06:00:00Z",
    ] {
        let out = Command::cargo_bin("checkride")
            .unwrap()
            .args([
                "report",
                "fixtures/scenarios/probes/staging",
                "fixtures/scenarios/probes/prod",
                "-o",
                "html",
                "--history",
            ])
            .arg(&history)
            .arg("--out")
            .arg(&page)
            .env("CHECKRIDE_NOW", at)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let json = Command::cargo_bin("checkride")
        .unwrap()
        .args([
            "compare",
            "fixtures/scenarios/probes/staging",
            "fixtures/scenarios/probes/prod",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let rows = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["verdict"] != "noise")
        .count();
    (page, rows)
}

/// The page fetches nothing: no scripts, stylesheets, images, fonts or links.
#[test]
fn html_is_self_contained() {
    let dir = tempfile::tempdir().unwrap();
    let (page, _) = html_report(dir.path());
    let html = std::fs::read_to_string(page).unwrap();
    for needle in [
        "<script", "<link", "<img", " src=", "href=", "url(", "@import", "<iframe",
    ] {
        assert!(!html.contains(needle), "external asset or script: {needle}");
    }
    assert!(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"trend\""));
}

/// Chromium's screenshot is a real page (many colours, high variance) and its DOM holds one
/// table row per non-noise finding and a chart with one point per run and series.
#[test]
fn html_renders_in_headless_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let (page, rows) = html_report(dir.path());
    let url = format!("file://{}", page.canonicalize().unwrap().display());

    let shot = dir.path().join("shot.png");
    run_chromium(
        &dir.path().join("profile-shot"),
        &[
            "--window-size=1280,1400".into(),
            format!("--screenshot={}", shot.display()),
            url.clone(),
        ],
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bytes = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    assert!(channels >= 3, "{:?}", info.color_type);
    let lum: Vec<f64> = bytes
        .chunks(channels)
        .map(|p| 0.299 * p[0] as f64 + 0.587 * p[1] as f64 + 0.114 * p[2] as f64)
        .collect();
    let mean = lum.iter().sum::<f64>() / lum.len() as f64;
    let variance = lum.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / lum.len() as f64;
    let mut colours: Vec<[u8; 3]> = bytes.chunks(channels).map(|p| [p[0], p[1], p[2]]).collect();
    colours.sort_unstable();
    colours.dedup();
    let dark = lum.iter().filter(|l| **l < 80.0).count();
    eprintln!(
        "screenshot {}x{}: mean luminance {mean:.1}, variance {variance:.1}, {} colours, {dark} dark pixels",
        info.width,
        info.height,
        colours.len()
    );
    assert_eq!((info.width, info.height), (1280, 1400));
    assert!(
        variance > 200.0,
        "screenshot looks blank: variance {variance:.1}"
    );
    assert!(colours.len() > 50, "too few colours: {}", colours.len());
    assert!(dark > 10_000, "no dark text or table header: {dark}");

    let dom = run_chromium(&dir.path().join("profile-dom"), &["--dump-dom".into(), url]);
    assert!(dom.contains("<table id=\"findings\">"), "{dom}");
    assert_eq!(dom.matches("<tr class=\"v-").count(), rows);
    assert!(dom.contains("readinessProbe.initialDelaySeconds"));
    assert!(dom.contains("checkride weekly drift report"));
    assert_eq!(dom.matches("<circle").count(), 2 * 3, "2 series × 3 runs");
    assert_eq!(
        dom.matches("/100</title>").count(),
        3,
        "a fidelity score per run"
    );
    assert_eq!(dom.matches("class=\"run-date\"").count(), 3);
}
