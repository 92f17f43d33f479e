#!/usr/bin/env bash
# Configures and builds PianoMuse (Release) into build/ (or $PIANOMUSE_BUILD_DIR).
# Extra arguments go to CMake, e.g. scripts/build.sh -DPIANOMUSE_CUDA=OFF
# PIANOMUSE_BUILD_TARGET=name builds only that target (and what it needs).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PIANOMUSE_BUILD_DIR:-$root/build}"
jobs="${PIANOMUSE_JOBS:-$(nproc)}"

# ccache keeps rebuilds of the heavy LibTorch translation units cheap, also across fresh clones.
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/pianomuse-ccache}"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
if [ -n "${PIANOMUSE_BUILD_TARGET:-}" ]; then
    cmake --build "$build" -j "$jobs" --target "$PIANOMUSE_BUILD_TARGET"
else
    cmake --build "$build" -j "$jobs"
fi
