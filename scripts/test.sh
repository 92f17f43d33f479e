#!/usr/bin/env bash
# Installs what is missing, builds everything with tests, and runs the suite with CTest.
#   scripts/test.sh          the default suite (everything but tests labelled `slow`)
#   scripts/test.sh --all    also the slow checks (fuzzing campaigns, corpus sweeps, packaging)
# Extra arguments after -- go to ctest, e.g. scripts/test.sh -- -R Cli
# Exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PIANOMUSE_BUILD_DIR:-$root/build}"

all=0
ctest_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --all) all=1 ;;
        --) shift; ctest_args+=("$@"); break ;;
        *) echo "usage: scripts/test.sh [--all] [-- ctest-args...]" >&2; exit 1 ;;
    esac
    shift
done

start=$(date +%s)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" -DPIANOMUSE_BUILD_TESTS=ON -DPIANOMUSE_BUILD_APP=ON
built=$(date +%s)

export QT_QPA_PLATFORM=offscreen
label_args=()
if [ "$all" = 0 ]; then
    label_args=(-LE slow)
fi
cd "$build"
status=0
ctest --output-on-failure -j "$(nproc)" --timeout 600 "${label_args[@]}" "${ctest_args[@]+"${ctest_args[@]}"}" || status=$?
end=$(date +%s)
echo "scripts/test.sh: build $((built - start)) s, tests $((end - built)) s, total $((end - start)) s"
exit "$status"
