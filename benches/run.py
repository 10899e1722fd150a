#!/usr/bin/env python3
"""Whole-process benchmark of checkride (issue: performance). One command, one run:

    python3 benches/run.py [--objects 50000] [--scaling 5000,20000,50000,200000] [--skip-peer]

Builds the release binary and the examples, generates a deterministic staging/prod pair with
examples/gen_cluster, then measures on the same machine in one run:
  - checkride compare on the JSON pair, the YAML pair and two saved snapshots (hyperfine);
  - the parse floor (examples/parse_floor: both JSON files into serde_json::Value, in parallel);
  - the deepdiff peer (benches/peer_deepdiff.py, once, in a venv);
  - peak RSS of each (/usr/bin/time -v);
  - a scaling run (time and peak RSS against object count) with an SVG chart.
Writes bench-out/results.md and docs/benchmarks-scaling.svg, and replaces the section between
the markers in docs/benchmarks.md. Needs hyperfine (apt-get install hyperfine).
"""
import argparse, json, os, re, shutil, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench-out")
BIN = os.path.join(ROOT, "target/release/checkride")
GEN = os.path.join(ROOT, "target/release/examples/gen_cluster")
FLOOR = os.path.join(ROOT, "target/release/examples/parse_floor")


def sh(cmd, **kw):
    print("+", " ".join(cmd), file=sys.stderr)
    return subprocess.run(cmd, check=True, **kw)


def timed(cmd, stdout=subprocess.DEVNULL):
    """Wall seconds and peak RSS (MiB) of one run, via /usr/bin/time -v. Exit codes 0/1 are fine."""
    t0 = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=stdout, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - t0
    if p.returncode not in (0, 1):
        raise SystemExit(f"{cmd} failed ({p.returncode}):\n{p.stderr[-2000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) / 1024
    return wall, rss


def hyperfine(named, runs):
    """Mean seconds of each command, measured together in one hyperfine run."""
    export = os.path.join(OUT, "hyperfine.json")
    cmd = ["hyperfine", "--warmup", "1", "--runs", str(runs), "-i", "--export-json", export]
    for name, c in named:
        cmd += ["-n", name, c]
    sh(cmd, stdout=subprocess.DEVNULL)
    res = json.load(open(export))["results"]
    return {r["command"]: r["mean"] for r in res}


def generate(n, seed=42):
    d = os.path.join(OUT, f"pair-{n}")
    if not os.path.exists(os.path.join(d, "prod.json")):
        sh([GEN, "--objects", str(n), "--seed", str(seed), "--out", d], stdout=subprocess.DEVNULL)
    return d


def svg_chart(points, path):
    """Time (s) and peak RSS (MiB) against objects, two polylines on one plot, no dependencies."""
    W, H, L, B = 640, 360, 60, 40
    xs = [p[0] for p in points]
    tmax = max(p[1] for p in points) * 1.1 or 1
    rmax = max(p[2] for p in points) * 1.1 or 1
    xmax = max(xs)
    X = lambda x: L + (W - L - 60) * x / xmax
    YT = lambda t: H - B - (H - B - 20) * t / tmax
    YR = lambda r: H - B - (H - B - 20) * r / rmax
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<line x1="{L}" y1="{H-B}" x2="{W-60}" y2="{H-B}" stroke="black"/>',
           f'<line x1="{L}" y1="20" x2="{L}" y2="{H-B}" stroke="black"/>',
           f'<line x1="{W-60}" y1="20" x2="{W-60}" y2="{H-B}" stroke="black"/>',
           f'<text x="{W/2}" y="{H-8}" text-anchor="middle">objects per side</text>',
           f'<text x="12" y="{H/2}" transform="rotate(-90 12 {H/2})" text-anchor="middle" fill="#1f77b4">compare wall time (s)</text>',
           f'<text x="{W-12}" y="{H/2}" transform="rotate(90 {W-12} {H/2})" text-anchor="middle" fill="#d62728">peak RSS (MiB)</text>']
    for x in xs:
        out.append(f'<text x="{X(x):.0f}" y="{H-B+15}" text-anchor="middle">{x//1000}k</text>')
    for frac in (0.25, 0.5, 0.75, 1.0):
        out.append(f'<text x="{L-5}" y="{YT(tmax*frac/1.1):.0f}" text-anchor="end" fill="#1f77b4">{tmax*frac/1.1:.1f}</text>')
        out.append(f'<text x="{W-55}" y="{YR(rmax*frac/1.1):.0f}" fill="#d62728">{rmax*frac/1.1:.0f}</text>')
    tl = " ".join(f"{X(x):.1f},{YT(t):.1f}" for x, t, _ in points)
    rl = " ".join(f"{X(x):.1f},{YR(r):.1f}" for x, _, r in points)
    out.append(f'<polyline points="{tl}" fill="none" stroke="#1f77b4" stroke-width="2"/>')
    out.append(f'<polyline points="{rl}" fill="none" stroke="#d62728" stroke-width="2" stroke-dasharray="6 3"/>')
    for x, t, r in points:
        out.append(f'<circle cx="{X(x):.1f}" cy="{YT(t):.1f}" r="3" fill="#1f77b4"/>')
        out.append(f'<circle cx="{X(x):.1f}" cy="{YR(r):.1f}" r="3" fill="#d62728"/>')
    out.append("</svg>")
    open(path, "w").write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", type=int, default=50000)
    ap.add_argument("--scaling", default="5000,20000,50000,200000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-peer", action="store_true")
    ap.add_argument("--issue-size", type=int, default=28000,
                    help="objects per side of the extra pair near 70 MB of JSON per side (0: none)")
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    if not shutil.which("hyperfine"):
        raise SystemExit("hyperfine is missing: apt-get install -y hyperfine")
    sh(["cargo", "build", "--release", "--bin", "checkride", "--example", "gen_cluster", "--example", "parse_floor"], cwd=ROOT)

    d = generate(a.objects)
    env = dict(os.environ, CHECKRIDE_FINGERPRINT_KEY="bench")
    snaps = []
    for side in ("staging", "prod"):
        p = os.path.join(d, f"{side}.snapshot.json")
        with open(p, "w") as f:
            subprocess.run([BIN, "snapshot", os.path.join(d, f"{side}.json")], stdout=f, check=True, env=env)
        snaps.append(p)
    j = [os.path.join(d, "staging.json"), os.path.join(d, "prod.json")]
    y = [os.path.join(d, "staging.yaml"), os.path.join(d, "prod.yaml")]
    cmds = [
        ("compare-json", f"{BIN} compare {j[0]} {j[1]} -o json"),
        ("compare-yaml", f"{BIN} compare {y[0]} {y[1]} -o json"),
        ("compare-snapshots", f"{BIN} compare {snaps[0]} {snaps[1]} -o json"),
        ("parse-floor", f"{FLOOR} {j[1]} {j[0]}"),
    ]
    if a.issue_size:
        di = generate(a.issue_size)
        ji = [os.path.join(di, "staging.json"), os.path.join(di, "prod.json")]
        cmds += [
            ("compare-json-issue-size", f"{BIN} compare {ji[0]} {ji[1]} -o json"),
            ("parse-floor-issue-size", f"{FLOOR} {ji[1]} {ji[0]}"),
        ]
    os.environ["CHECKRIDE_FINGERPRINT_KEY"] = "bench"
    means = hyperfine(cmds, a.runs)
    rss = {name: timed(c.split())[1] for name, c in cmds}

    peer = None
    if not a.skip_peer:
        venv = os.path.join(OUT, ".venv")
        if not os.path.exists(os.path.join(venv, "bin/python")):
            sh([sys.executable, "-m", "venv", venv])
            sh([os.path.join(venv, "bin/pip"), "install", "-q", "deepdiff==9.1.0"])
        peer = timed([os.path.join(venv, "bin/python"), os.path.join(ROOT, "benches/peer_deepdiff.py"), j[1], j[0]])

    scaling = []
    for n in [int(x) for x in a.scaling.split(",") if x]:
        dn = generate(n)
        sj = [os.path.join(dn, "staging.json"), os.path.join(dn, "prod.json")]
        # Median of three runs each: one run of a 200k compare moves by ±10 % on a shared VM.
        runs = [timed([BIN, "compare", sj[0], sj[1], "-o", "json"]) for _ in range(3)]
        wall, r = sorted(runs)[1][0], max(x[1] for x in runs)
        floor_wall = sorted(timed([FLOOR, sj[1], sj[0]])[0] for _ in range(3))[1]
        mib = (os.path.getsize(sj[0]) + os.path.getsize(sj[1])) / 2**20
        scaling.append((n, wall, r, floor_wall, mib))
    svg_chart([(n, w, r) for n, w, r, _, _ in scaling], os.path.join(ROOT, "docs/benchmarks-scaling.svg"))

    size = os.path.getsize(j[0]) + os.path.getsize(j[1])
    floor = means["parse-floor"]
    lines = [
        f"Pair: {a.objects} objects per side, JSON {size/2**20:.0f} MiB for both files; "
        f"{os.cpu_count()} cores; hyperfine mean of {a.runs} runs after a warm-up.",
        "",
        "| command | mean wall (s) | ratio | peak RSS (MiB) | target |",
        "|---|---|---|---|---|",
        f"| parse floor (2 files → serde_json::Value) | {floor:.2f} | 1.00× floor | {rss['parse-floor']:.0f} | — |",
        f"| compare, JSON input | {means['compare-json']:.2f} | {means['compare-json']/floor:.2f}× floor | {rss['compare-json']:.0f} ({rss['compare-json']*2**20/size:.2f}× input) | ≤ 1.5× floor, RSS ≤ 2× input |",
        f"| compare, YAML input | {means['compare-yaml']:.2f} | {means['compare-yaml']/means['compare-json']:.2f}× JSON | {rss['compare-yaml']:.0f} | ≤ 3× JSON |",
        f"| compare, two snapshots | {means['compare-snapshots']:.2f} | {means['compare-snapshots']/means['compare-json']:.2f}× JSON | {rss['compare-snapshots']:.0f} | ≤ 0.5× JSON |",
    ]
    if a.issue_size:
        isz = sum(os.path.getsize(p) for p in ji) / 2**20
        ci, fi = means["compare-json-issue-size"], means["parse-floor-issue-size"]
        lines.append(f"| compare, JSON, {a.issue_size} objects ({isz:.0f} MiB, the issue's ≈70 MB per side) | {ci:.2f} | {ci/fi:.2f}× its floor ({fi:.2f} s) | — | ≤ 1.5× floor |")
    if peer:
        lines.append(f"| deepdiff peer (1 run) | {peer[0]:.1f} | checkride {peer[0]/means['compare-json']:.0f}× faster | {peer[1]:.0f} | ≥ 60× |")
    lines += ["", "Scaling (compare, JSON input; wall times are the median of three runs, RSS the largest):", "",
              "| objects per side | input (MiB, both) | wall (s) | parse floor (s) | ratio | peak RSS (MiB) | RSS / input |",
              "|---|---|---|---|---|---|---|"]
    lines += [f"| {n} | {m:.0f} | {w:.2f} | {f:.2f} | {w/f:.2f}× | {r:.0f} | {r/m:.1f}× |" for n, w, r, f, m in scaling]
    if len(scaling) >= 2:
        big = dict((n, w) for n, w, _, _, _ in scaling)
        if 200000 in big and 50000 in big:
            lines.append(f"\n200k / 50k time ratio: {big[200000]/big[50000]:.2f}× (target ≤ 4.5×)")
    text = "\n".join(lines) + "\n"
    open(os.path.join(OUT, "results.md"), "w").write(text)
    doc = os.path.join(ROOT, "docs/benchmarks.md")
    if os.path.exists(doc):
        s = open(doc).read()
        s = re.sub(r"(<!-- bench:start -->\n).*?(<!-- bench:end -->)", lambda m: m.group(1) + text + m.group(2), s, flags=re.S)
        open(doc, "w").write(s)
    print(text)


if __name__ == "__main__":
    main()
