#!/usr/bin/env bash
# Runs the WKV7 CUDA kernel source (kernels/cuda/wkv7_{forward,backward}.cu) on the CPU under a
# host emulation of the CUDA features they use (tests/gpu/emu/), and compares with the CPU twin.
# For machines without a GPU: it checks the kernels' algorithm, indexing, T tails and barrier
# placement, not anything GPU-specific (see docs/kernels.md). Needs g++ and python3 only.
#   scripts/wkv7-cuda-emu.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Launches are the only syntax a host compiler cannot take: kernel<N><<<grid, block, smem, stream>>>(…)
# becomes emuLaunch(kernel<N>, grid, block, smem, stream, …); the backward's extern shared array
# becomes a namespace-scope one.
python3 - "$root" "$work" <<'PY'
import re, sys
root, work = sys.argv[1], sys.argv[2]
for name in ("forward", "backward"):
    s = open(f"{root}/kernels/cuda/wkv7_{name}.cu").read()
    s = s.replace('#include "wkv7_cuda_common.cuh"', f'#include "{root}/kernels/cuda/wkv7_cuda_common.cuh"')
    s, n = re.subn(r"(\w+Kernel<N>)<<<([^>]*)>>>\(", lambda m: f"emuLaunch({m.group(1)}, {m.group(2)}, ", s)
    assert n == 1, f"{name}: expected one launch, found {n}"
    if "extern __shared__" in s:
        s = s.replace("extern __shared__ __align__(16) float smem[];", "")
        s = s.replace("namespace pm::kernels::wkv7cuda {\nnamespace {\n",
                      "namespace pm::kernels::wkv7cuda {\nnamespace {\nalignas(16) float smem[9 * 16 * 128];\n", 1)
    open(f"{work}/{name}.cpp", "w").write(s)
PY
g++ -std=c++17 -O1 -pthread -I"$root/tests/gpu/emu" -I"$root/kernels/include" -I"$root/kernels/cpu" \
    -o "$work/wkv7_emu" "$root/tests/gpu/emu/wkv7_emu_main.cpp" "$work/forward.cpp" "$work/backward.cpp" \
    "$root/kernels/cpu/wkv7_cpu.cpp" "$root/kernels/cpu/wkv7_cpu_backward.cpp" \
    "$root/kernels/cpu/wkv7_cpu_avx2.cpp"
"$work/wkv7_emu"
