# shellcheck shell=bash
# Sourced by kernel/ab.sh and kernel/race.sh: their common options, and a
# test kernel built and booted with one tlbbench command.
# harness_options USAGE "$@": sets smp (-smp N, 2), out (-o DIR) and, when
# USAGE names -t SECONDS, seconds (-t SECONDS); -h prints USAGE. The operands are
# left in OPERANDS. Bad input: exit 2.
# harness_prepare VARIANT...: exit 2 naming a variant with no patch; builds
# tlbbench and creates $out (exit 3 if either fails).
# harness_guest MAX_OK NAME DIR TLBBENCH-ARGS...: builds NAME's kernel
# (baseline, or kernel/patches/NAME.patch; kernel/build.sh caches it) and runs
# the command in it (run-guest.sh, results in DIR). Exit 3 when the kernel did
# not build, the guest failed or tlbbench exited above MAX_OK; else sets
# GUEST_STATUS. The first guest's accelerator is kept for the later ones.
harness_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tool=$(basename "$0")

harness_options() {
	local usage=$1
	shift
	smp=2
	while [ $# -gt 0 ]; do
		case "$1" in
		-smp) smp=${2:?-smp needs a number}; shift 2 ;;
		-o) out=${2:?-o needs a directory}; shift 2 ;;
		-t) [[ "$usage" == *"-t SECONDS"* ]] || break
			seconds=${2:?-t needs seconds}; shift 2 ;;
		-h|--help) echo "$usage"; exit 0 ;;
		*) break ;;
		esac
	done
	[[ "${1:-}" != -* ]] || { echo "$tool: unknown option '$1'; $usage" >&2; exit 2; }
	[[ "$smp" =~ ^[1-9][0-9]*$ ]] || { echo "$tool: -smp '$smp' is not a CPU count; $usage" >&2; exit 2; }
	[[ "${seconds:-1}" =~ ^[1-9][0-9]*$ ]] || { echo "$tool: -t '$seconds' is not a number of seconds; $usage" >&2; exit 2; }
	# shellcheck disable=SC2034  # the caller reads OPERANDS
	OPERANDS=("$@")
}

harness_prepare() {
	for v in "$@"; do
		[ -f "$harness_dir/patches/$v.patch" ] || { echo "$tool: no patch kernel/patches/$v.patch" >&2; exit 2; }
	done
	mkdir -p "$out" || { echo "$tool: cannot create the output directory '$out'" >&2; exit 3; }
	make -s -C "$harness_dir/.." tlbbench || exit 3
}

harness_guest() {
	local max_ok=$1 name=$2 dir=$3 image patch=()
	shift 3
	[ "$name" = baseline ] || patch=("$harness_dir/patches/$name.patch")
	image=$("$harness_dir/build.sh" "$name" "${patch[@]}" | tail -1 | grep '/bzImage$') ||
		{ echo "$tool: the $name kernel did not build" >&2; exit 3; }
	"$harness_dir/run-guest.sh" "$image" "$dir" -smp "$smp" "$@"
	GUEST_STATUS=$?
	[ "$GUEST_STATUS" -eq 3 ] && { echo "$tool: the $name guest failed; see $dir/console.log" >&2; exit 3; }
	[ "$GUEST_STATUS" -le "$max_ok" ] ||
		{ echo "$tool: tlbbench exited $GUEST_STATUS in the $name guest; see $dir/run.err" >&2; exit 3; }
	# run-guest.sh probed KVM on the first boot; the later ones need not again.
	TLBBENCH_QEMU_ACCEL=${TLBBENCH_QEMU_ACCEL:-$("$harness_dir/json.pl" get "$dir/guest.json" accel)}
	export TLBBENCH_QEMU_ACCEL
}
