#!/usr/bin/env bash
# Fuzzes the MIDI reader (and writer round trip) with libFuzzer + ASan + UBSan.
#
#   scripts/fuzz-midi.sh [SECONDS] [more libFuzzer options]     default: 600 seconds
#
# Builds fuzz/midi_reader_fuzzer.cpp with the engine/midi sources straight from clang (not the
# main CMake build: no torch, a minute to build), seeds the corpus from tests/data/midi and runs.
# Needs Debian's clang-14 and libclang-rt-14-dev. Work files go to build-fuzz/ (or
# $PIANOMUSE_FUZZ_DIR): the growing corpus is kept between runs. A crashing input is left in
# build-fuzz/artifacts/; copy it to tests/data/midi/regressions/ and fix the reader.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-600}"
shift || true
work="${PIANOMUSE_FUZZ_DIR:-$root/build-fuzz}"
cxx="${CLANGXX:-$(command -v clang++-14 || command -v clang++ || true)}"
if [[ -z "$cxx" ]]; then
    echo "fuzz-midi: needs clang++ (Debian: apt-get install clang-14 libclang-rt-14-dev)" >&2
    exit 2
fi

mkdir -p "$work/corpus" "$work/artifacts"
binary="$work/midi_reader_fuzzer"
echo "fuzz-midi: building $binary with $cxx"
"$cxx" -std=c++17 -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root/engine" \
    "$root"/engine/midi/*.cpp "$root/fuzz/midi_reader_fuzzer.cpp" \
    -o "$binary"

# Seeds: every committed fixture and every past regression.
find "$root/tests/data/midi" -type f ! -name '*.md' ! -name '*.json' ! -name '*.py' \
    -exec cp -n {} "$work/corpus/" \;

echo "fuzz-midi: running for ${seconds}s on $(ls "$work/corpus" | wc -l) corpus files"
set +e
"$binary" "$work/corpus" \
    -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$@" 2>&1 | tee "$work/fuzz.log"
status=${PIPESTATUS[0]}
set -e

execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/fuzz.log" | grep -o '[0-9]*$' || true)"
echo "fuzz-midi: ${execs:-unknown} executions in ${seconds}s, exit status $status"
if [[ $status -ne 0 ]]; then
    echo "fuzz-midi: failure; the input is in $work/artifacts/ — add it to tests/data/midi/regressions/" >&2
fi
exit "$status"
