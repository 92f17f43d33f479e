#!/usr/bin/env bash
# The Windows installer (placeholder payloads) run under wine: silent install, files in place,
# "Open with" registration for .mid, then the uninstaller removes files and registry keys.
# Exit 77 = skipped (no makensis or no wine).
set -euo pipefail
build="$1"; src="$2"
wine=""
for w in wine64 /usr/lib/wine/wine64 wine; do command -v "$w" >/dev/null && { wine="$(command -v "$w")"; break; }; done
[ -n "$wine" ] || { echo "SKIPPED: wine not found (Debian: apt-get install wine64)"; exit 77; }
bash "$(dirname "$0")/nsis_script_test.sh" "$build" "$src"
exe="$(ls "$build"/packaging/nsis-check/PianoMuse-*-win64-placeholder.exe)"
export WINEPREFIX="$(mktemp -d)" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
trap 'wineserver -k 2>/dev/null || /usr/lib/wine/wineserver -k 2>/dev/null || true; rm -rf "$WINEPREFIX"' EXIT
"$wine" wineboot -i > /dev/null 2>&1
"$wine" "$exe" /S '/D=C:\PianoMuse' > /dev/null 2>&1
inst="$WINEPREFIX/drive_c/PianoMuse"
for f in bin/pianomuse.exe bin/pianomuse-cli.exe Uninstall.exe share/pianomuse/demo/CREDITS.tsv share/doc/pianomuse/LICENSE; do
    [ -f "$inst/$f" ] || { echo "FAIL: installer did not install $f"; exit 1; }
done
reg() { "$wine" reg query "$1" 2>/dev/null | tr -d '\r'; }
reg 'HKLM\Software\Classes\.mid\OpenWithProgids' | grep -q PianoMuse.MidiFile || { echo "FAIL: .mid OpenWithProgids"; exit 1; }
reg 'HKLM\Software\Classes\PianoMuse.MidiFile\shell\open\command' | grep -qF '"C:\PianoMuse\bin\pianomuse.exe" "%1"' \
    || { echo "FAIL: open command"; reg 'HKLM\Software\Classes\PianoMuse.MidiFile\shell\open\command'; exit 1; }
reg 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\PianoMuse' | grep -q UninstallString || { echo "FAIL: no Add/Remove Programs entry"; exit 1; }
"$wine" 'C:\PianoMuse\Uninstall.exe' /S '_?=C:\PianoMuse' > /dev/null 2>&1
[ ! -e "$inst/bin/pianomuse.exe" ] && [ ! -e "$inst/share" ] || { echo "FAIL: uninstaller left files"; exit 1; }
if reg 'HKLM\Software\Classes\PianoMuse.MidiFile' | grep -q PianoMuse; then echo "FAIL: uninstaller left the ProgID"; exit 1; fi
reg 'HKLM\Software\Classes\.mid\OpenWithProgids' | grep -q PianoMuse && { echo "FAIL: uninstaller left OpenWithProgids"; exit 1; }
echo "PASS: installed, registered, uninstalled under $("$wine" --version)"
