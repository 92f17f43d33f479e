#!/usr/bin/env bash
# Makes the portable Linux bundle: pianomuse-<version>-linux-x86_64.tar.gz that runs after
# unpacking, without -dev packages and without LD_LIBRARY_PATH.
#   packaging/linux/make-bundle.sh BUILD_DIR OUT_DIR [--gzip-level N]
# Layout: bin/ (pianomuse, pianomuse-cli, qt.conf; RUNPATH $ORIGIN/../lib), lib/ (every library
# the programs and plugins need except the base system below; RUNPATH $ORIGIN), plugins/ (Qt
# platform, image format, icon engine, input context and theme plugins), translations/ (Qt's
# qtbase_*.qm), share/ (the same data as the .deb). Prints the archive's path on the last line.
#
# Expected from the system (never carried): the libraries in packaging/linux/bundle-system-libs.txt
# (glibc >= the version printed as "needs glibc", libstdc++/libgcc_s from GCC >= 12, OpenGL/EGL,
# the X11/xcb and Wayland client libraries, fontconfig + freetype, D-Bus, systemd/udev, ALSA,
# zlib, the NVIDIA driver for CUDA builds) and whatever only those libraries need. Everything else
# in the DT_NEEDED closure of the programs and plugins is copied into lib/. Everything is x86_64.
set -euo pipefail
build="$(cd "$1" && pwd)"
out="$(mkdir -p "$2" && cd "$2" && pwd)"
level=6
[ "${3:-}" = "--gzip-level" ] && level="$4"
for tool in patchelf ldd objdump tar cmake; do
    command -v "$tool" >/dev/null || { echo "make-bundle: $tool not found (Debian: apt-get install patchelf)" >&2; exit 3; }
done
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")"
name="pianomuse-${version}-linux-x86_64"
stage="$out/$name"
rm -rf "$stage"

cmake --install "$build" --prefix "$stage" --strip >/dev/null
rm -rf "$stage/share/man" "$stage/share/metainfo"   # a bundle has no man path or AppStream

# The base system (packaging/linux/bundle-system-libs.txt): glibc, the C++ runtime, and the
# libraries that must match the running desktop, GPU driver or sound server.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
system_re="^($(grep -v '^[[:space:]]*\(#\|$\)' "$here/bundle-system-libs.txt" | paste -sd'|'))\.so"
is_system() { [[ "$(basename "$1")" =~ $system_re ]]; }

plugins_src="$(qtpaths6 --query QT_INSTALL_PLUGINS 2>/dev/null || echo /usr/lib/x86_64-linux-gnu/qt6/plugins)"
if [ -x "$stage/bin/pianomuse" ]; then
    for p in platforms/libqxcb.so platforms/libqoffscreen.so platforms/libqminimal.so \
             platforms/libqwayland-generic.so platforms/libqwayland-egl.so \
             xcbglintegrations/libqxcb-glx-integration.so xcbglintegrations/libqxcb-egl-integration.so \
             wayland-shell-integration wayland-decoration-client wayland-graphics-integration-client \
             imageformats/libqsvg.so imageformats/libqico.so imageformats/libqjpeg.so imageformats/libqgif.so \
             iconengines/libqsvgicon.so platforminputcontexts/libcomposeplatforminputcontextplugin.so \
             platformthemes/libqxdgdesktopportal.so platformthemes/libqgtk3.so printsupport/libcupsprintersupport.so; do
        [ -e "$plugins_src/$p" ] || continue
        mkdir -p "$stage/plugins/$(dirname "$p")"
        cp -rL "$plugins_src/$p" "$stage/plugins/$(dirname "$p")/"
    done
    # GTK3 theme and CUPS pull half a desktop; they are nice-to-have, so only if cheap to carry.
    rm -f "$stage/plugins/platformthemes/libqgtk3.so" "$stage/plugins/printsupport/libcupsprintersupport.so"
    mkdir -p "$stage/translations"
    tr_src="$(qtpaths6 --query QT_INSTALL_TRANSLATIONS 2>/dev/null || echo /usr/share/qt6/translations)"
    cp "$tr_src"/qtbase_de.qm "$tr_src"/qtbase_zh_CN.qm "$stage/translations/" 2>/dev/null || true
    printf '[Paths]\nPrefix = ..\nPlugins = plugins\nTranslations = translations\n' > "$stage/bin/qt.conf"
fi

# Carry the DT_NEEDED closure of the programs and plugins, stopping at base-system libraries:
# what only the system's libraries need (libexpat for fontconfig, ...) is the system's business.
# ldd of the programs and plugins says where each soname resolves on this machine.
mkdir -p "$stage/lib"
mapfile -t elves < <(find "$stage/bin" "$stage/plugins" -type f \( -perm -u+x -o -name '*.so' \) 2>/dev/null | while read -r f; do
    head -c4 "$f" | grep -q 'ELF' && echo "$f"; done)
declare -A where=()
missing=0
for elf in "${elves[@]}"; do
    while read -r soname arrow path _; do
        [ "$arrow" = "=>" ] || continue
        if [ "$path" = "not" ]; then echo "make-bundle: $elf: $soname not found" >&2; missing=1; continue; fi
        where[$soname]="$path"
    done < <(ldd "$elf")
done
[ "$missing" = 0 ] || exit 2
needed() { objdump -p "$1" | awk '$1 == "NEEDED" { print $2 }'; }
queue=("${elves[@]}")
declare -A carried=()
while [ "${#queue[@]}" -gt 0 ]; do
    elf="${queue[0]}"; queue=("${queue[@]:1}")
    for soname in $(needed "$elf"); do
        is_system "$soname" && continue
        [ -n "${carried[$soname]:-}" ] && continue
        [ -n "${where[$soname]:-}" ] || { echo "make-bundle: $elf needs $soname, which ldd did not resolve" >&2; exit 2; }
        carried[$soname]=1
        cp -L "${where[$soname]}" "$stage/lib/$soname"
        queue+=("$stage/lib/$soname")
    done
done

chmod u+w "$stage"/lib/* 
for f in "$stage"/bin/*; do head -c4 "$f" | grep -q ELF && patchelf --set-rpath '$ORIGIN/../lib' "$f"; done
for f in "$stage"/lib/*; do patchelf --set-rpath '$ORIGIN' "$f"; done
find "$stage/plugins" -name '*.so' -exec patchelf --set-rpath '$ORIGIN/../../lib' {} + 2>/dev/null || true

glibc="$(for f in "$stage"/bin/* "$stage"/lib/*; do objdump -T "$f" 2>/dev/null; done | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)"
cp "$(dirname "${BASH_SOURCE[0]}")/PORTABLE.md" "$stage/README.md"
sed -i "s/@GLIBC@/${glibc#GLIBC_}/" "$stage/README.md"
echo "make-bundle: $(ls "$stage/lib" | wc -l) libraries bundled, needs glibc ${glibc#GLIBC_}, $(du -sh "$stage" | cut -f1) unpacked" >&2
tar -C "$out" -cf - "$name" | gzip -"$level" > "$out/$name.tar.gz"
echo "$out/$name.tar.gz"
