#!/usr/bin/env bash
# Opt-in kernel check (make test-kernel): build the baseline test kernel, run
# tlbbench inside it under qemu with 2 CPUs, and check what the guest offers
# and counts against KERNEL-NOTES.md's 6.12 model. TAP output for prove.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "1..10"
if image=$("$here/build.sh" baseline 2> "$work/build.err" | tail -1) && [ -f "$image" ]; then
	echo "ok 1 - baseline kernel built: $image"
else
	echo "not ok 1 - baseline kernel build failed: $(tail -3 "$work/build.err" | tr '\n' ' ')"
	exit 1
fi
if "$here/run-guest.sh" "$image" "$work/guest" run -c "$here/configs/smoke.ini" > "$work/guest.out" 2>&1; then
	echo "ok 2 - tlbbench ran in the guest and its results came out: $(cat "$work/guest.out")"
else
	echo "not ok 2 - run-guest.sh: $(tail -3 "$work/guest.out" | tr '\n' ' ')"
fi
# What the guest reported, as guest-output.sh recorded it.
guest() { "$here/json.pl" get "$work/guest/guest.json" "$1" 2> /dev/null; }
# Debian's linux-source-6.12 moves on (6.12.117, 6.12.118, ...): the variant name is what counts.
[[ "$(guest guest_kernel)" =~ ^6\.12\.[0-9]+-baseline$ ]] && echo "ok 3 - guest runs $(guest guest_kernel)" ||
	echo "not ok 3 - guest kernel '$(guest guest_kernel)'"
[ "$(guest guest_cpus)" = "2" ] && echo "ok 4 - guest sees 2 CPUs" || echo "not ok 4 - guest CPUs '$(guest guest_cpus)'"
[ "$(guest tlb_flush_tracepoint)" = "yes" ] && echo "ok 5 - tlb:tlb_flush tracepoint" || echo "not ok 5 - no tlb:tlb_flush"
[ "$(guest vmstat_nr_tlb_lines)" = "4" ] && echo "ok 6 - /proc/vmstat has the 4 nr_tlb_* counters" ||
	echo "not ok 6 - nr_tlb_* lines: '$(guest vmstat_nr_tlb_lines)'"
samples="$work/guest/results/samples.jsonl"
# One CPU: no reschedule to wait for a remote CPU, so the count is exact.
counts() { grep -a "\"op\":\"$1\"" "$samples" 2>/dev/null | grep -a '"cpus":1,' | grep -o '"flushes":[0-9]*' |
	cut -d: -f2 | sort -u | tr '\n' ' '; }
[ "$(counts munmap)" = "33 " ] && echo "ok 7 - guest munmap of 64 MiB dirty shmem, 1 CPU: 33 flushes (T + 1)" ||
	echo "not ok 7 - guest munmap flushes: '$(counts munmap)', 33 expected"
[ "$(counts madv_dontneed)" = "32 " ] && echo "ok 8 - guest MADV_DONTNEED, 1 CPU: 32 flushes (T: 6.12 keeps the page tables)" ||
	echo "not ok 8 - guest MADV_DONTNEED flushes: '$(counts madv_dontneed)', 32 expected"
[ "$(guest scratch_fs)" = "ext4 /scratch" ] && echo "ok 9 - /scratch is ext4 on the RAM disk (for tlbbench race)" ||
	echo "not ok 9 - guest scratch: '$(guest scratch_fs)'"
# tinyconfig has no PARAVIRT: freed page tables go into the page batch, and the model's probe must see it.
grep -q '"page_tables_in_page_batch": true' "$work/guest/results/meta.json" 2>/dev/null &&
	echo "ok 10 - the model's probe: page tables freed through the page batch" ||
	echo "not ok 10 - meta.json kernel_model: $(grep -o '"page_tables_in_page_batch": [a-z" ]*' "$work/guest/results/meta.json" 2>/dev/null)"
