#!/usr/bin/env bash
# Cross-compiles the torch-free core (MIDI, tokenizer, dataset, checkpoint formats, resource
# lookup, platform shim) and its unit tests for Windows with Debian's mingw-w64
# (packaging/windows/core), then runs the tests under wine when wine is installed; without wine
# it stops after compiling and linking. Exit 77 = skipped (no mingw-w64).
set -euo pipefail
build="$1"; src="$2"
command -v x86_64-w64-mingw32-g++-posix >/dev/null \
    || { echo "SKIPPED: x86_64-w64-mingw32-g++-posix not found (Debian: apt-get install g++-mingw-w64-x86-64-posix)"; exit 77; }
[ -f /usr/src/googletest/CMakeLists.txt ] || { echo "SKIPPED: /usr/src/googletest missing (libgtest-dev)"; exit 77; }
# PIANOMUSE_WINDOWS_CORE_DIR: reuse an existing cross-build tree (the first build takes ~20 min
# at -j1 on a loaded 2-core machine; later runs only rebuild what changed).
dir="${PIANOMUSE_WINDOWS_CORE_DIR:-$build/packaging/windows-core}"
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
t0=$SECONDS
cmake -S "$src/packaging/windows/core" -B "$dir" "${gen[@]}" \
      -DCMAKE_TOOLCHAIN_FILE="$src/packaging/windows/mingw-w64-x86_64.cmake" > "$dir.log" 2>&1 || { cat "$dir.log"; exit 1; }
cmake --build "$dir" -j "${PIANOMUSE_JOBS:-2}" > "$dir.build.log" 2>&1 || { tail -50 "$dir.build.log"; exit 1; }
echo "cross-compiled in $((SECONDS - t0)) s: $(cd "$dir" && ls *.exe | tr '\n' ' ')"
wine=""
for w in wine64 /usr/lib/wine/wine64 wine; do command -v "$w" >/dev/null && { wine="$(command -v "$w")"; break; }; done
if [ -z "$wine" ]; then
    echo "PASS (compiled and linked only: wine not installed, tests not run)"
    exit 0
fi
export WINEPREFIX="$(mktemp -d)" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
trap 'wineserver -k 2>/dev/null || /usr/lib/wine/wineserver -k 2>/dev/null || true; rm -rf "$WINEPREFIX"' EXIT
"$wine" wineboot -i > /dev/null 2>&1
status=0
cd "$dir"
for t in packaging_unit_tests midi_tests tokenizer_tests dataset_tests launcher_tests; do
    t1=$SECONDS
    if "$wine" "./$t.exe" --gtest_brief=1 > "$t.wine.log" 2>&1; then
        echo "$t.exe under wine: $(grep -E '^\[  (PASSED|SKIPPED) ' "$t.wine.log" | tr -d '\r' | paste -sd' ') ($((SECONDS - t1)) s)"
        tr -d '\r' < "$t.wine.log" | grep -A1 ': Skipped$' | grep -v -- '^--$' | sed 's/^/    /' || true
    else
        echo "$t.exe under wine FAILED:"; tail -40 "$t.wine.log" | tr -d '\r'; status=1
    fi
done
exit $status
