#!/usr/bin/env bash
# An initramfs that runs a tlbbench config inside the guest and sends the
# result directory back over the serial console, base64 between markers.
# Usage: kernel/initramfs.sh OUT.cpio.gz CONFIG.ini [TLBBENCH ARGS...]
# tlbbench goes in dynamically linked, with the libraries ldd names (Debian
# has no static libudev, which a static hwloc needs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: kernel/initramfs.sh OUT.cpio.gz CONFIG.ini [ARGS...]}
config=${2:?usage: kernel/initramfs.sh OUT.cpio.gz CONFIG.ini [ARGS...]}
shift 2
tlbbench="$here/../tlbbench"
[ -x "$tlbbench" ] || { echo "initramfs.sh: build tlbbench first (make)" >&2; exit 2; }
[ -f "$config" ] || { echo "initramfs.sh: no config '$config'" >&2; exit 2; }
busybox=$(command -v busybox) || { echo "initramfs.sh: no busybox (apt-get install busybox-static)" >&2; exit 2; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,var/tmp,plots}
cp "$busybox" "$root/bin/busybox"
for tool in sh mount cat grep uname poweroff ls tar base64 mkdir sync; do ln -s busybox "$root/bin/$tool"; done
cp "$tlbbench" "$root/bin/tlbbench"
cp "$config" "$root/config.ini"
# The binary's shared libraries and loader, at the paths it asks for.
ldd "$tlbbench" | grep -o '/[^ ]*' | sort -u | while read -r lib; do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
args=""
for a in "$@"; do args="$args '$a'"; done
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
/bin/tlbbench run -c /config.ini -o /tmp/results $args > /tmp/run.out 2> /tmp/run.err
echo "GUEST status \$?"
cat /tmp/run.out
echo "GUEST-RESULTS-BEGIN"
(cd /tmp && tar -cf - results run.err | base64)
echo "GUEST-RESULTS-END"
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$out"
echo "$out"
