#!/usr/bin/env bash
# tlbbench race on each test kernel, every mode: writeback (ext4 on the
# guest's RAM disk) and truncate (a memfd), each with MADV_DONTNEED zaps and
# with MAP_FIXED re-maps, and seal (a memfd), each for SECONDS (default 60).
# Usage: kernel/race.sh [-smp N] [-t SECONDS] [-m MODES] [-o OUTDIR] [VARIANT...]
# -smp: the guests' CPUs, 4 by default (the writeback mode needs 3).
# MODES: a comma-separated subset of writeback,truncate,seal (default all).
# VARIANTs are patches in kernel/patches/ named without .patch, or paths of
# patch files (default: deferred-dirty, late-dirty-unsafe and
# no-force-flush-unsafe); the baseline always runs first. OUTDIR (default
# results/race-DATE) gets NAME-MODE-ZAP/ per run (race.json, dmesg.txt,
# console.log, guest.json) and summary.txt: each run's verdict beside the one
# kernel/race-expected.txt gives. A guest that dies (oops=panic) is a row of
# its own, with the BUG line from its console.
# Exit: 0 every run as expected, 1 some run not (see summary.txt), 2 bad
# input, 3 a kernel did not build or a guest failed for another reason.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
seconds=60
# A lost write needs three CPUs at once: the writer, the zapper inside its
# zap, and writeback (with two, no-force-flush-unsafe lost nothing in 60 s).
smp=4
out="results/race-$(date +%Y%m%d-%H%M%S)"
modes=writeback,truncate,seal
usage="usage: kernel/race.sh [-smp N] [-t SECONDS] [-m MODES] [-o OUTDIR] [VARIANT...]"
harness_options "$usage" "$@"
runs=()
IFS=, read -r -a chosen <<< "$modes"
for mode in "${chosen[@]}"; do
	case "$mode" in
	writeback|truncate) runs+=("$mode madv" "$mode remap") ;;
	seal) runs+=("seal remap") ;;
	*) echo "race.sh: unknown mode '$mode' in -m (writeback, truncate, seal); $usage" >&2; exit 2 ;;
	esac
done
set -- "${OPERANDS[@]}"
if [ $# -gt 0 ]; then variants=("$@"); else variants=(deferred-dirty late-dirty-unsafe no-force-flush-unsafe); fi
harness_prepare "${variants[@]}"
expected="$here/race-expected.txt"
summary="$out/summary.txt"
"$here/race-row.pl" --header > "$summary"

# A guest that panicked on a kernel BUG is a result, not a harness failure.
guest_failed() {
	died=$(tr -d '\r' < "$2/console.log" | grep -a -m1 -E 'kernel BUG at|BUG: |Oops|WARNING: ')
	[ -n "$died" ]
}

worst=0
for variant in baseline "${variants[@]}"; do
	name=$(variant_name "$variant")
	for run in "${runs[@]}"; do
		read -r mode zap <<< "$run"
		dir="$out/$name-$mode-$zap"
		args=(race --race "$mode" --time "$seconds")
		[ "$mode" = writeback ] && args+=(--dir /scratch)
		[ "$mode" = seal ] || args+=(--zap "$zap")
		echo "== $name: tlbbench ${args[*]}" >&2
		died=""
		GUEST_TIMEOUT=$((seconds * 3 + 300)) harness_guest 1 "$variant" "$dir" "${args[@]}"
		if [ -n "$died" ]; then
			"$here/race-row.pl" "$expected" "$name" "$mode" "$zap" --died "$died" >> "$summary"
		else
			"$here/race-row.pl" "$expected" "$name" "$mode" "$zap" "$dir/results/race.json" >> "$summary"
		fi
		status=$?
		[ "$status" -gt 1 ] && exit 3
		[ "$status" -gt "$worst" ] && worst=$status
	done
done
cat "$summary"
exit "$worst"
