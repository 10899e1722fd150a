#!/usr/bin/env python3
"""Peer baseline: the staging-vs-production drift check a scripter would write with DeepDiff.

Usage: python benches/peer_deepdiff.py PROD.json STAGING.json
(needs `pip install deepdiff`; measured with deepdiff 9.1.0 on CPython 3.11).

Loads both `kubectl get -A -o json` dumps with `json`, pairs objects by (API group, kind,
namespace with a "-stg" suffix stripped, name), drops server-populated fields (metadata
uid/resourceVersion/generation/creationTimestamp/managedFields/selfLink, the annotations
deployment.kubernetes.io/revision and kubectl.kubernetes.io/last-applied-configuration,
status, spec.clusterIP/clusterIPs), normalises metadata.namespace the same way it was
paired, runs DeepDiff(staging_obj, prod_obj, ignore_order=False) on each pair and prints
the counts.
"""

import json
import sys

from deepdiff import DeepDiff

SERVER_METADATA = (
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
)
SERVER_ANNOTATIONS = (
    "deployment.kubernetes.io/revision",
    "kubectl.kubernetes.io/last-applied-configuration",
)


def strip_stg(namespace):
    return namespace[: -len("-stg")] if namespace.endswith("-stg") else namespace


def pair_key(obj):
    api_version = obj.get("apiVersion", "")
    group = api_version.rsplit("/", 1)[0] if "/" in api_version else ""
    meta = obj.get("metadata", {})
    return (group, obj.get("kind"), strip_stg(meta.get("namespace", "")), meta.get("name"))


def clean(obj):
    meta = obj.get("metadata", {})
    for field in SERVER_METADATA:
        meta.pop(field, None)
    if "namespace" in meta:
        meta["namespace"] = strip_stg(meta["namespace"])
    annotations = meta.get("annotations")
    if annotations:
        for annotation in SERVER_ANNOTATIONS:
            annotations.pop(annotation, None)
    obj.pop("status", None)
    spec = obj.get("spec")
    if isinstance(spec, dict):
        spec.pop("clusterIP", None)
        spec.pop("clusterIPs", None)
    return obj


def load(path):
    with open(path, encoding="utf-8") as f:
        items = json.load(f)["items"]
    return {pair_key(obj): clean(obj) for obj in items}


def main(argv):
    if len(argv) != 3:
        sys.exit(f"usage: {argv[0]} PROD.json STAGING.json")
    prod = load(argv[1])
    staging = load(argv[2])
    paired = prod.keys() & staging.keys()
    differing = sum(
        1 for key in paired if DeepDiff(staging[key], prod[key], ignore_order=False)
    )
    print(f"prod objects:          {len(prod)}")
    print(f"staging objects:       {len(staging)}")
    print(f"paired:                {len(paired)}")
    print(f"only in prod:          {len(prod.keys() - staging.keys())}")
    print(f"only in staging:       {len(staging.keys() - prod.keys())}")
    print(f"pairs with differences: {differing}")


if __name__ == "__main__":
    main(sys.argv)
