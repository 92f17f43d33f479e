#!/usr/bin/env bash
# Reproduces the base model shipped in resources/models/ (issues 9 and 19): builds a dataset from
# every bundled freely licensed piece whose split is "base" (resources/demo and resources/corpus;
# the "holdout" composer stays out for the fine-tuning check, scripts/finetune-check.sh, and the
# "measure" composers for the quality table), trains the `small` preset from scratch with
# augmentation and a share of infilling windows, measures it on the held-out composers, and
# exports it as bf16 .safetensors with its data card (written by python3 from the dataset report,
# the metrics and the evaluations).
#
#   scripts/pretrain-base.sh [WORK_DIR] [-- extra pianomuse-cli train options]
#
# Rerunning continues an interrupted run exactly (train --resume). Environment: PIANOMUSE_CLI
# (default build/cli/pianomuse-cli), STEPS (phase 3, default 9000), PHASE1_STEPS (507), FIM_RATE
# (phase 3, 0.4), DEVICE (auto), OUT (default resources/models/pianomuse-base.safetensors).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$root/build/pretrain-base}"
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
cli="${PIANOMUSE_CLI:-$root/build/cli/pianomuse-cli}"
steps="${STEPS:-9000}"
fim="${FIM_RATE:-0.4}"
device="${DEVICE:-auto}"
out="${OUT:-$root/resources/models/pianomuse-base.safetensors}"
[ -x "$cli" ] || { echo "pretrain-base: $cli not found; build first (scripts/build.sh)" >&2; exit 1; }
mkdir -p "$work"

# The pieces: the demo set (all public domain) and the corpus rows marked "base".
files=("$root"/resources/demo/*.mid)
held=()
while IFS=$'\t' read -r file _ _ _ _ _ _ split; do
    [ "$split" = "base" ] && files+=("$root/resources/corpus/$file")
    { [ "$split" = "holdout" ] || [ "$split" = "measure" ]; } && held+=("$root/resources/corpus/$file")
done < <(tail -n +2 "$root/resources/corpus/CREDITS.tsv")
echo "pretrain-base: ${#files[@]} pieces"

data="$work/data"
if [ ! -f "$data/dataset.json" ]; then
    "$cli" dataset build "${files[@]}" -o "$data" --val-fraction 0.06 --seed 7 \
        --transpose=-5..6 --tempo-stretch 0.95..1.05 --json-report "$work/dataset-report.json"
fi
# The held-out composers' pieces as the validation split of a second dataset (the base pieces
# train it, which only sets the unigram baseline): the quality table's "held-out bits/note".
measure="$work/measure"
if [ ! -f "$measure/dataset.json" ]; then
    held_args=()
    for f in "${held[@]}"; do held_args+=(--held-out "$f"); done
    "$cli" dataset build "${files[@]}" "${held[@]}" -o "$measure" --val-fraction 0 "${held_args[@]}" >/dev/null
fi

# Three phases (how the shipped model was made, issue 19, on a 2-core VM shared with builds):
# 1. a new small model on a 3000-step cosine schedule (lr 1e-3 -> 1e-4, 30 % infilling windows),
#    stopped after PHASE1_STEPS steps (Ctrl-C semantics: a checkpoint and model-final are
#    written; the stop lands within a step or two of the count);
# 2. from those weights, a fresh 1100-step cosine (lr 8e-4 -> 5e-5, 20 % infilling windows), so
#    the learning rate anneals within the time there was;
# 3. from those weights, a fresh STEPS-step cosine (lr 6e-4 -> 3e-5, FIM_RATE infilling windows):
#    the long run, on an idle 2-core machine (about 2,000 tokens/s, 0.5 s a step).
# Phases 1 and 2 of the shipped model ran with the first infilling layout (prefix, MASKs, suffix,
# SEP, middle); phase 3 with the suffix-prefix-middle layout of docs/tokenizer.md, which is what
# this build writes in every phase. Each phase resumes when interrupted.
phase1_steps="${PHASE1_STEPS:-507}"
run="$work/run"
run2="$work/run2"
run3="$work/run3"
phase1_args=(--data "$data" -o "$run" --preset small --ctx-len 256 --batch 4 --steps 3000 --lr 1e-3 --fim-rate 0.3
             --lr-final 1e-4 --validate-every 100 --seed 1 --device "$device" --sample-bars 0)
phase2_args=(--data "$data" -o "$run2" --base "$run/model-final.safetensors" --method full --ctx-len 256 --batch 4
             --steps 1100 --lr 8e-4 --lr-final 5e-5 --fim-rate 0.2 --validate-every 275 --seed 2
             --device "$device" --sample-bars 0)
phase3_args=(--data "$data" -o "$run3" --base "$run2/model-final.safetensors" --method full --ctx-len 256 --batch 4
             --steps "$steps" --lr 6e-4 --lr-final 3e-5 --fim-rate "$fim" --validate-every 750 --seed 3
             --device "$device" --sample-bars 0)
resume_args() { ls "$1"/checkpoints/ckpt-*.pmckpt >/dev/null 2>&1 && echo --resume; true; }
if [ ! -f "$run3/model-final.safetensors" ]; then
    if [ ! -f "$run2/model-final.safetensors" ]; then
        if [ ! -f "$run/model-final.safetensors" ]; then
            "$cli" train "${phase1_args[@]}" $(resume_args "$run") "$@" &
            trainer=$!
            # Stop phase 1 at its step count: the last "step" in metrics.jsonl.
            while kill -0 "$trainer" 2>/dev/null; do
                sleep 2
                last=$(tail -n 1 "$run/metrics.jsonl" 2>/dev/null | sed -n 's/.*"step":\([0-9]*\).*/\1/p')
                if [ -n "$last" ] && [ "$last" -ge "$phase1_steps" ]; then kill -INT "$trainer"; break; fi
            done
            wait "$trainer" || true
            [ -f "$run/model-final.safetensors" ] || { echo "pretrain-base: phase 1 left no model" >&2; exit 1; }
        fi
        "$cli" train "${phase2_args[@]}" $(resume_args "$run2") "$@"
    fi
    "$cli" train "${phase3_args[@]}" $(resume_args "$run3") "$@"
fi
"$cli" eval --model "$run3/model-final.safetensors" --data "$data" --json | tee "$work/eval.json"
"$cli" eval --model "$run3/model-final.safetensors" --data "$measure" --json | tee "$work/eval-held-out.json"

# The data card: what went in, how long it trained, how well it does, and how to redo it.
"$cli" dataset info "$data" --json > "$work/dataset-info.json"
python3 - "$root" "$work" "$steps" "train ${phase1_args[*]} (stopped after $phase1_steps steps); train ${phase2_args[*]}; train ${phase3_args[*]}" "$fim" > "$work/data-card.json" <<'PY'
import csv, json, sys, datetime, os
root, work, steps, command, fim = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
held = json.load(open(f"{work}/eval-held-out.json"))
info = json.load(open(f"{work}/dataset-info.json"))
ev = json.load(open(f"{work}/eval.json"))
credits = {}
for tsv in ("resources/demo/CREDITS.tsv", "resources/corpus/CREDITS.tsv"):
    for r in csv.DictReader(open(os.path.join(root, tsv), encoding="utf-8"), delimiter="\t"):
        credits[r["file"]] = r
files = [f for f in info["files"] if f["status"] == "ok"]
def last_step(path):
    last = {}
    for line in open(path):
        j = json.loads(line)
        if "loss" in j: last = j
    return last
phases = [last_step(f"{work}/{r}/metrics.jsonl") for r in ("run", "run2", "run3")]
last = phases[-1]
done_steps = [p.get("step", 0) for p in phases]
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
    "steps": sum(done_steps),
    "steps_by_phase": done_steps,
    "tokens_trained": sum(done_steps) * tokens_per_step,
    "final_train_loss_nats_per_token": round(last.get("loss", float("nan")), 4),
    "val_bits_per_note": round(ev["val_bits_per_note"], 3),
    "val_loss_nats_per_token": round(ev["val_loss"], 4),
    "unigram_bits_per_note": round(ev["unigram_bits_per_note"], 3),
    "held_out_bits_per_note": round(held["val_bits_per_note"], 3),
    "held_out_notes": held["n_notes"],
    "fim_rate_by_phase": [0.3, 0.2, fim],
    "infilling_layout": "phases 1-2: prefix, MASKs, suffix, SEP, middle (the first layout); phase 3: suffix, prefix, MASKs, middle (docs/tokenizer.md)",
    "command": "scripts/pretrain-base.sh (pianomuse-cli " + command.replace(work, "WORK") + ")",
    "held_out": "JoplinS (the fine-tuning check, scripts/finetune-check.sh) and ChopinFF: all their pieces (corpus splits holdout and measure); held_out_bits_per_note is measured on them",
    "licence": "weights: CC-BY-4.0; training data: public domain and CC-BY 2.5/3.0/4.0 Mutopia renderings (no share-alike material), credited in sources",
    "sources": sources,
}
print(json.dumps(card, ensure_ascii=False, indent=1))
PY
mkdir -p "$(dirname "$out")"
"$cli" model export "$run3/model-final.safetensors" -o "$out" --bf16 --data-card "$work/data-card.json"
cp "$work/data-card.json" "${out%.safetensors}.data-card.json"   # the card beside the model, readable without it
"$cli" model info "$out" | sed -n 1,40p   # sed reads to the end: no SIGPIPE under pipefail
