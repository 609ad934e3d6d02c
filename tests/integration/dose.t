#!/usr/bin/perl
# Dose-response: faulted clean, then the first page of a share of the page
# tables dirtied. Each dirtied table forces one flush; the counts follow the
# kernel model, smaps shows exactly the dirtied pages, and analyze fits the
# in-situ price of one forced flush with its CI; plot draws dose.png.
use strict;
use warnings;
use Test::More;
use FindBin;
require "$FindBin::Bin/lib.pl";
our $TLBBENCH;

require_tracepoint();
my $cpus = cpu_count() > 1 ? '1,2' : '1';
my ($status, $out, $err, $dir) = tlbbench_run(split(' ', "--op munmap,madv_dontneed --backing shmem --size 256M "
	. "--dirty-tables 0,50%,100% --cpus $cpus --iterations 3 --warmup 1"));
is($status, 0, 'a dose-response run exits 0') or diag($err);
my $meta = read_json("$dir/meta.json");
my $frees_tables = $meta->{kernel_model}{madv_dontneed_frees_page_tables} ? 1 : 0;

# 256 MiB = 128 page tables; 50 % dirties every other one, from table 0, so
# the last table is clean and still pending at the end of the zap.
my %expected = (
	'munmap 0' => 7, 'munmap 64' => 64 + 1, 'munmap 128' => 128 + 1,
	'madv_dontneed 0' => 7, 'madv_dontneed 64' => 64 + 1, 'madv_dontneed 128' => 128 + $frees_tables,
);
my @samples = read_samples($dir);
is(scalar @samples, 2 * 3 * ($cpus eq '1' ? 1 : 2) * 3, '3 samples of every case');
for my $s (@samples) {
	my $case = "$s->{op} $s->{dirty_tables}";
	is($s->{touch}, 'clean', "$case: a dose case is faulted clean");
	is($s->{page_tables}, 128, "$case: 128 page tables");
	is($s->{model_flushes}, $expected{$case}, "$case: the model says $expected{$case}");
	ok(flushes_match($s, $expected{$case}), "$case cpus=$s->{cpus}: $s->{flushes} flushes, $expected{$case} "
	   . "expected (+-2 % or 1, +1 per context switch: $s->{events}{context_switches})");
	is($s->{smaps}{dirty}, $s->{dirty_tables} * 4096, "$case: smaps: exactly the dirtied first pages are dirty");
	is($s->{smaps}{rss}, 256 << 20, "$case: every page resident");
}
like($out, qr/^munmap\s+shmem\s+64\/128\s+fault\s+256M/m, 'the table shows the dose as dirtied/all page tables');

($status, $out, $err) = run_cmd($TLBBENCH, 'analyze', $dir);
is($status, 0, 'analyze of a dose-response without a calibration exits 0') or diag($err);
like($out, qr/In-situ cost of one forced flush/, 'analyze: the in-situ price');
# The slope is the least-squares line through every dose sample, per GiB:
# computed here from samples.jsonl, independently of tlbbench.
sub ols_slope {
	my @points = @_;
	my ($mx, $my) = (0, 0);
	$mx += $_->[0] / @points for @points;
	$my += $_->[1] / @points for @points;
	my ($sxy, $sxx) = (0, 0);
	for (@points) {
		$sxy += ($_->[0] - $mx) * ($_->[1] - $my);
		$sxx += ($_->[0] - $mx) ** 2;
	}
	return $sxy / $sxx;
}
for my $n (split /,/, $cpus) {
	for my $op (qw(munmap madv_dontneed)) {
		my ($doses, $samples, $slope, $lo, $hi) =
			$out =~ /^$op\s+shmem\s+fault\s+256M\s+$n compact\s+spin\s+(\d+)\s+(\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)/m;
		ok(defined $slope, "analyze: $op at $n CPU: a fitted slope") or diag($out);
		is($doses, 3, "analyze: $op at $n CPU: 3 doses");
		is($samples, 9, "analyze: $op at $n CPU: 9 samples");
		my @points = map { [$_->{flushes_per_gib}, $_->{ns_per_gib}] }
			grep { $_->{op} eq $op && $_->{cpus} == $n } @samples;
		my $want = ols_slope(@points);
		cmp_ok(abs($slope - $want), '<=', 1, "analyze: $op at $n CPU: slope $slope ns/flush is the least-squares "
		       . sprintf('%.1f', $want));
		cmp_ok($lo, '<', $hi, "analyze: $op at $n CPU: a CI [$lo, $hi] of some width");
	}
}
like($out, qr/none \(the run has no flush_cost case\)/, 'analyze: says the calibrated price is missing');

($status, $out, $err) = run_cmd($TLBBENCH, 'plot', $dir);
is($status, 0, 'plot exits 0') or diag($err);
ok(-s "$dir/plots/dose.png" > 1000, 'dose.png is drawn');
like(slurp("$dir/plots/dose.svg"), qr/us\/flush \[/, 'dose: the slope and its CI in the key');
done_testing();
