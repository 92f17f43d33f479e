#!/usr/bin/env bash
# Builds the engine, CLI and their tests against LibTorch 2.x from PyPI and runs the suite, so API
# drift between Debian's LibTorch 1.13 and the 2.x that GPU machines use shows up here, before a
# GPU is lent (issue 15). By hand or from CI's slow lane; it downloads ~4 GB the first time.
#
#   scripts/check-libtorch2.sh [VERSION] [-- ctest-args...]     default VERSION: 2.5.1
#
# PyPI's Linux torch wheel is the CUDA build (the CPU-only wheels live on download.pytorch.org,
# which these machines cannot reach); its NVIDIA runtime wheels come with it. With nvcc present
# the CUDA kernels and their LibTorch binding are compiled and linked too (one architecture,
# PIANOMUSE_TORCH2_CUDA_ARCH, default 90: this checks the API, not the packages' arch list);
# nothing needs a GPU to run: the tests use the CPU.
#
# Environment: PIANOMUSE_TORCH2_VENV (default ~/.cache/pianomuse-torch2-VERSION),
# PIANOMUSE_BUILD_DIR (default build-torch2-VERSION), PIANOMUSE_CUDA=OFF to skip CUDA.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="2.5.1"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then version="$1"; shift; fi
[ "${1:-}" = "--" ] && shift
venv="${PIANOMUSE_TORCH2_VENV:-$HOME/.cache/pianomuse-torch2-$version}"
build="${PIANOMUSE_BUILD_DIR:-$root/build-torch2-$version}"
python="${PIANOMUSE_PYTHON:-python3}"
start=$(date +%s)

"$root/scripts/install-deps.sh"
if ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
    echo "check-libtorch2: installing torch==$version into $venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet "torch==$version"
fi
prefix="$("$venv/bin/python" -c 'import torch; print(torch.utils.cmake_prefix_path)')"
echo "check-libtorch2: LibTorch $("$venv/bin/python" -c 'import torch; print(torch.__version__)') from $prefix"

export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/pianomuse-ccache}"
cuda_args=(-DCMAKE_CUDA_ARCHITECTURES="${PIANOMUSE_TORCH2_CUDA_ARCH:-90}")
# Torch's own config adds -gencode flags for its TORCH_CUDA_ARCH_LIST (sm_50 and up by default),
# which CUDA 13's nvcc refuses: the same single architecture.
arch="${PIANOMUSE_TORCH2_CUDA_ARCH:-90}"
export TORCH_CUDA_ARCH_LIST="${TORCH_CUDA_ARCH_LIST:-${arch:0:1}.${arch:1}}"
[ "${PIANOMUSE_CUDA:-ON}" = "OFF" ] && cuda_args=(-DPIANOMUSE_CUDA=OFF)
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
    -DPIANOMUSE_BUILD_TESTS=ON -DPIANOMUSE_BUILD_APP=OFF "${cuda_args[@]}" >/dev/null
grep -E "PianoMuse: CUDA" "$build/CMakeFiles/CMakeOutput.log" 2>/dev/null || true
cmake --build "$build" -j "${PIANOMUSE_JOBS:-$(nproc)}"
built=$(date +%s)

cd "$build"
status=0
# Without the packaging tests: they test the packages as the machines that ship them build them
# (pianomuse on Debian's LibTorch; pianomuse-cuda on a GPU machine, carrying GBs of CUDA
# libraries); this check is about LibTorch's API, and its .deb would be neither package.
ctest --output-on-failure -j "$(nproc)" --timeout 600 -LE "slow|packaging" "$@" || status=$?
end=$(date +%s)
echo "check-libtorch2: LibTorch $version, build $((built - start)) s, tests $((end - built)) s"
exit "$status"
