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

my @runs = (
	[ 'a 100 % target is met at the minimum', '--ci-target 100% --iterations 3', 'ci_target', 3 ],
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
	is(scalar @{ $wall->{outlier_iterations} }, $wall->{outliers}, "$name: each outlier is flagged by its iteration");
}

my ($status, $out, $err, $dir) = tlbbench_run(split(' ', '--op munmap --backing anon --size 16M --warmup 0 '
	. '--ci-target 0.0001% --iterations 2 --max-iterations 100000 --max-time 1s'));
my ($case) = cases($dir);
is($case->{stop_reason}, 'max_time', 'an unreachable target stops at --max-time');
cmp_ok($case->{samples}, '<', 100000, 'well before --max-iterations');
done_testing();
