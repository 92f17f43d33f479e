#!/usr/bin/env bash
# Training and generation side by side (issue 14), through the real window on the offscreen
# platform: training tokens/s alone and while generating, generation tokens/s alone and while
# training, and the GUI event loop's longest stall in each phase.
#
#   scripts/bench-concurrency.sh [DATASET] [-- extra pianomuse-bench-concurrency options]
#
# Default: the bundled demo pieces as a dataset (built into build/bench-concurrency-demo once),
# fine-tuning and generating with the bundled base model, batch 8 x 256, 15 s per phase after
# 4 s of warm-up, 3 repeats; prints each repeat, the min and the median, and the load before
# and after (`uptime`). Builds the benchmark into build/ (or $PIANOMUSE_BUILD_DIR) when missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PIANOMUSE_BUILD_DIR:-$root/build}"
bench="$build/bench/pianomuse-bench-concurrency"
cli="$build/cli/pianomuse-cli"
dataset="${1:-}"
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift

if [[ ! -x "$bench" || ! -x "$cli" ]]; then
    PIANOMUSE_BUILD_TARGET=pianomuse-bench-concurrency "$root/scripts/build.sh" -DPIANOMUSE_BUILD_APP=ON
    PIANOMUSE_BUILD_TARGET=pianomuse-cli "$root/scripts/build.sh" -DPIANOMUSE_BUILD_APP=ON
fi
if [[ -z "$dataset" ]]; then
    dataset="$build/bench-concurrency-demo"
    if [[ ! -f "$dataset/current" && ! -f "$dataset/CURRENT" ]] && ! "$cli" dataset info "$dataset" >/dev/null 2>&1; then
        "$cli" dataset build "$root/resources/demo" -o "$dataset" --transpose=-5..6 >/dev/null
    fi
fi
echo "load before: $(uptime)"
QT_QPA_PLATFORM=offscreen "$bench" --data "$dataset" "$@"
echo "load after: $(uptime)"
