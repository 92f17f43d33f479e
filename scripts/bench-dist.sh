#!/usr/bin/env bash
# Distributed training on this machine (issue 16): tokens/s of 1 process x 2 threads against
# 2 ranks x 1 thread (`--nproc 2`) on the same global batch, side by side, repeated; and what the
# gradient all-reduce costs per step (bytes and milliseconds, from rank 0's metrics.jsonl).
# Not a test: docs/distributed.md holds the latest numbers.
#
#   scripts/bench-dist.sh [--presets tiny,small] [--steps 20] [--repeats 3] [--data DATASET]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PIANOMUSE_BUILD_DIR:-$root/build}"
shared="${PIANOMUSE_SHARED:-$root/../shared}"
presets=tiny,small steps=20 repeats=3 data=""
while [ $# -gt 0 ]; do
    case "$1" in
        --presets) presets="$2"; shift ;;
        --steps) steps="$2"; shift ;;
        --repeats) repeats="$2"; shift ;;
        --data) data="$2"; shift ;;
        *) echo "usage: scripts/bench-dist.sh [--presets tiny,small] [--steps N] [--repeats N] [--data DATASET]" >&2; exit 1 ;;
    esac
    shift
done
[ -x "$build/cli/pianomuse-cli" ] || PIANOMUSE_BUILD_TARGET=pianomuse-cli "$root/scripts/build.sh"

exec /usr/bin/python3 - "$build/cli/pianomuse-cli" "$shared" "$root" "$presets" "$steps" "$repeats" "$data" <<'PY'
import json, os, statistics, subprocess, sys, tempfile
cli, shared, root, presets, steps, repeats, data = sys.argv[1:8]
steps, repeats = int(steps), int(repeats)
tmp = tempfile.mkdtemp(prefix='pianomuse-bench-dist-')
load = lambda: open('/proc/loadavg').read().split()[0]
if not data:
    src = os.path.join(shared, 'data', 'midi')
    if not os.path.isdir(src): src = os.path.join(root, 'resources', 'corpus')
    data = os.path.join(tmp, 'ds')
    subprocess.run([cli, 'dataset', 'build', src, '-o', data], check=True, capture_output=True)

def train(preset, nproc, k):
    out = os.path.join(tmp, '%s-%d-%d' % (preset, nproc, k))
    batch = 8 // nproc   # the global batch is 8 x 256 either way
    cmd = [cli, '--threads', str(2 // nproc), 'train'] + (['--nproc', str(nproc)] if nproc > 1 else []) + [
        '--data', data, '-o', out, '--scratch', '--preset', preset, '--batch', str(batch), '--ctx-len', '256',
        '--steps', str(steps), '--validate-every', '0', '--sample-bars', '0', '--checkpoint-seconds', '100000']
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0: raise SystemExit('failed: %s\n%s' % (' '.join(cmd), p.stderr[-600:]))
    lines = [json.loads(l) for l in open(os.path.join(out, 'metrics.jsonl'))]
    stepsLog = [l for l in lines if 'loss' in l and 'event' not in l]
    ms = [l['allreduce_ms'] for l in stepsLog[1:] if 'allreduce_ms' in l]   # step 1 pays for warm-up
    by = [l['allreduce_bytes'] for l in stepsLog if 'allreduce_bytes' in l]
    return stepsLog[-1]['tokens_per_s'], ms, (by[-1] if by else 0)

print('bench-dist: %s, %d steps, %d repeats, load %s at start' % (os.path.basename(data), steps, repeats, load()))
print('| model | 1 process x 2 threads (tok/s, min / median) | 2 ranks x 1 thread (tok/s) | ratio | all-reduce per step (MB, ms median) | load |')
print('|---|---|---|---|---|---|')
for preset in presets.split(','):
    l0 = load()
    one, two, ms, bytes_ = [], [], [], 0
    for k in range(repeats):   # interleaved: both see the same machine
        one.append(train(preset, 1, k)[0])
        t, m, b = train(preset, 2, k)
        two.append(t); ms += m; bytes_ = b
    print('| %s | %.0f / %.0f | %.0f / %.0f | %.2fx | %.1f MB, %.1f ms | %s-%s |' % (
        preset, min(one), statistics.median(one), min(two), statistics.median(two),
        statistics.median(two) / statistics.median(one), bytes_ / 1e6, statistics.median(ms) if ms else 0, l0, load()), flush=True)
PY
