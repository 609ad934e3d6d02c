#!/usr/bin/env bash
# The lost-write detector on each test kernel: `tlbbench race` on ext4 on the
# guest's RAM disk, once with MADV_DONTNEED zaps and once with MAP_FIXED
# re-maps, each for SECONDS (default 60).
# Usage: kernel/race.sh [-smp N] [-t SECONDS] [-o OUTDIR] [VARIANT...]
# VARIANTs are patches in kernel/patches/ (default: deferred-dirty and
# deferred-dirty-unsafe); the baseline always runs first. OUTDIR (default
# results/race-DATE) gets NAME-ZAP/ per run (race.json, dmesg.txt,
# console.log, guest.json) and summary.txt.
# Exit: 0 no loss anywhere, 1 loss found on some kernel (see summary.txt),
# 2 bad input, 3 a kernel did not build or a guest failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=harness.sh
. "$here/harness.sh"
seconds=60
out="results/race-$(date +%Y%m%d-%H%M%S)"
usage="usage: kernel/race.sh [-smp N] [-t SECONDS] [-o OUTDIR] [VARIANT...]"
harness_options "$usage" "$@"
set -- "${OPERANDS[@]}"
if [ $# -gt 0 ]; then variants=("$@"); else variants=(deferred-dirty deferred-dirty-unsafe); fi
harness_prepare "${variants[@]}"
worst=0
printf '%-30s %-6s %12s %8s %6s %8s %7s %10s %8s %s\n' kernel zap writer_rounds faults major zaps syncs mismatches \
	durable verdict > "$out/summary.txt"
for name in baseline "${variants[@]}"; do
	for zap in madv remap; do
		dir="$out/$name-$zap"
		echo "== $name, zap $zap: tlbbench race for $seconds s" >&2
		GUEST_TIMEOUT=$((seconds * 3 + 600)) harness_guest 1 "$name" "$dir" race --dir /scratch --time "$seconds" --zap "$zap"
		[ "$GUEST_STATUS" -gt "$worst" ] && worst=$GUEST_STATUS
		perl -MJSON::PP -e 'local $/; open(my $f, "<", $ARGV[0]) or die "$ARGV[0]: $!\n"; my $j = decode_json(<$f>);
			my $w = ref $j->{kernel_warnings} ? scalar @{ $j->{kernel_warnings} } : "n/s";
			printf "%-30s %-6s %12s %8s %6s %8s %7s %10s %8s %s (kernel warnings: %s)\n", $j->{kernel}, $j->{zap},
				$j->{writer_rounds}, $j->{writer_faults}, $j->{writer_major_faults}, $j->{zaps}, $j->{syncs},
				$j->{mismatches}, $j->{durable} ? "yes" : "NO", $j->{verdict}, $w' "$dir/results/race.json" \
			>> "$out/summary.txt" || exit 3
	done
done
cat "$out/summary.txt"
exit "$worst"
