#!/usr/bin/env bash
# Run every cargo-fuzz target of fuzz/ for SECONDS each (default 600), one
# after another, at low priority and with one job, then print executions,
# crashes and slow units per target. Not part of CI.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). On a stable toolchain the
# build's -Z flags are allowed through RUSTC_BOOTSTRAP=1; FUZZ_SANITIZER
# picks the sanitizer (default `address`; `none` runs about twice as fast).
# Each target's corpus grows in fuzz/corpus/TARGET (seeded from
# fuzz/seeds/TARGET), findings land in fuzz/artifacts/TARGET, logs in
# fuzz/logs/TARGET.log. libFuzzer runs in fork mode with one worker
# (-fork=1) and goes on after a crash, timeout or OOM, so that one finding
# does not end the target's time; FUZZ_FORK=0 stops at the first finding
# instead. Extra libFuzzer flags: FUZZ_ARGS.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../fuzz"

seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(read_records tokenize quality align report)
fi
sanitizer=${FUZZ_SANITIZER:-address}
export RUSTC_BOOTSTRAP=1

nice -n 15 cargo fuzz build --sanitizer "$sanitizer"

mkdir -p logs
declare -A execs crashes slow
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target" "artifacts/$target"
    before=$(ls "artifacts/$target" | wc -l)
    echo "== $target: ${seconds}s" >&2
    # One worker process, one core, low priority.
    mode=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
    [ "${FUZZ_FORK:-1}" = 1 ] || mode=()
    set +e
    nice -n 15 cargo fuzz run --sanitizer "$sanitizer" "$target" \
        "corpus/$target" "seeds/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 "${mode[@]}" ${FUZZ_ARGS:-} >"logs/$target.log" 2>&1
    status=$?
    set -e
    # The last status line: "#N: cov: ..." in fork mode, "#N ..." otherwise.
    execs[$target]=$(grep -o -E '^#[0-9]+' "logs/$target.log" | tail -1 | tr -d '#' || true)
    after=$(ls "artifacts/$target" | wc -l)
    crashes[$target]=$(ls "artifacts/$target" | grep -c -E '^(crash|oom|leak)-' || true)
    slow[$target]=$(ls "artifacts/$target" | grep -c -E '^(timeout|slow-unit)-' || true)
    echo "   exit $status, $((after - before)) new artifact(s)" >&2
done

printf '%-14s %12s %8s %8s\n' target executions crashes timeouts
for target in "${targets[@]}"; do
    printf '%-14s %12s %8s %8s\n' "$target" "${execs[$target]:-?}" "${crashes[$target]}" "${slow[$target]}"
done
