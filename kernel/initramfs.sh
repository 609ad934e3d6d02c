#!/usr/bin/env bash
# An initramfs that runs one tlbbench command inside the guest and sends the
# result directory back over the serial console, base64 between markers.
# Usage: kernel/initramfs.sh OUT.cpio.gz TLBBENCH-ARGS...
# e.g. `run -c configs/ab.ini` or `race --dir /scratch --time 60`. An argument
# naming a host file (a config) is copied in as /input/NAME. The guest adds
# `-o /tmp/results` to run and race. /scratch is ext4 on the RAM disk /dev/ram0, when the
# kernel has one. tlbbench and mke2fs go in dynamically linked, with the
# libraries ldd names (Debian has no static libudev, which a static hwloc needs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=qemu.sh
. "$here/qemu.sh"
out=${1:?usage: kernel/initramfs.sh OUT.cpio.gz TLBBENCH-ARGS...}
shift
[ $# -gt 0 ] || { echo "initramfs.sh: no tlbbench command given" >&2; exit 2; }
# The source tree's tlbbench, or (installed: here is PREFIX/share/tlbbench/kernel) the one on PATH.
tlbbench="$here/../tlbbench"
[ -x "$tlbbench" ] || tlbbench=$(command -v tlbbench) || tlbbench="$here/../tlbbench"
[ -x "$tlbbench" ] || { echo "initramfs.sh: build tlbbench first (make)" >&2; exit 2; }
busybox=$(command -v busybox) || { echo "initramfs.sh: no busybox (apt-get install busybox-static)" >&2; exit 2; }
mke2fs=$(command -v mke2fs) || { echo "initramfs.sh: no mke2fs (apt-get install e2fsprogs)" >&2; exit 2; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,var/tmp,plots,input,scratch,etc}
cp "$busybox" "$root/bin/busybox"
for tool in sh mount cat grep uname poweroff ls tar base64 mkdir sync dmesg head tail tee; do ln -s busybox "$root/bin/$tool"; done
cp "$tlbbench" "$root/bin/tlbbench"
# Not named mke2fs: busybox sh would run its own mke2fs applet, which has no ext4.
cp "$mke2fs" "$root/bin/e2fsprogs-mke2fs"
[ -f /etc/mke2fs.conf ] && cp /etc/mke2fs.conf "$root/etc/"
# The binaries' shared libraries and loader, at the paths they ask for.
{ ldd "$tlbbench"; ldd "$mke2fs"; } | grep -o '/[^ ]*' | sort -u | while read -r lib; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
# The arguments, shell-quoted for guest-init's eval; a host file (a config)
# goes in as /input/NAME, and the commands that write results get -o.
args=()
for a in "$@"; do
	if [ -f "$a" ]; then
		cp "$a" "$root/input/$(basename "$a")"
		a="/input/$(basename "$a")"
	fi
	args+=("$a")
done
case "$1" in run|race) args+=(-o /tmp/results) ;; esac
guest_args "${args[@]}" > "$root/etc/tlbbench-args"
cp "$here/guest-init" "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$out"
echo "$out"
