#!/usr/bin/env bash
# A busybox initramfs whose init shows what the guest kernel offers tlbbench
# (CPUs, tracefs and the tlb_flush tracepoint, nr_tlb_* in vmstat), then powers
# off. Usage: kernel/smoke-initramfs.sh OUT.cpio.gz
set -euo pipefail
out=${1:?usage: kernel/smoke-initramfs.sh OUT.cpio.gz}
busybox=$(command -v busybox) || { echo "smoke-initramfs: no busybox (apt-get install busybox-static)" >&2; exit 2; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys}
cp "$busybox" "$root/bin/busybox"
for tool in sh mount cat grep uname poweroff ls; do ln -s busybox "$root/bin/$tool"; done
cat > "$root/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
echo "GUEST kernel $(uname -r)"
echo "GUEST cpus $(grep -c ^processor /proc/cpuinfo)"
if [ -f /sys/kernel/tracing/events/tlb/tlb_flush/id ]; then echo "GUEST tlb_flush yes"; else echo "GUEST tlb_flush no"; fi
echo "GUEST vmstat_nr_tlb $(grep -c ^nr_tlb_ /proc/vmstat)"
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$out"
echo "$out"
