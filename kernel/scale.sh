#!/usr/bin/env bash
# Flushes and shootdown IPIs across core counts beyond the host's: the
# baseline and patched test kernels booted with -smp 8 and -smp 16 (by
# default), each running kernel/configs/scale.ini with --cpus 1,2,4,... up to
# the guest's CPUs. Counts come from the guests' own counters and are exact
# under TCG; times are emulated and are not a cost measure.
# Usage: kernel/scale.sh [-smp LIST] [-o OUTDIR] [--source DIR|TARBALL] [--config FILE]
#                        [--patch FILE]... [--commits BASE..HEAD] [--name NAME] [VARIANT...]
# LIST: comma-separated guest CPU counts (default 8,16). The kernels and
# VARIANTs as for kernel/ab.sh (default deferred-dirty); the baseline always
# runs first.
# OUTDIR (default results/scale-DATE) gets NAME-smpN/ per guest (results,
# console.log, guest.json), scale.txt (the table and its checks, from
# kernel/scale-table.pl), scale.dat and scale.png/.svg (plots/scale.gp), and
# scale.json (which kernels, guests and accelerator, the wall time).
# Exit: 0 every check held, 1 a check failed (see scale.txt), 2 bad input,
# 3 a kernel did not build or a guest failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
smp=8,16
out="results/scale-$(date +%Y%m%d-%H%M%S)"
usage="usage: kernel/scale.sh [-smp LIST] [-o OUTDIR] [--source DIR|TARBALL] [--config FILE] [--patch FILE]... [--commits BASE..HEAD] [--name NAME] [VARIANT...]"
harness_options "$usage" "$@"
harness_variants "${OPERANDS[@]}"
[ ${#VARIANTS[@]} -gt 0 ] || VARIANTS=(deferred-dirty)
variants=("${VARIANTS[@]}")
harness_prepare "${variants[@]}"
smp_list=$smp
IFS=, read -r -a guests <<< "$smp_list"
started=$(date +%s)
# 16 emulated CPUs on a 2-CPU host: a guest may take an hour.
export GUEST_TIMEOUT=${GUEST_TIMEOUT:-7200}
# Counts are what this checks: under KVM a guest kernel with KVM_GUEST flushes a
# preempted vCPU on its next entry instead of by IPI, so TCG unless asked.
export TLBBENCH_QEMU_ACCEL=${TLBBENCH_QEMU_ACCEL:-tcg}

# 1,2,4,... up to N, and N itself.
cpu_counts() {
	local k=1 list=""
	while [ "$k" -lt "$1" ]; do list+="$k,"; k=$((k * 2)); done
	echo "$list$1"
}

dirs=()
for n in "${guests[@]}"; do
	smp=$n
	for variant in baseline "${variants[@]}"; do
		dir="$out/$(variant_name "$variant")-smp$n"
		echo "== $(variant_name "$variant"), -smp $n: tlbbench run -c kernel/configs/scale.ini --cpus $(cpu_counts "$n")" >&2
		harness_guest 0 "$variant" "$dir" run -c "$here/configs/scale.ini" --cpus "$(cpu_counts "$n")"
		dirs+=("$dir")
	done
done
elapsed=$(($(date +%s) - started))

"$here/scale-table.pl" --data "$out/scale.dat" "${dirs[@]}" > "$out/scale.txt"
status=$?
[ "$status" -gt 1 ] && exit 3
printf '\nWall time of the whole run: %d min %d s (%s)\n' $((elapsed / 60)) $((elapsed % 60)) "$(date -u +%FT%TZ)" >> "$out/scale.txt"
cat "$out/scale.txt"
if command -v gnuplot > /dev/null; then
	gnuplot -e "datafile='$out/scale.dat'; outbase='$out/scale'" "$top/plots/scale.gp" ||
		echo "scale.sh: gnuplot failed; the table is in $out/scale.txt" >&2
fi
guests_json=$(for d in "${dirs[@]}"; do "$here/json.pl" object dir="$d" build:=@"$d/build.json" guest:=@"$d/guest.json"; done | paste -sd,)
"$here/json.pl" object config="kernel/configs/scale.ini" smp="$smp_list" wall_seconds#="$elapsed" \
	tlbbench_revision="$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)" \
	guests:="[$guests_json]" checks_passed:="$([ "$status" -eq 0 ] && echo true || echo false)" > "$out/scale.json" || exit 3
echo "$out/scale.txt" >&2
exit "$status"
