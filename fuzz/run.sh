#!/usr/bin/env bash
# Runs checkride's fuzz targets on the stable toolchain, one at a time (see docs/security.md).
#
#   fuzz/run.sh build                 build every target
#   fuzz/run.sh run TARGET SECONDS    fuzz one target for SECONDS (corpus in fuzz/corpus/TARGET)
#   fuzz/run.sh all SECONDS           every target in turn, SECONDS each
#   fuzz/run.sh list                  the targets
#
# Stable route: RUSTC_BOOTSTRAP=1 lets stable rustc take the -Z flags cargo-fuzz passes
# (AddressSanitizer and libFuzzer's coverage instrumentation); set SANITIZER=none to build
# without AddressSanitizer (`cargo fuzz -s none`). One worker, one job: the machine is shared.
# Needs cargo-fuzz (`cargo install cargo-fuzz`). Corpora and artifacts stay out of git
# (fuzz/.gitignore); a crash is minimized into fuzz/regressions/TARGET/ by hand and replayed
# by tests/fuzz_corpus.rs.
set -euo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
SANITIZER="${SANITIZER:-address}"
TARGETS=(manifests_yaml manifests_json snapshot rules_waivers serve_request)

build() {
    cargo fuzz build -s "$SANITIZER"
}

run_one() {
    local target="$1" seconds="$2"
    mkdir -p "corpus/$target" "artifacts/$target" logs
    cp -n seeds/"$target"/* "corpus/$target/" 2>/dev/null || true
    local started=$SECONDS
    set +e
    cargo fuzz run -s "$SANITIZER" "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -jobs=1 -workers=1 \
        -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=30 -max_len=65536 \
        -artifact_prefix="artifacts/$target/" -print_final_stats=1 \
        >"logs/$target.log" 2>&1
    local rc=$?
    set -e
    # With -jobs, libFuzzer writes the worker's output to fuzz-0.log in the working folder.
    [ -f fuzz-0.log ] && mv fuzz-0.log "logs/$target.worker.log"
    local files bytes
    files=$(find "corpus/$target" -type f | wc -l)
    bytes=$(du -sb "corpus/$target" | cut -f1)
    printf '%s: exit %s after %s s; corpus %s files, %s bytes; artifacts: %s\n' \
        "$target" "$rc" "$((SECONDS - started))" "$files" "$bytes" \
        "$(ls "artifacts/$target" | wc -l)" | tee -a logs/summary.txt
    return "$rc"
}

case "${1:-}" in
    build) build ;;
    list) printf '%s\n' "${TARGETS[@]}" ;;
    run) build && run_one "$2" "${3:-600}" ;;
    all)
        build
        status=0
        for t in "${TARGETS[@]}"; do run_one "$t" "${2:-600}" || status=1; done
        exit "$status"
        ;;
    *) sed -n '2,16p' "$0"; exit 2 ;;
esac
