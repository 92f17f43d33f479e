#!/usr/bin/env bash
# ThreadSanitizer over the fused generation step's thread pool (issue 15). scripts/tsan.sh builds
# pianomuse_kernels without TSan (its WKV7 ifunc dispatchers run before TSan's runtime exists), so
# this script compiles the step's sources and tests/model/step_kernel_test.cpp with
# -fsanitize=thread directly (no LibTorch, no CMake): the pool, the products each thread writes and
# the caller's reads are all instrumented. Exits non-zero on any report or failed test.
#
#   scripts/tsan-step.sh [OUTDIR]       (default /tmp/pianomuse-tsan-step)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/pianomuse-tsan-step}"
mkdir -p "$out"
cxx="${CXX:-g++}"
flags=(-std=c++17 -O1 -g -fsanitize=thread -fno-omit-frame-pointer -fopenmp-simd -DPM_HAVE_OPENMP_SIMD=1
       -I"$root/kernels/include")
gtest_src=/usr/src/googletest/googletest
if [[ -d "$gtest_src" ]]; then
    # Debian's libgtest is not instrumented; build GoogleTest's sources with TSan too.
    "$cxx" "${flags[@]}" -I"$gtest_src/include" -I"$gtest_src" -c "$gtest_src/src/gtest-all.cc" -o "$out/gtest-all.o"
    "$cxx" "${flags[@]}" -I"$gtest_src/include" -c "$gtest_src/src/gtest_main.cc" -o "$out/gtest_main.o"
    gtest=("$out/gtest-all.o" "$out/gtest_main.o" -I"$gtest_src/include")
else
    gtest=(-lgtest -lgtest_main)
fi
"$cxx" "${flags[@]}" "$root/kernels/cpu/rwkv7_step_cpu.cpp" "$root/kernels/cpu/rwkv7_step_ops_plain.cpp" \
    "$root/kernels/cpu/rwkv7_step_ops_avx2.cpp" "$root/tests/model/step_kernel_test.cpp" "${gtest[@]}" -pthread \
    -o "$out/step_kernel_tests_tsan"
export TSAN_OPTIONS="halt_on_error=0 exitcode=66 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
# Repeat the thread tests: races show up by chance.
"$out/step_kernel_tests_tsan" --gtest_repeat="${REPEAT:-20}" --gtest_brief=1 >"$out/tsan.log" 2>&1 && status=0 || status=$?
if grep -q "WARNING: ThreadSanitizer" "$out/tsan.log"; then
    grep -A20 "WARNING: ThreadSanitizer" "$out/tsan.log" | head -60
    echo "tsan-step: reports above (log: $out/tsan.log)" >&2
    exit 1
fi
if [[ $status -ne 0 ]]; then
    tail -20 "$out/tsan.log"
    echo "tsan-step: tests failed (rc $status, log: $out/tsan.log)" >&2
    exit 1
fi
echo "tsan-step: clean ($(grep -c 'PASSED' "$out/tsan.log") passing runs, log: $out/tsan.log)"
