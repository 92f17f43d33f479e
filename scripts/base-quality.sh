#!/usr/bin/env bash
# The base model's quality table (issue 19): an old and a new base model on the held-out
# composers (the corpus rows marked "holdout" and "measure", never trained on by either), as
# built by scripts/pretrain-base.sh: held-out bits/note and the unigram baseline, infilling
# (bits/note of random gaps given both sides vs the left side only), and the model report's
# continuation metrics against the held-out pieces' own continuations. Prints a Markdown table;
# everything is kept in WORK_DIR (eval-*.json, infill-*.json, report.json/.txt).
#
#   scripts/base-quality.sh OLD.safetensors NEW.safetensors [WORK_DIR]
#
# WORK_DIR defaults to build/pretrain-base (its measure/ dataset is reused when present).
# Environment: PIANOMUSE_CLI (default build/cli/pianomuse-cli), SAMPLES (report, default 16).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -ge 2 ] || { echo "usage: scripts/base-quality.sh OLD.safetensors NEW.safetensors [WORK_DIR]" >&2; exit 2; }
old="$1" new="$2"
work="${3:-$root/build/pretrain-base}"
cli="${PIANOMUSE_CLI:-$root/build/cli/pianomuse-cli}"
samples="${SAMPLES:-16}"
mkdir -p "$work"

measure="$work/measure"
if [ ! -f "$measure/dataset.json" ]; then
    files=("$root"/resources/demo/*.mid) held=() held_args=()
    while IFS=$'\t' read -r file _ _ _ _ _ _ split; do
        [ "$split" = "base" ] && files+=("$root/resources/corpus/$file")
        if [ "$split" = "holdout" ] || [ "$split" = "measure" ]; then
            held+=("$root/resources/corpus/$file")
            held_args+=(--held-out "$root/resources/corpus/$file")
        fi
    done < <(tail -n +2 "$root/resources/corpus/CREDITS.tsv")
    "$cli" dataset build "${files[@]}" "${held[@]}" -o "$measure" --val-fraction 0 "${held_args[@]}" >/dev/null
fi

for m in old new; do
    model=${!m}
    [ -f "$work/eval-$m.json" ] || "$cli" eval --model "$model" --data "$measure" --json > "$work/eval-$m.json"
    [ -f "$work/infill-$m.json" ] || "$cli" eval --infill --model "$model" --data "$measure" --json > "$work/infill-$m.json"
done
[ -f "$work/report.json" ] || "$cli" report --model "$new" --compare "$old" --data "$measure" --samples "$samples" \
    --json "$work/report.json" -q > "$work/report.txt"

python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
ev = {m: json.load(open(f"{w}/eval-{m}.json")) for m in ("old", "new")}
inf = {m: json.load(open(f"{w}/infill-{m}.json")) for m in ("old", "new")}
rep = json.load(open(f"{w}/report.json"))
new, old = rep["models"]
o, n = ev["old"]["val_bits_per_note"], ev["new"]["val_bits_per_note"]
print("| measure (held-out composers) | old base | new base | change |\n|---|---|---|---|")
print(f"| bits/note (lower is better) | {o:.3f} | {n:.3f} | {100 * (n - o) / o:+.1f} % |")
print(f"| unigram baseline bits/note | {ev['old']['unigram_bits_per_note']:.3f} | {ev['new']['unigram_bits_per_note']:.3f} | |")
def infill(m):
    return inf[m]["bits_per_note_both_sides"], inf[m]["bits_per_note_left_only"]
ob, ol = infill("old")
nb, nl = infill("new")
print(f"| infilling: gap bits/note given both sides | {ob:.3f} | {nb:.3f} | |")
print(f"| infilling: gap bits/note given the left side only | {ol:.3f} | {nl:.3f} | |")
print(f"| infilling: gaps, notes | {inf['old']['gaps']}, {inf['old']['notes']} | {inf['new']['gaps']}, {inf['new']['notes']} | |")
for sn, so in zip(new["comparison"]["scalars"], old["comparison"]["scalars"]):
    if sn.get("overlap") is None or so.get("overlap") is None: continue
    print(f"| {sn['name']}: overlap with the true continuations (higher) | {so['overlap']:.3f} | {sn['overlap']:.3f} | |")
for hn, ho in zip(new["comparison"]["histograms"], old["comparison"]["histograms"]):
    if hn.get("js_distance") is None or ho.get("js_distance") is None: continue
    print(f"| {hn['name']}: JS distance to the true continuations (lower) | {ho['js_distance']:.3f} | {hn['js_distance']:.3f} | |")
print(f"| continuations flagged as copies | {old['flagged_copies']} of {len(old['samples'])} | {new['flagged_copies']} of {len(new['samples'])} | |")
PY
