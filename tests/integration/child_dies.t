#!/usr/bin/perl
# The exit workload's child killed by a signal: that sample is recorded as
# failed, with the signal, and the case goes on to its measured samples; the
# summary counts the failed one, and compare reads around it.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use FindBin;
use POSIX ();
require "$FindBin::Bin/lib.pl";
our $TLBBENCH;

# Run an exit case of 1 GiB and kill the first $kills children that map it
# while they fault the memory in (over 200 MiB resident); the run's status.
sub run_killing {
	my ($dir, $kills) = @_;
	my ($killed, %seen) = (0);
	my $pid = fork();
	if ($pid == 0) {
		open(STDOUT, '>', "$dir.out") or die;
		open(STDERR, '>', "$dir.err") or die;
		exec($TLBBENCH, qw(run --op exit --backing anon --touch dirty --size 1G --iterations 3 --warmup 0 -o), $dir);
		exit 127;
	}
	for (1 .. 6000) {
		last if $killed == $kills || waitpid($pid, POSIX::WNOHANG()) == $pid;
		for my $child (map { split ' ', slurp($_) } glob("/proc/$pid/task/*/children")) {
			my ($rss) = slurp("/proc/$child/status") =~ /VmRSS:\s+(\d+)/;
			next if $seen{$child} || !defined $rss || $rss < 200 * 1024;
			$seen{$child} = kill('KILL', $child);
			$killed++;
		}
		select(undef, undef, undef, 0.01);
	}
	waitpid($pid, 0);
	return ($? >> 8, $killed);
}

my $dir = tempdir(CLEANUP => 1) . '/results';
my ($status, $killed) = run_killing($dir, 1);
is($killed, 1, 'the exit child was caught setting up and killed');
is($status, 0, 'the run goes on and exits 0') or diag(slurp("$dir.err"));
my @lines = map { JSON::PP::decode_json($_) } split /\n/, slurp("$dir/samples.jsonl");
my @failed = grep { defined $_->{failed} } @lines;
my @measured = grep { !defined $_->{failed} } @lines;
is(scalar @failed, 1, 'one sample recorded as failed');
like($failed[0]{failed} // '', qr/exit child killed by signal 9 \(Killed\)/, 'it says the child was killed, by which signal');
is($failed[0]{op}, 'exit', 'the failed sample carries its case');
ok(!exists $failed[0]{wall_ns}, 'a failed sample has no time');
is(scalar @measured, 3, 'the case still took its 3 measured samples');
my ($case) = map { JSON::PP::decode_json($_) } split /\n/, slurp("$dir/cases.jsonl");
is($case->{failed_samples}, 1, 'cases.jsonl counts the failed sample');
is($case->{samples}, 3, 'cases.jsonl: 3 measured samples');
is($case->{status}, 'ok', 'the case is not failed');
like(slurp("$dir.out"), qr/^exit\s+anon\s+dirty.*\s3 \(\+1 failed\)$/m, 'the table counts it');
like(slurp("$dir.err"), qr/sample \d+ failed: exit child killed by signal 9/, 'stderr says so when it happens');
my ($st, $out, $err) = run_cmd($TLBBENCH, 'compare', $dir, $dir);
is($st, 0, 'compare reads a result with a failed sample') or diag($err);
like($out, qr/^exit anon dirty 1024M 1cpu compact spin fault\s+wall_ns\s/m, 'compare: the measured samples');
# Failing again and again: the case stops, failed, after 3 in a row.
my $again = tempdir(CLEANUP => 1) . '/results';
($status, $killed) = run_killing($again, 3);
is($killed, 3, 'three children in a row killed');
is($status, 1, 'a case whose samples keep failing is refused: exit 1');
($case) = map { JSON::PP::decode_json($_) } split /\n/, slurp("$again/cases.jsonl");
is($case->{status}, 'failed', 'cases.jsonl: the case failed');
like($case->{why} // '', qr/3 samples in a row failed; the last: exit child killed by signal 9/, 'cases.jsonl: why');
is($case->{failed_samples}, 3, 'cases.jsonl: 3 failed samples');
done_testing();
