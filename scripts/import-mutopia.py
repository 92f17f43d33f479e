#!/usr/bin/env python3
"""Adds rendered Mutopia pieces to resources/corpus with their CREDITS.tsv rows (issue 19).

    scripts/import-mutopia.py RENDER_OUT [--shared ../shared] [--cli build/cli/pianomuse-cli] [--dry-run]

RENDER_OUT is the output folder of ../shared/tools/render_mutopia.sh (its render_results.tsv
and OUT/<Composer>/<piece>.mid files). For every rendered MIDI file of a piece whose licence is
public domain or CC-BY (share-alike pieces are never imported: the shipped model's weights would
have to carry their terms, see resources/README.md), the file is checked with
`pianomuse-cli inspect --json` (it must read cleanly and hold at least MIN_NOTES notes and at
most MAX_SECONDS seconds), copied to resources/corpus/<Composer>__<piece>.mid and credited:
composer, title, licence, source (the Mutopia folder and main file), note count, duration and
split. Splits: `base` trains the shipped base model; `measure` are the held-out composers the
base model's quality table is measured on (MEASURE_COMPOSERS: never trained on); `holdout` stays
the fine-tuning check's six Joplin files already in the corpus. Files already in the corpus or
in resources/demo are left alone, so rerunning is safe.
"""
import argparse
import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys

MEASURE_COMPOSERS = {"JoplinS", "ChopinFF"}
MIN_NOTES = 32
MAX_SECONDS = 30 * 60


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("render_out")
    ap.add_argument("--shared", default=os.path.join(root, "..", "shared"))
    ap.add_argument("--cli", default=os.path.join(root, "build", "cli", "pianomuse-cli"))
    ap.add_argument("--dry-run", action="store_true")
    a = ap.parse_args()

    licences = {}
    with open(os.path.join(a.shared, "data", "mutopia-ly", "LICENSES.tsv"), encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            licences[row["path"]] = row
    corpus = os.path.join(root, "resources", "corpus")
    credits_path = os.path.join(corpus, "CREDITS.tsv")
    with open(credits_path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
    have = set(os.listdir(corpus)) | set(os.listdir(os.path.join(root, "resources", "demo")))

    # Some suites render each movement twice (a title-page score and the movement's own): byte-identical
    # MIDI is imported once.
    digest = lambda path: hashlib.sha256(open(path, "rb").read()).hexdigest()
    hashes = {digest(os.path.join(corpus, n)) for n in os.listdir(corpus) if n.endswith(".mid")}
    counts = {"imported": 0, "share-alike": 0, "present": 0, "duplicate": 0, "failed render": 0, "rejected": 0}
    reasons = []
    rows = []
    with open(os.path.join(a.render_out, "render_results.tsv"), encoding="utf-8") as f:
        results = list(csv.DictReader(f, delimiter="\t"))
    for r in results:
        piece = r["path"]
        lic = licences.get(piece)
        if lic is None:
            reasons.append(f"{piece}: not in LICENSES.tsv")
            counts["rejected"] += 1
            continue
        if lic["license_family"] not in ("PD", "CC-BY"):
            counts["share-alike"] += 1
            continue
        if r["status"] not in ("ok", "partial"):
            counts["failed render"] += 1
            reasons.append(f"{piece}: {r['status']} {r.get('error', '')[:120]}")
            continue
        for out in [o for o in r["outputs"].replace(";", ",").split(",") if o.strip()]:
            src = os.path.join(a.render_out, out.strip())
            name = out.strip().replace("/", "__")
            if name in have:
                counts["present"] += 1
                continue
            h = digest(src)
            if h in hashes:
                counts["duplicate"] += 1
                continue
            p = subprocess.run([a.cli, "inspect", "--json", src], capture_output=True, text=True)
            try:
                info = json.loads(p.stdout)
            except ValueError:
                info = {}
            if p.returncode != 0 or not info.get("ok"):
                counts["rejected"] += 1
                reasons.append(f"{name}: does not read cleanly ({p.stderr.strip()[:100]})")
                continue
            notes, seconds = int(info["n_notes"]), float(info["duration_seconds"])
            if notes < MIN_NOTES or seconds > MAX_SECONDS:
                counts["rejected"] += 1
                reasons.append(f"{name}: {notes} notes, {seconds:.0f} s")
                continue
            composer = lic["composer"]
            split = "measure" if composer in MEASURE_COMPOSERS else "base"
            source = (f"Mutopia Project (mutopiaproject.org), rendered to MIDI from "
                      f"{lic['source_path_in_repo']}/{lic['header_ly']} with LilyPond 2.24 (repeats unfolded)")
            values = {"file": name, "composer": composer, "title": lic["title"], "licence": lic["license"],
                      "source": source, "notes": str(notes), "duration_s": f"{seconds:.3f}", "split": split}
            rows.append([values.get(h, "") for h in header])
            if not a.dry_run:
                shutil.copyfile(src, os.path.join(corpus, name))
            have.add(name)
            hashes.add(h)
            counts["imported"] += 1
    if not a.dry_run and rows:
        with open(credits_path, "a", encoding="utf-8", newline="") as f:
            w = csv.writer(f, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\")
            for row in rows:
                w.writerow([c.replace("\t", " ") for c in row])
    print(json.dumps(counts))
    for line in reasons:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
