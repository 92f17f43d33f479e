#!/usr/bin/env bash
# One-shot GPU verification for a machine with a GPU, pip torch (CUDA), nvcc, cmake and ninja but
# no apt or network (issue 10): configure a CUDA build against pip torch, build the kernels, the GPU
# tests and the benchmark, run them, and write a short results table plus full logs to OUTDIR.
#
#   scripts/carry-deps.sh                  # once, on a Debian dev machine: third_party_carry/
#   scripts/gpu-check.sh OUTDIR [--quick]  # on the GPU machine (OUTDIR default: $OUT or ./gpu-check-out)
#
# Env: ARCH (CMAKE_CUDA_ARCHITECTURES, default 90 = H100/H200), JOBS (default nproc),
# SANITIZE=0 to skip compute-sanitizer, BUILD_DIR (default build-gpu).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-${OUT:-$root/gpu-check-out}}"
quick="${2:-}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
build="${BUILD_DIR:-$root/build-gpu}"
arch="${ARCH:-90}"
jobs="${JOBS:-$(nproc)}"
summary="$out/summary.txt"
: > "$summary"
note() { echo "$*" | tee -a "$summary"; }
step() {   # step NAME LOGFILE CMD...: run, record rc and wall time
    local name="$1" log="$2"; shift 2
    local t0=$SECONDS
    "$@" > "$out/$log" 2>&1
    local rc=$?
    printf '%-28s rc=%-3s %5ss  log: %s\n' "$name" "$rc" "$((SECONDS - t0))" "$log" | tee -a "$summary"
    return $rc
}

export PATH="/usr/local/cuda/bin:$PATH"
note "gpu-check $(date -u +%FT%TZ) commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader > "$out/nvidia-smi.txt" 2>&1 || true
note "gpu: $(head -1 "$out/nvidia-smi.txt")"
note "nvcc: $(nvcc --version 2>/dev/null | tail -1)"
torch_prefix="$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)' 2>/dev/null)"
note "torch: $(python3 -c 'import torch;print(torch.__version__, "cuda", torch.version.cuda)' 2>/dev/null)"

deps=()
[ -d "$root/third_party_carry" ] && deps=(-DPIANOMUSE_DEPS_DIR="$root/third_party_carry")
step configure configure.log cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DPIANOMUSE_BUILD_APP=OFF -DPIANOMUSE_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES="$arch" \
    -DPIANOMUSE_CUDA_VERBOSE=ON -DCMAKE_PREFIX_PATH="$torch_prefix" "${deps[@]}" || { note "configure failed"; exit 1; }
grep -h "LibTorch CUDA binding" "$out/configure.log" | tee -a "$summary"

# Kernels-level first: they need no CUDA LibTorch, so they give results even if the binding breaks.
step build-kernels build-kernels.log ninja -C "$build" -j"$jobs" pianomuse_kernels gpu_kernel_tests pianomuse-bench-wkv7-cuda
grep -E "Compiling entry|registers|spill" "$out/build-kernels.log" > "$out/ptxas.txt" || true
step gpu_kernel_tests gpu_kernel_tests.log "$build/tests/gpu/gpu_kernel_tests"
step bench bench.log "$build/bench/pianomuse-bench-wkv7-cuda" $quick
if [ "${SANITIZE:-1}" != 0 ] && command -v compute-sanitizer > /dev/null; then
    # Small shapes only: the sanitizer is slow.
    step sanitizer-memcheck sanitizer-memcheck.log compute-sanitizer --tool memcheck --error-exitcode 9 \
        "$build/tests/gpu/gpu_kernel_tests" --gtest_filter='*N32*:*N64*'
    step sanitizer-racecheck sanitizer-racecheck.log compute-sanitizer --tool racecheck --error-exitcode 9 \
        "$build/tests/gpu/gpu_kernel_tests" --gtest_filter='*N32*'
fi

# LibTorch level (binding + whole model), when the configure found a CUDA LibTorch.
if [ -n "$(find "$build" -name build.ninja -exec grep -l gpu_op_tests {} + 2>/dev/null)" ]; then
    step build-op-tests build-op-tests.log ninja -C "$build" -j"$jobs" gpu_op_tests
    step gpu_op_tests gpu_op_tests.log "$build/tests/gpu/gpu_op_tests"
else
    note "gpu_op_tests: not configured (LibTorch without CUDA?) - see configure.log"
fi

# Distributed training through the whole c10d path on CUDA (issue 16): a world of one (store,
# NCCL process group, all-reduce, agreements), then every GPU of the machine with --nproc. Each is
# compared with a plain one-process run of the same global batch (losses in metrics.jsonl).
step build-cli build-cli.log ninja -C "$build" -j"$jobs" pianomuse-cli
cli="$build/cli/pianomuse-cli"
if [ -x "$cli" ]; then
    grep -h "distributed training" "$out/configure.log" | tee -a "$summary"
    "$cli" dataset build "$root/tests/data/midi" -o "$out/dist-ds" > "$out/dist-ds.log" 2>&1
    dist_args=(train --data "$out/dist-ds" --scratch --preset tiny --ctx-len 128 --steps 20 --validate-every 10 --sample-bars 0
               --seed 3 --device cuda --checkpoint-seconds 1000 --dist-timeout 60)
    step dist-plain dist-plain.log "$cli" "${dist_args[@]}" --batch 8 -o "$out/dist-plain"
    step dist-world1 dist-world1.log env RANK=0 WORLD_SIZE=1 LOCAL_RANK=0 MASTER_ADDR=127.0.0.1 MASTER_PORT=29531 \
        "$cli" "${dist_args[@]}" --batch 8 -o "$out/dist-world1"
    gpus=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU' || echo 0)
    if [ "$gpus" -ge 2 ]; then
        step "dist-nproc$gpus" dist-nproc.log "$cli" "${dist_args[@]}" --nproc "$gpus" --batch $(( (8 + gpus - 1) / gpus )) -o "$out/dist-nproc"
    else
        note "dist-nproc: one GPU here, only the world of one ran"
    fi
    python3 - "$out" >> "$summary" 2>&1 <<'PY'
import json, os, sys
out = sys.argv[1]
def losses(d):
    p = os.path.join(out, d, 'metrics.jsonl')
    if not os.path.exists(p): return {}
    return {j['step']: j['loss'] for j in map(json.loads, open(p)) if 'loss' in j and 'event' not in j}
plain = losses('dist-plain')
for d in ('dist-world1', 'dist-nproc'):
    other = losses(d)
    if not other: continue
    common = sorted(set(plain) & set(other))
    worst = max((abs(plain[s] - other[s]) / abs(plain[s]) for s in common), default=float('nan'))
    print('%s vs plain: %d steps, largest relative loss difference %.2e' % (d, len(common), worst))
PY
    grep -h "processes (" "$out"/dist-*.log | head -3 >> "$summary"
fi

{
    echo
    echo "== test results"
    grep -hE "^\[  (PASSED|FAILED|SKIPPED) |tests? ran|mismatch" "$out"/gpu_*tests.log 2>/dev/null | head -60
    echo
    echo "== benchmark"
    cat "$out/bench.log" 2>/dev/null
    echo
    echo "== ptxas (registers / spills)"
    cat "$out/ptxas.txt" 2>/dev/null
} >> "$summary"
cat "$summary"
