#!/usr/bin/env bash
# MIDI reading speed, ours beside mido's, on the same files in the same run:
#
#   scripts/bench-midi.sh [FOLDER]        default: ../shared/data/midi
#
# Ours: pianomuse-bench-midi (parse + note extraction, files in memory, one thread, best of 20).
# mido: mido.MidiFile on the same bytes in memory + first-in-first-out note pairing, in
# /usr/bin/python3 (Debian's python3-mido), best of 3. Both are timed in thread CPU time, so a
# busy machine slows neither; wall times are printed too. Prints both speeds and the ratio.
# Builds the benchmark into build/ (or $PIANOMUSE_BUILD_DIR) when it is not there yet.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
folder="${1:-$root/../shared/data/midi}"
build="${PIANOMUSE_BUILD_DIR:-$root/build}"
bench="$build/bench/pianomuse-bench-midi"

if [[ ! -x "$bench" ]]; then
    PIANOMUSE_BUILD_TARGET=pianomuse-bench-midi "$root/scripts/build.sh"
fi

ours_json="$("$bench" "$folder" --runs 20 --json)"
mido_json="$(/usr/bin/python3 - "$folder" <<'PY'
import collections, io, json, os, sys, time
import mido

folder = sys.argv[1]
paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(folder) for f in fs
               if f.lower().endswith(('.mid', '.midi', '.kar', '.rmi')))
blobs = [open(p, 'rb').read() for p in paths]

def notes_of(data):
    mf = mido.MidiFile(file=io.BytesIO(data))
    count = 0
    for track in mf.tracks:
        tick, opened = 0, collections.defaultdict(collections.deque)
        for msg in track:
            tick += msg.time
            if msg.type == 'note_on' and msg.velocity > 0:
                opened[(msg.channel, msg.note)].append(tick)
            elif msg.type in ('note_on', 'note_off'):
                q = opened.get((msg.channel, msg.note))
                if q:
                    q.popleft()
                    count += 1
    return count

best, best_wall, notes, failed = float('inf'), float('inf'), 0, 0
for _ in range(3):
    notes = failed = 0
    start, wall = time.thread_time(), time.perf_counter()
    for data in blobs:
        try:
            notes += notes_of(data)
        except Exception:
            failed += 1
    best = min(best, time.thread_time() - start)
    best_wall = min(best_wall, time.perf_counter() - wall)
size = sum(len(b) for b in blobs)
print(json.dumps({'files': len(blobs), 'bytes': size, 'notes': notes, 'failed': failed,
                  'best_seconds': best, 'best_wall_seconds': best_wall, 'mb_per_s': size / 1e6 / best}))
PY
)"

/usr/bin/python3 - "$ours_json" "$mido_json" "$folder" <<'PY'
import json, sys
ours, mido, folder = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
print('MIDI reading, %d files, %.2f MB (%s)' % (ours['files'], ours['bytes'] / 1e6, folder))
print('  pianomuse: %8.1f MB/s  %8.0f files/s  %d notes  (best of %d: %.2f ms CPU, %.2f ms wall)' % (
    ours['mb_per_s'], ours['files_per_s'], ours['notes'], ours['runs'],
    ours['best_seconds'] * 1e3, ours['best_wall_seconds'] * 1e3))
print('  mido:      %8.2f MB/s  %8.1f files/s  %d notes  (best of 3: %.0f ms CPU, %.0f ms wall)' % (
    mido['mb_per_s'], mido['files'] / mido['best_seconds'], mido['notes'],
    mido['best_seconds'] * 1e3, mido['best_wall_seconds'] * 1e3))
print('  ratio:     %8.0fx (CPU time), %.0fx (wall time)' % (
    ours['mb_per_s'] / mido['mb_per_s'], mido['best_wall_seconds'] / ours['best_wall_seconds']))
if ours['notes'] != mido['notes']:
    print('  note: the note counts differ (%d vs %d)' % (ours['notes'], mido['notes']))
PY
