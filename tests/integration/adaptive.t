#!/usr/bin/perl
# Adaptive sampling (--ci-target): sampling stops at the target, at
# --max-iterations or at --max-time, and cases.jsonl records which.
use strict;
use warnings;
use Test::More;
use FindBin;
require "$FindBin::Bin/lib.pl";

sub cases {
	my ($dir) = @_;
	return map { JSON::PP::decode_json($_) } split /\n/, slurp("$dir/cases.jsonl");
}

sub median {
	my @v = sort { $a <=> $b } @_;
	return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2;
}

# The iterations whose wall_ns lies beyond 3 scaled MADs from the median (as
# GSL scales the MAD), in sample order: what stats.c flags, computed apart.
sub outlier_iterations {
	my @samples = @_;
	my $median = median(map { $_->{wall_ns} } @samples);
	my $fence = 3.0 * (1.482602218505602 * median(map { abs($_->{wall_ns} - $median) } @samples));
	return map { $_->{iteration} } grep { $fence > 0 && abs($_->{wall_ns} - $median) > $fence } @samples;
}

# Whether a target is met depends on the machine's noise; the rule does not:
# sampling stops at the target exactly when the CI is within it, else at the limit.
sub within_target {
	my ($wall, $target) = @_;
	return ($wall->{ci_hi} - $wall->{ci_lo}) / 2 <= $target * abs($wall->{median});
}
{
	my ($status, $out, $err, $dir) = tlbbench_run(split(' ', '--op munmap --backing anon --size 16M --warmup 0 '
		. '--ci-target 100% --iterations 3 --max-iterations 6'));
	is($status, 0, 'a 100 % target: exit 0') or diag($err);
	my ($case) = cases($dir);
	my $wall = $case->{stats}{wall_ns};
	if ($case->{stop_reason} eq 'ci_target') {
		ok(within_target($wall, 1), 'a 100 % target: stopped at the target, and the CI is within it');
		cmp_ok($case->{samples}, '>=', 3, 'a 100 % target: not before --iterations');
	} else {
		is($case->{stop_reason}, 'max_iterations', 'a 100 % target not met: stopped at --max-iterations');
		is($case->{samples}, 6, 'a 100 % target not met: 6 samples');
		ok(!within_target($wall, 1), 'a 100 % target not met: the CI is wider');
	}
}

my @runs = (
	[ 'an unreachable target stops at --max-iterations', '--ci-target 0.0001% --iterations 2 --max-iterations 5',
	  'max_iterations', 5 ],
	[ 'without a target, --iterations', '--iterations 4', 'iterations', 4 ],
);
for my $run (@runs) {
	my ($name, $args, $reason, $n) = @$run;
	my ($status, $out, $err, $dir) = tlbbench_run(split(' ', "--op munmap --backing anon --size 16M --warmup 0 $args"));
	is($status, 0, "$name: exit 0") or diag($err);
	my ($case) = cases($dir);
	is($case->{stop_reason}, $reason, "$name: stop reason $reason");
	is($case->{samples}, $n, "$name: $n samples");
	is(scalar(read_samples($dir)), $n, "$name: $n lines in samples.jsonl");
	my $wall = $case->{stats}{wall_ns};
	ok($wall->{ci_lo} <= $wall->{median} && $wall->{median} <= $wall->{ci_hi}, "$name: the median lies in its CI");
	ok($wall->{min} <= $wall->{p5} && $wall->{p95} <= $wall->{max}, "$name: quantiles within min and max");
	my @outliers = outlier_iterations(read_samples($dir));
	is($wall->{outliers}, scalar @outliers, "$name: the outliers counted are those beyond 3 MADs");
	is_deeply($wall->{outlier_iterations}, [ @outliers[0 .. ($#outliers < 31 ? $#outliers : 31)] ],
		  "$name: the first 32 are flagged by their iterations");
}

my ($status, $out, $err, $dir) = tlbbench_run(split(' ', '--op munmap --backing anon --size 16M --warmup 0 '
	. '--ci-target 0.0001% --iterations 2 --max-iterations 100000 --max-time 1s'));
my ($case) = cases($dir);
is($case->{stop_reason}, 'max_time', 'an unreachable target stops at --max-time');
cmp_ok($case->{samples}, '<', 100000, 'well before --max-iterations');
my @outliers = outlier_iterations(read_samples($dir));
is($case->{stats}{wall_ns}{outliers}, scalar @outliers,
   "$case->{samples} samples: the outliers counted are those beyond 3 MADs (" . scalar(@outliers) . ')');
is_deeply($case->{stats}{wall_ns}{outlier_iterations}, [ @outliers[0 .. ($#outliers < 31 ? $#outliers : 31)] ],
	  "$case->{samples} samples: the first 32 outliers are flagged by their iterations");
done_testing();
