# Sourced by the kernel/ scripts: build a variant, boot a test kernel under qemu.
# variant_image NAME: the bzImage of baseline or of kernel/patches/NAME.patch,
# built or reused by kernel/build.sh; prints its path, or returns 1.
# variants_exist TOOL NAME...: exit 2 naming the first variant with no patch.
# qemu_boot IMAGE INITRD CONSOLE SMP TIMEOUT
# Uses KVM only where a guest really runs under it (nested virtualization may
# take /dev/kvm and then hang), TCG otherwise; a hung guest is killed after
# TIMEOUT seconds. Sets QEMU_ACCEL (kvm or tcg) and QEMU_STATUS (124: hung).
# guest_accel GUEST.json: the accelerator a guest ran under, to reuse.
qemu_run() {
	timeout "$6" qemu-system-x86_64 -accel "$1" -smp "$5" -m 4G -nographic -no-reboot -kernel "$2" \
		-initrd "$3" -append "console=ttyS0 quiet panic=-1 tsc=reliable" > "$4" 2>&1
}

qemu_boot() {
	# A caller that already knows (TLBBENCH_QEMU_ACCEL=kvm or tcg) skips the
	# KVM probe, which costs 15 s where KVM hangs.
	if [ -n "${TLBBENCH_QEMU_ACCEL:-}" ]; then
		QEMU_ACCEL=$TLBBENCH_QEMU_ACCEL
		qemu_run "$QEMU_ACCEL" "$1" "$2" "$3" "$4" "$5"
		QEMU_STATUS=$?
		return
	fi
	QEMU_ACCEL=tcg
	if [ -w /dev/kvm ] && qemu_run kvm "$1" "$2" "$3" "$4" 15 && grep -aq "GUEST kernel" "$3"; then
		QEMU_ACCEL=kvm
		QEMU_STATUS=0
		return
	fi
	qemu_run tcg "$1" "$2" "$3" "$4" "$5"
	QEMU_STATUS=$?
}

guest_accel() {
	grep -o '"accel": "[a-z]*"' "$1" 2>/dev/null | cut -d'"' -f4
}

variant_image() {
	local dir patch=()
	dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	[ "$1" = baseline ] || patch=("$dir/patches/$1.patch")
	"$dir/build.sh" "$1" "${patch[@]}" | tail -1 | grep '/bzImage$'
}

variants_exist() {
	local tool=$1 dir
	dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	shift
	for v in "$@"; do
		[ -f "$dir/patches/$v.patch" ] || { echo "$tool: no patch kernel/patches/$v.patch" >&2; exit 2; }
	done
}
