#!/usr/bin/env bash
# An initramfs that runs one tlbbench command inside the guest and sends the
# result directory back over the serial console, base64 between markers.
# Usage: kernel/initramfs.sh OUT.cpio.gz TLBBENCH-ARGS...
# e.g. `run -c configs/ab.ini` or `race --dir /scratch --time 60`. An argument
# naming a host file (a config) is copied in as /input/NAME. The guest adds
# `-o /tmp/results`. /scratch is ext4 on the RAM disk /dev/ram0, when the
# kernel has one. tlbbench and mke2fs go in dynamically linked, with the
# libraries ldd names (Debian has no static libudev, which a static hwloc needs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: kernel/initramfs.sh OUT.cpio.gz TLBBENCH-ARGS...}
shift
[ $# -gt 0 ] || { echo "initramfs.sh: no tlbbench command given" >&2; exit 2; }
tlbbench="$here/../tlbbench"
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
args=""
for a in "$@"; do
	if [ -f "$a" ]; then
		cp "$a" "$root/input/$(basename "$a")"
		a="/input/$(basename "$a")"
	fi
	args="$args '$a'"
done
cat > "$root/init" <<INIT
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmp /tmp
mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
echo "GUEST kernel \$(uname -r)"
echo "GUEST cpus \$(grep -c ^processor /proc/cpuinfo)"
if [ -f /sys/kernel/tracing/events/tlb/tlb_flush/id ]; then echo "GUEST tlb_flush yes"; else echo "GUEST tlb_flush no"; fi
echo "GUEST vmstat_nr_tlb \$(grep -c ^nr_tlb_ /proc/vmstat)"
if [ ! -b /dev/ram0 ]; then
	echo "GUEST scratch none: no /dev/ram0"
elif ! /bin/e2fsprogs-mke2fs -q -t ext4 /dev/ram0 > /tmp/mkfs.out 2>&1; then
	echo "GUEST scratch none: mke2fs: \$(head -3 /tmp/mkfs.out)"
elif ! mount -t ext4 /dev/ram0 /scratch 2> /tmp/mount.out; then
	echo "GUEST scratch none: mount: \$(tail -1 /tmp/mount.out)"
else
	echo "GUEST scratch ext4 /scratch"
fi
mkdir -p /tmp/results
# stderr (progress, notes) goes to the console as it comes, and into run.err.
( /bin/tlbbench $args -o /tmp/results 2>&1 > /tmp/run.out; echo \$? > /tmp/status ) | tee /tmp/run.err
echo "GUEST status \$(cat /tmp/status)"
cat /tmp/run.out
dmesg > /tmp/results/dmesg.txt
echo "GUEST-RESULTS-BEGIN"
(cd /tmp && tar -cf - results run.err | base64)
echo "GUEST-RESULTS-END"
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$out"
echo "$out"
