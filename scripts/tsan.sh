#!/usr/bin/env bash
# ThreadSanitizer over what shares state between threads (issue 14): the engine's lanes, jobs
# and cancel tokens (tst_engine_thread), training and generation side by side through the real
# window (tst_concurrency), the playback scheduler, the dataset builder's thread pool and the
# trainer's row shards (train_tests: the shard pool, thread changes mid-run), and the distributed
# communicator's heartbeat thread beside its collectives (dist_tests: Communicator.*), and MIDI
# input: the lock-free event queue under a burst from another thread (midi_input_tests) and
# RtMidi's JACK thread feeding it while the test drains (jack_loopback_tests: JackInput.*).
#
#   scripts/tsan.sh            build into build-tsan/ (or $PIANOMUSE_TSAN_BUILD_DIR) and run them
#
# LibTorch, Qt, OpenBLAS and libgomp are Debian's uninstrumented builds, so TSan cannot see the
# synchronisation inside them. scripts/tsan.supp suppresses reports whose stacks lie in them
# (and only those; each entry says why). Exits non-zero on any unsuppressed report.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PIANOMUSE_TSAN_BUILD_DIR:-$root/build-tsan}"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/pianomuse-ccache}"
start=$(date +%s)
"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=thread" \
    -DPIANOMUSE_BUILD_TESTS=ON -DPIANOMUSE_BUILD_APP=ON -DPIANOMUSE_BUILD_BENCHMARKS=OFF -DPIANOMUSE_CUDA=OFF >/dev/null
targets=(tst_engine_thread tst_concurrency playback_tests dataset_tests train_tests dist_tests midi_input_tests)
# The JACK tests exist where RtMidi does (not in old-ABI LibTorch builds).
if cmake --build "$build" --target help | grep -q '^jack_loopback_tests:'; then targets+=(jack_loopback_tests); fi
cmake --build "$build" -j "${PIANOMUSE_JOBS:-$(nproc)}" --target "${targets[@]}"
built=$(date +%s)

export QT_QPA_PLATFORM=offscreen
export TSAN_OPTIONS="suppressions=$root/scripts/tsan.supp halt_on_error=0 exitcode=66 second_deadlock_stack=1 history_size=4 ${TSAN_OPTIONS:-}"
status=0
cd "$build"
for t in "${targets[@]}"; do
    exe=$(find . -type f -name "$t" -perm -u+x | head -n1)
    if [[ -z "$exe" ]]; then echo "tsan: $t was not built" >&2; status=1; continue; fi
    echo "== $t"
    log="$build/tsan-$t.log"
    args=()
    # A kill -9 of a saving process is about files, not threads, and its timing does not survive
    # TSan's slowdown; everything else in dataset_tests (the builder's thread pool) runs.
    [[ "$t" == dataset_tests ]] && args=(--gtest_filter=-DatasetStore.KillDuringSaveLeavesTheLastCompleteDataset)
    # The trainer's threads: row shards, a thread count changed mid-run, sharded validation.
    [[ "$t" == train_tests ]] && args=(--gtest_filter='TrainerTest.Threads*:TrainerTest.RowsSplit*:TrainerTest.AStopDuringAForward*:TrainerTest.LossFalls*')
    # Distributed: two ranks on threads in one process (collectives beside the heartbeat thread).
    [[ "$t" == dist_tests ]] && args=(--gtest_filter='Communicator.*')
    # MIDI input through a JACK server of the test's own (the output loopback is about timing).
    [[ "$t" == jack_loopback_tests ]] && args=(--gtest_filter='JackInput.*')
    if "$exe" "${args[@]+"${args[@]}"}" >"$log" 2>&1; then
        echo "   clean ($(grep -c 'PASS\|OK\]' "$log" || true) passes)"
    else
        rc=$?
        status=1
        echo "   FAILED (exit $rc): $(grep -c 'WARNING: ThreadSanitizer' "$log" || true) report(s); see $log"
        grep -A30 -m3 'WARNING: ThreadSanitizer' "$log" | head -n 120 || tail -n 40 "$log"
    fi
done
end=$(date +%s)
echo "scripts/tsan.sh: build $((built - start)) s, tests $((end - built)) s"
exit "$status"
