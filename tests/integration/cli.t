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
like($out, qr/perf::PERF_COUNT_SW_TASK_CLOCK: /, 'info: software events listed');

($status, $out) = run_cmd($TLBBENCH, 'help');
is($status, 0, 'help exits 0');
like($out, qr/^\s+$_\s/m, "help lists $_") for qw(run list info);

($status, $out) = run_cmd($TLBBENCH, 'version');
like($out, qr/^tlbbench \d+\.\d+\.\d+ \(\S+\)$/, 'version with git revision');
done_testing();
