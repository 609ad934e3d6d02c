#!/usr/bin/perl
# Flush counts against the kernel model in ../shared/KERNEL-NOTES.md.
use strict;
use warnings;
use Test::More;
use FindBin;
require "$FindBin::Bin/lib.pl";

require_tracepoint();

my ($status, $out, $err, $dir) = tlbbench_run(split(' ', '--op munmap,madv_dontneed --backing shmem,anon,thp --touch dirty,clean --size 256M --iterations 3 --warmup 1'));
is($status, 0, 'run exits 0') or diag($err);
my $meta = read_json("$dir/meta.json");
my $frees_tables = $meta->{kernel_model}{madv_dontneed_frees_page_tables} ? 1 : 0;
diag("MADV_DONTNEED frees page tables on this kernel (CONFIG_PT_RECLAIM): " . ($frees_tables ? 'yes' : 'no'));

# 256 MiB = 128 page tables = 65536 pages; the gather batch holds 9678 pages.
my %expected = (
	'munmap shmem dirty' => [129, 513],
	'madv_dontneed shmem dirty' => [128 + $frees_tables, 512],
	'munmap anon dirty' => [7, 28],
	'madv_dontneed anon dirty' => [7, 28],
	'munmap shmem clean' => [7, 28],
	'madv_dontneed shmem clean' => [7, 28],
);

my @samples = read_samples($dir);
is(scalar @samples, 12 * 3, '3 samples for each of 12 cases');
for my $s (@samples) {
	my $case = "$s->{op} $s->{backing} $s->{touch}";
	if ($s->{backing} eq 'thp') {
		cmp_ok($s->{flushes}, '<=', 2, "$case: PMD-mapped, at most 2 flushes");
		next;
	}
	if ($s->{backing} eq 'anon' && $s->{touch} eq 'clean') {
		is($s->{flushes}, 1, "$case: zero page, nothing batched, one final flush");
		next;
	}
	my ($count, $per_gib_1g) = @{$expected{$case}};
	is($s->{model_flushes}, $count, "$case: the model says $count");
	ok(flushes_match($s, $count), "$case: $s->{flushes} flushes, $count expected (+-2 % or 1, "
	   . "+1 per context switch: $s->{events}{context_switches})");
	# Against the 1 GiB figure: +-2 %, or +-1 flush (4 per GiB at 256 MiB).
	my $tolerance = $per_gib_1g * 0.02 > 4 ? $per_gib_1g * 0.02 : 4;
	cmp_ok(abs($s->{flushes_per_gib} - $per_gib_1g), '<=', $tolerance + 4 * ($s->{events}{context_switches} // 0),
	       "$case: $s->{flushes_per_gib} flushes/GiB near $per_gib_1g");
	# All CPUs' local MM shootdowns include other tasks' flushes: ours are a lower bound.
	cmp_ok($s->{flushes_by_reason}{local_mm_shootdown}, '>=', $s->{flushes},
	       "$case: the task's flushes are among the local MM shootdowns of all CPUs");
}
done_testing();
