#!/usr/bin/env bash
# makensis (Debian's nsis) over the real CPack NSIS configuration with placeholder payloads
# (packaging/windows/nsis-check): the installer script must compile. Exit 77 = skipped.
#   tests/packaging/nsis_script_test.sh BUILD_DIR SOURCE_DIR   (leaves the installer in
#   BUILD_DIR/packaging/nsis-check for nsis_wine_test.sh)
set -euo pipefail
build="$1"; src="$2"
command -v makensis >/dev/null || { echo "SKIPPED: makensis not found (Debian: apt-get install nsis)"; exit 77; }
dir="$build/packaging/nsis-check"
rm -rf "$dir"
t0=$SECONDS
cmake -S "$src/packaging/windows/nsis-check" -B "$dir" > "$dir.log" 2>&1 || { cat "$dir.log"; exit 1; }
if ! (cd "$dir" && cpack -G NSIS > cpack.log 2>&1); then
    cat "$dir/cpack.log"; cat "$dir"/_CPack_Packages/*/NSIS/NSISOutput.log 2>/dev/null | tail -30; exit 1
fi
exe="$(ls "$dir"/PianoMuse-*-win64-placeholder.exe)"
file "$exe" | grep -q 'PE32+ executable' || { file "$exe"; echo "FAIL: not a 64-bit installer"; exit 1; }
nsi="$dir/_CPack_Packages/win64/NSIS/project.nsi"
[ -f "$nsi" ] || nsi="$(ls "$dir"/_CPack_Packages/*/NSIS/project.nsi)"
for want in 'Software\\Classes\\.mid\\OpenWithProgids' 'Software\\Classes\\PianoMuse.MidiFile\\shell\\open\\command' \
            'CreateShortCut' 'WriteUninstaller' 'DeleteRegKey SHCTX .Software\\Classes\\PianoMuse.MidiFile'; do
    grep -q -- "$want" "$nsi" || { echo "FAIL: project.nsi lacks $want"; exit 1; }
done
echo "PASS: $(basename "$exe") ($(du -k "$exe" | cut -f1) KiB) compiled by $(makensis -VERSION) in $((SECONDS - t0)) s"
