#!/usr/bin/perl
# tlbbench compare on fixture result directories: identical runs pass with no
# significant difference; a known shift fails the right rule; exit codes
# 0 pass, 1 fail, 2 error; formats; cases on one side only are listed.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use JSON::PP;
use FindBin;
require "$FindBin::Bin/lib.pl";
our $TLBBENCH;

my $root = tempdir(CLEANUP => 1);
my $rules = "$FindBin::Bin/../../configs/signoff.ini";

# A result directory: 15 samples for each case, deterministic jitter of +-2 %.
# No populate field, as before that axis: such runs used MADV_POPULATE, so
# their cases are labelled and matched as populate=madvise.
sub fixture {
	my ($name, %opt) = @_;
	my $dir = "$root/$name";
	mkdir $dir;
	open(my $fh, '>', "$dir/samples.jsonl") or die;
	for my $case (@{ $opt{cases} }) {
		my ($op, $backing, $cpus, $ns) = @$case;
		for my $i (0 .. 14) {
			my $jitter = 1 + 0.02 * sin(7 * $i + length($op) + $cpus + ($opt{phase} // 0));
			my $time = $ns * $jitter * ($opt{scale}{"$op $backing $cpus"} // 1);
			my $flushes = $backing eq 'shmem' ? 514 : 29;
			$flushes += $opt{extra_flushes}{"$op $backing $cpus"} // 0;
			print $fh encode_json({ op => $op, backing => $backing, touch => 'dirty', size_bytes => 1 << 30,
				cpus => $cpus, remote_mode => 'spin', placement => 'compact', iteration => $i,
				wall_ns => int($time), ns_per_gib => $time, flushes_per_gib => $flushes,
				ipis_per_gib => $cpus > 1 ? $flushes : 0, events => { task_clock => $time, cycles => undef } }),
			    "\n";
		}
	}
	close($fh);
	open($fh, '>', "$dir/meta.json") or die;
	print $fh encode_json({ tlbbench_version => '0.1.0', git_revision => 'fixture', info => { kernel => { release => 'fixture' } } });
	close($fh);
	return $dir;
}

my @cases = (['munmap', 'shmem', 1, 80e6], ['munmap', 'shmem', 2, 88e6], ['munmap', 'anon', 1, 77e6],
	     ['madv_dontneed', 'shmem', 2, 89e6]);
my $base = fixture('base', cases => \@cases);
my $again = fixture('again', cases => \@cases, phase => 3);
my $slower = fixture('slower', cases => \@cases, scale => { 'munmap shmem 2' => 1.10 });
my $faster = fixture('faster', cases => \@cases, scale => { 'munmap shmem 2' => 0.90 });
my $more_flushes = fixture('flushes', cases => \@cases, extra_flushes => { 'munmap anon 1' => 2 });
my $fewer_cases = fixture('fewer', cases => [ @cases[0 .. 2], ['exit', 'anon', 1, 13e6] ]);

my ($status, $out, $err) = run_cmd($TLBBENCH, 'compare', $base, $again, '--signoff', $rules);
is($status, 0, 'A/A: exit 0') or diag($out, $err);
like($out, qr/^PASS$/m, 'A/A: overall PASS');
unlike($out, qr/^munmap.*\*\s*$/m, 'A/A: no significance marker anywhere');
like($out, qr/^PASS  rule time: .* 4 cases, 0 failed/m, 'A/A: the time rule checked 4 cases');

($status, $out) = run_cmd($TLBBENCH, 'compare', $base, $slower, '--signoff', $rules);
is($status, 1, 'slower by 10 %: exit 1');
like($out, qr/^  FAIL time: munmap shmem dirty 1024M 2cpu compact spin madvise \+10\.\d\d%/m, 'slower: the case is named');
like($out, qr/^FAIL  rule time: .* 4 cases, 1 failed/m, 'slower: the time rule fails');
like($out, qr/^PASS  rule flushes:/m, 'slower: the flushes rule still passes');
like($out, qr/^munmap shmem dirty 1024M 2cpu compact spin madvise\s+wall_ns\s+\S+\s+\S+\s+\+10\.\d\d% \[.*\]\s+\S+\s+\S+\s+\S+\s+\*\*\*$/m,
     'slower: the table marks it significant');

($status, $out) = run_cmd($TLBBENCH, 'compare', $base, $faster, '--signoff', $rules);
is($status, 0, 'faster by 10 %: exit 0 (an improvement is no regression)');
like($out, qr/-10\.\d\d% .*\*\*\*$/m, 'faster: marked significant');

($status, $out) = run_cmd($TLBBENCH, 'compare', $base, $more_flushes, '--signoff', $rules);
is($status, 1, 'two more flushes per GiB: exit 1');
like($out, qr/^  FAIL flushes: munmap anon dirty 1024M 1cpu/m, 'flushes: the rule names the case');
like($out, qr/^PASS  rule time:/m, 'flushes: the time rule passes');

($status, $out) = run_cmd($TLBBENCH, 'compare', $base, $fewer_cases);
is($status, 0, 'no rules: exit 0');
like($out, qr/^only in base: madv_dontneed shmem dirty 1024M 2cpu/m, 'a case only in base is listed');
like($out, qr/^only in new: exit anon dirty 1024M 1cpu/m, 'a case only in new is listed');
like($out, qr/^munmap anon dirty 1024M 1cpu .*events\.task_clock\s+\d/m, 'an event read on both sides is compared');
unlike($out, qr/^\S.*  events\.cycles/m, 'an event null on both sides is no row');
like($out, qr/^<not supported> in both runs, every case: events\.cycles$/m, 'it is said once, as perf says it');
unlike($out, qr/absent_page_ns/, 'a metric no case of the op has (absent_page_ns outside flush_cost) is not');

($status, $out) = run_cmd($TLBBENCH, 'compare', $base, $again, '--format', 'md');
like($out, qr/^\| case \| metric \| base median \| new median \| change \| 95 % CI \|/m, 'markdown table');
($status, $out) = run_cmd($TLBBENCH, 'compare', $base, $again, '--format', 'csv');
like($out, qr/\Acase,metric,base_median,new_median,change,change_lo,change_hi,mann_whitney_p,welch_p,hl_shift,significance\n/,
     'csv header');
# The Hodges-Lehmann shift: the median of every new - base difference, computed apart.
{
	my @wall = map { my $d = $_; [ map { $_->{wall_ns} } grep { $_->{cpus} == 2 && $_->{op} eq 'munmap' }
				  read_samples($d) ] } ($base, $slower);
	my @diffs = sort { $a <=> $b } map { my $x = $_; map { $_ - $x } @{ $wall[1] } } @{ $wall[0] };
	my $hl = @diffs % 2 ? $diffs[$#diffs / 2] : ($diffs[@diffs / 2 - 1] + $diffs[@diffs / 2]) / 2;
	my (undef, $csv) = run_cmd($TLBBENCH, 'compare', $base, $slower, '--format', 'csv');
	my ($got) = $csv =~ /^"munmap shmem dirty 1024M 2cpu[^"]*",wall_ns,(?:[^,]*,){7}([^,]+),/m;
	ok(defined $got && abs($got - $hl) <= 1e-6 * abs($hl), "csv: the Hodges-Lehmann shift of wall_ns ($hl)")
		or diag("got ", $got // 'none');
}
is(scalar(() = $out =~ /^"munmap shmem dirty 1024M 1cpu compact spin madvise",wall_ns,/mg), 1,
   'csv: one row per case and metric');

# Few samples: the rule cannot detect anything, so it cannot sign off.
my $small = fixture('small', cases => \@cases);
open(my $fh, '<', "$small/samples.jsonl");
my @lines = grep { /"iteration":[0-4]\b/ } <$fh>;
close($fh);
open($fh, '>', "$small/samples.jsonl");
print $fh @lines;
close($fh);
($status, $out) = run_cmd($TLBBENCH, 'compare', $small, $small, '--signoff', $rules);
is($status, 1, '5 samples a side: exit 1');
like($out, qr/^FAIL  rule time: with 5 and 5 samples the smallest possible p is 0\.0079/m, 'says it has no power');

# Errors: exit 2, one line.
my $bad_rules = "$root/bad.ini";
open($fh, '>', $bad_rules);
print $fh "[rule time]\nmetric = wall_ns\nmax_regression = lots\n";
close($fh);
my @errors = (
	[ [ $base ], qr/compare: want BASE NEW/ ],
	[ [ $base, "$root/none" ], qr/none: unable to open .*meta\.json.*not a tlbbench result directory/ ],
	[ [ $base, $again, '--format', 'xml' ], qr/--format 'xml': want table, md or csv/ ],
	[ [ $base, $again, '--signoff', $bad_rules ], qr/\Q$bad_rules\E:3: bad max_regression 'lots'/ ],
	[ [ $base, $again, '--signoff', "$root/missing.ini" ], qr/missing\.ini: no such file/ ],
);
for my $e (@errors) {
	my ($args, $message) = @$e;
	($status, $out, $err) = run_cmd($TLBBENCH, 'compare', @$args);
	is($status, 2, "error exit 2: @$args[1 .. $#$args]");
	like($err, $message, 'error says why');
}
done_testing();
