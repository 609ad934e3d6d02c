#!/usr/bin/perl
# Result files: meta.json, samples.jsonl and samples.csv parse and agree; the
# exit workload reports the no-mapping exit beside it; an interrupted run keeps
# the samples it took.
use strict;
use warnings;
use Test::More;
use JSON::PP;
use FindBin;
use POSIX qw(WNOHANG);
require "$FindBin::Bin/lib.pl";
our $TLBBENCH;

my ($status, $out, $err, $dir) = tlbbench_run(split(' ', '--op munmap,exit --backing anon,shmem --touch dirty --size 64M --iterations 2 --warmup 1'));
is($status, 0, 'run exits 0') or diag($err);

my $meta = read_json("$dir/meta.json");
ok($meta->{git_revision}, 'meta.json: git revision');
ok($meta->{tlbbench_version}, 'meta.json: version');
is($meta->{results_format}, 1, 'meta.json: the results format compare, analyze and plot check');
is($meta->{command_line}[1], 'run', 'meta.json: the exact command line');
ok($meta->{info}{kernel}{release}, 'meta.json: kernel release');
ok(exists $meta->{counters}{tlb_flush_tracepoint}{supported}, 'meta.json: which counters work');

my @samples = read_samples($dir);
is(scalar @samples, 4 * 2, 'samples.jsonl: 2 samples for each of 4 cases');
my @keys = qw(op backing touch populate dirty_tables page_tables size_bytes cpus remote_mode iteration wall_ns flushes
	      flushes_by_reason ipis flushes_per_gib ipis_per_gib ns_per_gib model_flushes events vmstat_delta
	      activations_per_gib smaps);
for my $s (@samples) {
	my @missing = grep { !exists $s->{$_} } @keys;
	is_deeply(\@missing, [], "sample $s->{op} $s->{backing} #$s->{iteration}: every field present");
	cmp_ok($s->{wall_ns}, '>', 0, "sample $s->{op} $s->{backing}: wall time measured");
	is($s->{size_bytes}, 64 << 20, 'size in bytes');
	is($s->{populate}, 'fault', 'populate: faulted by the touch loop, by default');
	is($s->{dirty_tables}, undef, 'dirty_tables: null outside a dose-response');
	is($s->{page_tables}, 32, 'page_tables: 64 MiB spans 32');
	is($s->{smaps}{rss}, 64 << 20, "smaps: the mapping as set up is recorded ($s->{op}: the child's for exit)");
	is($s->{smaps}{dirty}, 64 << 20, 'smaps: every page dirty');
	is(ref $s->{vmstat_delta}, 'HASH', 'vmstat_delta: the /proc/vmstat counters the op changed');
	ok(!grep({ $_ == 0 } values %{$s->{vmstat_delta}}), 'vmstat_delta: only counters that changed');
	if ($s->{op} eq 'exit') {
		cmp_ok($s->{exit_no_mapping_ns}, '>', 0, 'exit: the no-mapping exit is measured beside it');
		is($s->{model_flushes}, undef, 'exit: the model makes no prediction (null, not 0)');
	}
	my $task_clock = $s->{events}{task_clock};
	ok(!defined $task_clock || $task_clock > 0, 'task-clock is a count or null, never a silent 0');
}

my @csv = split /\n/, slurp("$dir/samples.csv");
my @header = split /,/, shift @csv;
is(scalar @csv, scalar @samples, 'samples.csv: one row per sample');
is($header[0], 'op', 'samples.csv: header');
my %col = map { $header[$_] => $_ } 0 .. $#header;
for my $i (0 .. $#csv) {
	my @row = split /,/, $csv[$i], -1;
	is(scalar @row, scalar @header, "csv row $i: as many cells as the header");
	is($row[$col{wall_ns}], $samples[$i]{wall_ns}, "csv row $i: wall_ns agrees with the JSON");
	is($row[$col{flushes}], $samples[$i]{flushes} // '', "csv row $i: flushes agree with the JSON");
}
# One schema (lib/common/metrics.c): every scalar of a sample has its CSV column
# and agrees with it: a string exactly, a number to the %.6g it is written with, null as empty.
my @scalars = grep { my $k = $_; !ref($samples[0]{$k}) && $k !~ /^(op|remote_cpus|vmstat|events.*)$/ } sort keys %{ $samples[0] };
ok(@scalars >= 20, scalar(@scalars) . ' scalar fields in a sample');
for my $k (@scalars) {
	ok(exists $col{$k}, "samples.csv has a column for $k") or next;
	my @bad = grep {
		my $json = $samples[$_]{$k};
		my $cell = (split /,/, $csv[$_], -1)[ $col{$k} ];
		!defined $json ? $cell ne '' : $json !~ /^-?[\d.]+(e[-+]?\d+)?$/i ? $cell ne $json
			: abs($cell - $json) > 1e-5 * abs($json);
	} 0 .. $#csv;
	is(scalar @bad, 0, "samples.csv's $k agrees with samples.jsonl in every row");
}
is_deeply([ map { [ $_->{name}, $_->{model_zap}, $_->{reference}, $_->{own_page_state} ? 1 : 0 ] }
	    @{ decode_json(slurp("$dir/meta.json"))->{workloads} } ],
	  [ [ 'munmap', 'unmap', undef, 0 ], [ 'madv_dontneed', 'dontneed', undef, 0 ], [ 'exit', 'none', 'exit_no_mapping_ns', 0 ],
	    [ 'flush_cost', 'none', 'absent_page_ns', 1 ] ],
	  "meta.json lists the workloads: their model zap, reference field and own page state");
like($out, qr/op\s+backing\s+touch\s+populate\s+size\s+cpus.*median_ms.*ns\/GiB.*flush\/GiB.*IPIs\/GiB\s+act\/GiB/,
     'the table is printed');

# Interrupted (SIGINT, as ^C sends): the sample in flight finishes, every
# sample stays, cases.jsonl holds every case (the unfinished ones marked
# interrupted), nothing of the run is left running, exit 130.
my $idir = File::Temp::tempdir(CLEANUP => 1) . '/results';
my $pid = fork();
if ($pid == 0) {
	open(STDOUT, '>', '/dev/null');
	open(STDERR, '>', "$idir.err");
	exec($TLBBENCH, qw(run --op exit,munmap --backing anon --size 64M --cpus), cpu_count() > 1 ? 2 : 1,
	     qw(--iterations 100000 --warmup 0 -o), $idir);
	exit 127;
}
my $waited = 0;
while ($waited < 200 && (split /\n/, slurp("$idir/samples.jsonl")) < 3) {
	select(undef, undef, undef, 0.1);
	$waited++;
}
kill 'INT', $pid;
waitpid($pid, 0);
is($? >> 8, 130, 'interrupted run: exit 130');
like(slurp("$idir.err"), qr/interrupted by signal 2: what was measured is kept in/, 'interrupted run: says so');
my @kept = split /\n/, slurp("$idir/samples.jsonl");
cmp_ok(scalar @kept, '>=', 3, 'interrupted run kept its samples');
my $parsed = grep { eval { JSON::PP::decode_json($_); 1 } } @kept;
is($parsed, scalar @kept, 'every kept line is a complete JSON object');
my @icases = map { JSON::PP::decode_json($_) } split /\n/, slurp("$idir/cases.jsonl");
is(scalar @icases, 2, 'cases.jsonl: a line for each case, the one not started too');
is($icases[0]{status}, 'interrupted', 'cases.jsonl: the partial case is marked interrupted');
is($icases[0]{samples}, scalar @kept, 'cases.jsonl: it counts every kept sample');
is($icases[1]{samples}, 0, 'cases.jsonl: the case not started has none');
my @left = grep { (slurp($_) =~ tr/\0/ /r) =~ /\Q$idir\E/ } glob('/proc/[0-9]*/cmdline');
is(scalar @left, 0, 'no process of the run is left (exit children, threads)');
done_testing();
