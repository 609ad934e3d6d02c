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

my ($status, $out, $err, $dir) = tlbbench_run(split(' ', '--op munmap --backing shmem,anon --touch dirty --size 256M --cpus 2 --remote spin,idle --iterations 5 --warmup 1'));
is($status, 0, 'run exits 0') or diag($err);
my @samples = read_samples($dir);
is(scalar @samples, 4 * 5, '5 samples for each of 4 cases');
my %spin;
for my $s (@samples) {
	my $case = "$s->{op} $s->{backing} $s->{touch} remote=$s->{remote_mode}";
	is(scalar @{$s->{remote_cpus}}, 1, "$case: one remote CPU");
	my $remote = $s->{remote_cpus}[0];
	isnt($remote, $s->{measure_cpu}, "$case: the remote thread runs on another CPU");
	my $received = $s->{ipis_by_cpu}{$remote};
	if ($s->{remote_mode} eq 'spin') {
		# Never more IPIs than flushes; fewer only while the spinning thread
		# was switched out (its CPU then goes lazy and is skipped).
		cmp_ok($received, '<=', $s->{flushes} + 2, "$case: $received IPIs received for $s->{flushes} flushes");
		is($s->{ipis_per_remote_cpu}, $received, "$case: ipis_per_remote_cpu is the remote CPU's count");
		push @{ $spin{$case} }, $received / $s->{flushes};
	} else {
		cmp_ok($received, '<=', 2, "$case: lazy-TLB CPU got $received IPIs (only the page-table free)");
	}
}
# About one IPI per flush: the median sample of each case within 2 % (or 2 IPIs) of it.
for my $case (sort keys %spin) {
	my @r = sort { $a <=> $b } @{ $spin{$case} };
	my $median = $r[$#r / 2];
	cmp_ok(abs($median - 1), '<=', 0.02, "$case: median $median IPIs per flush");
}
done_testing();
