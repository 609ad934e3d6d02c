# shellcheck shell=bash
# Sourced by kernel/ab.sh and kernel/race.sh: their common options, and a
# test kernel built and booted with one tlbbench command.
# harness_options USAGE "$@": sets smp (-smp N, or a comma-separated list when USAGE
# says -smp LIST; 2 unless the caller set it), out (-o DIR) and, when
# USAGE names them, seconds (-t SECONDS) and modes (-m MODES); -h prints
# USAGE. The operands are left in OPERANDS. Bad input: exit 2.
# A VARIANT is baseline, a patch kernel/patches/NAME.patch given as NAME, or
# the path of a patch file elsewhere (a scratch build, named after the file).
# harness_prepare VARIANT...: exit 2 naming a variant with no patch; builds
# tlbbench and creates $out (exit 3 if either fails).
# variant_name VARIANT: the kernel's name (uname -r ends in -NAME).
# harness_guest MAX_OK VARIANT DIR TLBBENCH-ARGS...: builds the variant's
# kernel (kernel/build.sh caches it) and runs the command in it (run-guest.sh,
# results in DIR). Exit 3 when the kernel did not build, the guest failed or
# tlbbench exited above MAX_OK; else sets GUEST_STATUS. A caller that defines
# guest_failed VARIANT DIR takes a failed guest itself when that returns 0
# (GUEST_STATUS is then 3). The first guest's accelerator is kept for the
# later ones.
harness_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tool=$(basename "$0")

harness_options() {
	local usage=$1
	shift
	smp=${smp:-2}
	while [ $# -gt 0 ]; do
		case "$1" in
		-smp) smp=${2:?-smp needs a number}; shift 2 ;;
		-o) out=${2:?-o needs a directory}; shift 2 ;;
		-t) [[ "$usage" == *"-t SECONDS"* ]] || break
			seconds=${2:?-t needs seconds}; shift 2 ;;
		-m) [[ "$usage" == *"-m MODES"* ]] || break
			# shellcheck disable=SC2034  # race.sh reads modes
			modes=${2:?-m needs a list of modes}; shift 2 ;;
		-h|--help) echo "$usage"; exit 0 ;;
		*) break ;;
		esac
	done
	[[ "${1:-}" != -* ]] || { echo "$tool: unknown option '$1'; $usage" >&2; exit 2; }
	if [[ "$usage" == *"-smp LIST"* ]]; then
		[[ "$smp" =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || { echo "$tool: -smp '$smp' is not a list of CPU counts; $usage" >&2; exit 2; }
	else
		[[ "$smp" =~ ^[1-9][0-9]*$ ]] || { echo "$tool: -smp '$smp' is not a CPU count; $usage" >&2; exit 2; }
	fi
	[[ "${seconds:-1}" =~ ^[1-9][0-9]*$ ]] || { echo "$tool: -t '$seconds' is not a number of seconds; $usage" >&2; exit 2; }
	# shellcheck disable=SC2034  # the caller reads OPERANDS
	OPERANDS=("$@")
}

variant_patch() {
	case "$1" in
	baseline) ;;
	*/*) echo "$1" ;;
	*) echo "$harness_dir/patches/$1.patch" ;;
	esac
}

variant_name() {
	basename "$1" .patch
}

harness_prepare() {
	local patch
	for v in "$@"; do
		patch=$(variant_patch "$v")
		[ -z "$patch" ] || [ -f "$patch" ] || { echo "$tool: no patch ${patch/#"$harness_dir"/kernel}" >&2; exit 2; }
	done
	mkdir -p "$out" || { echo "$tool: cannot create the output directory '$out'" >&2; exit 3; }
	make -s -C "$harness_dir/.." tlbbench || exit 3
}

harness_guest() {
	local max_ok=$1 variant=$2 dir=$3 name image patch
	shift 3
	name=$(variant_name "$variant")
	patch=$(variant_patch "$variant")
	image=$("$harness_dir/build.sh" "$name" ${patch:+"$patch"} | tail -1 | grep '/bzImage$') ||
		{ echo "$tool: the $name kernel did not build" >&2; exit 3; }
	"$harness_dir/run-guest.sh" "$image" "$dir" -smp "$smp" "$@"
	GUEST_STATUS=$?
	if [ "$GUEST_STATUS" -eq 3 ]; then
		declare -F guest_failed > /dev/null && guest_failed "$variant" "$dir" && return
		echo "$tool: the $name guest failed; see $dir/console.log" >&2
		exit 3
	fi
	[ "$GUEST_STATUS" -le "$max_ok" ] ||
		{ echo "$tool: tlbbench exited $GUEST_STATUS in the $name guest; see $dir/run.err" >&2; exit 3; }
	# run-guest.sh probed KVM on the first boot; the later ones need not again.
	TLBBENCH_QEMU_ACCEL=${TLBBENCH_QEMU_ACCEL:-$("$harness_dir/json.pl" get "$dir/guest.json" accel)}
	export TLBBENCH_QEMU_ACCEL
}
