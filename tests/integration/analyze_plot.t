#!/usr/bin/perl
# analyze prices the forced flushes with the flush_cost calibration, and plot
# draws PNGs (and SVGs) from a real run, and a comparison of two runs.
use strict;
use warnings;
use Test::More;
use FindBin;
require "$FindBin::Bin/lib.pl";
our $TLBBENCH;

require_tracepoint();
my $config = File::Temp->new(SUFFIX => '.ini');
print $config "[sweep]\nsize = 64M\ncpus = 1\niterations = 3\nwarmup = 1\n"
	. "[case pair]\nop = munmap\nbacking = shmem\ntouch = dirty,clean\n"
	. "[case price]\nop = flush_cost\nsize = 8K\n";
close($config);
my ($status, $out, $err, $dir) = tlbbench_run('-c', $config->filename);
is($status, 0, 'run with a calibration exits 0') or diag($err);

my @cal = grep { $_->{op} eq 'flush_cost' } read_samples($dir);
is(scalar @cal, 3, 'flush_cost: 3 samples');
for my $s (@cal) {
	is($s->{flushes}, 1000, 'flush_cost: each of its 1000 zaps of a dirty page is one forced flush');
	cmp_ok($s->{absent_page_ns}, '>', 0, 'flush_cost: the same zaps of the absent page are timed beside them');
}
# The price per flush is the median over samples of (present - absent) / flushes:
# computed here from samples.jsonl. (Which of the two is slower is a timing,
# not asserted: on a busy machine either can be preempted.)
my @per_flush = sort { $a <=> $b } map { ($_->{wall_ns} - $_->{absent_page_ns}) / $_->{flushes} } @cal;
my $want_price = $per_flush[1];

($status, $out, $err) = run_cmd($TLBBENCH, 'analyze', $dir);
is($status, 0, 'analyze exits 0') or diag($err);
my ($ns_per_flush) = $out =~ /^\s+1 compact\s+spin\s+(-?\d+)\s+0\.00\s+-\s+3$/m;
ok(defined $ns_per_flush, 'analyze: a cost per flush at 1 CPU') or diag($out);
cmp_ok(abs($ns_per_flush - $want_price), '<=', 0.5, "analyze: $ns_per_flush ns/flush is the median of the samples' "
       . sprintf('%.1f', $want_price));
like($out, qr/ESTIMATES, not measurements/, 'analyze: says the projection is an estimate');
my ($fd, $fc, $md, $mc, $delta, $est, $kept, $defer, $share, $price) =
	$out =~ /^munmap\s+64M\s+1 compact\s+spin\s+fault\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.-]+)\s+([\d.-]+)\s+([\d.-]+)\s+([\d.-]+)\s+([\d.-]+)%\s+(\S+)$/m;
ok(defined $fd, 'analyze: a row for munmap 64M') or diag($out);
# The median of the dirty samples: 32 tables + 1, and a reschedule inside a
# forced-flush zap costs one more (at most the case's most context switches).
my @dirty = grep { $_->{op} eq 'munmap' && $_->{touch} eq 'dirty' } read_samples($dir);
my ($switches) = sort { $b <=> $a } map { $_->{events}{context_switches} // 0 } @dirty;
cmp_ok($fd, '>=', 33, 'analyze: dirty shmem 64 MiB munmap: at least 33 flushes (32 tables + 1)');
cmp_ok($fd, '<=', 33 + $switches, "analyze: dirty shmem 64 MiB munmap: at most 33 + $switches (context switches)");
is($fc, 2, 'analyze: clean: 2 flushes');
is($price, 'flush_cost', 'analyze: without a dose-response the row is priced by flush_cost, and says so');
cmp_ok(abs($est - ($fd - $fc) * $ns_per_flush / 1e6), '<', 0.002, 'analyze: flush cost = extra flushes x ns/flush');
cmp_ok(abs($kept - ($delta - $est)), '<', 0.002, 'analyze: kept = (time dirty - time clean) - flush cost');
cmp_ok(abs($defer - ($md - $est)), '<', 0.002, 'analyze: deferred estimate = time dirty - flush cost');
like($out, qr/In-situ cost of one forced flush: none/, 'analyze: says the run has no dose-response');

($status, $out, $err) = run_cmd($TLBBENCH, 'plot', $dir);
is($status, 0, 'plot exits 0') or diag($err);
like($out, qr/^\(no dose\.png: the run has no dose-response/m, 'plot: says why there is no dose.png');
# One CPU count and no IPIs: gnuplot's "empty x range" warnings are its own widening, not news.
unlike($err, qr/Warning: empty/, 'plot: one CPU count and all-zero IPIs draw without gnuplot range warnings');
for my $name (qw(time flushes share)) {
	my $png = "$dir/plots/$name.png";
	ok(-s $png > 1000, "$name.png is not empty");
	is(substr(slurp($png), 0, 8), "\x89PNG\r\n\x1a\n", "$name.png is a PNG");
	like(slurp("$dir/plots/$name.svg"), qr/<svg/, "$name.svg is an SVG");
	like($out, qr/^\Q$png\E$/m, "plot prints the path of $name.png");
}
my $time_svg = slurp("$dir/plots/time.svg");
like($time_svg, qr/Time per GiB of the teardown, by CPU count/, 'time: its title');
like($time_svg, qr/ms per GiB \(median, 95 % CI\)/, 'time: axis label with units');
like($time_svg, qr/kernel \S+ on /, 'time: kernel and machine in the subtitle');
like($time_svg, qr/shmem-dirty/, 'time: a legend entry per series');

# Two runs: the second gets a comparison plot against the first.
my ($s2, $o2, $e2, $dir2) = tlbbench_run('-c', $config->filename);
($status, $out, $err) = run_cmd($TLBBENCH, 'plot', $dir, $dir2);
is($status, 0, 'plot BASE NEW exits 0') or diag($err);
unlike($err, qr/Warning: empty/, 'plot BASE NEW: no gnuplot range warnings');
ok(-s "$dir2/plots/compare.png" > 1000, 'compare.png is not empty');
like(slurp("$dir2/plots/compare.svg"), qr/Change of time per GiB, new against base/, 'compare: its title');
# And the A/B of the counts: each case both runs have, base beside new, the medians of each side.
ok(-s "$dir2/plots/ab-counts.png" > 1000, 'ab-counts.png is not empty');
like(slurp("$dir2/plots/ab-counts.svg"), qr/Flushes and shootdown IPIs per GiB, base beside new/, 'ab-counts: its title');
sub median_of { my @v = sort { $a <=> $b } @_; return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2 }
my @rows = grep { !/^#/ } split /\n/, slurp("$dir2/plots/ab-counts.dat");
my @pair = grep { $_->{op} eq 'munmap' && $_->{touch} eq 'dirty' } read_samples($dir);
my @pair2 = grep { $_->{op} eq 'munmap' && $_->{touch} eq 'dirty' } read_samples($dir2);
my ($dirty_row) = grep { /"munmap shmem dirty 64M 1cpu/ } @rows;
ok(defined $dirty_row, 'ab-counts.dat: a row for munmap shmem dirty 64M at 1 CPU') or diag(join("\n", @rows));
my @col = split ' ', $dirty_row // '';
is($col[1] + 0, median_of(map { $_->{flushes_per_gib} } @pair), 'ab-counts.dat: the base median of flushes per GiB');
is($col[4] + 0, median_of(map { $_->{flushes_per_gib} } @pair2), 'ab-counts.dat: the new median of flushes per GiB');
is(scalar @rows, 3, 'ab-counts.dat: one row per case both runs have (dirty, clean, flush_cost)');

# A plot that cannot be drawn stops none of the others, and each failure is said.
{
	my $scripts = File::Temp->newdir;
	my $top = "$FindBin::Bin/../..";
	for my $gp (glob("$top/plots/*.gp")) {
		my $name = $gp =~ s{.*/}{}r;
		my $text = $name eq 'time.gp' || $name eq 'compare.gp' ? "plot no_such_function(x)\n" : slurp($gp);
		open(my $fh, '>', "$scripts/$name") or die;
		print $fh $text;
		close($fh);
	}
	local $ENV{TLBBENCH_PLOT_DIR} = "$scripts";
	unlink(glob("$dir/plots/*.png"), glob("$dir2/plots/*.png"));
	($status, $out, $err) = run_cmd($TLBBENCH, 'plot', $dir, $dir2);
	is($status, 1, 'plot with a broken time.gp and compare.gp: exit 1');
	ok(-s "$dir/plots/$_.png" && -s "$dir2/plots/$_.png", "$_.png still drawn for both runs") for qw(flushes share);
	ok(-s "$dir2/plots/ab-counts.png", 'ab-counts.png still drawn');
	like($err, qr/^tlbbench: .*time\.gp failed.*; .*time\.gp failed.*; .*compare\.gp failed/m, 'every failure said, in order');
	my $report = File::Temp->newdir;
	($status, $out, $err) = run_cmd($TLBBENCH, 'report', $dir, $dir2, '-o', "$report/r.md");
	is($status, 1, 'report with a plot not drawn: exit 1');
	my $md = slurp("$report/r.md");
	like($md, qr/^Not drawn: .*time\.gp failed/m, 'report: says which plot was not drawn');
	like($md, qr/\(r-plots\/new-flushes\.png\)/, 'report: links the plots that were drawn');
}

($status, $out, $err) = run_cmd($TLBBENCH, 'analyze', "$dir/nowhere");
is($status, 2, 'analyze of a missing directory: exit 2');
done_testing();
