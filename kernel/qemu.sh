# Sourced by the kernel/ scripts: boot a test kernel under qemu.
# qemu_boot IMAGE INITRD CONSOLE SMP TIMEOUT
# Uses KVM only where a guest really runs under it (nested virtualization may
# take /dev/kvm and then hang), TCG otherwise; a hung guest is killed after
# TIMEOUT seconds. Sets QEMU_ACCEL (kvm or tcg) and QEMU_STATUS (124: hung).
qemu_run() {
	timeout "$6" qemu-system-x86_64 -accel "$1" -smp "$5" -m 4G -nographic -no-reboot -kernel "$2" \
		-initrd "$3" -append "console=ttyS0 quiet panic=-1 tsc=reliable" > "$4" 2>&1
}

qemu_boot() {
	QEMU_ACCEL=tcg
	if [ -w /dev/kvm ] && qemu_run kvm "$1" "$2" "$3" "$4" 15 && grep -aq "GUEST kernel" "$3"; then
		QEMU_ACCEL=kvm
		QEMU_STATUS=0
		return
	fi
	qemu_run tcg "$1" "$2" "$3" "$4" "$5"
	QEMU_STATUS=$?
}
