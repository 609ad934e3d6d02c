#!/usr/bin/perl
# The subcommands other than run: list, info, help, version.
use strict;
use warnings;
use Test::More;
use FindBin;
require "$FindBin::Bin/lib.pl";
our $TLBBENCH;

my ($status, $out) = run_cmd($TLBBENCH, 'list');
is($status, 0, 'list exits 0');
like($out, qr/^\s+$_\s/m, "list names $_") for qw(munmap madv_dontneed exit anon shmem file thp hugetlb);

($status, $out) = run_cmd($TLBBENCH, 'info');
is($status, 0, 'info exits 0');
like($out, qr/^kernel:\n\s+sysname: Linux/m, 'info: kernel');
like($out, qr/^cpu:\n(\s+.*\n)*?\s+model: /m, 'info: CPU model');
like($out, qr/^\s+invlpgb: (yes|no|n\/s)$/m, 'info: whether the CPU has INVLPGB');
like($out, qr/^hypervisor:/m, 'info: hypervisor');
like($out, qr/^thp:\n\s+enabled: /m, 'info: THP settings');
like($out, qr/^perf_event_paranoid: /m, 'info: perf_event_paranoid');
like($out, qr/^counters:\n\s+tlb_flush_tracepoint:\n\s+supported: (yes|no)/m, 'info: which counters work');
like($out, qr/^\s+task-clock: supported$/m, 'info: software events open');
# The kernel's counter sources as perf says an event: supported, or why not.
my $have_vmstat = slurp('/proc/vmstat') =~ /^nr_tlb_remote_flush /m;
like($out, qr/^  vmstat_nr_tlb: \Q@{[ $have_vmstat ? 'supported' : '<not supported> (kernel built without CONFIG_DEBUG_TLBFLUSH)' ]}\E$/m,
     'info: vmstat nr_tlb_*, supported or why not');
like($out, qr/^  interrupts_tlb: (supported|<not supported> \(no TLB line in \/proc\/interrupts\))$/m,
     'info: the TLB line of /proc/interrupts, supported or why not');
like($out, qr/^\s+cycles: (supported|<not supported> \(E[A-Z]+: .+\))$/m, 'info: cycles, or why not');

# events: each event in thread and CPU scope, supported or why not.
($status, $out) = run_cmd($TLBBENCH, 'events');
is($status, 0, 'events exits 0');
for my $event (qw(cycles instructions dTLB-load-misses dTLB-store-misses iTLB-load-misses task-clock page-faults
		  context-switches cpu-migrations)) {
	like($out, qr/^\Q$event\E\n\s+thread\s+(supported|<not supported> \(E[A-Z]+: .+\))\n\s+cpu\s+(supported|<not supported> \(E[A-Z]+: .+\))$/m,
	     "events: $event in both scopes");
}
SKIP: {
	# CPU-wide events need CAP_PERFMON (or perf_event_paranoid <= 0) without root.
	skip('not root: task-clock need not open CPU-wide', 1) if $> != 0;
	like($out, qr/^task-clock\n\s+thread\s+supported\n\s+cpu\s+supported$/m, 'events: task-clock opens (as root)');
}
($status, $out) = run_cmd($TLBBENCH, 'events', '--events', 'no_such_event_xyz,r1234567890123456789');
like($out, qr/^no_such_event_xyz\n\s+thread\s+<not supported> \(libpfm4 cannot encode it: event not found/m,
     'events: an unknown event is not supported, with libpfm4\'s reason');
my ($st, $err);
($st, $out, $err) = run_cmd($TLBBENCH, qw(events --events), '');
is($st, 2, 'events: an empty list is bad input');
# --resume=DIR is --resume DIR: one option, not "no other option".
my $not_a_run = File::Temp->newdir;
($st, $out, $err) = run_cmd($TLBBENCH, 'run', "--resume=$not_a_run");
is($st, 2, 'run --resume=DIR of no run: exit 2');
like($err, qr/^tlbbench: cannot resume/, 'run --resume=DIR: taken as --resume DIR');

# A case listed twice in a sweep is one case: twins would share one identity in resume and compare.
($st, $out, $err) = run_cmd($TLBBENCH, qw(run --dry-run --size 64M,64M --backing anon,shmem));
is($st, 0, 'run --size 64M,64M: exit 0');
like($out, qr/^2 cases;/m, 'run --size 64M,64M --backing anon,shmem: 2 cases, not 4');
like($err, qr/^tlbbench: sweep: munmap anon dirty 64 MiB cpus=1 .* is listed twice: measured once$/m, 'and says so');

# -e as perf takes it: lists add up, 'default' stands for the default set where it is.
($st, $out) = run_cmd($TLBBENCH, qw(events -e task-clock -e page-faults));
is(join(' ', $out =~ /^(\S+)$/mg), 'task-clock page-faults', 'events -e a -e b: both, in order');
($st, $out) = run_cmd($TLBBENCH, qw(run --dry-run -e default -e cpu-clock));
like($out, qr/events: cycles .* cpu-migrations cpu-clock$/m, "run -e default -e cpu-clock: the default set, then cpu-clock");
for my $bad (['default,cycles', qr/cycles is in the list twice \('default' is in it/],
	     ['task-clock,task-clock', qr/task-clock is in the list twice$/m],
	     ['task-clock,perf::task-clock', qr/task-clock and perf::task-clock are one event \(both task_clock in the results\)/],
	     ['{cycles,instructions}', qr/'\{cycles': perf's event groups \(\{a,b\}\) are not taken/]) {
	for my $cmd ([qw(events -e)], [qw(run --dry-run -e)]) {
		($st, $out, $err) = run_cmd($TLBBENCH, @$cmd, $bad->[0]);
		is($st, 2, "$cmd->[0] -e $bad->[0]: bad input");
		like($err, $bad->[1], "$cmd->[0] -e $bad->[0]: says why");
	}
}

# Without the privilege: EACCES with the paranoid value, as perf says it.
SKIP: {
	my ($paranoid) = slurp('/proc/sys/kernel/perf_event_paranoid') =~ /(-?\d+)/;
	skip 'needs root (to become nobody) and perf_event_paranoid > 1', 1
		if $> != 0 || !defined $paranoid || $paranoid <= 1 || !getpwnam('nobody');
	($st, $out) = run_cmd('su', 'nobody', '-s', '/bin/sh', '-c', "$TLBBENCH events --events task-clock");
	like($out, qr/^task-clock\n\s+thread\s+<not supported> \(EACCES: perf_event_paranoid is $paranoid/m,
	     "unprivileged: EACCES and perf_event_paranoid $paranoid");
}

# In a run, an event that cannot be counted is null with its reason said once, never 0.
my ($rs, $rout, $rerr, $dir) = tlbbench_run(split(' ', '--events no_such_event_xyz,task-clock --size 16M --iterations 1
	--warmup 0'));
is($rs, 0, 'run with an unknown event still runs');
like($rerr, qr/no_such_event_xyz <not supported> \(libpfm4 cannot encode it/, 'the reason is said');
my ($sample) = read_samples($dir);
ok(exists $sample->{events}{no_such_event_xyz} && !defined $sample->{events}{no_such_event_xyz},
   'the unknown event is null in samples.jsonl');
ok($sample->{events}{task_clock} > 0, 'task-clock is counted beside it');
is($sample->{events_running_ratio}{task_clock}, 1, 'its running ratio is kept (1: not multiplexed)');

($status, $out) = run_cmd($TLBBENCH, 'help');
is($status, 0, 'help exits 0');
like($out, qr/^\s+$_\s/m, "help lists $_") for qw(run list info events);

($status, $out) = run_cmd($TLBBENCH, 'version');
like($out, qr/^tlbbench \d+\.\d+\.\d+ \(\S+\)\n/, 'version with git revision');
like($out, qr/^data: \/\S+$/m, 'version: the data directory');
ok(-f ($out =~ /^data: (\S+)$/m)[0] . '/configs/quick.ini', 'its configs/ has quick.ini');
done_testing();
