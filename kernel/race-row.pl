#!/usr/bin/perl
# One row of kernel/race.sh's summary: what a tlbbench race run found beside
# what kernel/race-expected.txt says the kernel must show.
# Usage: race-row.pl EXPECTED VARIANT MODE ZAP RACE.json
#        race-row.pl EXPECTED VARIANT MODE ZAP --died 'LINE'  (the guest died: LINE from its console)
#        race-row.pl --header
# Exit: 0 as expected (or nothing is expected), 1 not as expected.
use strict;
use warnings;
use JSON::PP;

my $format = "%-28s %-9s %-5s %-50s %8s %8s %-15s %-15s %s\n";
if (@ARGV && $ARGV[0] eq '--header') {
	printf $format, qw(kernel mode zap counts failures warnings measured expected result);
	exit 0;
}
my ($expected_file, $variant, $mode, $zap, $source, $died) = @ARGV;
die "usage: race-row.pl EXPECTED VARIANT MODE ZAP RACE.json|--died LINE\n" unless defined $source;

my ($expected, $kind);
open(my $fh, '<', $expected_file) or die "$expected_file: $!\n";
while (<$fh>) {
	next if /^\s*(#|$)/;
	my ($v, $m, $k, $verdict) = /^(\S+)\s+(\S+)\s+(safe|control)\s+(.+?)\s*$/
	    or die "$expected_file:$.: want VARIANT MODE safe|control VERDICT\n";
	($kind, $expected) = ($k, $verdict) if $v eq $variant && $m eq $mode;
}
close($fh);

my ($kernel, $counts, $failures, $warnings, $measured);
if ($source eq '--died') {
	($kernel, $counts, $failures, $warnings) = ($variant, "guest died: $died", '-', '-');
	$measured = $died =~ /BUG|Oops/ ? 'KERNEL BUG' : 'GUEST DIED';
} else {
	open(my $in, '<', $source) or die "$source: $!\n";
	my $r = decode_json(do { local $/; <$in> });
	my %counts = (writeback => [qw(zaps syncs writer_sweeps)], truncate => [qw(zaps punches dirtier_rounds)],
		      seal => [qw(rounds seal_busy writer_passes)]);
	$kernel = $r->{kernel};
	$counts = join(' ', map { "$_=" . ($r->{$_} // '?') } @{ $counts{$mode} // [] });
	$failures = $r->{mismatches} // $r->{violations} // '-';
	$warnings = ref $r->{kernel_warnings} ? scalar @{ $r->{kernel_warnings} } : 'n/s';
	$measured = $r->{verdict};
}
my $result = !defined $expected ? 'nothing expected'
	: $measured eq $expected ? 'as expected'
	: $kind eq 'control' ? 'DETECTOR FAILURE' : 'KERNEL FAILS';
printf $format, $kernel, $mode, $zap, $counts, $failures, $warnings, $measured, $expected // '-', $result;
exit(!defined $expected || $measured eq $expected ? 0 : 1);
