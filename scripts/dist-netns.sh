#!/usr/bin/env bash
# A real two-host distributed run on one machine (issue 16): two network namespaces joined by a
# veth pair, one rank in each, the master on the first host's address. The run must equal one
# process with the global batch: per-step losses and the final model within 1e-5.
#
#   scripts/dist-netns.sh [--cli PATH] [--steps N]     (as root; CTest label `slow`: dist_netns)
#
# Exit 77 (CTest's skip) where namespaces cannot be made (not root, no iproute2, a container
# without CAP_NET_ADMIN). Everything it creates is removed on exit.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="${PIANOMUSE_BUILD_DIR:-$root/build}/cli/pianomuse-cli"
steps=8
while [ $# -gt 0 ]; do
    case "$1" in
        --cli) cli="$2"; shift ;;
        --steps) steps="$2"; shift ;;
        *) echo "usage: scripts/dist-netns.sh [--cli PATH] [--steps N]" >&2; exit 1 ;;
    esac
    shift
done
[ -x "$cli" ] || { echo "dist-netns: no $cli (scripts/build.sh builds it)" >&2; exit 1; }
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
    echo "dist-netns: skipped: needs root and iproute2 (ip netns)" >&2
    exit 77
fi

tag="pm$$"
h0="$tag-h0" h1="$tag-h1" v0="$tag-v0" v1="$tag-v1"
a0=10.231.$(($$ % 200)).1 a1=10.231.$(($$ % 200)).2
work="$(mktemp -d /tmp/pianomuse-netns.XXXXXX)"
cleanup() {
    ip netns del "$h0" 2>/dev/null || true
    ip netns del "$h1" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
if ! ip netns add "$h0" 2>/dev/null; then
    echo "dist-netns: skipped: cannot create network namespaces here" >&2
    exit 77
fi
ip netns add "$h1"
ip link add "$v0" type veth peer name "$v1"
ip link set "$v0" netns "$h0"
ip link set "$v1" netns "$h1"
ip -n "$h0" addr add "$a0/24" dev "$v0"
ip -n "$h1" addr add "$a1/24" dev "$v1"
for ns in "$h0" "$h1"; do ip -n "$ns" link set lo up; done
ip -n "$h0" link set "$v0" up
ip -n "$h1" link set "$v1" up

# A dataset from the MIDI files the tests use.
"$cli" dataset build "$root/tests/data/midi" -o "$work/ds" >/dev/null 2>&1
common=(train --data "$work/ds" --scratch --preset tiny --ctx-len 64 --steps "$steps" --validate-every 4 --sample-bars 0
        --seed 3 --device cpu --checkpoint-seconds 1000 --dist-timeout 30)

"$cli" --threads 2 "${common[@]}" --batch 4 -o "$work/one" >/dev/null 2>"$work/one.err" || { cat "$work/one.err"; exit 1; }
for r in 0 1; do
    ns="$h0"; [ "$r" = 1 ] && ns="$h1"
    ip netns exec "$ns" env RANK=$r WORLD_SIZE=2 LOCAL_RANK=0 LOCAL_WORLD_SIZE=1 MASTER_ADDR="$a0" MASTER_PORT=29500 \
        "$cli" --threads 1 "${common[@]}" --batch 2 -o "$work/host$r" >/dev/null 2>"$work/rank$r.err" &
    eval "pid$r=\$!"
done
status=0
wait "$pid0" || status=$?
wait "$pid1" || status=$?
if [ "$status" != 0 ]; then
    echo "dist-netns: a rank failed" >&2
    cat "$work/rank0.err" "$work/rank1.err" >&2
    exit 1
fi
grep -q "2 processes (gloo)" "$work/rank0.err" || { echo "dist-netns: rank 0 did not report 2 processes" >&2; exit 1; }
[ ! -e "$work/host1/metrics.jsonl" ] || { echo "dist-netns: rank 1 wrote a run folder" >&2; exit 1; }

# Compare without LibTorch: metrics.jsonl and safetensors (F32 tensors) read by hand.
/usr/bin/python3 - "$work/one" "$work/host0" <<'PY'
import json, struct, sys, array
one, two = sys.argv[1], sys.argv[2]
def losses(d):
    out = {}
    for line in open(d + '/metrics.jsonl'):
        j = json.loads(line)
        if 'event' in j: continue
        for k in ('loss', 'val_loss'):
            if k in j: out[(k, j['step'])] = j[k]
    return out
la, lb = losses(one), losses(two)
assert la.keys() == lb.keys() and la, (sorted(la), sorted(lb))
worst = max(abs(la[k] - lb[k]) / abs(la[k]) for k in la)
assert worst <= 1e-5, 'losses differ by %g (relative)' % worst
def tensors(path):
    b = open(path, 'rb').read()
    n = struct.unpack('<Q', b[:8])[0]
    head = json.loads(b[8:8 + n])
    out = {}
    for k, v in head.items():
        if k == '__metadata__' or v['dtype'] != 'F32': continue
        s, e = v['data_offsets']
        a = array.array('f'); a.frombytes(b[8 + n + s:8 + n + e]); out[k] = a
    return out
ta, tb = tensors(one + '/model-final.safetensors'), tensors(two + '/model-final.safetensors')
assert ta.keys() == tb.keys() and len(ta) > 10
diff = max(max((abs(x - y) for x, y in zip(ta[k], tb[k])), default=0.0) for k in ta)
assert diff <= 1e-5, 'parameters differ by %g' % diff
print('dist-netns: 2 hosts (%s) equal 1 process: %d losses within %.1e relative, %d tensors within %.1e'
      % ('veth', len(la), worst, len(ta), diff))
PY
