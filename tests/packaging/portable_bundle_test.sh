#!/usr/bin/env bash
# The portable bundle: made by packaging/linux/make-bundle.sh, unpacked, every ELF checked to
# resolve its libraries inside the bundle or from the allowed base system, then run with no
# LD_LIBRARY_PATH. As root, it also runs inside a chroot that holds only the unpacked bundle and
# the base-system libraries (a stand-in for a clean machine without any -dev or Qt/LibTorch
# packages): pianomuse-cli --version, a tiny demo, and pianomuse --version on the offscreen
# platform (which loads a Qt plugin through qt.conf). Exit 77 = skipped.
set -euo pipefail
build="$1"; src="$2"
command -v patchelf >/dev/null || { echo "SKIPPED: patchelf not found (Debian: apt-get install patchelf)"; exit 77; }
[ -x "$build/cli/pianomuse-cli" ] || { echo "SKIPPED: pianomuse-cli not built"; exit 77; }
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")"
work="$(mktemp -d)"
cleanup() { umount "$work/chroot/proc" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
t0=$SECONDS
tarball="$(bash "$src/packaging/linux/make-bundle.sh" "$build" "$work/out" | tail -1)"
echo "bundle: $(basename "$tarball") $(du -m "$tarball" | cut -f1) MiB, made in $((SECONDS - t0)) s"

ch="$work/chroot"; mkdir -p "$ch/opt" "$ch/tmp" "$ch/proc"
tar -C "$ch/opt" -xzf "$tarball"
b="$(ls -d "$ch"/opt/pianomuse-*)"
env -u LD_LIBRARY_PATH "$b/bin/pianomuse-cli" --version | grep -qx "pianomuse-cli $version" || { echo "FAIL: --version"; exit 1; }

# Every library resolves inside the bundle or from the base system list.
system_re='^(linux-vdso|ld-linux-x86-64|libc|libm|libdl|libpthread|librt|libutil|libresolv|libanl|libnsl|libstdc\+\+|libgcc_s|libGL|libGLX|libGLdispatch|libEGL|libOpenGL|libgbm|libdrm|libX[A-Za-z0-9_-]*|libxcb[A-Za-z0-9_-]*|libwayland-[a-z]+|libfontconfig|libfreetype|libasound|libdbus-1|libsystemd|libudev|libz|libcuda|libnvidia-[a-z-]+)\.so'
sys_libs="$work/system-libs"; : > "$sys_libs"
bad=0
while read -r elf; do
    while read -r soname arrow path _; do
        [ "$arrow" = "=>" ] || continue
        if [[ "$path" == "$b/"* ]]; then continue; fi
        if [[ "$soname" =~ $system_re ]]; then echo "$path" >> "$sys_libs"; continue; fi
        echo "FAIL: $elf: $soname resolves to $path (outside the bundle)"; bad=1
    done < <(env -u LD_LIBRARY_PATH ldd "$elf")
done < <(find "$b/bin" "$b/lib" "$b/plugins" -type f \( -name '*.so*' -o -perm -u+x \) -exec sh -c 'head -c4 "$1" | grep -q ELF && echo "$1"' _ {} \;)
[ "$bad" = 0 ] || exit 1
echo "all ELF files resolve inside the bundle or to $(sort -u "$sys_libs" | wc -l) base-system libraries"

if [ "$(id -u)" != 0 ] || ! command -v chroot >/dev/null; then
    echo "PASS (no chroot run: needs root)"; exit 0
fi
# The chroot: the bundle plus the base-system libraries (and the loader) only.
sort -u "$sys_libs" | while read -r lib; do
    mkdir -p "$ch$(dirname "$lib")"; cp -L "$lib" "$ch$lib"
done
mkdir -p "$ch/lib64" && cp -L /lib64/ld-linux-x86-64.so.2 "$ch/lib64/"
mount -t proc proc "$ch/proc"
rel="/opt/$(basename "$b")"
run() { env -i PATH=/usr/bin:/bin HOME=/tmp TMPDIR=/tmp QT_QPA_PLATFORM=offscreen chroot "$ch" "$@"; }
run "$rel/bin/pianomuse-cli" --version | grep -qx "pianomuse-cli $version" || { echo "FAIL: --version in the chroot"; exit 1; }
t1=$SECONDS
run "$rel/bin/pianomuse-cli" demo --no-benchmark --work-dir /tmp/demo > "$work/demo.log" 2>&1 || { cat "$work/demo.log"; echo "FAIL: demo in the chroot"; exit 1; }
grep -q '^\[dataset *\] ok' "$work/demo.log" || { cat "$work/demo.log"; echo "FAIL: demo built no dataset"; exit 1; }
grep '^\[blas' "$work/demo.log" || true
echo "demo in the chroot: $((SECONDS - t1)) s"
if [ -x "$b/bin/pianomuse" ]; then
    run "$rel/bin/pianomuse" --version > "$work/gui.log" 2>&1 || { cat "$work/gui.log"; echo "FAIL: pianomuse --version in the chroot"; exit 1; }
    grep -q "$version" "$work/gui.log" || { cat "$work/gui.log"; echo "FAIL: pianomuse --version output"; exit 1; }
fi
echo "PASS: portable bundle runs in a chroot with only the base system ($((SECONDS - t0)) s)"
