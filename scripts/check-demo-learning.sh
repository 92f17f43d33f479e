#!/usr/bin/env bash
# Issue 7's learning check: a new tiny model trained on the bundled demo dataset must get its
# validation bits/note at least 30% below the unigram baseline's within 10 minutes of CPU.
# Prints the numbers and exits non-zero when the goal is missed.
#
#   scripts/check-demo-learning.sh [WORK_DIR]     (PIANOMUSE_CLI, STEPS=600)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$root/build/demo-learning}"
cli="${PIANOMUSE_CLI:-$root/build/cli/pianomuse-cli}"
steps="${STEPS:-600}"
rm -rf "$work" && mkdir -p "$work"
"$cli" dataset build "$root"/resources/demo -o "$work/data" --transpose=-5..6 --tempo-stretch 0.95..1.05 >/dev/null
start=$(date +%s)
"$cli" train --data "$work/data" -o "$work/run" --scratch --preset tiny --ctx-len 256 --batch 8 --steps "$steps" \
    --lr 2e-3 --lr-final 2e-4 --validate-every 100 --sample-bars 0 --device cpu --seed 1 2>&1 | grep -v "^train:" || true
end=$(date +%s)
"$cli" eval --model "$work/run/model-final.safetensors" --data "$work/data" --json | tee "$work/eval.json"
awk -v secs=$((end - start)) '{
    match($0, /"val_bits_per_note":[0-9.eE+-]+/); v = substr($0, RSTART + 20, RLENGTH - 20) + 0;
    match($0, /"unigram_bits_per_note":[0-9.eE+-]+/); u = substr($0, RSTART + 24, RLENGTH - 24) + 0;
    printf "training wall time %d s; validation %.3f bits/note vs unigram %.3f: %.1f%% below\n", secs, v, u, 100 * (u - v) / u;
    exit !((u - v) / u >= 0.30 && secs <= 600) }' "$work/eval.json"
