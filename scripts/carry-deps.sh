#!/usr/bin/env bash
# Copies the source/header-only dependencies (CLI11, nlohmann/json, Gloo's headers, GoogleTest sources) from
# this Debian machine into third_party_carry/, for building the engine, CLI and tests on a
# machine without apt (GPU servers with pip torch): cmake -DPIANOMUSE_BUILD_APP=OFF
# -DCMAKE_PREFIX_PATH=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/third_party_carry"
rm -rf "$out"
mkdir -p "$out/include"
cp -r /usr/include/CLI "$out/include/"
cp -r /usr/include/nlohmann "$out/include/"
# Gloo's headers (libgloo-dev): c10d's ProcessGroupGloo.hpp includes them and pip wheels lack them.
[ -d /usr/include/gloo ] && cp -r /usr/include/gloo "$out/include/"
cp -r /usr/src/googletest "$out/googletest"
echo "wrote $out ($(du -sh "$out" | cut -f1))"
