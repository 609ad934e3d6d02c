#!/usr/bin/perl
# tlbbench report on fixture result directories: one Markdown file with both
# runs' kernels and machines, the sign-off verdict and its rules, the compare
# table, the analysis labelled as estimates, and the plots as PNG files beside
# it, linked relative to it; exit 1 when a rule fails, 0 when all pass, 2 for
# bad input.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use JSON::PP;
use FindBin;
require "$FindBin::Bin/lib.pl";
our $TLBBENCH;

my $root = tempdir(CLEANUP => 1);

# 15 samples per case, +-2 % deterministic jitter; scale slows one case down.
sub fixture {
	my ($name, $kernel, %opt) = @_;
	my $dir = "$root/$name";
	mkdir $dir;
	open(my $fh, '>', "$dir/samples.jsonl") or die;
	for my $case (['munmap', 'shmem', 1, 80e6], ['munmap', 'shmem', 2, 88e6], ['munmap', 'anon', 1, 77e6]) {
		my ($op, $backing, $cpus, $ns) = @$case;
		for my $i (0 .. 14) {
			my $time = $ns * (1 + 0.02 * sin(7 * $i + $cpus)) * ($opt{scale}{"$op $backing $cpus"} // 1);
			my $flushes = $backing eq 'shmem' ? 514 : 29;
			print $fh encode_json({ op => $op, backing => $backing, touch => 'dirty', populate => 'fault',
				size_bytes => 1 << 30, cpus => $cpus, remote_mode => 'spin', placement => 'compact',
				iteration => $i, wall_ns => int($time), ns_per_gib => $time, flushes_per_gib => $flushes,
				ipis_per_gib => $cpus > 1 ? $flushes : 0, events => { task_clock => $time, cycles => undef } }),
			    "\n";
		}
	}
	close($fh);
	open($fh, '>', "$dir/meta.json") or die;
	print $fh encode_json({ tlbbench_version => '0.1.0', git_revision => "rev-$name",
		started => '2026-12-01T10:00:00Z', command_line => ['tlbbench', 'run', '-c', 'quick.ini'],
		kernel_model => { shmem_dirty_deferred => $opt{deferred} ? JSON::PP::true : JSON::PP::false },
		counters => { tlb_flush_tracepoint => { supported => JSON::PP::true }, interrupts_tlb => JSON::PP::true,
			      vmstat_nr_tlb => $opt{deferred} ? JSON::PP::true : JSON::PP::false,
			      $opt{deferred} ? () : (vmstat_nr_tlb_why_not => 'kernel built without CONFIG_DEBUG_TLBFLUSH'),
			      events => { cycles => '<not supported> (ENOENT: no PMU)', 'task-clock' => 'supported' } },
		info => { kernel => { release => $kernel, version => '#1 SMP' }, hostname => 'box|1',
			  cpu => { model => 'Fixture CPU', vendor => 'GenuineFixture', online => 2 },
			  hypervisor => { present => JSON::PP::false }, memory => { total_bytes => 24 << 30 },
			  thp => { enabled => 'madvise', shmem_enabled => 'never' }, clocksource => 'tsc' } });
	close($fh);
	return $dir;
}

my $base = fixture('base', '6.18.0-base');
my $same = fixture('same', '6.18.0-same');
my $slower = fixture('slower', '6.18.0-deferred', scale => { 'munmap shmem 2' => 1.10 }, deferred => 1);
my $out_dir = "$root/posting";
mkdir $out_dir;

my ($status, $out, $err) = run_cmd($TLBBENCH, 'report', $base, $slower, '-o', "$out_dir/report.md");
is($status, 1, 'a regression past the time rule: exit 1') or diag($out, $err);
my $md = slurp("$out_dir/report.md");
like($out, qr/^report: \Q$out_dir\E\/report\.md \(sign-off FAIL, \d+ plots/m, 'says where the report is');

# The sections, in order.
my @headings = $md =~ /^(#{1,3} .*)$/mg;
my @want = ('# tlbbench report', '## Kernels and machines', '## Sign-off verdict: FAIL', '## Compare',
	    '## Analysis (estimates, not measurements)', '### base:', '### new:', '## Plots');
my $at = 0;
for my $w (@want) {
	my ($found) = grep { index($headings[$_], $w) == 0 } $at .. $#headings;
	ok(defined $found, "section '$w', in order") or diag(join("\n", @headings));
	$at = $found // $at;
}

# Both kernels and machines, a cell that holds '|' escaped.
like($md, qr/^\| kernel \| 6\.18\.0-base \| 6\.18\.0-deferred \|$/m, 'both kernels');
like($md, qr/^\| CPU \| Fixture CPU \(GenuineFixture\), 2 CPUs online \| Fixture CPU/m, 'the CPUs');
like($md, qr/^\| host \| box\\\|1 \| box\\\|1 \|$/m, 'a | in a value is escaped');
like($md, qr/^\| dirty shmem flush deferred \(probed\) \| no \| yes \|$/m, 'what the model probed on each kernel');
like($md, qr/^\| command \| `tlbbench run -c quick\.ini` \|/m, 'how each run was made');
like($md, qr/^\| counters not read \| cycles <not supported> \(ENOENT: no PMU\); \/proc\/vmstat nr_tlb_\* <not supported> \(kernel built without CONFIG_DEBUG_TLBFLUSH\) \| cycles <not supported> \(ENOENT: no PMU\) \|$/m,
     'the counters each run could not read, as perf says them');
like($md, qr/^<not supported> in both runs, every case: events\.cycles$/m, 'the compare table says the unread event once');

# The verdict with its rules.
like($md, qr/^\| rule \| metric \| may rise at most \| p below \| op \| backing \| touch \|$/m, 'the rules table');
like($md, qr/^\| time \| wall_ns \| 3\.00% \| 0\.01 \| all \| all \| all \|$/m, 'the time rule of signoff.ini');
like($md, qr/^  FAIL time: munmap shmem dirty 1024M 2cpu compact spin fault \+10\.\d\d% \(limit \+3\.00%\)/m, 'the failing case');

# The compare table, its one slower case marked.
like($md, qr/^\| case \| metric \| base median \| new median \| change \|/m, 'the compare table');
like($md, qr/^\| munmap shmem dirty 1024M 2cpu compact spin fault \| wall_ns \| .* \| \+10\.\d\d% \|.*\*\*\* \|$/m,
     'the slower case, significant');

# The analysis is labelled, and says why there is none for a run without a flush price.
like($md, qr/are ESTIMATES made from it/, 'the analysis is labelled as estimates');
like($md, qr/^No analysis: .*no flush price/m, 'why a run has no analysis');

# The plots: PNGs beside the report, each link relative and resolving.
my @links = $md =~ /^!\[[^\]]*\]\(([^)]+)\)$/mg;
ok(@links >= 3, scalar(@links) . ' plots linked') or diag($md);
ok(!grep({ m{^/} } @links), 'every link is relative');
ok(-s "$out_dir/$_", "$_ is there") for @links;
ok((grep { m{^report-plots/new-compare\.png$} } @links), 'compare.png: new against base');

# All rules pass: exit 0; bad input: exit 2, nothing written.
($status, $out, $err) = run_cmd($TLBBENCH, 'report', $base, $same, '-o', "$out_dir/same.md");
is($status, 0, 'no regression: exit 0') or diag($out, $err);
like(slurp("$out_dir/same.md"), qr/^## Sign-off verdict: PASS$/m, 'PASS');
ok(-d "$out_dir/same-plots", 'its plots in same-plots/');
($status, $out, $err) = run_cmd($TLBBENCH, 'report', $base, "$root/nothing", '-o', "$out_dir/bad.md");
is($status, 2, 'a directory that is no result: exit 2');
ok(!-e "$out_dir/bad.md", 'and no report');
($status, $out, $err) = run_cmd($TLBBENCH, 'report', '--signoff', 'no-such.ini', $base, $same, '-o', "$out_dir/bad.md");
is($status, 2, 'rules that are not there: exit 2');
like($err, qr/no-such\.ini: no such file, here or in \S+\/configs/, 'says where it looked');
for my $bad ([ '', qr/^tlbbench: -o: no file name$/m ], [ $out_dir, qr/-o \Q$out_dir\E: a directory; give the report's file/ ]) {
	($status, $out, $err) = run_cmd($TLBBENCH, 'report', $base, $same, '-o', $bad->[0]);
	is($status, 2, "-o '$bad->[0]': exit 2");
	like($err, $bad->[1], "-o '$bad->[0]': says why");
}

# A name with a space, # and ?: the links are percent-encoded, and resolve once decoded.
# A PNG an earlier report left in its plots directory is gone.
mkdir("$out_dir/my report#1?-plots");
open(my $stale, '>', "$out_dir/my report#1?-plots/base-old.png") or die;
close($stale);
($status, $out, $err) = run_cmd($TLBBENCH, 'report', $base, $same, '-o', "$out_dir/my report#1?.md");
is($status, 0, 'a report named with a space, # and ?: exit 0') or diag($out, $err);
@links = slurp("$out_dir/my report#1?.md") =~ /^!\[[^\]]*\]\(([^)]+)\)$/mg;
ok(@links >= 3 && !grep({ /[ #?]/ } @links), 'its links have no space, # or ?') or diag(join("\n", @links));
ok(-s "$out_dir/" . s/%([0-9A-F]{2})/chr(hex($1))/ger, "$_ resolves") for @links;
ok(!-e "$out_dir/my report#1?-plots/base-old.png", 'an earlier PNG in its plots directory is removed');
done_testing();
