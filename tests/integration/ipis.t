#!/usr/bin/perl
# Remote CPUs: with a thread of the process spinning on another CPU, every
# flush of the op reaches it as one shootdown IPI; a sleeping (lazy-TLB) CPU
# is skipped except for the flush that frees page tables.
use strict;
use warnings;
use Test::More;
use FindBin;
require "$FindBin::Bin/lib.pl";

require_tracepoint();
plan(skip_all => 'needs 2 CPUs') if cpu_count() < 2;

my ($status, $out, $err, $dir) = tlbbench_run(split(' ', '--op munmap --backing shmem,anon --touch dirty --size 256M --cpus 2 --remote spin,idle --iterations 3 --warmup 1'));
is($status, 0, 'run exits 0') or diag($err);
my @samples = read_samples($dir);
is(scalar @samples, 4 * 3, '3 samples for each of 4 cases');
for my $s (@samples) {
	my $case = "$s->{op} $s->{backing} $s->{touch} remote=$s->{remote_mode}";
	is(scalar @{$s->{remote_cpus}}, 1, "$case: one remote CPU");
	my $remote = $s->{remote_cpus}[0];
	isnt($remote, $s->{measure_cpu}, "$case: the remote thread runs on another CPU");
	my $received = $s->{ipis_by_cpu}{$remote};
	if ($s->{remote_mode} eq 'spin') {
		my $slack = $s->{flushes} * 0.02 > 2 ? $s->{flushes} * 0.02 : 2;
		cmp_ok(abs($received - $s->{flushes}), '<=', $slack,
		       "$case: $received IPIs received for $s->{flushes} flushes");
		is($s->{ipis_per_remote_cpu}, $received, "$case: ipis_per_remote_cpu is the remote CPU's count");
	} else {
		cmp_ok($received, '<=', 2, "$case: lazy-TLB CPU got $received IPIs (only the page-table free)");
	}
}
done_testing();
