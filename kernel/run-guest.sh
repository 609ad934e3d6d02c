#!/usr/bin/env bash
# Run a tlbbench config inside a test kernel under qemu and bring the result
# directory out. Usage: kernel/run-guest.sh BZIMAGE CONFIG.ini OUTDIR [-smp N] [TLBBENCH ARGS...]
# OUTDIR gets the guest's result directory, its run.err, console.log, and
# guest.json (kernel image, accelerator: under tcg counts are exact but times
# are emulated). A hung guest is killed after GUEST_TIMEOUT seconds (1800).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/qemu.sh"
image=${1:?usage: kernel/run-guest.sh BZIMAGE CONFIG.ini OUTDIR [-smp N] [ARGS...]}
config=${2:?usage: kernel/run-guest.sh BZIMAGE CONFIG.ini OUTDIR [-smp N] [ARGS...]}
outdir=${3:?usage: kernel/run-guest.sh BZIMAGE CONFIG.ini OUTDIR [-smp N] [ARGS...]}
shift 3
smp=2
if [ "${1:-}" = "-smp" ]; then smp=${2:?-smp needs a number}; shift 2; fi
[ -f "$image" ] || { echo "run-guest.sh: no kernel image '$image'" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$here/initramfs.sh" "$work/guest.cpio.gz" "$config" "$@" > /dev/null || exit 2
mkdir -p "$outdir"

qemu_boot "$image" "$work/guest.cpio.gz" "$outdir/console.log" "$smp" "${GUEST_TIMEOUT:-1800}"
accel=$QEMU_ACCEL
status=$QEMU_STATUS
console=$(tr -d '\r' < "$outdir/console.log")
if [ "$status" -eq 124 ]; then
	echo "run-guest.sh: the guest hung and was killed; see $outdir/console.log" >&2
	exit 1
fi
if grep -aq "Kernel panic" <<< "$console"; then
	echo "run-guest.sh: the guest kernel panicked: $(grep -a -m1 'Kernel panic' <<< "$console")" >&2
	exit 1
fi
if ! grep -aq "GUEST-RESULTS-END" <<< "$console"; then
	echo "run-guest.sh: the guest stopped before sending its results (qemu exit $status); see $outdir/console.log" >&2
	exit 1
fi
sed -n '/GUEST-RESULTS-BEGIN/,/GUEST-RESULTS-END/p' <<< "$console" | grep -av 'GUEST-RESULTS' | base64 -d |
	tar -xf - -C "$outdir" || { echo "run-guest.sh: the results did not decode" >&2; exit 1; }
guest_status=$(grep -ao 'GUEST status [0-9]*' <<< "$console" | tail -1 | cut -d' ' -f3)
guest_kernel=$(grep -ao 'GUEST kernel [^ ]*' <<< "$console" | tail -1 | cut -d' ' -f3)
printf '{"kernel_image": "%s", "guest_kernel": "%s", "accel": "%s", "smp": %s, "times": "%s", "tlbbench_status": %s}\n' \
	"$image" "$guest_kernel" "$accel" "$smp" \
	"$([ "$accel" = tcg ] && echo "emulated by TCG: counts exact, times not a cost measure" || echo "hardware virtualization")" \
	"${guest_status:-null}" > "$outdir/guest.json"
echo "$outdir/results ($accel, tlbbench exit ${guest_status:-?})"
exit "${guest_status:-1}"
