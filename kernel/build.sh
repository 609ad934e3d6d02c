#!/usr/bin/env bash
# Build a test kernel from Debian's linux-source-6.12: the baseline, or the
# baseline with patches applied. Usage: kernel/build.sh NAME [PATCH...]
# Result: kernel/build/NAME/bzImage, whose uname -r is 6.12.117-NAME. A build
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

# Unpack once; each variant is a hard-linked copy, and patch(1) replaces the
# files it changes instead of writing through the links.
if [ ! -f "$pristine/Makefile" ]; then
	mkdir -p "$build"
	rm -rf "$pristine.tmp"
	mkdir "$pristine.tmp"
	tar -xf "$tarball" -C "$pristine.tmp" --strip-components=1
	mv "$pristine.tmp" "$pristine"
fi
rm -rf "$out"
mkdir -p "$out"
cp -al "$pristine" "$out/src"
for p in "$@"; do
	patch -d "$out/src" -p1 --no-backup-if-mismatch --quiet < "$p" ||
		{ echo "kernel/build.sh: $p does not apply" >&2; exit 1; }
done

cd "$out/src"
make -s O="$out/obj" tinyconfig
KCONFIG_CONFIG="$out/obj/.config" scripts/kconfig/merge_config.sh -m -O "$out/obj" "$out/obj/.config" \
	"$here/config.fragment" > /dev/null
# uname -r names the variant (6.12.117-baseline), so every result says which kernel made it.
"$out/src/scripts/config" --file "$out/obj/.config" --set-str LOCALVERSION "-$name" --disable LOCALVERSION_AUTO
make -s O="$out/obj" olddefconfig
# Every option of the fragment must have survived olddefconfig.
missing=$(grep '^CONFIG_' "$here/config.fragment" | while read -r line; do
	grep -qx "$line" "$out/obj/.config" || echo "$line"; done)
[ -z "$missing" ] || { echo "kernel/build.sh: not in the final config: $missing" >&2; exit 1; }
make -s O="$out/obj" -j"$(nproc)" bzImage
cp "$out/obj/arch/x86/boot/bzImage" "$out/bzImage"
echo "$key" > "$out/key"
echo "$out/bzImage"
