#!/usr/bin/env bash
# Quick start: installs what is missing, builds (Release) and starts PianoMuse.
# With no display (no DISPLAY / WAYLAND_DISPLAY) or with --headless, runs the CLI's
# end-to-end demo instead: a dataset from the bundled demo pieces, a tiny model trained for a
# few minutes, a continuation of a demo prompt written as .mid (+ .wav with a soundfont).
# Other arguments go to `pianomuse-cli demo` (e.g. --play, --train-minutes 2, --work-dir DIR).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PIANOMUSE_BUILD_DIR:-$root/build}"

headless=0
args=()
for a in "$@"; do
    case "$a" in
        --headless) headless=1 ;;
        *) args+=("$a") ;;
    esac
done
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    headless=1
fi

"$root/scripts/install-deps.sh"
if [ "$headless" = 1 ]; then
    # The demo needs no GUI: build only the CLI, so a server is ready quickly.
    PIANOMUSE_BUILD_TARGET=pianomuse-cli "$root/scripts/build.sh"
    echo "No display (or --headless): running the headless demo."
    exec "$build/cli/pianomuse-cli" demo "${args[@]+"${args[@]}"}"
fi
PIANOMUSE_BUILD_TARGET=pianomuse "$root/scripts/build.sh" -DPIANOMUSE_BUILD_APP=ON
# --demo opens the bundled demo dataset (built on first use), ready to train on.
exec "$build/app/pianomuse" --demo "${args[@]+"${args[@]}"}"
