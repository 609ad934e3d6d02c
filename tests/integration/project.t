#!/usr/bin/perl
# analyze --counts: the forced-flush cost per GiB projected onto another
# run's CPU counts, from known prices and counts (written here as result
# directories): parallel = forced flushes x local + forced IPIs / (k - 1) x
# round trip, serial = forced flushes x local + forced IPIs x round trip.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use JSON::PP;
use FindBin;
require "$FindBin::Bin/lib.pl";
our $TLBBENCH;

my $tmp = tempdir(CLEANUP => 1);
my $GIB = 1 << 30;
sub result_dir_with {
	my ($meta, $name, @samples) = @_;
	my $dir = "$tmp/$name";
	mkdir $dir or die;
	open(my $m, '>', "$dir/meta.json") or die;
	print $m encode_json({ tlbbench_version => 'test', results_format => 1,
			       info => { kernel => { release => "6.12.118-$name" } }, %$meta });
	close($m);
	open(my $s, '>', "$dir/samples.jsonl") or die;
	for my $sample (@samples) {
		for my $i (0 .. 2) {
			print $s encode_json({ backing => 'shmem', populate => 'fault', dirty_tables => undef, placement => 'compact',
					       iteration => $i, %$sample }), "\n";
		}
	}
	close($s);
	return $dir;
}
# Without meta.json's workloads: the workloads tlbbench had before it listed them.
sub result_dir { return result_dir_with({}, @_) }
# flush_cost: 1,000 zaps; (wall - absent) / 1000 = 1,000 ns at 1 CPU, 6,000 ns at 2 CPUs with one IPI each.
sub price {
	my ($cpus, $wall, $ipis) = @_;
	return { op => 'flush_cost', touch => 'dirty', size_bytes => 8192, cpus => $cpus, remote_mode => 'spin',
		 wall_ns => $wall, absent_page_ns => 1_000_000, flushes => 1000, ipis => $ipis,
		 flushes_per_gib => 1000 * $GIB / 8192, ipis_per_gib => $ipis * $GIB / 8192, ns_per_gib => $wall * $GIB / 8192 };
}
my $prices = result_dir('prices', price(1, 2_000_000, 0), price(2, 7_000_000, 1000));
my $one_cpu = result_dir('one-cpu', price(1, 2_000_000, 0));
# A guest's counts: dirty shmem 516 flushes per GiB, clean 28; spin: every flush reaches the k - 1
# remote CPUs; idle: only the final (page-table-free) flush, 4 per GiB at 256 MiB.
my @counts;
for my $k (1, 2, 4, 16) {
	for my $remote (qw(spin idle)) {
		for my $touch (qw(dirty clean)) {
			my $fl = $touch eq 'dirty' ? 516 : 28;
			my $ipis = $remote eq 'spin' ? $fl * ($k - 1) : 4 * ($k - 1);
			push @counts, { op => 'munmap', touch => $touch, size_bytes => 256 << 20, cpus => $k, remote_mode => $remote,
					wall_ns => 1e9, flushes => $fl / 4, ipis => $ipis / 4, flushes_per_gib => $fl,
					ipis_per_gib => $ipis, ns_per_gib => 4e9 };
		}
	}
}
my $counts = result_dir('guest', @counts);
my $dirty_only = result_dir('dirty-only', grep { $_->{touch} eq 'dirty' } @counts);

my ($status, $out, $err) = run_cmd($TLBBENCH, 'analyze', $prices, '--counts', $counts);
is($status, 0, 'analyze --counts: exit 0') or diag($err);
like($out, qr/^PROJECTION across CPUs, not a measurement/m, 'labelled a projection');
like($out, qr/kernel 6\.12\.118-guest/, 'names the kernel the counts came from');
like($out, qr/local: 1000 ns per forced flush at 1 CPU \(flush_cost\); remote: 5000 ns per IPI \(flush_cost at 2 CPUs, spin: 6000 ns per flush with 1\.00 IPIs: a round trip of 5000 ns\)/,
     'the prices: 1-CPU price, and (2-CPU price - 1-CPU price) / IPIs per flush');
like($out, qr/^Model used: parallel\. .*\n.*smp_call_function_many_cond/m, 'says which model and why');
like($out, qr/Serial is the upper bound/, 'and the bound beside it');
my %row;
while ($out =~ /^munmap\s+256M\s+(\d+) compact\s+(spin|idle)\s+([\d.-]+)\s+([\d.-]+)\s+([\d.-]+)\s+([\d.-]+)$/mg) {
	$row{"$1 $2"} = [ $3, $4, $5, $6 ];
}
is(scalar keys %row, 8, 'a row per CPU count and remote mode');
for my $k (1, 2, 4, 16) {
	my $forced = 516 - 28;
	for my $remote (qw(spin idle)) {
		my $ipis = $remote eq 'spin' ? $forced * ($k - 1) : 0;
		my $parallel = ($forced * 1000 + ($k > 1 ? $ipis / ($k - 1) : 0) * 5000) / 1e6;
		my $serial = ($forced * 1000 + $ipis * 5000) / 1e6;
		is_deeply($row{"$k $remote"}, [ sprintf('%.1f', $forced), sprintf('%.1f', $ipis), sprintf('%.3f', $parallel),
						sprintf('%.3f', $serial) ], "k=$k $remote: forced flushes, IPIs, parallel and serial ms per GiB");
	}
}

# In situ: dose-responses at 1 and 2 CPUs, 1,000 and 6,000 ns per forced flush, one IPI each at 2.
my @doses;
for my $cpus (1, 2) {
	for my $tables (0, 256, 512) {
		my $fl = 28 + $tables;
		push @doses, { op => 'munmap', touch => 'dirty', dirty_tables => $tables, size_bytes => $GIB, cpus => $cpus,
			       remote_mode => 'spin', wall_ns => 1e7 + $fl * ($cpus == 1 ? 1000 : 6000), flushes => $fl,
			       ipis => $cpus == 1 ? 0 : $fl, flushes_per_gib => $fl, ipis_per_gib => $cpus == 1 ? 0 : $fl,
			       ns_per_gib => 1e7 + $fl * ($cpus == 1 ? 1000 : 6000) };
	}
}
($status, $out, $err) = run_cmd($TLBBENCH, 'analyze', result_dir('doses', @doses), '--counts', $counts);
is($status, 0, 'analyze --counts priced in situ: exit 0') or diag($err);
like($out, qr/local: 1000 ns per forced flush at 1 CPU \(in-situ\); remote: 5000 ns per IPI \(in-situ at 2 CPUs, spin: 6000 ns per flush with 1\.00 IPIs: a round trip of 5000 ns\)/,
     'without flush_cost: the slopes of the dose-responses at 1 and 2 CPUs');
like($out, qr/^munmap\s+256M\s+16 compact\s+spin\s+488\.0\s+7320\.0\s+2\.928\s+37\.088$/m, 'and the same projection');

# A remote price from 4 CPUs (3 IPIs per flush): parallel charges the whole round trip once per
# flush that reaches the remote CPUs, serial a third of it per IPI.
my $four = result_dir('four', price(1, 2_000_000, 0), price(4, 7_000_000, 3000));
($status, $out, $err) = run_cmd($TLBBENCH, 'analyze', $four, '--counts', $counts);
is($status, 0, 'a remote price from 4 CPUs: exit 0') or diag($err);
like($out, qr/remote: 1667 ns per IPI \(flush_cost at 4 CPUs, spin: 6000 ns per flush with 3\.00 IPIs: a round trip of 5000 ns\)/,
     'the round trip, and per IPI a third of it');
like($out, qr/^munmap\s+256M\s+16 compact\s+spin\s+488\.0\s+7320\.0\s+2\.928\s+12\.688$/m,
     'k=16: parallel 488 x 1000 + 488 x 5000 ns, serial 488 x 1000 + 7320 x 5000 / 3 ns');
# Reaching the remote CPUs costing nothing (noise, a quiet VM) is no price to project with.
my $cheap = result_dir('cheap', price(1, 2_000_000, 0), price(2, 1_900_000, 1000));
($status, undef, $err) = run_cmd($TLBBENCH, 'analyze', $cheap, '--counts', $counts);
is($status, 2, 'a remote price below the local one: exit 2');
like($err, qr/costs 900 ns at 2 CPUs against 1000 ns at 1 \(flush_cost\): reaching the remote CPUs adds nothing/, 'says why');

# The calibration is found by what meta.json says of its workload, not by its name.
my @renamed = map { { %$_, op => 'calibration_v2' } } (price(1, 2_000_000, 0), price(2, 7_000_000, 1000));
my $listed = result_dir_with({ workloads => [ { name => 'calibration_v2', model_zap => 'none', reference => 'absent_page_ns',
						  own_page_state => JSON::PP::true } ] }, 'listed', @renamed);
($status, $out, $err) = run_cmd($TLBBENCH, 'analyze', $listed, '--counts', $counts);
is($status, 0, 'a calibration workload of another name, listed in meta.json: exit 0') or diag($err);
like($out, qr/local: 1000 ns per forced flush at 1 CPU \(flush_cost\); remote: 5000 ns per IPI/, 'and it prices the flushes');

my @bad = (
	[ [ $one_cpu, '--counts', $counts ], qr/has no price of a forced flush at 1 CPU and at 2 or more with spinning remote threads/ ],
	[ [ $prices, '--counts', $dirty_only ], qr/dirty-only has no dirty shmem munmap or madv_dontneed case with a clean shmem twin/ ],
	[ [ $prices, '--counts', "$tmp/none" ], qr/^tlbbench: --counts: .*none/ ],
	[ [ $prices, '--counts' ], qr/--counts/ ],
);
for my $case (@bad) {
	my ($args, $why) = @$case;
	($status, undef, $err) = run_cmd($TLBBENCH, 'analyze', @$args);
	my $name = join(' ', map { s{^\Q$tmp\E/}{}r } @$args);
	is($status, 2, "analyze $name: exit 2");
	like($err, $why, "analyze $name: says why");
}
done_testing();
