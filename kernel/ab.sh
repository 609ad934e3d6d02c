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
# shellcheck source=harness.sh
. "$here/harness.sh"
out="results/ab-$(date +%Y%m%d-%H%M%S)"
usage="usage: kernel/ab.sh [-smp N] [-o OUTDIR] CONFIG [VARIANT...]"
harness_options "$usage" "$@"
set -- "${OPERANDS[@]}"
config=${1:-}
[ -f "$config" ] || { echo "ab.sh: no config '$config'; $usage" >&2; exit 2; }
shift
variants=("${@:-deferred-dirty}")
harness_prepare "${variants[@]}"
signoff=()
grep -q '^\[rule ' "$config" && signoff=(--signoff "$config")

kernels=()
for name in baseline "${variants[@]}"; do
	echo "== $name: running $config in the guest (-smp $smp)" >&2
	harness_guest 0 "$name" "$out/$name" run -c "$config"
	patch=() sum=()
	if [ "$name" != baseline ]; then
		patch=("patch=kernel/patches/$name.patch")
		sum=("patch_sha256=$(sha256sum < "$here/patches/$name.patch" | cut -d' ' -f1)")
	fi
	kernels+=("$("$here/json.pl" object name="$name" "${patch[@]:-patch:=null}" "${sum[@]:-patch_sha256:=null}" \
		guest:=@"$out/$name/guest.json")") || exit 3
done

worst=0
compares=()
for name in "${variants[@]}"; do
	"$top/tlbbench" compare "$out/baseline/results" "$out/$name/results" "${signoff[@]}" | tee "$out/compare-$name.txt"
	status=${PIPESTATUS[0]}
	[ "$status" -gt "$worst" ] && worst=$status
	compares+=("$name#=$status")
done
kernels_json=$(IFS=,; echo "[${kernels[*]}]")
"$here/json.pl" object config="$config" smp#="$smp" \
	tlbbench_revision="$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)" \
	kernels:="$kernels_json" compare_status:="$("$here/json.pl" object "${compares[@]}")" > "$out/ab.json" || exit 3
echo "$out/ab.json" >&2
exit "$worst"
