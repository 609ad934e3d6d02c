#!/usr/bin/env bash
# What a guest printed on its serial console: its GUEST lines, its kernel log,
# and the result directory sent base64 between GUEST-RESULTS markers.
# Usage: kernel/guest-output.sh CONSOLE.log OUTDIR [ACCEL IMAGE SMP]
# Extracts OUTDIR/results (and run.err), writes OUTDIR/guest.json (also into
# the results, so they say which kernel made them and how times were taken):
# the only reader of the console; other scripts read guest.json.
# Exit: the guest tlbbench's own status (0, 1, 2), or 3 when the guest failed:
# a kernel panic, no results, or results that do not decode.
set -uo pipefail
console=${1:?usage: kernel/guest-output.sh CONSOLE.log OUTDIR [ACCEL IMAGE SMP]}
outdir=${2:?usage: kernel/guest-output.sh CONSOLE.log OUTDIR [ACCEL IMAGE SMP]}
accel=${3:-unknown} image=${4:-unknown} smp=${5:-}
fail() { echo "guest-output.sh: $*" >&2; exit 3; }

[ -r "$console" ] || fail "no console log '$console'"
# The serial console ends lines with \r and may put terminal escapes before the first one.
text=$(tr -d '\r' < "$console" | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g')
guest() { grep -ao "GUEST $1 .*" <<< "$text" | tail -1 | cut -d' ' -f3-; }
panic=$(grep -a -m1 'Kernel panic' <<< "$text")
[ -z "$panic" ] || fail "the guest kernel panicked: $panic"
grep -aq '^GUEST-RESULTS-END' <<< "$text" || fail "the guest stopped before sending its results; see $console"
mkdir -p "$outdir" || fail "cannot create '$outdir'"
sed -n '/^GUEST-RESULTS-BEGIN/,/^GUEST-RESULTS-END/p' <<< "$text" | grep -av '^GUEST-RESULTS' | base64 -d 2> /dev/null |
	tar -xf - -C "$outdir" 2> /dev/null || fail "the results in $console did not decode"
status=$(guest status)
[[ "$status" =~ ^[0-9]+$ ]] || fail "the guest printed no tlbbench exit status"
times="hardware virtualization"
[ "$accel" = tcg ] && times="emulated by TCG: counts exact, times not a cost measure"
"$(dirname "$0")/json.pl" object kernel_image="$image" guest_kernel="$(guest kernel)" guest_cpus#="$(guest cpus)" \
	accel="$accel" smp#="$smp" times="$times" tlb_flush_tracepoint="$(guest tlb_flush)" \
	vmstat_nr_tlb_lines#="$(guest vmstat_nr_tlb)" scratch_fs="$(guest scratch)" tlbbench_status#="$status" \
	> "$outdir/guest.json" || fail "cannot write $outdir/guest.json"
[ -d "$outdir/results" ] && cp "$outdir/guest.json" "$outdir/results/guest.json"
exit "$status"
