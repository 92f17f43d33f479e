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
cleanup() {
    umount "$work/chroot/proc" 2>/dev/null || true
    if mountpoint -q "$work/chroot/proc" 2>/dev/null; then echo "left $work (proc still mounted)"; else rm -rf "$work"; fi
}
trap cleanup EXIT
t0=$SECONDS
tarball="$(bash "$src/packaging/linux/make-bundle.sh" "$build" "$work/out" | tail -1)"
echo "bundle: $(basename "$tarball") $(du -m "$tarball" | cut -f1) MiB, made in $((SECONDS - t0)) s"

ch="$work/chroot"; mkdir -p "$ch/opt" "$ch/tmp" "$ch/proc"
tar -C "$ch/opt" -xzf "$tarball"
b="$(ls -d "$ch"/opt/pianomuse-*)"
env -u LD_LIBRARY_PATH "$b/bin/pianomuse-cli" --version | grep -qx "pianomuse-cli $version" || { echo "FAIL: --version"; exit 1; }

# Every ELF file's direct dependencies (DT_NEEDED) are base-system libraries
# (packaging/linux/bundle-system-libs.txt) or resolve inside the bundle through its $ORIGIN run
# path, with no LD_LIBRARY_PATH; nothing is "not found". What the system's own libraries need
# (libexpat for fontconfig, ...) resolves outside and belongs to the system.
system_re="^($(grep -v '^[[:space:]]*\(#\|$\)' "$src/packaging/linux/bundle-system-libs.txt" | paste -sd'|'))\.so"
sys_libs="$work/system-libs"; : > "$sys_libs"
bad=0; checked=0
while read -r elf; do
    declare -A resolved=()
    while read -r soname arrow path _; do
        [ "$arrow" = "=>" ] || continue
        [ "$path" = "not" ] && { echo "FAIL: $elf: $soname not found"; bad=1; continue; }
        resolved[$soname]="$path"
        [[ "$path" == "$b/"* ]] || echo "$path" >> "$sys_libs"
    done < <(env -u LD_LIBRARY_PATH ldd "$elf")
    for soname in $(objdump -p "$elf" | awk '$1 == "NEEDED" { print $2 }'); do
        [[ "$soname" =~ $system_re ]] && continue
        p="${resolved[$soname]:-}"   # ldd writes $ORIGIN/../lib as bin/../lib
        [[ "$p" == "$b/lib/$soname" || "$p" == "$b/"*"/../lib/$soname" || "$p" == "$b/"*"/../../lib/$soname" ]] \
            || { echo "FAIL: $elf needs $soname, resolved to ${resolved[$soname]:-nothing} (not in the bundle)"; bad=1; }
    done
    unset resolved
    checked=$((checked + 1))
done < <(find "$b/bin" "$b/lib" "$b/plugins" -type f \( -name '*.so*' -o -perm -u+x \) -exec sh -c 'head -c4 "$1" | grep -q ELF && echo "$1"' _ {} \;)
[ "$bad" = 0 ] || exit 1
echo "$checked ELF files: every non-system dependency resolves inside the bundle; $(sort -u "$sys_libs" | wc -l) system libraries from outside: $(sort -u "$sys_libs" | xargs -n1 basename | sed 's/\.so.*//' | tr '\n' ' ')"

# A tiny demo from the unpacked folder (this machine still has the -dev packages; the chroot
# below does not).
demo=(demo --no-benchmark --train-steps 2 --prompt-bars 2 --bars 1 --no-wav)
t1=$SECONDS
env -u LD_LIBRARY_PATH OMP_WAIT_POLICY=PASSIVE "$b/bin/pianomuse-cli" "${demo[@]}" --work-dir "$work/demo0" > "$work/demo0.log" 2>&1 \
    || { cat "$work/demo0.log"; echo "FAIL: demo from the unpacked bundle"; exit 1; }
grep -q '^\[midi *\] ok' "$work/demo0.log" || { cat "$work/demo0.log"; echo "FAIL: demo wrote no MIDI file"; exit 1; }
echo "demo from the unpacked bundle: $((SECONDS - t1)) s"

if [ "$(id -u)" != 0 ] || ! command -v chroot >/dev/null; then
    echo "PASS (no chroot run: needs root)"; exit 0
fi
# The chroot: the bundle plus the base-system libraries (and the loader) only.
sort -u "$sys_libs" | while read -r lib; do
    mkdir -p "$ch$(dirname "$lib")"; cp -L "$lib" "$ch$lib"
done
mkdir -p "$ch/lib64" && cp -L /lib64/ld-linux-x86-64.so.2 "$ch/lib64/"
# The device nodes every system has (LibTorch's generator seeds itself from /dev/urandom).
mkdir -p "$ch/dev"
for node in null:3 zero:5 random:8 urandom:9; do
    mknod -m 666 "$ch/dev/${node%:*}" c 1 "${node#*:}" 2>/dev/null \
        || { echo "PASS (no chroot run: mknod is not permitted here)"; exit 0; }
done
mount -t proc proc "$ch/proc" 2>/dev/null || { echo "PASS (no chroot run: cannot mount /proc here)"; exit 0; }
rel="/opt/$(basename "$b")"
chroot_bin="$(command -v chroot)"   # /usr/sbin: not on the PATH that env -i sets
run() { env -i PATH=/usr/bin:/bin HOME=/tmp TMPDIR=/tmp QT_QPA_PLATFORM=offscreen OMP_WAIT_POLICY=PASSIVE "$chroot_bin" "$ch" "$@"; }
run "$rel/bin/pianomuse-cli" --version | grep -qx "pianomuse-cli $version" || { echo "FAIL: --version in the chroot"; exit 1; }
t1=$SECONDS
run "$rel/bin/pianomuse-cli" "${demo[@]}" --work-dir /tmp/demo > "$work/demo.log" 2>&1 || { cat "$work/demo.log"; echo "FAIL: demo in the chroot"; exit 1; }
grep -q '^\[midi *\] ok' "$work/demo.log" || { cat "$work/demo.log"; echo "FAIL: demo in the chroot wrote no MIDI file"; exit 1; }
grep '^\[blas' "$work/demo.log" || true
echo "demo in the chroot: $((SECONDS - t1)) s"
if [ -x "$b/bin/pianomuse" ]; then
    run "$rel/bin/pianomuse" --version > "$work/gui.log" 2>&1 || { cat "$work/gui.log"; echo "FAIL: pianomuse --version in the chroot"; exit 1; }
    grep -q "$version" "$work/gui.log" || { cat "$work/gui.log"; echo "FAIL: pianomuse --version output"; exit 1; }
fi
echo "PASS: portable bundle runs in a chroot with only the base system ($((SECONDS - t0)) s)"
