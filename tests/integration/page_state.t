#!/usr/bin/perl
# The page state the setup leaves is part of the measurement: MADV_POPULATE
# (populate=madvise) marks every folio referenced, so the zap activates each
# one (/proc/vmstat pgactivate); faulting by touch (populate=fault, the
# default) does not. pgactivate is system-wide, so only the lower bound is
# asserted: other tasks can add activations, never take ours away.
use strict;
use warnings;
use Test::More;
use FindBin;
require "$FindBin::Bin/lib.pl";
our $TLBBENCH;

my $lru_gen = slurp('/sys/kernel/mm/lru_gen/enabled');
plan(skip_all => "MGLRU is on ($lru_gen): folio_mark_accessed only counts references there, no pgactivate")
	if $lru_gen =~ /0x[0-9a-f]*[1-9a-f]/;
my ($status, $out, $err, $dir) = tlbbench_run(split(' ', '--op munmap --backing shmem --touch clean '
	. '--populate fault,madvise --size 256M --iterations 3 --warmup 1'));
is($status, 0, 'run exits 0') or diag($err);
my $pages = 256 * 256;
my @samples = read_samples($dir);
is(scalar @samples, 6, '3 samples each of fault and madvise');
for my $s (@samples) {
	my $activated = $s->{vmstat_delta}{pgactivate} // 0;
	is(ref $s->{vmstat_delta}, 'HASH', "$s->{populate}: vmstat_delta recorded");
	is($s->{smaps}{rss}, 256 << 20, "$s->{populate}: every page resident before the op");
	is($s->{smaps}{dirty}, 0, "$s->{populate}: no page dirty before the op");
	cmp_ok($s->{activations_per_gib}, '==', $activated * 4, "$s->{populate}: activations per GiB from pgactivate");
	next unless $s->{populate} eq 'madvise';
	cmp_ok($activated, '>=', 0.9 * $pages, "madvise: the zap activated $activated of $pages folios (>= 90 %)");
}
like($out, qr/^munmap\s+shmem\s+clean\s+madvise\s+256M.*\s(\d+)\s+-\s+3$/m, 'the table shows activations per GiB');

# compare takes vmstat counters as metrics.
($status, $out, $err) = run_cmd($TLBBENCH, 'compare', $dir, $dir, '--metric', 'wall_ns,vmstat_delta.pgactivate');
is($status, 0, 'compare --metric vmstat_delta.pgactivate exits 0') or diag($err);
like($out, qr/^munmap shmem clean 256M 1cpu compact spin madvise\s+vmstat_delta\.pgactivate\s+\d+/m,
     'compare: a row for vmstat_delta.pgactivate');
unlike($out, qr/flushes_per_gib/, 'compare --metric: only the metrics asked for');
($status, $out, $err) = run_cmd($TLBBENCH, 'compare', $dir, $dir);
like($out, qr/vmstat_delta\.pgactivate/, 'compare: pgactivate among the default metrics');
unlike($out, qr/vmstat_delta\.pgfree/, 'compare: the other vmstat counters only when asked');
($status, $out, $err) = run_cmd($TLBBENCH, 'compare', $dir, $dir, '--metric', 'vmstat_delta.nonesuch');
is($status, 2, 'compare --metric with an unknown metric: exit 2');
like($err, qr/neither run has 'vmstat_delta\.nonesuch'/, 'compare: says which metric');
done_testing();
