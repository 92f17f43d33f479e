#!/usr/bin/env bash
# Where a CPU training step's time goes (issue 15): LibTorch's profiler over real steps of the
# tiny and small presets on one thread (what each of the trainer's row shards runs), summed by
# kind of work — matrix products, WKV7, the elementwise glue (token shift, lerps, LoRA
# activations, gates), normalisation, head and loss, optimizer, autograd's own bookkeeping.
#
#   scripts/profile-train.sh [--batch B] [--preset NAME]...     defaults: --batch 4 (a shard of 8 on 2 cores), tiny and small
#
# Self times: an op's time minus the ops it called, so nothing counts twice. Profiling slows
# small ops down (each is recorded), so the shares lean towards the glue; tokens/s of the same
# run without the profiler are printed first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PIANOMUSE_BUILD_DIR:-$root/build}"
bench="$build/bench/pianomuse-bench-train"
[ -x "$bench" ] || PIANOMUSE_BUILD_TARGET=pianomuse-bench-train "$root/scripts/build.sh"
args=("$@")
[[ " ${args[*]-} " == *" --batch "* ]] || args+=(--batch 4)
[[ " ${args[*]-} " == *" --preset "* ]] || args+=(--preset tiny --preset small)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
"$bench" --steps 4 "${args[@]}"
(cd "$tmp" && "$bench" --steps 2 "${args[@]}" --profile trace.json >/dev/null)
/usr/bin/python3 - "$tmp" <<'PY'
import collections, glob, json, os, re, sys

def kind(name, scopes):
    n = name.lower()
    if 'optimizer' in scopes: return 'optimizer (AdamW)'
    if re.search(r'(^|::)(mm|addmm|bmm|matmul|linear|baddbmm|addmv|mv)$', n) or re.search(r'^(mm|addmm|bmm|mv)backward', n):
        return 'matrix products'
    if name == 'forward': return 'WKV7 forward kernel + time between forward ops'
    if name == 'loss+backward': return 'time between backward ops (autograd engine)'
    if 'wkv' in n or name.startswith('torch::autograd::CppNode'): return 'WKV7 backward (op + kernel)'
    if re.search(r'layer_norm|group_norm|native_layer_norm|native_group_norm|norm', n): return 'LayerNorm / GroupNorm'
    if re.search(r'cross_entropy|log_softmax|nll_loss|softmax|max|index_select|nonzero', n): return 'head: loss, logit slicing'
    if re.search(r'backward$|backward0$|backward1$|accumulategrad|autograd', n): return 'autograd nodes (bookkeeping)'
    if re.search(r'empty|zeros|ones|fill_|copy_|clone|contiguous|to$|_to_copy|cat|stack|narrow|slice|view|reshape|select|expand|permute|transpose|unsqueeze|squeeze|pad', n):
        return 'copies, views, allocation'
    return 'elementwise glue (shift, lerp, LoRA, gates)'

for trace in sorted(glob.glob(os.path.join(sys.argv[1], '*trace.json'))):
    events = json.load(open(trace))
    events = events['traceEvents'] if isinstance(events, dict) else events
    spans = [e for e in events if e.get('ph') == 'X' and 'dur' in e]
    by_tid = collections.defaultdict(list)
    for e in spans: by_tid[e.get('tid')].append(e)
    totals = collections.Counter()
    wall = 0.0
    for tid, es in by_tid.items():
        es.sort(key=lambda e: (e['ts'], -e['dur']))
        stack = []   # (end, event, child time, scopes)
        def close(item):
            end, e, child, scopes = item
            totals[kind(e['name'], scopes)] += max(0.0, e['dur'] - child)
        for e in es:
            while stack and e['ts'] >= stack[-1][0]:
                close(stack.pop())
            if stack: stack[-1][2] += e['dur']
            scopes = (stack[-1][3] if stack else set()) | ({e['name']} if e['name'] in ('forward', 'loss+backward', 'optimizer') else set())
            if not stack and e['name'] in ('forward', 'loss+backward', 'optimizer'): wall += e['dur']
            stack.append([e['ts'] + e['dur'], e, 0.0, scopes])
        while stack: close(stack.pop())
    total = sum(totals.values())
    print('\n%s: %.0f ms profiled over the recorded steps (wall of the scopes %.0f ms)' % (os.path.basename(trace), total / 1e3, wall / 1e3))
    for k, v in totals.most_common():
        print('  %-45s %6.1f %%  %8.1f ms' % (k, 100 * v / total, v / 1e3))
PY
