#!/usr/bin/env bash
# Reproduces the base model shipped in resources/models/ (issue 9): builds a dataset from every
# bundled freely licensed piece whose split is "base" (resources/demo and resources/corpus; the
# "holdout" composer stays out for the fine-tuning check, scripts/finetune-check.sh), trains the
# `small` preset from scratch with augmentation, and exports it as bf16 .safetensors with its data
# card (written by python3 from the dataset report, the metrics and the evaluation).
#
#   scripts/pretrain-base.sh [WORK_DIR] [-- extra pianomuse-cli train options]
#
# Rerunning continues an interrupted run exactly (train --resume). Environment: PIANOMUSE_CLI
# (default build/cli/pianomuse-cli), STEPS (default 1100), DEVICE (auto), OUT (default
# resources/models/pianomuse-base.safetensors).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$root/build/pretrain-base}"
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
cli="${PIANOMUSE_CLI:-$root/build/cli/pianomuse-cli}"
steps="${STEPS:-1100}"
device="${DEVICE:-auto}"
out="${OUT:-$root/resources/models/pianomuse-base.safetensors}"
[ -x "$cli" ] || { echo "pretrain-base: $cli not found; build first (scripts/build.sh)" >&2; exit 1; }
mkdir -p "$work"

# The pieces: the demo set (all public domain) and the corpus rows marked "base".
files=("$root"/resources/demo/*.mid)
while IFS=$'\t' read -r file _ _ _ _ _ _ split; do
    [ "$split" = "base" ] && files+=("$root/resources/corpus/$file")
done < <(tail -n +2 "$root/resources/corpus/CREDITS.tsv")
echo "pretrain-base: ${#files[@]} pieces"

data="$work/data"
if [ ! -f "$data/manifest.json" ]; then
    "$cli" dataset build "${files[@]}" -o "$data" --val-fraction 0.06 --seed 7 \
        --transpose=-5..6 --tempo-stretch 0.95..1.05 --json-report "$work/dataset-report.json"
fi

run="$work/run"
resume=()
[ -d "$run/checkpoints" ] && ls "$run"/checkpoints/ckpt-*.pmckpt >/dev/null 2>&1 && resume=(--resume)
train_args=(--data "$data" -o "$run" --preset small --ctx-len 256 --batch 4 --steps "$steps" --lr 1e-3 --fim-rate 0.3
            --lr-final 1e-4 --validate-every 100 --seed 1 --device "$device" --sample-bars 0)
"$cli" train "${train_args[@]}" "${resume[@]}" "$@"
"$cli" eval --model "$run/model-final.safetensors" --data "$data" --json | tee "$work/eval.json"

# The data card: what went in, how long it trained, how well it does, and how to redo it.
"$cli" dataset info "$data" --json > "$work/dataset-info.json"
python3 - "$root" "$work" "$steps" "train ${train_args[*]}" > "$work/data-card.json" <<'PY'
import csv, json, sys, datetime, os
root, work, steps, command = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
info = json.load(open(f"{work}/dataset-info.json"))
ev = json.load(open(f"{work}/eval.json"))
credits = {}
for tsv in ("resources/demo/CREDITS.tsv", "resources/corpus/CREDITS.tsv"):
    for r in csv.DictReader(open(os.path.join(root, tsv), encoding="utf-8"), delimiter="\t"):
        credits[r["file"]] = r
files = [f for f in info["files"] if f["status"] == "ok"]
last = {}
for line in open(f"{work}/run/metrics.jsonl"):
    j = json.loads(line)
    if "loss" in j: last = j
tokens_per_step = 4 * 256
sources = []
for f in files:
    c = credits.get(os.path.basename(f["path"]), {})
    sources.append(f'{os.path.basename(f["path"])} — {c.get("composer", "?")}: {c.get("title", "?")} — {c.get("licence", "?")} ({c.get("source", "?")})')
card = {
    "name": "PianoMuse base (RWKV-7 x070, small preset L6-D256)",
    "description": "Pretrained from scratch on the freely licensed solo-piano pieces bundled with PianoMuse; "
                   "the starting point for fine-tuning on a user's own music.",
    "date": datetime.date.today().isoformat(),
    "pieces": len(files),
    "notes": sum(f["notes"] for f in files),
    "tokens": sum(f["tokens"] for f in files),
    "hours_of_music": round(sum(f["duration_seconds"] for f in files) / 3600, 2),
    "steps": last.get("step", steps),
    "tokens_trained": last.get("step", steps) * tokens_per_step,
    "final_train_loss_nats_per_token": round(last.get("loss", float("nan")), 4),
    "val_bits_per_note": round(ev["val_bits_per_note"], 3),
    "val_loss_nats_per_token": round(ev["val_loss"], 4),
    "unigram_bits_per_note": round(ev["unigram_bits_per_note"], 3),
    "command": "scripts/pretrain-base.sh (pianomuse-cli " + command.replace(work, "WORK") + ")",
    "held_out": "JoplinS (all pieces; scripts/finetune-check.sh)",
    "licence": "weights: CC-BY-4.0; training data: public domain and CC-BY 3.0/4.0 Mutopia renderings, credited in sources",
    "sources": sources,
}
print(json.dumps(card, ensure_ascii=False, indent=1))
PY
mkdir -p "$(dirname "$out")"
"$cli" model export "$run/model-final.safetensors" -o "$out" --bf16 --data-card "$work/data-card.json"
"$cli" model info "$out" | sed -n 1,40p   # sed reads to the end: no SIGPIPE under pipefail
