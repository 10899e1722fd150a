#!/usr/bin/env python3
"""Rows a user reads on the six real-world pairs (the development set), as Markdown to paste into
docs/real-world.md. One command, one run:

    python3 benches/real_world.py [--checkride BIN] [--before OLD_BIN] [--without-map-namespace]

For each pair under fixtures/validation/dev/ (its `Compare:` line in EXPECT.md is the command of
docs/real-world.md; a side of several `+`-joined files becomes a temporary folder of links), runs
`checkride compare STAGING PROD [flags] -o json --show-noise` and prints one table: objects per
side, findings, rows shown (lie + cut + unclassified: what the table shows with noise hidden),
lies, cuts, unclassified and noise. Rows are counted as the table shows them: one per finding, or
one per group when findings carry a `group` id (issue 12), so a difference repeated over several
objects is one row. Then the development set scored against its EXPECT.md files
(fixtures/validation/score.py): the per-pair summary and the confusion matrix.

--before OLD_BIN adds a "rows shown before" column measured with another binary (build both with
the same profile). --without-map-namespace drops every `--map-namespace` flag from the commands,
to check that namespaces named after the environment pair by themselves (issue 12).

Python 3.11, standard library only. Exit 2 when checkride fails on a pair.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "fixtures" / "validation"))
import score  # noqa: E402

DEV = ROOT / "fixtures" / "validation" / "dev"
SHOWN = ("lie", "cut", "unclassified")


def drop_map_namespace(args: list[str]) -> list[str]:
    """The command without its `--map-namespace X` / `--map-namespace=X` flags."""
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a == "--map-namespace":
            skip = True
        elif not a.startswith("--map-namespace="):
            out.append(a)
    return out


def rows(report: dict) -> dict[str, int]:
    """Rows per verdict as the table counts them (one per group, else one per finding)."""
    units: dict[str, str] = {}
    for i, f in enumerate(report.get("findings", [])):
        key = f"group:{f['group']}" if f.get("group") else f"finding:{i}"
        units.setdefault(key, f.get("verdict") or "unclassified")
    counts = {v: 0 for v in ("lie", "cut", "unclassified", "noise", "waived")}
    for verdict in units.values():
        counts[verdict if verdict in counts else "unclassified"] += 1
    counts["shown"] = sum(counts[v] for v in SHOWN)
    counts["findings"] = len(report.get("findings", []))
    return counts


def run(binary: str, args: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="checkride-sides-") as tmp:
        report, note = score.run_checkride(binary, score.expand_sides(args, Path(tmp)))
    if report is None:
        raise SystemExit(f"error: {note}")
    return report


def flags_of(args: list[str]) -> str:
    """The flags after the two sides, as one code span ("-" when there are none)."""
    return f"`{' '.join(args[2:])}`" if args[2:] else "-"


def matrix_markdown(s: score.Score) -> str:
    cols = (*score.JUDGED, "not reported")
    out = ["| expected \\ judged | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for e in (*score.EXPECTS, None):
        vals = [s.count(e, c) for c in cols]
        if e is None and not any(vals):
            continue
        out.append(f"| {e or '(no expectation)'} | " + " | ".join(str(v) for v in vals) + " |")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--checkride", default=os.environ.get("CHECKRIDE", str(ROOT / "target/release/checkride")))
    ap.add_argument("--before", help="an earlier checkride binary: adds a 'rows shown before' column")
    ap.add_argument("--without-map-namespace", action="store_true",
                    help="drop --map-namespace flags (namespaces named after the environment must pair by themselves)")
    args = ap.parse_args(argv)

    pairs = sorted(p.parent for p in DEV.glob("*/EXPECT.md"))
    if not pairs:
        print(f"error: no {DEV}/*/EXPECT.md", file=sys.stderr)
        return 2
    table = []
    total = score.Score(f"aggregate (development set, {len(pairs)} pairs)")
    scores = []
    for d in pairs:
        expect_rows, compare, errors = score.load_expect(d.name, d / "EXPECT.md")
        if errors or not compare:
            print(f"error: {d / 'EXPECT.md'}: {'; '.join(errors) or 'no Compare: line'}", file=sys.stderr)
            return 2
        cargs = score.compare_args(d, compare)
        if args.without_map_namespace:
            cargs = drop_map_namespace(cargs)
        report = run(args.checkride, cargs)
        before = rows(run(args.before, cargs))["shown"] if args.before else None
        s = score.score_pair(d.name, report, expect_rows)
        scores.append(s)
        total.add(s)
        objs = f"{report['staging']['objects']} / {report['prod']['objects']}"
        table.append((d.name, flags_of(cargs), objs, rows(report), before))

    head = "| pair | flags | objects (staging / prod) | findings | rows shown |"
    if args.before:
        head += " rows shown before |"
    head += " lie | cut | unclassified | noise (hidden) |"
    print(head)
    print("|---" * (head.count("|") - 1) + "|")
    sums = {k: 0 for k in ("findings", "shown", "lie", "cut", "unclassified", "noise")}
    before_sum = 0
    for name, flags, objs, c, before in table:
        line = f"| {name} | {flags} | {objs} | {c['findings']} | {c['shown']} |"
        if args.before:
            line += f" {before} |"
            before_sum += before
        line += f" {c['lie']} | {c['cut']} | {c['unclassified']} | {c['noise']} |"
        print(line)
        for k in sums:
            sums[k] += c[k]
    line = f"| **total** | | | {sums['findings']} | {sums['shown']} |"
    if args.before:
        line += f" {before_sum} |"
    print(line + f" {sums['lie']} | {sums['cut']} | {sums['unclassified']} | {sums['noise']} |")
    print()
    print("Scored against `fixtures/validation/dev/*/EXPECT.md`:\n")
    print(score.markdown_table(scores, total))
    print("Confusion matrix (development set, rows counted as above):\n")
    print(matrix_markdown(total), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
