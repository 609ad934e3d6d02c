#!/usr/bin/perl
# kernel/qemu.sh's accelerator choice, with a fake qemu-system-x86_64 (and a
# timeout that logs its limit) first on PATH: KVM is used when a short probe
# boot comes through under it, and the real run then gets its whole timeout;
# a KVM that hangs, fails, boots a silent guest or is absent gives TCG.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use FindBin;
require "$FindBin::Bin/lib.pl";

my $qemu_sh = "$FindBin::Bin/../../kernel/qemu.sh";
my $root = tempdir(CLEANUP => 1);
my ($real_timeout) = grep { -x } map { "$_/timeout" } split /:/, $ENV{PATH};
mkdir "$root/bin";
sub script {
	my ($path, $text) = @_;
	open(my $fh, '>', $path) or die "$path: $!";
	print $fh $text;
	close($fh);
	chmod 0755, $path;
}
# The fake qemu logs each boot (accelerator, probe or not) and behaves as
# FAKE_KVM says under KVM; under TCG, and for the real run, it boots.
script("$root/bin/qemu-system-x86_64", <<'FAKE');
#!/bin/bash
accel= append=
echo "argv $*" >> "$FAKE_LOG.argv"
while [ $# -gt 0 ]; do
	case "$1" in -accel) accel=$2; shift ;; -append) append=$2; shift ;; esac
	shift
done
probe=0; [[ " $append " == *" tlbbench.probe "* ]] && probe=1
echo "boot accel=$accel probe=$probe" >> "$FAKE_LOG"
if [ "$accel" = kvm ] && [ "$probe" = 1 ]; then
	case "$FAKE_KVM" in
	hangs) exec sleep 600 ;;
	fails) echo "Could not access KVM kernel module: No such file or directory"; exit 1 ;;
	silent) echo "[    0.1] Linux version 6.12.117-baseline"; exit 0 ;;
	esac
fi
[ "$probe" = 1 ] && { echo "GUEST probe tlbbench 0.1.0 (fake)"; exit 0; }
[ "${FAKE_RUN:-}" = hangs ] && exec sleep 600
echo "GUEST status 0"
FAKE
script("$root/bin/timeout", "#!/bin/sh\necho \"timeout \$1\" >> \"\$FAKE_LOG\"\nexec $real_timeout \"\$@\"\n");
open(my $dev, '>', "$root/kvm") or die;
close($dev);

# qemu_boot under ENV; returns (accel, status, the log lines).
sub boot {
	my (%env) = @_;
	my $dir = tempdir(CLEANUP => 1);
	local $ENV{PATH} = "$root/bin:$ENV{PATH}";
	local $ENV{FAKE_LOG} = "$dir/log";
	local $ENV{TLBBENCH_KVM_DEVICE} = "$root/kvm";
	local @ENV{ keys %env } = values %env;
	delete $ENV{TLBBENCH_QEMU_ACCEL} unless exists $env{TLBBENCH_QEMU_ACCEL};
	my ($status, $out, $err) = run_cmd('bash', '-c',
		". '$qemu_sh'; qemu_boot bzImage initrd '$dir/console.log' 2 1800; echo \"\$QEMU_ACCEL \$QEMU_STATUS\"");
	is($status, 0, 'qemu_boot returns') or diag($err);
	my ($accel, $qemu_status) = split ' ', $out;
	return ($accel, $qemu_status, slurp("$dir/log"), $dir);
}
my $append = 'console=ttyS0 quiet panic=-1 oops=panic tsc=reliable';

my ($accel, $status, $log, $dir) = boot(FAKE_KVM => 'works');
is($accel, 'kvm', 'KVM works: the run uses it');
is($status, 0, 'KVM works: the run ends');
is($log, "timeout 30\nboot accel=kvm probe=1\ntimeout 1800\nboot accel=kvm probe=0\n",
	'KVM works: a probe boot under the 30 s probe limit, then the real run under its whole 1800 s');
like(slurp("$dir/console.log.kvm-probe"), qr/^GUEST probe tlbbench /m, 'the probe\'s console is kept beside the run\'s');
is(slurp("$dir/log.argv"),
	"argv -accel kvm -cpu host -smp 2 -m 4G -nographic -no-reboot -kernel bzImage -initrd initrd -append $append tlbbench.probe\n" .
	"argv -accel kvm -cpu host -smp 2 -m 4G -nographic -no-reboot -kernel bzImage -initrd initrd -append $append \n",
	'KVM: the probe and the run get the host CPU model (-cpu host)');

($accel, $status, $log, $dir) = boot(FAKE_KVM => 'hangs', TLBBENCH_KVM_PROBE_TIMEOUT => 2);
is($accel, 'tcg', 'KVM hangs: TCG');
like(slurp("$dir/log.argv"), qr/\nargv -accel tcg -smp 2 -m 4G -nographic -no-reboot -kernel bzImage -initrd initrd -append \Q$append\E \n\z/,
	'TCG: no -cpu host (TCG emulates its own CPU model)');
is($status, 0, 'KVM hangs: the TCG run ends');
is($log, "timeout 2\nboot accel=kvm probe=1\ntimeout 1800\nboot accel=tcg probe=0\n",
	'KVM hangs: the probe is killed at its limit, the real run goes to TCG with the whole timeout');

for my $how (qw(fails silent)) {
	($accel, undef, $log) = boot(FAKE_KVM => $how);
	is($accel, 'tcg', "KVM $how: TCG");
	is($log, "timeout 30\nboot accel=kvm probe=1\ntimeout 1800\nboot accel=tcg probe=0\n", "KVM $how: one probe, then TCG");
}

($accel, undef, $log) = boot(FAKE_KVM => 'works', TLBBENCH_KVM_DEVICE => "$root/no-such-kvm");
is($accel, 'tcg', 'no KVM device: TCG');
is($log, "timeout 1800\nboot accel=tcg probe=0\n", 'no KVM device: no probe');

($accel, undef, $log) = boot(FAKE_KVM => 'hangs', TLBBENCH_QEMU_ACCEL => 'kvm');
is($accel, 'kvm', 'TLBBENCH_QEMU_ACCEL=kvm: KVM');
is($log, "timeout 1800\nboot accel=kvm probe=0\n", 'TLBBENCH_QEMU_ACCEL: no probe');

# A hung real run is killed after its timeout and reported as 124.
{
	my $d = tempdir(CLEANUP => 1);
	local $ENV{PATH} = "$root/bin:$ENV{PATH}";
	local $ENV{FAKE_LOG} = "$d/log";
	local $ENV{FAKE_RUN} = 'hangs';
	local $ENV{TLBBENCH_QEMU_ACCEL} = 'tcg';
	my (undef, $out) = run_cmd('bash', '-c',
		". '$qemu_sh'; qemu_boot bzImage initrd '$d/console.log' 2 1; echo \"\$QEMU_ACCEL \$QEMU_STATUS\"");
	is($out, "tcg 124\n", 'a hung guest: killed after its timeout, status 124');
}
done_testing();
