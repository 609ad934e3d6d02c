#!/usr/bin/perl
# kernel/scale.sh's table and checks, from the guests' own counters: for each
# guest (a NAME-smpN directory of results), the median flushes and shootdown
# IPIs per GiB of every op, mapping, remote mode and CPU count k, beside what
# the kernel must show:
#   spin (each remote thread running in the mm): every flush reaches the k - 1
#     remote CPUs, IPIs = flushes x (k - 1) within 5 %;
#   idle (remote CPUs in lazy TLB): only the flush that frees page tables
#     reaches them: (k - 1) per munmap, none for MADV_DONTNEED (page tables stay);
#   baseline: flushes = the kernel model's (lib/measure/model.c) within one per op;
#   a patched kernel: dirty shmem within one flush per op of clean shmem (the
#     forced flush is gone), and the saving against the baseline, per GiB.
# Usage: scale-table.pl [--data FILE] DIR...   (--data: blocks for plots/scale.gp)
# Exit: 0 every check held, 1 one did not, 2 bad input.
use strict;
use warnings;
use JSON::PP;
use List::Util qw(max);

my $data_file;
if (@ARGV && $ARGV[0] eq '--data') {
	(undef, $data_file) = splice(@ARGV, 0, 2);
}
@ARGV or do { print STDERR "usage: scale-table.pl [--data FILE] DIR...\n"; exit 2 };
my $GIB = 1 << 30;

sub median {
	my @v = sort { $a <=> $b } @_;
	return undef unless @v;
	return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2;
}

sub slurp_json {
	my ($path) = @_;
	open(my $fh, '<', $path) or do { print STDERR "scale-table.pl: $path: $!\n"; exit 2 };
	local $/;
	return decode_json(<$fh>);
}

# rows{kernel}{smp}{op}{mapping}{remote}{k} = {flushes, ipis, model, size, accel}
my (%rows, @kernels, %smps, %accel);
for my $dir (@ARGV) {
	my ($kernel, $smp) = $dir =~ m{([^/]+)-smp(\d+)/*$}
	    or do { print STDERR "scale-table.pl: '$dir' is not a NAME-smpN directory\n"; exit 2 };
	push @kernels, $kernel unless grep { $_ eq $kernel } @kernels;
	$smps{$smp} = 1;
	$accel{slurp_json("$dir/guest.json")->{accel} // 'unknown'} = 1;
	my %samples;
	open(my $fh, '<', "$dir/results/samples.jsonl") or do { print STDERR "scale-table.pl: $dir/results/samples.jsonl: $!\n"; exit 2 };
	while (my $line = <$fh>) {
		my $s = eval { decode_json($line) };
		# A guest stopped mid-write leaves its last line cut off: skipped, as lib/analyze/results.c does.
		if (!$s) {
			print STDERR "scale-table.pl: $dir/results/samples.jsonl:$.: not a whole sample, skipped\n";
			next;
		}
		my $key = join "\t", $s->{op}, "$s->{touch}-$s->{backing}", $s->{remote_mode}, $s->{cpus};
		push @{ $samples{$key} }, $s;
	}
	close($fh);
	for my $key (keys %samples) {
		my ($op, $mapping, $remote, $k) = split /\t/, $key;
		my @s = @{ $samples{$key} };
		$rows{$kernel}{$smp}{$op}{$mapping}{$remote}{$k} = {
			flushes => median(map { $_->{flushes_per_gib} } grep { defined $_->{flushes_per_gib} } @s),
			ipis    => median(map { $_->{ipis_per_gib} } grep { defined $_->{ipis_per_gib} } @s),
			model   => median(map { $_->{model_flushes} * $GIB / $_->{size_bytes} } grep { defined $_->{model_flushes} } @s),
			per_op  => $GIB / $s[0]{size_bytes},
			n       => scalar @s,
		};
	}
}
my $baseline = 'baseline';
exists $rows{$baseline} or do { print STDERR "scale-table.pl: no baseline-smpN directory\n"; exit 2 };

my $failed = 0;
sub verdict {
	my ($ok) = @_;
	$failed++ unless $ok;
	return $ok ? 'ok' : 'FAIL';
}
sub fmt { defined $_[0] ? sprintf('%.1f', $_[0]) : 'n/s' }
sub within { my ($x, $want, $tol) = @_; defined $x && defined $want && abs($x - $want) <= $tol }

my $times = join(',', sort keys %accel) eq 'tcg'
    ? 'TCG: the counts are exact, the times are emulated and are not a cost measure'
    : 'accelerator ' . join(',', sort keys %accel) . ' (times in the results are measured on it)';
print "Flushes and shootdown IPIs per GiB against CPUs (k: the measuring thread and k - 1 remote threads),\n";
print "medians over samples, from each guest's own counters (tlb:tlb_flush, /proc/interrupts TLB). $times.\n";
print "want: spin, flushes x (k - 1) within 5 %; idle, only the page-table-free flush: (k - 1) per munmap, 0 for\n";
print "MADV_DONTNEED; flushes: baseline, the kernel model within one per op; a patched kernel, dirty shmem within one\n";
print "per op of clean shmem.\n\n";
my $format = "%-16s %4s %-13s %-12s %-6s %3s %10s %10s %10s %12s %12s %-5s\n";
printf $format, qw(kernel smp op mapping remote k flushes want_fl check IPIs want_IPIs check);
for my $kernel (@kernels) {
	for my $smp (sort { $a <=> $b } keys %{ $rows{$kernel} }) {
		my $g = $rows{$kernel}{$smp};
		for my $op (sort keys %$g) {
			for my $mapping (sort keys %{ $g->{$op} }) {
				for my $remote (sort { $b cmp $a } keys %{ $g->{$op}{$mapping} }) {
					my $r = $g->{$op}{$mapping}{$remote};
					for my $k (sort { $a <=> $b } keys %$r) {
						my $c = $r->{$k};
						my ($want_fl, $fl_ok);
						if ($kernel eq $baseline) {
							$want_fl = $c->{model};
						} elsif ($mapping eq 'dirty-shmem') {
							$want_fl = $g->{$op}{'clean-shmem'}{$remote}{$k}{flushes};
						}
						$fl_ok = defined $want_fl ? verdict(within($c->{flushes}, $want_fl, $c->{per_op})) : '-';
						my ($want_ipi, $ipi_ok) = (undef, '-');
						if ($k > 1 && $remote eq 'spin' && defined $c->{flushes}) {
							$want_ipi = $c->{flushes} * ($k - 1);
							$ipi_ok = verdict(within($c->{ipis}, $want_ipi, 0.05 * $want_ipi));
						} elsif ($k > 1 && $remote eq 'idle') {
							$want_ipi = $op eq 'munmap' ? ($k - 1) * $c->{per_op} : 0;
							$ipi_ok = verdict(within($c->{ipis}, $want_ipi, 0.05 * max($want_ipi, $c->{per_op})));
						}
						printf $format, $kernel, $smp, $op, $mapping, $remote, $k, fmt($c->{flushes}), fmt($want_fl),
						    $fl_ok, fmt($c->{ipis}), fmt($want_ipi), $ipi_ok;
					}
				}
			}
		}
	}
}

# The saving of each patched kernel: the baseline's dirty shmem IPIs less its own.
for my $kernel (grep { $_ ne $baseline } @kernels) {
	print "\nIPIs per GiB saved by $kernel on dirty shmem (baseline less $kernel, same guest size):\n";
	my $sformat = "%4s %-13s %-6s %3s %12s %12s %12s %14s\n";
	printf $sformat, qw(smp op remote k baseline), $kernel, qw(saved saved/(k-1));
	for my $smp (sort { $a <=> $b } keys %{ $rows{$kernel} }) {
		for my $op (sort keys %{ $rows{$kernel}{$smp} }) {
			for my $remote (qw(spin idle)) {
				my $base = $rows{$baseline}{$smp}{$op}{'dirty-shmem'}{$remote} or next;
				my $patched = $rows{$kernel}{$smp}{$op}{'dirty-shmem'}{$remote} or next;
				for my $k (sort { $a <=> $b } grep { $_ > 1 && $patched->{$_} } keys %$base) {
					my ($bi, $pi) = ($base->{$k}{ipis}, $patched->{$k}{ipis});
					my $saved = defined $bi && defined $pi ? $bi - $pi : undef;
					printf $sformat, $smp, $op, $remote, $k, fmt($bi), fmt($pi), fmt($saved),
					    defined $saved ? fmt($saved / ($k - 1)) : 'n/s';
				}
			}
		}
	}
}
printf "\nChecks: %s\n", $failed ? "$failed FAILED" : 'all held';

# plots/scale.gp: a block per op, kernel and remote mode of the largest guest's dirty shmem.
if (defined $data_file) {
	open(my $out, '>', $data_file) or do { print STDERR "scale-table.pl: $data_file: $!\n"; exit 2 };
	my $smp = max(keys %smps);
	print $out "# dirty shmem, guests of $smp CPUs: k, IPIs per GiB, flushes per GiB\n";
	for my $op (qw(munmap madv_dontneed)) {
		for my $kernel (@kernels) {
			for my $remote (qw(spin idle)) {
				my $r = $rows{$kernel}{$smp}{$op}{'dirty-shmem'}{$remote} or next;
				print $out "\n\n# $op $kernel $remote\n";
				printf $out "%d %s %s\n", $_, $r->{$_}{ipis} // 'NaN', $r->{$_}{flushes} // 'NaN'
				    for sort { $a <=> $b } keys %$r;
			}
		}
	}
	close($out);
}
exit($failed ? 1 : 0);
