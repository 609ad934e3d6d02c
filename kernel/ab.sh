#!/usr/bin/env bash
# The A/B harness: the same tlbbench config on the baseline 6.12 test kernel
# and on patched ones, each booted under qemu, then `tlbbench compare` of each
# patched result directory against the baseline's.
# Usage: kernel/ab.sh [-smp N] [-o OUTDIR] CONFIG [VARIANT...]
# A VARIANT is a patch in kernel/patches/ without .patch (default:
# deferred-dirty). Kernels are built (or reused: kernel/build.sh caches them).
# OUTDIR (default results/ab-DATE) gets NAME/ per kernel (results, console.log,
# guest.json), compare-NAME.txt, and ab.json: which kernel and patch made what,
# and how times were taken (TCG: counts exact, times emulated).
# CONFIG's [rule] sections, if any, give compare its sign-off rules.
# Exit: 0 every compare passed, 1 a compare failed, 2 bad input, 3 a kernel
# did not build or a guest failed (panic, hang, no results).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
. "$here/qemu.sh"
smp=2
out="results/ab-$(date +%Y%m%d-%H%M%S)"
usage="usage: kernel/ab.sh [-smp N] [-o OUTDIR] CONFIG [VARIANT...]"
while [ $# -gt 0 ]; do
	case "$1" in
	-smp) smp=${2:?-smp needs a number}; shift 2 ;;
	-o) out=${2:?-o needs a directory}; shift 2 ;;
	-h|--help) echo "$usage"; exit 0 ;;
	-*) echo "ab.sh: unknown option '$1'; $usage" >&2; exit 2 ;;
	*) break ;;
	esac
done
config=${1:-}
[ -f "$config" ] || { echo "ab.sh: no config '$config'; $usage" >&2; exit 2; }
shift
variants=("${@:-deferred-dirty}")
variants_exist ab.sh "${variants[@]}"
make -s -C "$top" tlbbench || exit 3
mkdir -p "$out"
signoff=()
grep -q '^\[rule ' "$config" && signoff=(--signoff "$config")

kernels_json=""
for name in baseline "${variants[@]}"; do
	echo "== $name: building" >&2
	image=$(variant_image "$name") || { echo "ab.sh: the $name kernel did not build" >&2; exit 3; }
	echo "== $name: running $config in the guest (-smp $smp)" >&2
	"$here/run-guest.sh" "$image" "$out/$name" -smp "$smp" run -c "$config"
	status=$?
	[ "$status" -eq 3 ] && { echo "ab.sh: the $name guest failed; see $out/$name/console.log" >&2; exit 3; }
	[ "$status" -eq 0 ] || { echo "ab.sh: tlbbench exited $status in the $name guest; see $out/$name/run.err" >&2; exit 3; }
	# The first boot found out whether KVM works; the others need not probe again.
	export TLBBENCH_QEMU_ACCEL=${TLBBENCH_QEMU_ACCEL:-$(guest_accel "$out/$name/guest.json")}
	patch=null sum=null
	if [ "$name" != baseline ]; then
		patch="\"kernel/patches/$name.patch\""
		sum="\"$(sha256sum < "$here/patches/$name.patch" | cut -d' ' -f1)\""
	fi
	kernels_json="$kernels_json${kernels_json:+, }{\"name\": \"$name\", \"patch\": $patch, \"patch_sha256\": $sum, \"guest\": $(cat "$out/$name/guest.json")}"
done

worst=0
compares_json=""
for name in "${variants[@]}"; do
	"$top/tlbbench" compare "$out/baseline/results" "$out/$name/results" "${signoff[@]}" | tee "$out/compare-$name.txt"
	status=${PIPESTATUS[0]}
	[ "$status" -gt "$worst" ] && worst=$status
	compares_json="$compares_json${compares_json:+, }\"$name\": $status"
done
printf '{"config": "%s", "smp": %s, "tlbbench_revision": "%s", "kernels": [%s], "compare_status": {%s}}\n' \
	"$config" "$smp" "$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)" \
	"$kernels_json" "$compares_json" > "$out/ab.json"
echo "$out/ab.json" >&2
exit "$worst"
