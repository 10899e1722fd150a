#!/usr/bin/env python3
"""Checks gen_cluster output: the YAML documents parse (PyYAML, YAML 1.1 resolver) and equal the
JSON items one for one, and the dump agrees with truth.json.

Usage: python tools/check_yaml.py DIR [--side prod|staging] [--limit N]
(needs `pip install pyyaml`). --limit N compares only the first N documents.
"""

import argparse
import itertools
import json
import sys

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--side", choices=["prod", "staging"], action="append")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    failures = 0
    for side in args.side or ["prod", "staging"]:
        with open(f"{args.dir}/{side}.json", encoding="utf-8") as f:
            dump = json.load(f)
        assert dump["apiVersion"] == "v1" and dump["kind"] == "List", "not a List"
        assert dump["metadata"] == {"resourceVersion": ""}, "bad List metadata"
        items = dump["items"]
        with open(f"{args.dir}/{side}.yaml", encoding="utf-8") as f:
            docs = yaml.load_all(f, Loader=Loader)
            compared = 0
            for i, (doc, item) in enumerate(
                itertools.islice(itertools.zip_longest(docs, items), args.limit)
            ):
                compared += 1
                if doc != item:
                    failures += 1
                    if failures <= 5:
                        print(f"{side}: document {i} differs from JSON item {i}")
                        print("  yaml:", json.dumps(doc)[:300])
                        print("  json:", json.dumps(item)[:300])
        print(f"{side}: {len(items)} JSON items, {compared} YAML documents compared ({Loader.__name__})")
    with open(f"{args.dir}/truth.json", encoding="utf-8") as f:
        truth = json.load(f)
    print(
        "truth: objectsPerSide={objectsPerSide} paired={paired} perturbed={perturbedCount} "
        "prodOnly={prodOnlyCount} stagingOnly={stagingOnlyCount}".format(**truth)
    )
    print("changes:", json.dumps(truth["changeCounts"], sort_keys=True))
    print("FAILED" if failures else "OK: YAML == JSON")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
