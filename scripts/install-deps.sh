#!/usr/bin/env bash
# Installs the Debian 12 packages PianoMuse builds, tests and runs with.
#   scripts/install-deps.sh           install what is missing (as root, or through sudo)
#   scripts/install-deps.sh --check   only report; exit 1 when something is missing
# Without root or sudo it prints the exact apt line and exits 1.
set -euo pipefail

# One line on purpose: a later separate `jackd2` install silently removes librtmidi-dev,
# so libjack-jackd2-dev must be installed together with it.
PACKAGES=(
    cmake ninja-build g++ ccache pkg-config git
    qt6-base-dev qt6-tools-dev qt6-l10n-tools qt6-svg-dev libqt6svg6 qt6-translations-l10n
    libtorch-dev libopenblas0-pthread
    librtmidi-dev libjack-jackd2-dev
    libqcustomplot-dev
    libfluidsynth-dev fluid-soundfont-gm
    libgtest-dev libgmock-dev
    libcli11-dev nlohmann-json3-dev
    clang-14 libclang-rt-14-dev python3-mido   # MIDI: scripts/fuzz-midi.sh, oracle tests, scripts/bench-midi.sh
    xvfb xauth
)

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "${1:-}" = "--check" ]; then
    echo "missing packages: ${missing[*]}" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: apt-get not found; this script supports Debian 12 (bookworm) and derivatives." >&2
    echo "missing: ${missing[*]}" >&2
    exit 1
fi

apt_line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo)
else
    echo "PianoMuse needs these packages, and installing them needs root. Run:" >&2
    echo "  sudo apt-get update && sudo $apt_line" >&2
    exit 1
fi

echo "Installing ${#missing[@]} package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
# shellcheck disable=SC2086
"${SUDO[@]}" $apt_line -qq
