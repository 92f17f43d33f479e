#!/usr/bin/env bash
# The .deb: built with cpack from the build folder (gzip instead of xz: same contents, ~10x
# faster to pack), its metadata and contents inspected, unpacked with dpkg -x into a throwaway
# root, and the unpacked programs run (--version, a tiny `pianomuse-cli demo`). Exit 77 = skipped.
#   tests/packaging/deb_package_test.sh BUILD_DIR SOURCE_DIR
# PIANOMUSE_TEST_REAL_INSTALL=1 (CI containers, as root) also installs it with apt-get and runs
# the installed programs from /usr/bin, then removes the package.
set -euo pipefail
build="$1"; src="$2"
skip() { echo "SKIPPED: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in cpack dpkg-deb dpkg-shlibdeps; do
    command -v "$tool" >/dev/null || skip "$tool not found (Debian: apt-get install dpkg-dev)"
done
[ -x "$build/cli/pianomuse-cli" ] || skip "pianomuse-cli not built in $build"
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")"
have_app=0; [ -x "$build/app/pianomuse" ] && have_app=1

work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
# A tiny demo: every stage runs (dataset, 2 training steps, 1 generated bar) in seconds.
demo=(demo --no-benchmark --train-steps 2 --prompt-bars 2 --bars 1 --no-wav)
t0=$SECONDS
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/out" -D CPACK_DEBIAN_COMPRESSION_TYPE=gzip \
      > "$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack -G DEB failed"; }
deb="$(ls "$work"/out/*.deb)"
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB, gzip) in $((SECONDS - t0)) s"
[[ "$(basename "$deb")" =~ ^pianomuse(-cuda)?_${version}_amd64\.deb$ ]] || fail "unexpected file name $(basename "$deb")"

# --- metadata --------------------------------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
pkg="$(field Package)"
[ "$pkg" = pianomuse ] || [ "$pkg" = pianomuse-cuda ] || fail "Package: $pkg"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version)"
[ "$(field Architecture)" = amd64 ] || fail "Architecture: $(field Architecture)"
[ "$(field Section)" = sound ] || fail "Section: $(field Section)"
depends="$(field Depends)"
echo "Depends: $depends"
for dep in libc6 libstdc++6 libtorch libopenblas0-pthread; do
    [[ "$depends" == *"$dep"* ]] || [ "$pkg" = pianomuse-cuda ] || fail "Depends lacks $dep (shlibdeps?)"
done
[ "$have_app" = 0 ] || [[ "$depends" == *libqt6widgets6* ]] || fail "Depends lacks libqt6widgets6"
[ "$have_app" = 0 ] || [[ "$depends" == *libqcustomplot* ]] || fail "Depends lacks QCustomPlot"
[[ "$(field Recommends)" == *fluid-soundfont-gm* ]] || fail "Recommends lacks the soundfont"
[ -n "$(field Description)" ] && [ -n "$(field Maintainer)" ] || fail "Description/Maintainer empty"

# --- contents --------------------------------------------------------------------------------
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$work/files"
need=(/usr/bin/pianomuse-cli /usr/share/man/man1/pianomuse-cli.1.gz /usr/share/doc/pianomuse/copyright
      /usr/share/doc/pianomuse/LICENSE /usr/share/doc/pianomuse/THIRD_PARTY_NOTICES.md
      /usr/share/pianomuse/demo/CREDITS.tsv)
if [ "$have_app" = 1 ]; then
    need+=(/usr/bin/pianomuse /usr/share/applications/pianomuse.desktop /usr/share/man/man1/pianomuse.1.gz
           /usr/share/icons/hicolor/scalable/apps/pianomuse.svg /usr/share/metainfo/io.pianomuse.PianoMuse.metainfo.xml
           /usr/share/pianomuse/translations/pianomuse_de.qm /usr/share/pianomuse/translations/pianomuse_zh_CN.qm)
    for s in 16 22 24 32 48 64 128 256 512; do need+=("/usr/share/icons/hicolor/${s}x${s}/apps/pianomuse.png"); done
fi
for f in "${need[@]}"; do grep -qxF "$f" "$work/files" || fail "missing $f"; done
demo_count="$(grep -c '^/usr/share/pianomuse/demo/.*\.mid$' "$work/files")"
[ "$demo_count" -ge 30 ] || fail "only $demo_count demo pieces"
if grep -vE '^/usr/(bin|share|lib/pianomuse)(/|$)|^/$|^/usr/$|^/usr/lib/$' "$work/files"; then fail "files outside /usr/{bin,share}"; fi
echo "contents: $(wc -l < "$work/files") entries, $demo_count demo pieces"

# --- unpack into a throwaway root and run from it --------------------------------------------
root="$work/root"
dpkg -x "$deb" "$root"
cli="$root/usr/bin/pianomuse-cli"
if ldd "$cli" | grep -q 'not found'; then ldd "$cli" | grep 'not found'; fail "unresolved libraries"; fi
out="$("$cli" --version)"
[ "$out" = "pianomuse-cli $version" ] || fail "--version printed '$out'"
t1=$SECONDS
"$cli" "${demo[@]}" --work-dir "$work/demo" > "$work/demo.log" 2>&1 || { cat "$work/demo.log"; fail "demo failed"; }
grep -q '^\[dataset *\] ok' "$work/demo.log" || { cat "$work/demo.log"; fail "demo built no dataset"; }
echo "demo from the unpacked package: $((SECONDS - t1)) s: $(grep '^\[dataset' "$work/demo.log")"
# The installed program reads the installed data, never the source tree it was built from.
mv "$root/usr/share/pianomuse/demo" "$root/usr/share/pianomuse/demo.away"
if "$cli" "${demo[@]}" --work-dir "$work/demo2" > "$work/demo2.log" 2>&1; then
    cat "$work/demo2.log"; fail "demo succeeded without the installed demo data (source-tree fallback?)"
fi
mv "$root/usr/share/pianomuse/demo.away" "$root/usr/share/pianomuse/demo"
if [ "$have_app" = 1 ]; then
    out="$(QT_QPA_PLATFORM=offscreen "$root/usr/bin/pianomuse" --version 2>/dev/null)"
    [[ "$out" == *"$version"* ]] || fail "pianomuse --version printed '$out'"
fi

# --- man page, desktop entry, AppStream ------------------------------------------------------
man_gz="$root/usr/share/man/man1/pianomuse-cli.1.gz"
gzip -t "$man_gz"
if command -v man >/dev/null; then
    warnings="$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$man_gz" 2>&1 >/dev/null || true)"
    [ -z "$warnings" ] || fail "man page warnings: $warnings"
fi
# Every subcommand the CLI lists is documented.
"$cli" --help | awk '/^Subcommands:/{s=1;next} s&&NF{print $1}' | while read -r cmd; do
    zgrep -q "^\.B $cmd" "$man_gz" || fail "man page does not document '$cmd'"
done
if [ "$have_app" = 1 ]; then
    desktop="$root/usr/share/applications/pianomuse.desktop"
    grep -q '^Exec=pianomuse %F$' "$desktop" || fail "desktop Exec must pass files (%F)"
    grep -q '^MimeType=.*audio/midi' "$desktop" || fail "desktop entry lacks audio/midi"
    if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$desktop"; fi
    if command -v appstreamcli >/dev/null; then
        appstreamcli validate --no-net "$root/usr/share/metainfo/io.pianomuse.PianoMuse.metainfo.xml" >/dev/null \
            || fail "AppStream metadata invalid"
    fi
    file "$root/usr/share/icons/hicolor/48x48/apps/pianomuse.png" | grep -q '48 x 48' || fail "48x48 icon"
fi

# --- apt can resolve the dependencies; optionally a real install -----------------------------
if command -v apt-get >/dev/null; then
    apt-get install -s "$deb" > "$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get cannot install the package"; }
fi
if [ "${PIANOMUSE_TEST_REAL_INSTALL:-0}" = 1 ] && [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" > "$work/apt-real.log" 2>&1 || { cat "$work/apt-real.log"; fail "apt-get install"; }
    [ "$(/usr/bin/pianomuse-cli --version)" = "pianomuse-cli $version" ] || fail "installed --version"
    /usr/bin/pianomuse-cli "${demo[@]}" --work-dir "$work/demo3" > /dev/null || fail "installed demo"
    apt-get remove -y -qq "$pkg" > /dev/null
    echo "real install: ok"
fi
echo "PASS: $(basename "$deb") in $((SECONDS - t0)) s"
