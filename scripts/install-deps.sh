#!/usr/bin/env bash
# Installs the Debian 12 packages PianoMuse builds, tests and runs with.
#   scripts/install-deps.sh           install what is missing (as root, or through sudo)
#   scripts/install-deps.sh --check   only report; exit 1 when something is missing
# Without root or sudo it prints the exact apt line and exits 1.
set -euo pipefail

# One line on purpose: a later separate `jackd2` install silently removes librtmidi-dev,
# so libjack-jackd2-dev and jackd2 (the JACK server the loopback timing test starts with the
# dummy driver; noninteractive apt keeps its realtime-limits question at "no") go with it.
PACKAGES=(
    cmake ninja-build g++ ccache pkg-config git
    qt6-base-dev qt6-tools-dev qt6-l10n-tools qt6-svg-dev libqt6svg6 qt6-translations-l10n
    libtorch-dev libopenblas0-pthread
    libgloo-dev iproute2   # distributed training: Gloo's headers for c10d; network namespaces for the two-host test
    librtmidi-dev libjack-jackd2-dev jackd2
    libqcustomplot-dev
    libfluidsynth-dev fluid-soundfont-gm
    libgtest-dev libgmock-dev
    libcli11-dev nlohmann-json3-dev
    clang-14 libclang-rt-14-dev python3-mido   # MIDI: scripts/fuzz-midi.sh, oracle tests, scripts/bench-midi.sh
    xvfb xauth
)
# Packaging (issue 11; tests/packaging): the .deb (dpkg-shlibdeps), the portable bundle
# (patchelf), desktop/AppStream checks, the Windows checks (mingw-w64 cross-compiler, NSIS,
# wine). Installed in a second apt call that may fail without failing this script: the packaging
# tests skip themselves, with a message, where a tool is missing.
OPTIONAL_PACKAGES=(
    dpkg-dev patchelf desktop-file-utils appstream
    g++-mingw-w64-x86-64-posix nsis wine64
)

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

optional_missing=()
for p in "${OPTIONAL_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        optional_missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ] && [ ${#optional_missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "${1:-}" = "--check" ]; then
    [ ${#optional_missing[@]} -eq 0 ] || echo "missing optional (packaging) packages: ${optional_missing[*]}" >&2
    [ ${#missing[@]} -eq 0 ] && exit 0
    echo "missing packages: ${missing[*]}" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: apt-get not found; this script supports Debian 12 (bookworm) and derivatives." >&2
    echo "missing: ${missing[*]}" >&2
    exit 1
fi

apt_line="apt-get install -y --no-install-recommends ${missing[*]} ${optional_missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo)
else
    echo "PianoMuse needs these packages, and installing them needs root. Run:" >&2
    echo "  sudo apt-get update && sudo $apt_line" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${#missing[@]} package(s): ${missing[*]}"
    "${SUDO[@]}" apt-get install -y --no-install-recommends -qq "${missing[@]}"
fi
if [ ${#optional_missing[@]} -gt 0 ]; then
    echo "Installing ${#optional_missing[@]} packaging tool(s): ${optional_missing[*]}"
    "${SUDO[@]}" apt-get install -y --no-install-recommends -qq "${optional_missing[@]}" \
        || echo "warning: packaging tools not installed (${optional_missing[*]}); their tests will be skipped" >&2
fi
