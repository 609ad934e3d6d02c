#!/usr/bin/perl
# kernel/guest-output.sh on fixture serial-console logs: the GUEST lines and
# the base64 result tar come out of \r\n lines with terminal escapes and
# kernel noise; guest.json says which kernel and accelerator made the results;
# a panic, a cut-off log, a corrupt tar and a missing status give exit 3 and
# say which. No kernel is built or booted here.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use FindBin;
require "$FindBin::Bin/lib.pl";

my $script = "$FindBin::Bin/../../kernel/guest-output.sh";
my $root = tempdir(CLEANUP => 1);

# What the guest's init sends: a tar of results/ and run.err, base64 in 76-column lines.
mkdir "$root/guest";
mkdir "$root/guest/results";
open(my $fh, '>', "$root/guest/results/samples.jsonl") or die;
print $fh qq({"op":"munmap","flushes":33}\n{"op":"munmap","flushes":33}\n);
close($fh);
open($fh, '>', "$root/guest/run.err") or die;
close($fh);
my $b64 = `cd $root/guest && tar -cf - results run.err | base64`;
ok(length($b64) > 200 && $b64 =~ /\n./, 'fixture: a multi-line base64 tar');

sub console {
	my (%o) = @_;
	my $status = $o{status} // 0;
	my $text = "\e[?7l\e[2J[    0.000000] Linux version 6.12.117-deferred-dirty\n"
	    . "GUEST kernel 6.12.117-deferred-dirty\nGUEST cpus 2\nGUEST tlb_flush yes\nGUEST vmstat_nr_tlb 4\n"
	    . "GUEST scratch " . ($o{scratch} // 'ext4 /scratch') . "\n";
	$text .= $o{panic} if $o{panic};
	$text .= "GUEST status $status\n" unless $o{no_status};
	$text .= "op backing ...\nGUEST-RESULTS-BEGIN\n" . ($o{payload} // $b64);
	$text .= "GUEST-RESULTS-END\n[    9.1] reboot: Power down\n" unless $o{cut};
	$text =~ s/\n/\r\n/g;
	my $path = "$root/console-" . int(rand(1e9)) . ".log";
	open(my $out, '>', $path) or die;
	print $out $text;
	close($out);
	return $path;
}

# A good run, tlbbench exit 0, under TCG.
my $out = "$root/out";
my ($status, undef, $err) = run_cmd($script, console(), $out, 'tcg', 'kernel/build/deferred-dirty/bzImage', 2);
is($status, 0, 'good log: exit 0, the guest tlbbench\'s status') or diag($err);
is(slurp("$out/results/samples.jsonl"), slurp("$root/guest/results/samples.jsonl"), 'results extracted byte for byte');
ok(-f "$out/run.err", 'run.err extracted');
my $guest = read_json("$out/guest.json");
is($guest->{guest_kernel}, '6.12.117-deferred-dirty', 'guest.json: the guest kernel, with its variant');
is($guest->{guest_cpus}, 2, 'guest.json: CPUs the guest saw');
is($guest->{accel}, 'tcg', 'guest.json: accelerator');
like($guest->{times}, qr/emulated by TCG/, 'guest.json: TCG times are marked as emulated');
is($guest->{kernel_image}, 'kernel/build/deferred-dirty/bzImage', 'guest.json: the image booted');
is($guest->{scratch_fs}, 'ext4 /scratch', 'guest.json: the scratch filesystem');
is($guest->{tlb_flush_tracepoint}, 'yes', 'guest.json: the tracepoint');
is($guest->{vmstat_nr_tlb_lines}, 4, 'guest.json: the nr_tlb_* vmstat lines');
is($guest->{tlbbench_status}, 0, 'guest.json: tlbbench status');
is_deeply(read_json("$out/results/guest.json"), $guest, 'guest.json is also in the result directory');

# tlbbench's own non-zero status comes through (race: 1 = lost writes).
($status) = run_cmd($script, console(status => 1), "$root/out1", 'kvm', 'x', 2);
is($status, 1, 'the guest tlbbench\'s exit 1 is the exit status');
like(read_json("$root/out1/guest.json")->{times}, qr/hardware virtualization/, 'kvm: times are not marked emulated');

# What the guest printed is escaped in guest.json (written by json.pl, not printf).
my $scratch = 'none: mke2fs: "/dev/ram0" \\ is busy';
($status) = run_cmd($script, console(scratch => $scratch), "$root/out-quoted", 'tcg', 'a "quoted" image', 2);
is($status, 0, 'quotes and backslashes in GUEST lines: exit 0');
my $quoted = eval { read_json("$root/out-quoted/guest.json") };
is($quoted && $quoted->{scratch_fs}, $scratch, 'guest.json stays JSON: the scratch line with quotes and a backslash');
is($quoted && $quoted->{kernel_image}, 'a "quoted" image', 'guest.json: an image path with quotes');
($status) = run_cmd($script, console(), "$root/out-nosmp");
is(eval { read_json("$root/out-nosmp/guest.json")->{smp} } // 'null', 'null', 'guest.json: smp null when not given');

# Failures: exit 3 with the reason.
my %bad = (
	panic => [ { panic => "[    2.5] Kernel panic - not syncing: Attempted to kill init!\n" }, qr/panicked: .*Kernel panic - not syncing/ ],
	cut => [ { cut => 1 }, qr/stopped before sending its results/ ],
	corrupt => [ { payload => "not base64 at all!!!\n" }, qr/did not decode/ ],
	no_status => [ { no_status => 1 }, qr/no tlbbench exit status/ ],
);
for my $name (sort keys %bad) {
	my ($opts, $why) = @{ $bad{$name} };
	my ($s, $o, $e) = run_cmd($script, console(%$opts), "$root/bad-$name", 'tcg', 'x', 2);
	is($s, 3, "$name: exit 3");
	like($e, $why, "$name: says why");
}
($status, undef, $err) = run_cmd($script, "$root/no-such.log", "$root/none");
is($status, 3, 'missing log: exit 3');
like($err, qr/no console log/, 'missing log: says so');

done_testing();
