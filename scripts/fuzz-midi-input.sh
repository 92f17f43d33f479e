#!/usr/bin/env bash
# Fuzzes the MIDI input path (raw bytes -> parser -> event queue -> drained events) with
# libFuzzer + ASan + UBSan; the invariants it checks are listed in fuzz/midi_input_fuzzer.cpp.
#
#   scripts/fuzz-midi-input.sh [SECONDS] [more libFuzzer options]     default: 600 seconds
#
# Builds fuzz/midi_input_fuzzer.cpp with the torch- and RtMidi-free input sources of
# engine/playback straight from clang (not the main CMake build: seconds to build), seeds the
# corpus with hand-written streams (below) and any past regressions, and runs. Needs Debian's
# clang-14 and libclang-rt-14-dev. Work files go to build-fuzz/midi-input/ (or
# $PIANOMUSE_FUZZ_DIR/midi-input): the corpus is kept between runs. A failing input is left in
# its artifacts/; copy it to tests/data/midi-input/regressions/ and fix the parser or queue.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-600}"
shift || true
work="${PIANOMUSE_FUZZ_DIR:-$root/build-fuzz}/midi-input"
cxx="${CLANGXX:-$(command -v clang++-14 || command -v clang++ || true)}"
if [[ -z "$cxx" ]]; then
    echo "fuzz-midi-input: needs clang++ (Debian: apt-get install clang-14 libclang-rt-14-dev)" >&2
    exit 2
fi

mkdir -p "$work/corpus" "$work/artifacts"
binary="$work/midi_input_fuzzer"
echo "fuzz-midi-input: building $binary with $cxx"
"$cxx" -std=c++17 -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root/engine" \
    "$root/engine/playback/midi_byte_parser.cpp" "$root/engine/playback/midi_event_queue.cpp" \
    "$root/engine/playback/midi_input.cpp" "$root/fuzz/midi_input_fuzzer.cpp" \
    -o "$binary"

# Seeds (byte 0: chunks between drains, byte 1: chunk length - 1, then the stream): notes with
# running status and velocity 0, realtime inside a message, a SysEx split and one cut short,
# system common, garbage, pedals and all-notes-off.
seed() { printf "$2" >"$work/corpus/seed-$1"; }
seed notes '\x01\x02\x90\x3c\x64\x3e\x50\x3c\x00\x3e\x00'
seed realtime '\x00\x00\x90\xf8\x3c\xfe\x64\xfa\xfc\xff\x3c\x00'
seed sysex '\x02\x03\xf0\x7e\x7f\xf8\x09\x01\xf7\xb0\x40\x7f\xf0\x01\x02\x90\x3c\x64'
seed common '\x01\x00\xf1\x23\xf2\x10\x20\xf3\x05\xf6\x90\x3c\x64\xf6\x3e\x50'
seed garbage '\x03\x01\x3c\x64\xf7\xf4\xf5\x90\x3c\x80\x3c\x00\xc0\x05\x06\xd3\x40\xe0\x00\x40'
seed pedals '\x01\x05\x90\x30\x50\xb0\x40\x7f\xb0\x42\x7f\x80\x30\x00\xb0\x79\x00\x91\x31\x50\xb1\x7b\x00'
# And one long enough to overflow the queue (16,000 note messages, never drained), which random
# growth from the small seeds takes long to reach: the overflow invariants need it.
{ printf '\x00\x3f'; LC_ALL=C awk 'BEGIN { for (i = 0; i < 8000; i++) { p = 21 + i % 88;
    printf "%c%c%c%c%c%c", 144, p, 64 + i % 63, 128, p, 64 } }'; } >"$work/corpus/seed-overflow"
if [[ -d "$root/tests/data/midi-input/regressions" ]]; then
    find "$root/tests/data/midi-input/regressions" -type f -exec cp -n {} "$work/corpus/" \;
fi

echo "fuzz-midi-input: running for ${seconds}s on $(ls "$work/corpus" | wc -l) corpus files"
set +e
"$binary" "$work/corpus" \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$@" 2>&1 | tee "$work/fuzz.log"
status=${PIPESTATUS[0]}
set -e

execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/fuzz.log" | grep -o '[0-9]*$' || true)"
echo "fuzz-midi-input: ${execs:-unknown} executions in ${seconds}s, exit status $status"
if [[ $status -ne 0 ]]; then
    echo "fuzz-midi-input: failure; the input is in $work/artifacts/ — add it to tests/data/midi-input/regressions/" >&2
fi
exit "$status"
