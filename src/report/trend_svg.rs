//! The trend chart of the weekly report: lies and cuts per run as an inline SVG line chart, with
//! a y grid, date labels, a tooltip per point and a legend, and the fidelity score (0–100) on a
//! right-hand axis. No scripts, no external assets.

use super::drift_markdown::date;
use super::markdown::html;
use crate::model::drift::TrendPoint;
use std::fmt::Write as _;

/// How many runs the chart shows (the newest): a year of weekly runs.
pub const CHART_RUNS: usize = 52;

const W: f64 = 760.0;
const H: f64 = 260.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 40.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 52.0;

/// (series name, CSS colour, value of a point).
type Series = (&'static str, &'static str, fn(&TrendPoint) -> usize);

const SERIES: &[Series] = &[
    ("lies", "#c62828", |p| p.lies),
    ("cuts", "#1565c0", |p| p.cuts),
];

/// The fidelity score's line: its own 0–100 scale, on the right-hand axis.
const FIDELITY: Series = ("fidelity score", "#2e7d32", |p| p.fidelity_score as usize);

/// The chart as an `<svg>` element.
pub fn chart(points: &[TrendPoint]) -> String {
    let shown = &points[points.len().saturating_sub(CHART_RUNS)..];
    let max = shown
        .iter()
        .flat_map(|p| SERIES.iter().map(move |(_, _, v)| v(p)))
        .max()
        .unwrap_or(0);
    let top = nice_ceiling(max);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let x = |i: usize| {
        if shown.len() <= 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (shown.len() - 1) as f64
        }
    };
    let y = |v: usize| TOP + plot_h - plot_h * v as f64 / top as f64;

    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"trend\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\" aria-label=\"Lies and cuts per run, and the fidelity score\">\n"
    );
    let _ = writeln!(
        s,
        "<rect x=\"0\" y=\"0\" width=\"{W}\" height=\"{H}\" fill=\"#ffffff\"/>"
    );
    let step = (top / 4).max(1);
    let mut v = 0;
    while v <= top {
        let yy = y(v);
        let _ = writeln!(
            s,
            "<line x1=\"{LEFT}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#e0e0e0\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">{v}</text>",
            W - RIGHT,
            LEFT - 6.0,
            yy + 4.0
        );
        v += step;
    }
    let label_every = shown.len().div_ceil(8).max(1);
    for (i, p) in shown.iter().enumerate() {
        if i % label_every == 0 || i + 1 == shown.len() {
            let _ = writeln!(
                s,
                "<text class=\"run-date\" x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
                x(i),
                H - BOTTOM + 18.0,
                html(&date(&p.at))
            );
        }
    }
    for (name, colour, value) in SERIES {
        let pts: Vec<String> = shown
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(value(p))))
            .collect();
        let _ = writeln!(
            s,
            "<polyline class=\"series-{name}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\" points=\"{}\"/>",
            pts.join(" ")
        );
        for (i, p) in shown.iter().enumerate() {
            let _ = writeln!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{colour}\"><title>{}: {} {name}</title></circle>",
                x(i),
                y(value(p)),
                html(&date(&p.at)),
                value(p)
            );
        }
    }
    // The fidelity score on its own scale: 0 at the bottom, 100 at the top, labelled on the right.
    let yf = |v: usize| TOP + plot_h - plot_h * v.min(100) as f64 / 100.0;
    for v in [0, 50, 100] {
        let _ = writeln!(
            s,
            "<text class=\"fidelity-axis\" x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"{}\">{v}</text>",
            W - RIGHT + 6.0,
            yf(v) + 4.0,
            FIDELITY.1
        );
    }
    let (_, colour, value) = FIDELITY;
    let pts: Vec<String> = shown
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x(i), yf(value(p))))
        .collect();
    let _ = writeln!(
        s,
        "<polyline class=\"series-fidelity\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"6 4\" points=\"{}\"/>",
        pts.join(" ")
    );
    for (i, p) in shown.iter().enumerate() {
        let _ = writeln!(
            s,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"7\" height=\"7\" fill=\"{colour}\"><title>{}: fidelity score {}/100</title></rect>",
            x(i) - 3.5,
            yf(value(p)) - 3.5,
            html(&date(&p.at)),
            value(p)
        );
    }
    let legend_y = H - 12.0;
    for (i, (name, colour, _)) in SERIES.iter().chain([&FIDELITY]).enumerate() {
        let lx = LEFT + 110.0 * i as f64;
        let _ = writeln!(
            s,
            "<rect x=\"{lx:.1}\" y=\"{:.1}\" width=\"14\" height=\"4\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{legend_y:.1}\" font-size=\"12\" fill=\"#222\">{name}</text>",
            legend_y - 4.0,
            lx + 20.0
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The smallest of 4, 8, 20, 40, 80, 200, … at or above `max`, so four grid steps are round.
fn nice_ceiling(max: usize) -> usize {
    let mut base = 1;
    loop {
        for m in [4, 8, 20] {
            if max <= m * base {
                return m * base;
            }
        }
        base *= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Grid tops are round and never below the data.
    #[test]
    fn nice_ceilings() {
        assert_eq!(nice_ceiling(0), 4);
        assert_eq!(nice_ceiling(5), 8);
        assert_eq!(nice_ceiling(9), 20);
        assert_eq!(nice_ceiling(21), 40);
        assert_eq!(nice_ceiling(170), 200);
    }

    /// The fidelity score is plotted on its own 0–100 scale: 100 at the plot's top, 0 at its
    /// bottom, whatever the lie counts, with one tooltip per run.
    #[test]
    fn fidelity_line_on_its_own_scale() {
        let p = |at: &str, lies, score| TrendPoint {
            at: at.into(),
            lies,
            cuts: 0,
            unclassified: 0,
            waived: 0,
            fidelity_score: score,
        };
        let svg = chart(&[
            p("2025-03-03T06:00:00Z", 30, 100),
            p("2025-03-10T06:00:00Z", 2, 0),
        ]);
        let line = svg
            .lines()
            .find(|l| l.contains("series-fidelity"))
            .expect("a fidelity line");
        let bottom = H - BOTTOM;
        assert!(
            line.contains(&format!(
                "points=\"{LEFT:.1},{TOP:.1} {:.1},{bottom:.1}\"",
                W - RIGHT
            )),
            "{line}"
        );
        assert_eq!(svg.matches("fidelity score 100/100").count(), 1);
        assert_eq!(svg.matches("fidelity score 0/100").count(), 1);
        assert!(svg.contains(">fidelity score</text>"), "legend");
    }
}
