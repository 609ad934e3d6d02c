# shellcheck shell=bash
# Sourced by kernel/ab.sh and kernel/race.sh: their common options, and a
# test kernel built and booted with one tlbbench command.
# harness_options USAGE "$@": sets smp (-smp N, or a comma-separated list when USAGE
# says -smp LIST; 2 unless the caller set it), out (-o DIR) and, when
# USAGE names them, seconds (-t SECONDS) and modes (-m MODES); -h prints
# USAGE. When USAGE names --source, the kernels' source and series too:
# --source DIR|TARBALL and --config FILE go to kernel/build.sh; --patch FILE
# (repeated: a series, in order) or --commits BASE..HEAD (of the --source
# git tree: the baseline is BASE, the series its commits) make one patched
# kernel, named by --name (default patched). The operands are left in
# OPERANDS. Bad input: exit 2.
# A VARIANT is baseline, a patch kernel/patches/NAME.patch given as NAME, the
# path of a patch file elsewhere (a scratch build, named after the file), or
# the series' name.
# harness_variants VARIANT...: sets VARIANTS, the operands or the series
# (exit 2 when both are given).
# harness_prepare VARIANT...: exit 2 naming a variant with no patch; builds
# tlbbench and creates $out (exit 3 if either fails); turns --commits into
# $out/patches; then checks every kernel (kernel/build.sh --check) before any
# is built: a source, patch or config that cannot build is exit 2.
# variant_name VARIANT: the kernel's name (uname -r ends in -NAME).
# harness_guest MAX_OK VARIANT DIR TLBBENCH-ARGS...: builds the variant's
# kernel (kernel/build.sh caches it) and runs the command in it (run-guest.sh,
# results in DIR, with the kernel's build.json). Exit 3 when the kernel did not build, the guest failed or
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
	build_opts=() series=() commits="" series_name=patched kernel_source=""
	while [ $# -gt 0 ]; do
		case "$1" in
		-smp|-o|-t|-m|--source|--config|--patch|--commits|--name)
			[ -n "${2:-}" ] || { echo "$tool: $1 needs a value; $usage" >&2; exit 2; } ;;
		esac
		case "$1" in
		-smp) smp=$2; shift 2 ;;
		-o) out=$2; shift 2 ;;
		-t) [[ "$usage" == *"-t SECONDS"* ]] || break
			seconds=$2; shift 2 ;;
		-m) [[ "$usage" == *"-m MODES"* ]] || break
			# shellcheck disable=SC2034  # race.sh reads modes
			modes=$2; shift 2 ;;
		--source|--config) [[ "$usage" == *"--source"* ]] || break
			build_opts+=("$1" "$2")
			[ "$1" = --source ] && kernel_source=$2
			shift 2 ;;
		--patch) [[ "$usage" == *"--source"* ]] || break
			series+=("$2"); shift 2 ;;
		--commits) [[ "$usage" == *"--source"* ]] || break
			commits=$2; shift 2 ;;
		--name) [[ "$usage" == *"--source"* ]] || break
			series_name=$2; shift 2 ;;
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
	[ ${#series[@]} -eq 0 ] || [ -z "$commits" ] || { echo "$tool: give --patch or --commits, not both; $usage" >&2; exit 2; }
	for p in "${series[@]}"; do [ -f "$p" ] || { echo "$tool: --patch: no file '$p'" >&2; exit 2; }; done
	# shellcheck disable=SC2034  # the caller reads OPERANDS
	OPERANDS=("$@")
}

harness_variants() {
	if [ ${#series[@]} -eq 0 ] && [ -z "$commits" ]; then
		VARIANTS=("$@")
		return
	fi
	[ $# -eq 0 ] || { echo "$tool: give VARIANTs or a series (--patch, --commits), not both" >&2; exit 2; }
	[ "$series_name" != baseline ] || { echo "$tool: --name baseline is the unpatched kernel's" >&2; exit 2; }
	# shellcheck disable=SC2034  # the caller reads VARIANTS
	VARIANTS=("$series_name")
}

# The patches of a variant, a line each.
variant_patches() {
	case "$1" in
	baseline) ;;
	"$series_name")
		# --commits fills the series in harness_prepare; until then it has none.
		if [ ${#series[@]} -gt 0 ]; then printf '%s\n' "${series[@]}"
		elif [ -z "$commits" ]; then echo "$harness_dir/patches/$1.patch"; fi ;;
	*/*) echo "$1" ;;
	*) echo "$harness_dir/patches/$1.patch" ;;
	esac
}

variant_name() {
	basename "$1" .patch
}

# --commits BASE..HEAD: the series from git format-patch, built on BASE.
commits_series() {
	local base head list
	if [ -z "$kernel_source" ] || ! git -C "$kernel_source" rev-parse --git-dir > /dev/null 2>&1; then
		echo "$tool: --commits needs --source to be a git tree" >&2
		exit 2
	fi
	[[ "$commits" == *..* ]] || { echo "$tool: --commits '$commits' is no range BASE..HEAD" >&2; exit 2; }
	base=$(git -C "$kernel_source" rev-parse --verify --quiet "${commits%%..*}^{commit}") ||
		{ echo "$tool: --commits: '${commits%%..*}' is no commit in $kernel_source" >&2; exit 2; }
	head=$(git -C "$kernel_source" rev-parse --verify --quiet "${commits#*..}^{commit}") ||
		{ echo "$tool: --commits: '${commits#*..}' is no commit in $kernel_source" >&2; exit 2; }
	[ -z "$(git -C "$kernel_source" rev-list --merges "$base..$head")" ] ||
		{ echo "$tool: --commits $commits holds merges, which a patch series cannot carry" >&2; exit 2; }
	list=$(git -C "$kernel_source" format-patch -o "$(realpath "$out")/patches" "$base..$head") || exit 3
	[ -n "$list" ] || { echo "$tool: --commits $commits holds no commits" >&2; exit 2; }
	mapfile -t series <<< "$list"
	build_opts+=(--rev "$base")
}

harness_prepare() {
	local patch v status
	for v in "$@"; do
		while read -r patch; do
			[ -f "$patch" ] || { echo "$tool: no patch ${patch/#"$harness_dir"/kernel}" >&2; exit 2; }
		done < <(variant_patches "$v")
	done
	mkdir -p "$out" || { echo "$tool: cannot create the output directory '$out'" >&2; exit 3; }
	[ -z "$commits" ] || commits_series
	# In the source tree, build tlbbench first; an installed harness uses the installed one.
	if [ -f "$harness_dir/../Makefile" ]; then make -s -C "$harness_dir/.." tlbbench || exit 3; fi
	# The patched kernels first: a patch that does not apply is the likelier failure.
	for v in "$@" baseline; do
		mapfile -t patches < <(variant_patches "$v")
		"$harness_dir/build.sh" "${build_opts[@]}" --check "$(variant_name "$v")" "${patches[@]}"
		status=$?
		[ "$status" -eq 0 ] || exit $((status == 2 ? 2 : 3))
	done
}

harness_guest() {
	local max_ok=$1 variant=$2 dir=$3 name image patches
	shift 3
	name=$(variant_name "$variant")
	mapfile -t patches < <(variant_patches "$variant")
	image=$("$harness_dir/build.sh" "${build_opts[@]}" "$name" "${patches[@]}" | tail -1 | grep '/bzImage$') ||
		{ echo "$tool: the $name kernel did not build" >&2; exit 3; }
	"$harness_dir/run-guest.sh" "$image" "$dir" -smp "$smp" "$@"
	GUEST_STATUS=$?
	# Which source, patches and config made the kernel, beside its results.
	cp "$(dirname "$image")/build.json" "$dir/build.json" 2> /dev/null
	[ -d "$dir/results" ] && cp "$dir/build.json" "$dir/results/build.json" 2> /dev/null
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
