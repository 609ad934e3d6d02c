#!/usr/bin/perl
# Sweep configs: the shipped ones parse; [case] sections and --set work; every
# bad file gives "file:line: reason" naming the key, and exit status 2.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use FindBin;
require "$FindBin::Bin/lib.pl";
our $TLBBENCH;

my $cpus = cpu_count();
my $configs = "$FindBin::Bin/../../configs";

for my $name (qw(quick full scaling signoff dose)) {
	my ($status, $out, $err) = run_cmd($TLBBENCH, 'run', '-c', "$configs/$name.ini", '--dry-run');
	is($status, 0, "configs/$name.ini parses") or diag($err);
	like($out, qr/^\d+ cases; events: cycles instructions/m, "configs/$name.ini: cases listed");
}

# ab.ini runs in the test kernel, where /scratch is ext4 on a RAM disk; here the file case gets a host dir.
{
	my ($status, $out, $err) = run_cmd($TLBBENCH, 'run', '-c', "$configs/ab.ini", '--set', "dir=" . tempdir(CLEANUP => 1),
					   '--dry-run');
	is($status, 0, 'configs/ab.ini parses (dir set for this host)') or diag($err);
	like($out, qr/^ext4-file: munmap file dirty 128 MiB cpus=1/m, "configs/ab.ini: the ext4 file case");
	like($out, qr/^dirty-shmem: munmap shmem dirty 1024 MiB cpus=1/m, "configs/ab.ini: dirty shmem at 1 GiB");
	($status, undef, $err) = run_cmd($TLBBENCH, 'run', '-c', "$configs/ab.ini", '--dry-run');
	like($err, qr/ab\.ini:\d+: cannot create a backing file in '\/scratch'/, 'configs/ab.ini names /scratch')
	    if !-d '/scratch';
}

# scaling.ini: 3 [case] sections x 2 ops x (1 CPU: one placement; each other count: 5 placements).
my ($status, $out) = run_cmd($TLBBENCH, 'run', '-c', "$configs/scaling.ini", '--dry-run');
my $expected = 3 * 2 * (1 + 5 * ($cpus - 1));
like($out, qr/^$expected cases;/m, "scaling.ini: $expected cases on $cpus CPUs");
like($out, qr/^dirty-shmem: munmap shmem dirty 1024 MiB cpus=1 compact/m, 'cases carry their section name');
like($out, qr/^dirty-anon: madv_dontneed anon dirty/m, 'each [case] overrides [sweep]');

# --set overrides every sweep, after the file.
($status, $out) = run_cmd($TLBBENCH, 'run', '-c', "$configs/scaling.ini", '--set', 'size=64M',
			  '--set', 'op=munmap', '--dry-run');
my $one_op = $expected / 2;
like($out, qr/^$one_op cases;/m, "--set op=munmap: one op of two, $one_op cases");
unlike($out, qr/1024 MiB|madv_dontneed/, '--set size and op replaced the file\'s values');

my $dir = tempdir(CLEANUP => 1);
my @bad = (
	[ "[sweeps]\nop = munmap\n", 1, qr/unknown section \[sweeps\]/ ],
	[ "[sweep]\nop = munmap\nsise = 1G\n", 3, qr/unknown key 'sise'/ ],
	[ "[sweep]\nsize = 0\n", 2, qr/bad size '0'/ ],
	[ "op = munmap\n[sweep]\n", 1, qr/'op' is outside any section/ ],
	[ "[sweep]\nop = munmap\nop = exit\n", 3, qr/'op' is set twice/ ],
	[ "[sweep]\n[sweep]\n", 2, qr/a second \[sweep\] section/ ],
	[ "[sweep]\n[case a]\n[case a]\n", 3, qr/a second \[case a\] section/ ],
	[ "[sweep]\n[case a]\nevents = cycles\n", 3, qr/'events' applies to the whole run/ ],
	[ "[sweep]\nthis line has no equals sign\n", 2, qr/syntax error/ ],
	[ "[sweep]\ncpus = " . ($cpus + 1) . "\n", 2, qr/only $cpus CPUs are available/ ],
	[ "[sweep]\n[case x]\nop = unmap\n", 3, qr/unknown op 'unmap'/ ],
	[ "[sweep]\nplacement = tight\n", 2, qr/tight/ ],
	[ "; nothing but a comment\n", 1, qr/no \[sweep\] or \[case NAME\] section/ ],
	[ "[sweep]\n[case not ok]\n", 2, qr/unknown section \[case not ok\]/ ],
	[ "[sweep]\niterations = -1\n", 2, qr/bad iterations '-1'/ ],
	[ "[sweep]\ncap_size_to_memory = maybe\n", 2, qr/want yes or no/ ],
	[ "[sweep]\nop = munmap\nsize = 64T\n", 3, qr/larger than this machine can hold/ ],
	[ "[sweep]\nbacking = file\ndir = /nonexistent/tlbbench\n", 3, qr/cannot create a backing file/ ],
	[ "[sweep]\nbacking = anon\ndirty_tables = 50%\n", 3, qr/dirty_tables on anon/ ],
	[ "[sweep]\ndirty_tables = 50%\n[case x]\ntouch = dirty\n", 4, qr/touch=dirty with dirty_tables \(\S+:2\)/ ],
	[ "[sweep]\npopulate = gup\n", 2, qr/unknown populate 'gup'/ ],
	[ "[sweep]\nop = flush_cost\nbacking = shmem\nsize = 8K\ndirty_tables = 1\n", 5, qr/dirty_tables with op flush_cost: it sets its own page state/ ],
);
my $i = 0;
for my $case (@bad) {
	my ($text, $line, $message) = @$case;
	my $file = sprintf("%s/bad%02d.ini", $dir, ++$i);
	open(my $fh, '>', $file) or die;
	print $fh $text;
	close($fh);
	my ($st, $o, $err) = run_cmd($TLBBENCH, 'run', '-c', $file, '--dry-run');
	is($st, 2, "bad config $i: exit 2");
	like($err, qr/\Atlbbench: \Q$file\E:$line: .*\n\z/, "bad config $i: one line naming $file:$line") or diag($err);
	like($err, $message, "bad config $i: says why");
}
my ($st, $o, $err) = run_cmd($TLBBENCH, 'run', '-c', "$dir/missing.ini");
is($st, 2, 'missing config: exit 2');
like($err, qr/-c \S*missing\.ini: no such file/, 'missing config: says so');
done_testing();
