#!/usr/bin/env bash
# Build a test kernel from Debian's linux-source-6.12: the baseline, or the
# baseline with patches applied. Usage: kernel/build.sh NAME [PATCH...]
# Result: kernel/build/NAME/bzImage, whose uname -r is 6.12.N-NAME (N: the linux-source-6.12 Debian ships). A build
# is skipped when the source, config.fragment, this script and the patches are
# the same as last time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=${1:?usage: kernel/build.sh NAME [PATCH...]}
shift
tarball=$(ls /usr/src/linux-source-6.12.tar.xz 2>/dev/null) ||
	{ echo "kernel/build.sh: no /usr/src/linux-source-6.12.tar.xz (apt-get install linux-source-6.12)" >&2; exit 2; }
for p in "$@"; do [ -f "$p" ] || { echo "kernel/build.sh: no patch '$p'" >&2; exit 2; }; done

build="$here/build"
pristine="$build/src-6.12"
out="$build/$name"
key=$( { sha256sum "$tarball" "$here/config.fragment"; sha256sum < "$here/build.sh"; for p in "$@"; do sha256sum < "$p"; done; } | sha256sum | cut -d' ' -f1)
if [ -f "$out/bzImage" ] && [ "$(cat "$out/key" 2>/dev/null)" = "$key" ]; then
	echo "kernel/build.sh: $name is up to date" >&2
	echo "$out/bzImage"
	exit 0
fi

# Unpack once. Every variant is built in one shared tree (build/tree), so a
# variant costs only the files its patches touch: the patches applied last
# are reversed from their saved copies, the new ones applied (both give the
# files new mtimes, so make rebuilds exactly those and what includes them).
# patch(1) replaces the files it changes instead of writing through the
# hard links to the pristine source. A tree in an unknown state is rebuilt.
if [ ! -f "$pristine/Makefile" ]; then
	mkdir -p "$build"
	rm -rf "$pristine.tmp"
	mkdir "$pristine.tmp"
	tar -xf "$tarball" -C "$pristine.tmp" --strip-components=1
	mv "$pristine.tmp" "$pristine"
fi
tree="$build/tree"
# One build at a time in the shared tree.
exec 9> "$build/tree.lock"
flock 9
if [ ! -f "$tree/applied/ok" ]; then
	rm -rf "$tree"
	mkdir -p "$tree/applied"
	cp -al "$pristine" "$tree/src"
	touch "$tree/applied/ok"
fi
rm "$tree/applied/ok"
# Reversed last first: the glob sorts 01.patch, 02.patch, ... in order.
shopt -s nullglob
applied=("$tree/applied"/*.patch)
shopt -u nullglob
for ((i = ${#applied[@]} - 1; i >= 0; i--)); do
	p=${applied[i]}
	patch -d "$tree/src" -p1 -R --no-backup-if-mismatch --quiet < "$p" ||
		{ echo "kernel/build.sh: cannot reverse $(basename "$p"); the tree is rebuilt next time" >&2; exit 1; }
	rm "$p"
done
n=0
for p in "$@"; do
	n=$((n + 1))
	patch -d "$tree/src" -p1 --no-backup-if-mismatch --quiet < "$p" ||
		{ echo "kernel/build.sh: $p does not apply" >&2; exit 1; }
	cp "$p" "$tree/applied/$(printf %02d "$n").patch"
done
touch "$tree/applied/ok"

src="$tree/src" obj="$tree/obj"
cd "$src"
make -s O="$obj" tinyconfig
KCONFIG_CONFIG="$obj/.config" scripts/kconfig/merge_config.sh -m -O "$obj" "$obj/.config" \
	"$here/config.fragment" > /dev/null
# uname -r names the variant (6.12.118-baseline), so every result says which kernel made it.
scripts/config --file "$obj/.config" --set-str LOCALVERSION "-$name" --disable LOCALVERSION_AUTO
make -s O="$obj" olddefconfig
# Every option of the fragment must have survived olddefconfig.
missing=$(grep '^CONFIG_' "$here/config.fragment" | while read -r line; do
	grep -qx "$line" "$obj/.config" || echo "$line"; done)
[ -z "$missing" ] || { echo "kernel/build.sh: not in the final config: $missing" >&2; exit 1; }
make -s O="$obj" -j"$(nproc)" bzImage
rm -rf "$out"
mkdir -p "$out"
cp "$obj/arch/x86/boot/bzImage" "$out/bzImage"
echo "$key" > "$out/key"
echo "$out/bzImage"
