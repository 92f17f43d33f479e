#!/usr/bin/env bash
# The model report's check (issue 18): fine-tune the base model on the held-out composer (Joplin,
# the corpus rows marked "holdout", as scripts/finetune-check.sh does: the last two pieces by
# name validate) and report base vs fine-tuned on that dataset. Prints which measures moved toward
# the composer's own continuations; the whole report is WORK_DIR/report.json and report.txt.
# A measurement, not a test: the numbers depend on the models and the seed.
#
#   scripts/report-check.sh [WORK_DIR]
#
# Environment: PIANOMUSE_CLI (default build/cli/pianomuse-cli), BASE (default the shipped model),
# STEPS (fine-tuning steps, default 150), SAMPLES (default 12), SEED (default 1), DEVICE (auto).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$root/build/report-check}"
cli="${PIANOMUSE_CLI:-$root/build/cli/pianomuse-cli}"
base="${BASE:-$root/resources/models/pianomuse-base.safetensors}"
steps="${STEPS:-150}"
samples="${SAMPLES:-12}"
seed="${SEED:-1}"
device="${DEVICE:-auto}"
[ -x "$cli" ] || { echo "report-check: $cli not found; build first" >&2; exit 1; }
[ -f "$base" ] || { echo "report-check: no base model at $base" >&2; exit 1; }
mkdir -p "$work"

files=()
while IFS=$'\t' read -r file _ _ _ _ _ _ split; do
    [ "$split" = "holdout" ] && files+=("$root/resources/corpus/$file")
done < <(tail -n +2 "$root/resources/corpus/CREDITS.tsv")
[ "${#files[@]}" -ge 3 ] || { echo "report-check: fewer than 3 holdout pieces" >&2; exit 1; }
IFS=$'\n' files=($(printf '%s\n' "${files[@]}" | sort)); unset IFS
n=${#files[@]}
data="$work/data"
if [ ! -f "$data/dataset.json" ]; then
    "$cli" dataset build "${files[@]}" -o "$data" --val-fraction 0 --held-out "${files[n-2]}" --held-out "${files[n-1]}" \
        --transpose=-3..3 >/dev/null
fi
tuned="$work/full/model-final.safetensors"
if [ ! -f "$tuned" ]; then
    rm -rf "$work/full"
    "$cli" train --data "$data" -o "$work/full" --base "$base" --method full --steps "$steps" --ctx-len 256 --batch 4 \
        --validate-every 0 --sample-bars 0 --device "$device" --seed 1 > "$work/full.log" 2>&1
fi
"$cli" report --model "$tuned" --compare "$base" --data "$data" --samples "$samples" --seed "$seed" \
    --json "$work/report.json" -q | tee "$work/report.txt"

# Toward the composer: a lower bits/note; per scalar feature a higher overlap with the true
# continuations; per histogram a smaller Jensen-Shannon distance. A is the fine-tuned model.
python3 - "$work/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
a, b = r["models"]
rows, toward = [], 0
def row(name, base, tuned, better):
    global toward
    moved = better(tuned, base)
    toward += moved
    rows.append(f"| {name} | {base:.3f} | {tuned:.3f} | {'toward' if moved else 'away' if tuned != base else 'same'} |")
row("bits/note (lower is better)", b["val_bits_per_note"], a["val_bits_per_note"], lambda t, s: t < s)
for sa, sb in zip(a["comparison"]["scalars"], b["comparison"]["scalars"]):
    if sa.get("overlap") is not None and sb.get("overlap") is not None:
        row(f"{sa['key']} overlap (higher)", sb["overlap"], sa["overlap"], lambda t, s: t > s)
for ha, hb in zip(a["comparison"]["histograms"], b["comparison"]["histograms"]):
    if ha.get("js_distance") is not None and hb.get("js_distance") is not None:
        row(f"{ha['key']} JS distance (lower)", hb["js_distance"], ha["js_distance"], lambda t, s: t < s)
print("\n| measure | base | fine-tuned | |\n|---|---|---|---|")
print("\n".join(rows))
print(f"\n{toward} of {len(rows)} measures moved toward the composer's own continuations")
PY
