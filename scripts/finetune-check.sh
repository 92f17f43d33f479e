#!/usr/bin/env bash
# The base model's fine-tuning check (issue 9): one composer (the corpus rows marked "holdout",
# kept out of the base model's data) is split into pieces to fine-tune on and pieces to measure
# on. Measures validation bits/note of the base model, then of full, LoRA and state-tuned
# copies, and prints the table (also as WORK_DIR/finetune-check.json).
#
#   scripts/finetune-check.sh [WORK_DIR]
#
# Environment: PIANOMUSE_CLI (default build/cli/pianomuse-cli), BASE (default the shipped model),
# STEPS (default 150), DEVICE (auto).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$root/build/finetune-check}"
cli="${PIANOMUSE_CLI:-$root/build/cli/pianomuse-cli}"
base="${BASE:-$root/resources/models/pianomuse-base.safetensors}"
steps="${STEPS:-150}"
device="${DEVICE:-auto}"
[ -x "$cli" ] || { echo "finetune-check: $cli not found; build first" >&2; exit 1; }
[ -f "$base" ] || { echo "finetune-check: no base model at $base" >&2; exit 1; }
mkdir -p "$work"

# The held-out composer's pieces; the last two (by name) are measured, the rest fine-tuned on.
files=()
while IFS=$'\t' read -r file _ _ _ _ _ _ split; do
    [ "$split" = "holdout" ] && files+=("$root/resources/corpus/$file")
done < <(tail -n +2 "$root/resources/corpus/CREDITS.tsv")
[ "${#files[@]}" -ge 3 ] || { echo "finetune-check: fewer than 3 holdout pieces" >&2; exit 1; }
IFS=$'\n' files=($(printf '%s\n' "${files[@]}" | sort)); unset IFS
n=${#files[@]}
data="$work/data"
rm -rf "$data"
"$cli" dataset build "${files[@]}" -o "$data" --val-fraction 0 --held-out "${files[n-2]}" --held-out "${files[n-1]}" \
    --transpose=-3..3 >/dev/null

bits() { "$cli" eval --model "$1" --data "$data" --json | sed -n 's/.*"val_bits_per_note":\([0-9.eE+-]*\).*/\1/p'; }
# Each method's learning rate is the engine's default (pm::train::defaultLearningRate, the one
# source the app and the CLI use), read back from the dry run.
declare -A result lr
for method in full lora state; do
    lr[$method]=$("$cli" train --data "$data" -o "$work/$method" --base "$base" --method "$method" --steps "$steps" \
        --dry-run --json | sed -n 's/.*"optim":{[^}]*"lr":\([0-9.eE+-]*\).*/\1/p')
    [ -n "${lr[$method]}" ] || { echo "finetune-check: no learning rate in the $method dry run" >&2; exit 1; }
done
result[base]=$(bits "$base")
echo "base model: ${result[base]} bits/note on $(basename "${files[n-2]}") and $(basename "${files[n-1]}")"
for method in full lora state; do
    rm -rf "$work/$method"
    "$cli" train --data "$data" -o "$work/$method" --base "$base" --method "$method" \
        --steps "$steps" --ctx-len 256 --batch 4 --validate-every 0 --sample-bars 0 --device "$device" --seed 1 \
        > "$work/$method.log" 2>&1
    result[$method]=$(bits "$work/$method/model-final.safetensors")
    echo "$method (lr ${lr[$method]}, $steps steps): ${result[$method]} bits/note"
done

printf '\n| model | val bits/note | change vs base |\n|---|---|---|\n'
for m in base full lora state; do
    awk -v m="$m" -v b="${result[base]}" -v x="${result[$m]}" 'BEGIN{printf "| %s | %.3f | %+.1f%% |\n", m, x, 100*(x-b)/b}'
done
{
    printf '{"steps": %s, "base": %s' "$steps" "${result[base]}"
    for m in full lora state; do printf ', "%s": %s' "$m" "${result[$m]}"; done
    printf '}\n'
} > "$work/finetune-check.json"
