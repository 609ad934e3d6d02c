#!/usr/bin/env bash
# Build a test kernel: a kernel source, with patches applied or not.
# Usage: kernel/build.sh [--source DIR|TARBALL] [--rev COMMIT] [--config FILE] [--check] NAME [PATCH...]
#   --source  a kernel tree (a directory, taken as it is, uncommitted changes
#             and all) or a tarball; default Debian's
#             /usr/src/linux-source-6.12.tar.xz
#   --rev     with a git tree: build that commit (git archive), not the work tree
#   --config  a full .config instead of config.fragment merged onto
#             tinyconfig; it must hold kernel/config.required
#   --check   find what would stop the build (a source that is no kernel
#             tree, a patch that does not apply, a config without what the
#             guests need) on a scratch copy, and build nothing
# Result: kernel/build/NAME/bzImage (uname -r: VERSION-NAME) and build.json:
# which source (and its SHA-256 or commit), patches (SHA-256) and config made
# it. A build is skipped when all of these and this script are as last time.
# Each source gets its own tree (kernel/build/tree-ID), shared by its variants.
# TLBBENCH_KERNEL_BUILD moves kernel/build elsewhere.
# Exit: 0 built (or up to date, or --check passed); 2 bad input, one line,
# before anything is compiled; 1 the compile failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage="usage: kernel/build.sh [--source DIR|TARBALL] [--rev COMMIT] [--config FILE] [--check] NAME [PATCH...]"
bad() { echo "kernel/build.sh: $*" >&2; exit 2; }
source=/usr/src/linux-source-6.12.tar.xz rev="" config="" check=0
while [ $# -gt 0 ]; do
	case "$1" in
	--source|--rev|--config)
		[ -n "${2:-}" ] || bad "$1 needs a value; $usage"
		case "$1" in --source) source=$2 ;; --rev) rev=$2 ;; --config) config=$2 ;; esac
		shift 2 ;;
	--check) check=1; shift ;;
	-h|--help) echo "$usage"; exit 0 ;;
	-*) bad "unknown option '$1'; $usage" ;;
	*) break ;;
	esac
done
name=${1:-}
[[ "$name" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || bad "'$name' is no kernel name (letters, digits, . _ -); $usage"
shift
patches=("$@")
for p in "${patches[@]}"; do [ -f "$p" ] || bad "no patch '$p'"; done
# shellcheck source=build-source.sh
. "$here/build-source.sh"
source_resolve
config_precheck

# Installed read-only (PREFIX/share/tlbbench/kernel): kernels go to the user's cache.
default_build="$here/build"
[ -w "$here" ] || default_build="${XDG_CACHE_HOME:-$HOME/.cache}/tlbbench/kernel"
build=$(realpath -m "${TLBBENCH_KERNEL_BUILD:-$default_build}")
[[ "$build" != *[[:space:]:]* ]] || bad "the build directory '$build' has a blank or a colon, which kbuild cannot take"
out="$build/$name"
key=$( { echo "$source_id"; sha256sum < "${config:-$here/config.fragment}"; sha256sum < "$here/config.required";
	cat "$here/build.sh" "$here/build-source.sh" | sha256sum; for p in "${patches[@]}"; do sha256sum < "$p"; done; } |
	sha256sum | cut -d' ' -f1)
if [ -f "$out/bzImage" ] && [ "$(cat "$out/key" 2>/dev/null)" = "$key" ]; then
	echo "kernel/build.sh: $name is up to date" >&2
	[ "$check" = 1 ] || echo "$out/bzImage"
	exit 0
fi
mkdir -p "$build"
source_unpack "$build"

if [ "$check" = 1 ]; then
	scratch=$(mktemp -d "$build/check.XXXXXX")
	trap 'rm -rf "$scratch"' EXIT
	tree_copy "$pristine" "$scratch/src"
	mkdir "$scratch/applied"
	patches_apply "$scratch/src" "$scratch/applied"
	configure "$scratch/src" "$scratch/obj"
	echo "kernel/build.sh: $name: the source, ${#patches[@]} patch(es) and the config are fit to build" >&2
	exit 0
fi

# Every variant of a source is built in the source's tree, so a variant costs
# only the files its patches touch: the patches applied last are reversed
# from their saved copies, the new ones applied (both give the files new
# mtimes, so make rebuilds exactly those and what includes them). patch(1)
# replaces the files it changes instead of writing through the hard links to
# the pristine source. A tree in an unknown state is made again.
tree="$build/tree-${source_id:0:12}"
mkdir -p "$tree"
# One build at a time in a tree.
exec 9> "$tree.lock"
flock 9
if [ ! -f "$tree/applied/ok" ]; then
	rm -rf "$tree/src" "$tree/obj" "$tree/applied"
	tree_copy "$pristine" "$tree/src"
	mkdir "$tree/applied"
	touch "$tree/applied/ok"
fi
rm "$tree/applied/ok"
patches_reverse "$tree/src" "$tree/applied"
status=0
(patches_apply "$tree/src" "$tree/applied") || status=$?
if [ "$status" -eq 2 ]; then
	# Refused by its dry run: nothing of it was applied, the earlier ones are undone.
	patches_reverse "$tree/src" "$tree/applied"
	touch "$tree/applied/ok"
	exit 2
fi
[ "$status" -eq 0 ] || exit 1
touch "$tree/applied/ok"
configure "$tree/src" "$tree/obj"
make -s -C "$tree/src" O="$tree/obj" -j"$(nproc)" bzImage || exit 1
rm -rf "$out"
mkdir -p "$out"
cp "$tree/obj/arch/x86/boot/bzImage" "$out/bzImage"
provenance "$tree/obj" > "$out/build.json"
echo "$key" > "$out/key"
echo "$out/bzImage"
