# shellcheck shell=bash
# Sourced by the kernel/ scripts: boot a test kernel under qemu.
# qemu_boot IMAGE INITRD CONSOLE SMP TIMEOUT
# Boots under KVM when a short probe boot under KVM (the guest only runs
# `tlbbench version`, see guest-init) comes through within
# TLBBENCH_KVM_PROBE_TIMEOUT seconds (30): nested virtualization may offer
# /dev/kvm and then hang. TCG otherwise. The real run then has the whole
# TIMEOUT; a hung guest is killed after it. Sets QEMU_ACCEL (kvm or tcg) and
# QEMU_STATUS (124: hung). TLBBENCH_QEMU_ACCEL (kvm or tcg) skips the probe;
# TLBBENCH_KVM_DEVICE (/dev/kvm) is the device it needs. An oops panics the
# guest (oops=panic), which stops it at once: a guest whose kernel BUG()s
# holding a lock would otherwise hang until TIMEOUT.
# guest_args ARG...: the arguments as one line for guest-init's eval (busybox
# sh reads the $'...' that printf %q gives a control character).
guest_args() {
	printf '%q ' "$@"
	echo
}

# qemu_run ACCEL IMAGE INITRD CONSOLE SMP TIMEOUT [KERNEL-ARG...]
# Under KVM the guest gets the host's CPU model (-cpu host): its TLB (PCID,
# INVPCID, INVLPGB) is what a timed A/B measures. TCG emulates its own model.
qemu_run() {
	local accel=$1 image=$2 initrd=$3 console=$4 smp=$5 seconds=$6 cpu=()
	shift 6
	[ "$accel" = kvm ] && cpu=(-cpu host)
	timeout "$seconds" qemu-system-x86_64 -accel "$accel" "${cpu[@]}" -smp "$smp" -m 4G -nographic -no-reboot \
		-kernel "$image" -initrd "$initrd" -append "console=ttyS0 quiet panic=-1 oops=panic tsc=reliable $*" > "$console" 2>&1
}

# qemu_accel IMAGE INITRD CONSOLE SMP: prints kvm or tcg; the probe's console
# goes to CONSOLE.kvm-probe.
qemu_accel() {
	local probe=$3.kvm-probe
	[ -w "${TLBBENCH_KVM_DEVICE:-/dev/kvm}" ] || { echo tcg; return; }
	if qemu_run kvm "$1" "$2" "$probe" "$4" "${TLBBENCH_KVM_PROBE_TIMEOUT:-30}" tlbbench.probe &&
		grep -aq '^GUEST probe tlbbench ' "$probe"; then
		echo kvm
	else
		echo tcg
	fi
}

qemu_boot() {
	QEMU_ACCEL=${TLBBENCH_QEMU_ACCEL:-$(qemu_accel "$1" "$2" "$3" "$4")}
	qemu_run "$QEMU_ACCEL" "$1" "$2" "$3" "$4" "$5"
	# shellcheck disable=SC2034  # read by the script that sourced this
	QEMU_STATUS=$?
}
