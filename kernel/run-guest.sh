#!/usr/bin/env bash
# Run one tlbbench command inside a test kernel under qemu and bring the
# result directory out. Usage:
#   kernel/run-guest.sh BZIMAGE OUTDIR [-smp N] TLBBENCH-ARGS...
# e.g. `run-guest.sh build/baseline/bzImage out/base run -c configs/ab.ini`.
# OUTDIR gets the guest's results, run.err, console.log and guest.json (kernel
# image, accelerator: under tcg counts are exact but times are emulated), and
# console.log.kvm-probe when qemu.sh probed KVM.
# Exit: the guest tlbbench's status (0, 1, 2), or 3 when the guest failed: a
# panic, a hang (killed after GUEST_TIMEOUT seconds, 1800), no results.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=qemu.sh
. "$here/qemu.sh"
usage="usage: kernel/run-guest.sh BZIMAGE OUTDIR [-smp N] TLBBENCH-ARGS..."
image=${1:?$usage}
outdir=${2:?$usage}
shift 2
smp=2
if [ "${1:-}" = "-smp" ]; then smp=${2:?-smp needs a number}; shift 2; fi
[ $# -gt 0 ] || { echo "$usage" >&2; exit 2; }
[ -f "$image" ] || { echo "run-guest.sh: no kernel image '$image'" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$here/initramfs.sh" "$work/guest.cpio.gz" "$@" > /dev/null || exit 2
mkdir -p "$outdir" || { echo "run-guest.sh: cannot create '$outdir'" >&2; exit 3; }

qemu_boot "$image" "$work/guest.cpio.gz" "$outdir/console.log" "$smp" "${GUEST_TIMEOUT:-1800}"
if [ "$QEMU_STATUS" -eq 124 ]; then
	echo "run-guest.sh: the guest hung and was killed after ${GUEST_TIMEOUT:-1800} s; see $outdir/console.log" >&2
	exit 3
fi
"$here/guest-output.sh" "$outdir/console.log" "$outdir" "$QEMU_ACCEL" "$image" "$smp"
status=$?
[ "$status" -eq 3 ] && exit 3
cpus=$("$here/json.pl" get "$outdir/guest.json" guest_cpus)
[ "$cpus" = "$smp" ] || echo "run-guest.sh: the guest shows ${cpus:-no} CPUs of -smp $smp (its CONFIG_NR_CPUS, ACPI or PCI?)" >&2
echo "$outdir/results ($QEMU_ACCEL, tlbbench exit $status)"
exit "$status"
