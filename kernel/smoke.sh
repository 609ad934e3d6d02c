#!/usr/bin/env bash
# Opt-in kernel check (make test-kernel): build the baseline test kernel, boot
# it under qemu with 2 CPUs and a busybox initramfs, and check that the guest
# offers what tlbbench counts. TAP output for prove; a hung guest is killed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "1..9"
if image=$("$here/build.sh" baseline 2> "$work/build.err" | tail -1) && [ -f "$image" ]; then
	echo "ok 1 - baseline kernel built: $image"
else
	echo "not ok 1 - baseline kernel build failed: $(tail -3 "$work/build.err" | tr '\n' ' ')"
	exit 1
fi
"$here/smoke-initramfs.sh" "$work/smoke.cpio.gz" > /dev/null

# Boot under one accelerator; the console goes to $work/console.
boot() {
	timeout "$2" qemu-system-x86_64 -accel "$1" -smp 2 -m 2G -nographic -no-reboot -kernel "$image" \
		-initrd "$work/smoke.cpio.gz" -append "console=ttyS0 quiet panic=-1 tsc=reliable" > "$work/console" 2>&1
}
# KVM only where it really runs a guest (nested virtualization may hang); TCG otherwise.
accel=tcg
if [ -w /dev/kvm ] && boot kvm 15 && grep -aq "GUEST kernel" "$work/console"; then
	accel=kvm
else
	boot tcg 120
fi
status=$?
if [ "$status" -eq 124 ]; then
	echo "not ok 2 - the guest hung and was killed after 120 s; console: $(tail -5 "$work/console" | tr '\n' ' ')"
elif [ "$status" -ne 0 ]; then
	echo "not ok 2 - qemu exited $status; console: $(tail -5 "$work/console" | tr '\n' ' ')"
elif grep -aq "Kernel panic" "$work/console"; then
	echo "not ok 2 - the guest panicked: $(grep -a -m1 -A2 'Kernel panic' "$work/console" | tr '\n' ' ')"
else
	echo "ok 2 - the guest booted and powered off under $accel (times under tcg are emulated, counts exact)"
fi
# The serial console ends lines with \r and may put terminal escapes before the first one.
guest() { tr -d '\r' < "$work/console" | grep -ao "GUEST $1 .*" | tail -1 | cut -d' ' -f3-; }
[ "$(guest kernel)" = "6.12.117" ] && echo "ok 3 - guest runs 6.12.117" || echo "not ok 3 - guest kernel '$(guest kernel)'"
[ "$(guest cpus)" = "2" ] && echo "ok 4 - guest sees 2 CPUs" || echo "not ok 4 - guest CPUs '$(guest cpus)'"
[ "$(guest tlb_flush)" = "yes" ] && echo "ok 5 - tlb:tlb_flush tracepoint" || echo "not ok 5 - no tlb:tlb_flush"
[ "$(guest vmstat_nr_tlb)" = "4" ] && echo "ok 6 - /proc/vmstat has the 4 nr_tlb_* counters" ||
	echo "not ok 6 - nr_tlb_* lines: '$(guest vmstat_nr_tlb)'"

# tlbbench inside the guest, its results brought out over the console.
if "$here/run-guest.sh" "$image" "$here/configs/smoke.ini" "$work/guest" > "$work/guest.out" 2>&1; then
	echo "ok 7 - tlbbench ran in the guest and its results came out: $(cat "$work/guest.out")"
else
	echo "not ok 7 - run-guest.sh: $(tail -3 "$work/guest.out" | tr '\n' ' ')"
fi
samples="$work/guest/results/samples.jsonl"
# One CPU: no reschedule to wait for a remote CPU, so the count is exact.
counts() { grep -a "\"op\":\"$1\"" "$samples" 2>/dev/null | grep -a '"cpus":1,' | grep -o '"flushes":[0-9]*' |
	cut -d: -f2 | sort -u | tr '\n' ' '; }
[ "$(counts munmap)" = "33 " ] && echo "ok 8 - guest munmap of 64 MiB dirty shmem, 1 CPU: 33 flushes (T + 1)" ||
	echo "not ok 8 - guest munmap flushes: '$(counts munmap)', 33 expected"
[ "$(counts madv_dontneed)" = "32 " ] && echo "ok 9 - guest MADV_DONTNEED, 1 CPU: 32 flushes (T: 6.12 keeps the page tables)" ||
	echo "not ok 9 - guest MADV_DONTNEED flushes: '$(counts madv_dontneed)', 32 expected"
