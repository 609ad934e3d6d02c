#!/usr/bin/env bash
# The A/B harness: the same tlbbench config on a baseline test kernel and on
# patched ones, each booted under qemu, then `tlbbench compare` of each
# patched result directory against the baseline's.
# Usage: kernel/ab.sh [-smp N] [-o OUTDIR] [--source DIR|TARBALL] [--config FILE]
#                     [--patch FILE]... [--commits BASE..HEAD] [--name NAME] CONFIG [VARIANT...]
# The kernels come from Debian's linux-source-6.12, or from --source (a kernel
# tree or tarball), configured by config.fragment on tinyconfig or by --config
# (a full .config). A VARIANT is a patch in kernel/patches/ without .patch
# (default: deferred-dirty) or a patch file; or the patched kernel is your
# series: --patch FILE, repeated, or --commits BASE..HEAD of the --source git
# tree (then the baseline is BASE). Every kernel is checked before any is
# built (kernel/build.sh --check), and built or reused (build.sh caches them).
# OUTDIR (default results/ab-DATE) gets NAME/ per kernel (results,
# console.log, guest.json, build.json; its results/plots has the A/B plots
# compare and ab-counts), compare-NAME.txt, and ab.json: which
# source, patches (SHA-256) and config made each kernel, and how times were
# taken (TCG: counts exact, times emulated; KVM: a cost measure).
# CONFIG is found as `tlbbench run -c` finds one: as given, else by name in
# the data directory's configs/ (e.g. ab.ini, from an installed tree too).
# Its [rule] sections, if any, give compare its sign-off rules.
# Exit: 0 every compare passed, 1 a compare failed, 2 bad input, 3 a kernel
# did not build or a guest failed (panic, hang, no results).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# The source tree's tlbbench, or (installed: here is PREFIX/share/tlbbench/kernel) the one on PATH.
tlbbench="$top/tlbbench"
[ -x "$tlbbench" ] || tlbbench=$(command -v tlbbench) || tlbbench="$top/tlbbench"
# shellcheck source=harness.sh
. "$here/harness.sh"
out="results/ab-$(date +%Y%m%d-%H%M%S)"
usage="usage: kernel/ab.sh [-smp N] [-o OUTDIR] [--source DIR|TARBALL] [--config FILE] [--patch FILE]... [--commits BASE..HEAD] [--name NAME] CONFIG [VARIANT...]"
harness_options "$usage" "$@"
set -- "${OPERANDS[@]}"
config=${1:-}
[ -n "$config" ] || { echo "ab.sh: no config ''; $usage" >&2; exit 2; }
# data_file's rule (lib/common/datadir.c): as given, else a relative name in
# DATA/configs/ or DATA, DATA being TLBBENCH_DATA_DIR or here's parent
# (installed or not). The guest gets the file found (initramfs.sh copies it).
data=${TLBBENCH_DATA_DIR:-$top}
if [ ! -f "$config" ]; then
	if [ -d "$config" ]; then
		echo "ab.sh: config '$config': a directory, not a file" >&2; exit 2
	elif [[ "$config" == /* ]]; then
		echo "ab.sh: no config '$config': no such file" >&2; exit 2
	elif [ -f "$data/configs/$config" ]; then config=$data/configs/$config
	elif [ -f "$data/$config" ]; then config=$data/$config
	else echo "ab.sh: no config '$config': no such file, here or in $data/configs" >&2; exit 2
	fi
fi
shift
harness_variants "$@"
[ ${#VARIANTS[@]} -gt 0 ] || VARIANTS=(deferred-dirty)
variants=("${VARIANTS[@]}")
harness_prepare "${variants[@]}"
signoff=()
grep -q '^\[rule ' "$config" && signoff=(--signoff "$config")

kernels=()
for variant in baseline "${variants[@]}"; do
	name=$(variant_name "$variant")
	echo "== $name: running $config in the guest (-smp $smp)" >&2
	harness_guest 0 "$variant" "$out/$name" run -c "$config"
	kernels+=("$("$here/json.pl" object name="$name" build:=@"$out/$name/build.json" \
		guest:=@"$out/$name/guest.json")") || exit 3
done

worst=0
compares=()
for variant in "${variants[@]}"; do
	name=$(variant_name "$variant")
	"$tlbbench" compare "$out/baseline/results" "$out/$name/results" "${signoff[@]}" | tee "$out/compare-$name.txt"
	status=${PIPESTATUS[0]}
	[ "$status" -gt "$worst" ] && worst=$status
	# The A/B pictures (compare, ab-counts) into the variant's results/plots.
	"$tlbbench" plot "$out/baseline/results" "$out/$name/results" > /dev/null ||
		echo "ab.sh: tlbbench plot of $name against the baseline failed" >&2
	compares+=("$name#=$status")
done
kernels_json=$(IFS=,; echo "[${kernels[*]}]")
"$here/json.pl" object config="$config" smp#="$smp" \
	tlbbench_revision="$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)" \
	kernels:="$kernels_json" compare_status:="$("$here/json.pl" object "${compares[@]}")" > "$out/ab.json" || exit 3
echo "$out/ab.json" >&2
exit "$worst"
