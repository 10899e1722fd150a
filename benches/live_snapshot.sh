#!/usr/bin/env bash
# Benchmark of live collection (issue 4, section 9): a generated cluster of about 50,000 objects
# over 60 kinds, served by `checkride serve` with 20 ms of latency per request, read by
# `checkride snapshot context:bench` and by `kubectl get <the same kinds> -A -o json`.
#
# Usage: benches/live_snapshot.sh [RUNS]      (default 3 runs each; the median is reported)
# Needs: cargo, python3, kubectl. Everything listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
OBJECTS="${OBJECTS:-50000}"
LATENCY="${LATENCY:-20ms}"

cargo build --release --quiet
BIN="$PWD/target/release/checkride"
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# 20 built-in namespaced kinds and 40 custom kinds (with their CRDs): 60 kinds.
python3 - "$WORK/cluster.json" "$OBJECTS" <<'PY'
import json, sys
out, total = sys.argv[1], int(sys.argv[2])
builtin = [
    ("v1", "ConfigMap", lambda i: {"data": {"app.properties": f"name=app-{i}\nlevel=info\n"}}),
    ("v1", "Service", lambda i: {"spec": {"selector": {"app": f"app-{i}"}, "ports": [{"port": 80, "targetPort": 8080}]}}),
    ("v1", "ServiceAccount", lambda i: {}),
    ("v1", "LimitRange", lambda i: {"spec": {"limits": [{"type": "Container", "default": {"cpu": "500m"}}]}}),
    ("v1", "ResourceQuota", lambda i: {"spec": {"hard": {"pods": "50"}}}),
    ("v1", "PersistentVolumeClaim", lambda i: {"spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}),
    ("v1", "PodTemplate", lambda i: {"template": {"spec": {"containers": [{"name": "c", "image": f"img:{i}"}]}}}),
    ("v1", "ReplicationController", lambda i: {"spec": {"replicas": 1, "selector": {"app": f"rc-{i}"}, "template": {"metadata": {"labels": {"app": f"rc-{i}"}}, "spec": {"containers": [{"name": "c", "image": "img"}]}}}}),
    ("apps/v1", "Deployment", lambda i: {"spec": {"replicas": 2, "selector": {"matchLabels": {"app": f"app-{i}"}}, "template": {"metadata": {"labels": {"app": f"app-{i}"}}, "spec": {"containers": [{"name": "app", "image": f"registry.example.com/app:{i}", "env": [{"name": "MODE", "value": "bench"}], "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]}}}}),
    ("apps/v1", "StatefulSet", lambda i: {"spec": {"serviceName": f"db-{i}", "replicas": 1, "selector": {"matchLabels": {"app": f"db-{i}"}}, "template": {"metadata": {"labels": {"app": f"db-{i}"}}, "spec": {"containers": [{"name": "db", "image": "postgres:16"}]}}}}),
    ("apps/v1", "DaemonSet", lambda i: {"spec": {"selector": {"matchLabels": {"app": f"agent-{i}"}}, "template": {"metadata": {"labels": {"app": f"agent-{i}"}}, "spec": {"containers": [{"name": "agent", "image": "agent:1"}]}}}}),
    ("batch/v1", "Job", lambda i: {"spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "job", "image": "job:1"}]}}}}),
    ("batch/v1", "CronJob", lambda i: {"spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "cron", "image": "cron:1"}]}}}}}}),
    ("networking.k8s.io/v1", "Ingress", lambda i: {"spec": {"rules": [{"host": f"app-{i}.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": f"app-{i}", "port": {"number": 80}}}}]}}]}}),
    ("networking.k8s.io/v1", "NetworkPolicy", lambda i: {"spec": {"podSelector": {"matchLabels": {"app": f"app-{i}"}}, "policyTypes": ["Ingress"]}}),
    ("policy/v1", "PodDisruptionBudget", lambda i: {"spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": f"app-{i}"}}}}),
    ("autoscaling/v2", "HorizontalPodAutoscaler", lambda i: {"spec": {"minReplicas": 2, "maxReplicas": 10, "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": f"app-{i}"}}}),
    ("rbac.authorization.k8s.io/v1", "Role", lambda i: {"rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}]}),
    ("rbac.authorization.k8s.io/v1", "RoleBinding", lambda i: {"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": f"r-{i}"}, "subjects": [{"kind": "ServiceAccount", "name": "default"}]}),
    ("v1", "Secret", lambda i: {"type": "Opaque", "data": {"token": "YmVuY2g="}}),
]
custom = [("bench.example.com/v1", f"Widget{n:02d}") for n in range(1, 41)]
kinds = builtin + [(api, kind, lambda i: {"spec": {"size": i % 7, "color": "blue"}}) for api, kind in custom]
assert len(kinds) == 60
namespaces = [f"team-{n:02d}" for n in range(50)]
items = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}} for ns in namespaces]
for api, kind in custom:
    plural = kind.lower() + "s"
    items.append({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                  "metadata": {"name": f"{plural}.bench.example.com"},
                  "spec": {"group": "bench.example.com", "scope": "Namespaced",
                           "names": {"kind": kind, "plural": plural, "singular": kind.lower(), "listKind": kind + "List"},
                           "versions": [{"name": "v1", "served": True, "storage": True,
                                         "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}]}})
per_kind = (total - len(items)) // len(kinds)
for api, kind, body in kinds:
    for i in range(per_kind):
        o = {"apiVersion": api, "kind": kind,
             "metadata": {"name": f"{kind.lower()}-{i:05d}", "namespace": namespaces[i % len(namespaces)],
                          "labels": {"app.kubernetes.io/name": f"app-{i}", "tier": "bench"}}}
        o.update(body(i))
        items.append(o)
json.dump({"apiVersion": "v1", "kind": "List", "items": items}, open(out, "w"))
print(f"generated {len(items)} objects over {len(kinds)} kinds (+ {len(namespaces)} namespaces, {len(custom)} CRDs)", file=sys.stderr)
PY

"$BIN" snapshot "$WORK/cluster.json" > "$WORK/cluster-snapshot.json"
"$BIN" serve "$WORK/cluster-snapshot.json" --addr 127.0.0.1:0 --latency "$LATENCY" > "$WORK/url" 2> "$WORK/serve.log" &
SERVER_PID=$!
for _ in $(seq 1 200); do [ -s "$WORK/url" ] && break; sleep 0.05; done
URL="$(head -1 "$WORK/url")"
cat > "$WORK/kubeconfig" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: bench
  cluster: {server: "$URL"}
contexts:
- name: bench
  context: {cluster: bench, user: bench}
users:
- name: bench
  user: {token: bench}
current-context: bench
YAML

# The kinds checkride lists by default on this server, as kubectl names them.
KINDS="$("$BIN" snapshot context:bench --kubeconfig "$WORK/kubeconfig" -q | python3 -c '
import json, sys
from itertools import chain
snap = json.load(sys.stdin)
seen = sorted({(o["apiVersion"].rpartition("/")[0], o["kind"]) for o in snap["objects"]})
res = {(r["group"], r["kind"]): r["name"] for r in snap["apiResources"]}
print(",".join(res[k] + ("." + k[0] if k[0] else "") for k in seen))
print(len(snap["objects"]), file=sys.stderr)
')"
echo "kinds: $(echo "$KINDS" | tr ',' '\n' | wc -l)"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { local s e; s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }

kubectl --server "$URL" --cache-dir "$WORK/kcache" api-resources > /dev/null  # warm kubectl's discovery cache
CHECKRIDE=$(for _ in $(seq "$RUNS"); do seconds "$BIN" snapshot context:bench --kubeconfig "$WORK/kubeconfig" -q; done | median)
KUBECTL=$(for _ in $(seq "$RUNS"); do seconds kubectl --server "$URL" --cache-dir "$WORK/kcache" get "$KINDS" -A -o json; done | median)
COUNT=$(kubectl --server "$URL" --cache-dir "$WORK/kcache" get "$KINDS" -A -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
echo "objects listed by kubectl: $COUNT"
echo "checkride snapshot context:bench: ${CHECKRIDE}s (median of $RUNS)"
echo "kubectl get <same kinds> -A -o json: ${KUBECTL}s (median of $RUNS)"
echo "speed-up: $(echo "scale=1; $KUBECTL / $CHECKRIDE" | bc)x"
