# shellcheck shell=bash
# shellcheck disable=SC2154  # source, rev, config, name, patches, here and bad are build.sh's
# Sourced by kernel/build.sh: the source, patches and config of a test kernel.
# Each function exits 2 with one line (bad) when its input cannot build.
# Reads source, rev, config, name and patches; sets source_kind, source_id,
# source_what and pristine.

# A directory that holds a kernel source: its top Makefile and x86 Kconfig.
kernel_tree() {
	grep -q '^VERSION = ' "$1/Makefile" 2>/dev/null && grep -q '^PATCHLEVEL = ' "$1/Makefile" &&
		[ -f "$1/Kconfig" ] && [ -f "$1/arch/x86/Kconfig" ]
}

# source_kind: tarball (id: its SHA-256), git (a commit, id: the commit) or
# tree (a directory as it is, id: its file list with sizes and mtimes).
source_resolve() {
	if [ -n "$rev" ]; then
		[ -d "$source" ] || bad "--rev needs --source to be a git tree; '$source' is no directory"
		git -C "$source" rev-parse --git-dir > /dev/null 2>&1 || bad "--rev: '$source' is no git tree"
		source_id=$(git -C "$source" rev-parse --verify --quiet "$rev^{commit}") ||
			bad "--rev: '$rev' is no commit in $source"
		source_kind=git
		source_what="$source at $(git -C "$source" describe --always --tags "$source_id" 2>/dev/null || echo "$source_id")"
	elif [ -d "$source" ]; then
		kernel_tree "$source" || bad "--source: '$source' is no kernel tree (no top Makefile with VERSION, Kconfig, arch/x86/Kconfig)"
		if [ -e "$source/.config" ] || [ -d "$source/include/config" ]; then
			bad "--source: '$source' has been configured or built in place (.config, include/config): run 'make mrproper' there first"
		fi
		source_kind=tree
		source_id=$( { realpath "$source"; (cd "$source" && find . -path ./.git -prune -o -type f -printf '%P %s %T@\n') | sort; } |
			sha256sum | cut -d' ' -f1)
		source_what="$(realpath "$source")"
		if git -C "$source" rev-parse --git-dir > /dev/null 2>&1; then
			source_what+=" (git $(git -C "$source" describe --always --tags --dirty 2>/dev/null))"
		fi
	elif [ -f "$source" ]; then
		source_kind=tarball
		source_id=$(sha256sum < "$source" | cut -d' ' -f1)
		source_what="$(realpath "$source")"
	elif [ "$source" = /usr/src/linux-source-6.12.tar.xz ]; then
		bad "no /usr/src/linux-source-6.12.tar.xz (apt-get install linux-source-6.12, or give --source)"
	else
		bad "--source: no directory or tarball '$source'"
	fi
}

# The options the guests need to boot and count flushes, from kernel/config.required.
required_options() {
	grep '^CONFIG_' "$here/config.required"
}

# The option lines of stdin that the config FILE does not hold, on one line.
lacking() {
	local line
	while read -r line; do grep -qx "$line" "$1" || echo "$line"; done | paste -sd' '
}

# A full --config is checked before anything else is done: a .config that
# lacks an option the guests need fails here, not after a build.
config_precheck() {
	[ -n "$config" ] || return 0
	[ -f "$config" ] || bad "--config: no file '$config'"
	grep -q '^CONFIG_' "$config" || bad "--config: '$config' is no .config (no CONFIG_ lines)"
	local missing
	missing=$(required_options | lacking "$config")
	[ -z "$missing" ] || bad "--config: '$config' lacks what the guests need (kernel/config.required): $missing"
}

# pristine: the source as files, unpacked once under BUILD for a tarball or a commit.
source_unpack() {
	local build=$1
	if [ "$source_kind" = tree ]; then
		pristine=$source
		return
	fi
	pristine="$build/src-${source_id:0:12}"
	[ -f "$pristine/Makefile" ] && return
	rm -rf "$pristine.tmp"
	mkdir -p "$pristine.tmp"
	if [ "$source_kind" = git ]; then
		git -C "$source" archive --format=tar "$source_id" | tar -xf - -C "$pristine.tmp" ||
			{ rm -rf "$pristine.tmp"; bad "--rev: git archive of $source_what failed"; }
	else
		tar -xf "$source" -C "$pristine.tmp" --strip-components=1 2> /dev/null ||
			{ rm -rf "$pristine.tmp"; bad "--source: '$source' does not unpack (tar -xf)"; }
	fi
	kernel_tree "$pristine.tmp" ||
		{ rm -rf "$pristine.tmp"; bad "--source: '$source_what' holds no kernel tree (one top directory with Makefile, Kconfig, arch/x86)"; }
	mv "$pristine.tmp" "$pristine"
}

# tree_copy FROM TO: hard links where it can (FROM stays untouched: patch(1)
# writes new files), without FROM's .git.
tree_copy() {
	mkdir -p "$(dirname "$2")"
	cp -al "$1" "$2" 2> /dev/null || { rm -rf "$2"; cp -a "$1" "$2"; }
	rm -rf "$2/.git"
}

# patches_apply SRC APPLIED: each patch in order, tried first (--dry-run) so
# that one that does not apply changes nothing; a copy of each applied one
# goes to APPLIED/NN.patch for patches_reverse.
patches_apply() {
	local src=$1 applied=$2 n=0 p why
	for p in "${patches[@]}"; do
		n=$((n + 1))
		# --batch: no questions; --forward: an applied patch is refused, not reversed.
		if ! why=$(patch -d "$src" -p1 --batch --forward --dry-run < "$p" 2>&1); then
			why=$(awk '/^checking file /{f = $3 ": "} /FAILED|can.t find|Reversed|malformed|garbage/{print f $0; exit}' <<< "$why")
			bad "patch $n of ${#patches[@]}, $p, does not apply to $source_what: ${why:-patch failed}"
		fi
		# Recorded first, so that patches_reverse undoes it whatever happens next.
		cp "$p" "$applied/$(printf %02d "$n").patch" || { echo "kernel/build.sh: cannot record $p" >&2; exit 1; }
		patch -d "$src" -p1 --batch --forward --no-backup-if-mismatch --quiet < "$p" > /dev/null ||
			{ rm -f "$applied/ok"; echo "kernel/build.sh: $p failed to apply after its dry run; the tree is made again next time" >&2; exit 1; }
	done
}

# patches_reverse SRC APPLIED: undo APPLIED's patches, the last first.
patches_reverse() {
	local src=$1 applied=$2 i p
	local saved=()
	shopt -s nullglob
	saved=("$applied"/*.patch)
	shopt -u nullglob
	for ((i = ${#saved[@]} - 1; i >= 0; i--)); do
		p=${saved[i]}
		patch -d "$src" -p1 -R --force --no-backup-if-mismatch --quiet < "$p" > /dev/null ||
			{ rm -f "$applied/ok"; echo "kernel/build.sh: cannot reverse $(basename "$p"); the tree is made again next time" >&2; exit 1; }
		rm "$p"
	done
}

# configure SRC OBJ: OBJ/.config from --config, or config.fragment merged onto
# tinyconfig; LOCALVERSION -NAME (uname -r names the variant); olddefconfig.
# What the guests need must have survived it.
configure() {
	local src=$1 obj=$2 missing want
	mkdir -p "$obj"
	if [ -n "$config" ]; then
		cp "$config" "$obj/.config"
		want=$(required_options)
	else
		make -s -C "$src" O="$obj" tinyconfig > /dev/null ||
			bad "make tinyconfig failed in $source_what"
		KCONFIG_CONFIG="$obj/.config" "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
			"$here/config.fragment" > /dev/null || bad "merging config.fragment failed in $source_what"
		want=$(grep '^CONFIG_' "$here/config.fragment")
	fi
	"$src/scripts/config" --file "$obj/.config" --set-str LOCALVERSION "-$name" --disable LOCALVERSION_AUTO
	make -s -C "$src" O="$obj" olddefconfig > /dev/null || bad "make olddefconfig failed in $source_what"
	missing=$(lacking "$obj/.config" <<< "$want")
	[ -z "$missing" ] || bad "the config of $name lost, in olddefconfig on $source_what, what the guests need: $missing"
}

# build.json: which source, patches and config made the kernel in OBJ.
provenance() {
	local obj=$1 list=() p
	for p in "${patches[@]}"; do
		list+=("$("$here/json.pl" object file="$(realpath "$p")" sha256="$(sha256sum < "$p" | cut -d' ' -f1)")")
	done
	"$here/json.pl" object name="$name" release="$(cat "$obj/include/config/kernel.release")" \
		source="$source_what" source_kind="$source_kind" source_id="$source_id" \
		patches:="[$(IFS=,; echo "${list[*]}")]" \
		config="$(if [ -n "$config" ]; then realpath "$config"; else echo "tinyconfig + kernel/config.fragment"; fi)" \
		config_sha256="$(sha256sum < "${config:-$here/config.fragment}" | cut -d' ' -f1)" \
		built="$(date -u +%FT%TZ)"
}
