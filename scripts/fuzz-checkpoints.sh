#!/usr/bin/env bash
# Fuzzes the checkpoint readers (engine/checkpoint: .pth ZIP + pickle, .safetensors) with
# libFuzzer + ASan + UBSan.
#
#   scripts/fuzz-checkpoints.sh pth|safetensors [SECONDS] [more libFuzzer options]   default 600 s
#
# Builds fuzz/<target>_fuzzer.cpp with the engine/checkpoint sources straight from clang (not the
# main CMake build: no torch, seconds to build), seeds the corpus from tests/data/rwkv7 and past
# regressions, and runs. Needs Debian's clang-14 and libclang-rt-14-dev. Work files go to
# build-fuzz/<target>/ (or $PIANOMUSE_FUZZ_DIR/<target>): the corpus is kept between runs. A crashing
# input is left in build-fuzz/<target>/artifacts/; copy it to tests/data/rwkv7/regressions/<target>/
# (the model tests replay that folder) and fix the reader.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-}"
if [[ "$target" != pth && "$target" != safetensors ]]; then
    echo "usage: scripts/fuzz-checkpoints.sh pth|safetensors [SECONDS] [libFuzzer options]" >&2
    exit 1
fi
shift
seconds="${1:-600}"
shift || true
work="${PIANOMUSE_FUZZ_DIR:-$root/build-fuzz}/$target"
cxx="${CLANGXX:-$(command -v clang++-14 || command -v clang++ || true)}"
if [[ -z "$cxx" ]]; then
    echo "fuzz-checkpoints: needs clang++ (Debian: apt-get install clang-14 libclang-rt-14-dev)" >&2
    exit 2
fi

mkdir -p "$work/corpus" "$work/artifacts"
binary="$work/${target}_fuzzer"
echo "fuzz-checkpoints: building $binary with $cxx"
"$cxx" -std=c++17 -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root/engine" \
    "$root"/engine/checkpoint/*.cpp "$root/fuzz/${target}_fuzzer.cpp" \
    -o "$binary"

# Seeds: the committed fixtures of that format and every past regression.
if [[ "$target" == pth ]]; then
    find "$root/tests/data/rwkv7" -name '*.pth' -size -200k -exec cp -n {} "$work/corpus/" \;
else
    find "$root/tests/data/rwkv7" -name '*.safetensors' -size -200k -exec cp -n {} "$work/corpus/" \;
fi
if [[ -d "$root/tests/data/rwkv7/regressions/$target" ]]; then
    find "$root/tests/data/rwkv7/regressions/$target" -type f -exec cp -n {} "$work/corpus/" \;
fi

echo "fuzz-checkpoints: running $target for ${seconds}s on $(ls "$work/corpus" | wc -l) corpus files"
set +e
"$binary" "$work/corpus" \
    -max_total_time="$seconds" -max_len=262144 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=512 \
    -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$@" 2>&1 | tee "$work/fuzz.log"
status=${PIPESTATUS[0]}
set -e

execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/fuzz.log" | grep -o '[0-9]*$' || true)"
echo "fuzz-checkpoints: $target: ${execs:-unknown} executions in ${seconds}s, exit status $status"
if [[ $status -ne 0 ]]; then
    echo "fuzz-checkpoints: failure; the input is in $work/artifacts/ — add it to tests/data/rwkv7/regressions/$target/" >&2
fi
exit "$status"
