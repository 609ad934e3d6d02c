#!/usr/bin/env perl
# `run -x SEP`: CSV on stdout as perf stat -x, a line per case and metric,
# CASE,VALUE,UNIT,METRIC,SAMPLES,RUNNING%. Each case has its own lines, named
# apart (its sweep, its exact size) even when two cases read alike; after
# --resume they describe the same samples as cases.jsonl; an interrupted case
# prints none; a case that took no sample prints <not counted>.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use FindBin;
require "$FindBin::Bin/lib.pl";

our $TLBBENCH;
my $tmp = tempdir(CLEANUP => 1);
my @SMALL = qw(--iterations 2 --warmup 1);

# The lines of a -x, output: [CASE, VALUE, UNIT, METRIC, SAMPLES, RUNNING] each.
sub csv_lines {
	my ($out) = @_;
	return map { [/^(.*),([^,]*),([^,]*),([^,]*),([^,]*),([^,]*)$/] } split /\n/, $out;
}

# METRIC's line of each case, by CASE.
sub metric_by_case {
	my ($metric, $out) = @_;
	my %by;
	for my $f (grep { $_->[3] eq $metric } csv_lines($out)) {
		ok(!exists $by{ $f->[0] }, "one $metric line for '$f->[0]'");
		$by{ $f->[0] } = $f;
	}
	return %by;
}

sub ini {
	my ($name, $text) = @_;
	open(my $fh, '>', "$tmp/$name") or die;
	print $fh $text;
	close($fh);
	return "$tmp/$name";
}

# Sizes below 1 MiB: two cases, each with its own size and its own samples.
{
	my ($status, $out, $err) = tlbbench_run(qw(--op munmap --backing anon --size), '512K,768K', @SMALL, '-x,');
	is($status, 0, 'sizes below 1 MiB: exit 0') or diag($err);
	my %wall = metric_by_case('wall_ns', $out);
	is_deeply([sort keys %wall],
		  ['sweep: munmap anon dirty 512 KiB cpus=1 compact remote=spin populate=fault',
		   'sweep: munmap anon dirty 768 KiB cpus=1 compact remote=spin populate=fault'],
		  'sizes below 1 MiB: a case each, named by its exact size and sweep') or diag($out);
	is($_->[4], 2, "$_->[0]: its own 2 samples") for values %wall;
}

# Two [case] sections of the same parameters: two cases, named by their sections.
{
	my $ini = ini('twins.ini', "[sweep]\nop = munmap\nbacking = anon\nsize = 2M\ncpus = 1\n\n[case a]\n\n[case b]\n");
	my ($status, $out, $err) = tlbbench_run('-c', $ini, @SMALL, '-x,');
	is($status, 0, 'twin cases: exit 0') or diag($err);
	my %wall = metric_by_case('wall_ns', $out);
	is_deeply([sort map { /^(\w+): / } keys %wall], [qw(a b)], 'twin cases: a line each, named by its section')
	    or diag($out);
	is($_->[4], 2, "$_->[0]: its own 2 samples") for values %wall;
}

# Interrupted, then resumed: the interrupted run prints finished cases only;
# the resumed one every case, from all its samples, as cases.jsonl says.
{
	my $ITER = 12;
	my $ini = ini('resume.ini', "[sweep]\nop = munmap,madv_dontneed\nbacking = anon,shmem\nsize = 32M\n" .
			  "iterations = $ITER\nwarmup = 1\n");
	my $dir = "$tmp/resumed";
	my $pid = fork();
	if ($pid == 0) {
		open(STDOUT, '>', "$dir.out") or die;
		open(STDERR, '>', "$dir.err") or die;
		exec($TLBBENCH, 'run', '-c', $ini, '-x,', '-o', $dir);
		exit 127;
	}
	my $waited = 0;
	select(undef, undef, undef, 0.02) while $waited++ < 600 && (split /\n/, slurp("$dir/samples.jsonl")) < $ITER + 3;
	kill 'INT', $pid;
	waitpid($pid, 0);
	is($? >> 8, 130, 'interrupted: exit 130');
	my %status = map { my $c = decode_json($_); ("$c->{op} $c->{backing}" => $c->{status}) }
		     split /\n/, slurp("$dir/cases.jsonl");
	ok((grep { $_ eq 'interrupted' } values %status), 'interrupted: a case is unfinished');
	my %wall = metric_by_case('wall_ns', slurp("$dir.out"));
	my @printed = sort map { /^sweep: (\S+ \S+) / } keys %wall;
	is_deeply(\@printed, [sort grep { $status{$_} eq 'ok' } keys %status],
		  'interrupted: lines for the finished cases only, none for the unfinished ones');

	my ($status, $out, $err) = run_cmd($TLBBENCH, 'run', '--resume', $dir);
	is($status, 0, 'resumed: exit 0') or diag($err);
	%wall = metric_by_case('wall_ns', $out);
	my @cases = map { decode_json($_) } split /\n/, slurp("$dir/cases.jsonl");
	is(scalar keys %wall, scalar @cases, 'resumed: every case has its lines') or diag($out);
	is(scalar(grep { $_->[4] != 0 && $_->[4] != $ITER } csv_lines($out)), 0,
	   "resumed: every metric and event read in all $ITER samples or in none");
	for my $c (@cases) {
		my ($line) = grep { /^sweep: \Q$c->{op} $c->{backing}\E / } keys %wall;
		next unless ok($line, "resumed: $c->{op} $c->{backing} has a wall_ns line");
		is($wall{$line}[4], $c->{samples}, "resumed: $c->{op} $c->{backing}: SAMPLES as cases.jsonl ($ITER)");
		cmp_ok(abs($wall{$line}[1] - $c->{stats}{wall_ns}{median}), '<', 0.001,
		       "resumed: $c->{op} $c->{backing}: the median of cases.jsonl");
	}
}

# A case that took no sample (hugetlb without huge pages): <not counted>, SAMPLES 0.
SKIP: {
	my ($free) = slurp('/proc/meminfo') =~ /HugePages_Free:\s+(\d+)/;
	skip 'huge pages are reserved here', 4 if !defined $free || $free > 0;
	my ($status, $out, $err) = tlbbench_run(qw(--backing hugetlb --size 64M --iterations 1 --warmup 0), '-x,');
	is($status, 0, 'hugetlb skipped: exit 0');
	like($err, qr/skipped: hugetlb: 0 free 2 MiB huge pages reserved/, 'hugetlb skipped: the reason on stderr');
	my @lines = csv_lines($out);
	ok((grep { $_->[3] eq 'wall_ns' } @lines), 'hugetlb skipped: a wall_ns line') or diag($out);
	is(scalar(grep { $_->[1] ne '<not counted>' || $_->[4] ne '0' } @lines), 0,
	   'hugetlb skipped: every line <not counted>, SAMPLES 0');
}

done_testing();
