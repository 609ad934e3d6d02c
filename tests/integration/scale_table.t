#!/usr/bin/perl
# kernel/scale-table.pl's checks on guests' counts written here: they hold for
# what the kernel must do, and each fails when a count departs from it (spin
# IPIs short of flushes x (k - 1), IPIs to lazy-TLB CPUs, a flush count off
# the model, a patched kernel that still forces flushes); the saving and the
# plot's data blocks.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use File::Path qw(make_path);
use JSON::PP;
use FindBin;
require "$FindBin::Bin/lib.pl";

my $table = "$FindBin::Bin/../../kernel/scale-table.pl";
my $GIB = 1 << 30;
my $size = 256 << 20;

# One guest: per op, mapping, remote and k, two samples with these per-op flushes and IPIs.
sub guest {
	my ($root, $name, $smp, $counts) = @_;
	my $dir = "$root/$name-smp$smp";
	make_path("$dir/results");
	open(my $g, '>', "$dir/guest.json") or die;
	print $g encode_json({ accel => 'tcg', guest_cpus => $smp });
	close($g);
	open(my $s, '>', "$dir/results/samples.jsonl") or die;
	for my $op (qw(munmap madv_dontneed)) {
		for my $mapping (qw(dirty-shmem clean-shmem dirty-anon)) {
			my ($touch, $backing) = split /-/, $mapping;
			for my $remote (qw(spin idle)) {
				for (my $k = 1; $k <= $smp; $k *= 2) {
					my ($fl, $ipis, $model) = $counts->($op, $mapping, $remote, $k);
					print $s encode_json({ op => $op, backing => $backing, touch => $touch, remote_mode => $remote,
							       cpus => $k, size_bytes => $size, flushes => $fl, model_flushes => $model,
							       ipis => $ipis, flushes_per_gib => $fl * $GIB / $size,
							       ipis_per_gib => $ipis * $GIB / $size }), "\n" for 1 .. 2;
				}
			}
		}
	}
	close($s);
	return $dir;
}
# What 6.12 does at 256 MiB: dirty shmem 129 flushes per munmap (128 tables + 1), 128 per
# MADV_DONTNEED; batched 7; spin: each reaches k - 1 CPUs; idle: the munmap's last flush only.
sub kernel_counts {
	my (%opt) = @_;
	return sub {
		my ($op, $mapping, $remote, $k) = @_;
		my $model = $mapping eq 'dirty-shmem' ? ($op eq 'munmap' ? 129 : 128) : 7;
		my $fl = $mapping eq 'dirty-shmem' && $opt{deferred} ? 8 : $model;
		$fl += $opt{extra_flushes} // 0 if $mapping eq 'dirty-anon';
		my $ipis = $remote eq 'spin' ? $fl * ($k - 1) : ($op eq 'munmap' ? $k - 1 : 0);
		$ipis = int($ipis * 0.9) if $opt{short_ipis} && $remote eq 'spin' && $k == 8;
		$ipis += 3 if $opt{lazy_ipis} && $remote eq 'idle' && $op eq 'madv_dontneed' && $k == 4;
		return ($fl, $ipis, $model);
	};
}
sub run_table {
	my (@dirs) = @_;
	my $data = File::Temp->new;
	my ($status, $out, $err) = run_cmd($table, '--data', $data->filename, @dirs);
	return ($status, $out, $err, slurp($data->filename));
}

my $root = tempdir(CLEANUP => 1);
my @good = (guest($root, 'baseline', 8, kernel_counts()), guest($root, 'deferred-dirty', 8, kernel_counts(deferred => 1)));
my ($status, $out, $err, $data) = run_table(@good);
is($status, 0, 'counts as the kernel must give them: exit 0') or diag($out, $err);
like($out, qr/^Checks: all held$/m, 'every check held');
like($out, qr/TCG: the counts are exact, the times are emulated and are not a cost measure/, 'says the times are emulated');
like($out, qr/^baseline\s+8 munmap\s+dirty-shmem\s+spin\s+8\s+516\.0\s+516\.0\s+ok\s+3612\.0\s+3612\.0 ok\s*$/m,
     'baseline munmap dirty shmem at 8 CPUs: 516 flushes per GiB, 516 x 7 IPIs');
like($out, qr/^baseline\s+8 madv_dontneed dirty-shmem\s+idle\s+8\s+512\.0\s+512\.0\s+ok\s+0\.0\s+0\.0 ok\s*$/m,
     'idle MADV_DONTNEED: no IPIs wanted');
like($out, qr/^baseline\s+8 munmap\s+dirty-shmem\s+idle\s+8\s+516\.0\s+516\.0\s+ok\s+28\.0\s+28\.0 ok\s*$/m,
     'idle munmap: the page-table-free flush, 7 remote CPUs x 4 munmaps per GiB');
like($out, qr/^deferred-dirty\s+8 munmap\s+dirty-shmem\s+spin\s+8\s+32\.0\s+28\.0\s+ok\s+224\.0\s+224\.0 ok\s*$/m,
     'deferred-dirty: dirty shmem within one flush per op of clean shmem');
like($out, qr/^\s+8 munmap\s+spin\s+8\s+3612\.0\s+224\.0\s+3388\.0\s+484\.0$/m, 'the saving: 3388 IPIs per GiB, 484 per remote CPU');
like($data, qr/^# munmap baseline spin\n1 0 516\n2 516 516\n4 1548 516\n8 3612 516$/m, 'the plot data: a block per op, kernel, remote');
like($data, qr/^# madv_dontneed deferred-dirty idle\n1 0 32\n/m, 'every op, kernel and remote mode has its block');

my @broken = (
	[ 'short_ipis', { short_ipis => 1 }, qr/^baseline\s+8 \S+\s+\S+\s+spin\s+8 .* FAIL\s*$/m, 'spin IPIs 10 % short of flushes x (k - 1)' ],
	[ 'lazy_ipis', { lazy_ipis => 1 }, qr/^baseline\s+8 madv_dontneed \S+\s+idle\s+4 .* FAIL\s*$/m, 'IPIs to lazy-TLB CPUs on MADV_DONTNEED' ],
	[ 'extra_flushes', { extra_flushes => 2 }, qr/^baseline\s+8 \S+\s+dirty-anon\s+\S+\s+\d+\s+36\.0\s+28\.0\s+FAIL/m, 'two flushes per op over the model' ],
);
for my $case (@broken) {
	my ($name, $opt, $row, $what) = @$case;
	my $r = tempdir(CLEANUP => 1);
	($status, $out) = run_table(guest($r, 'baseline', 8, kernel_counts(%$opt)));
	is($status, 1, "$what: exit 1");
	like($out, $row, "$what: the row says FAIL");
	like($out, qr/^Checks: \d+ FAILED$/m, "$what: the summary says so");
}
{
	my $r = tempdir(CLEANUP => 1);
	($status, $out) = run_table(guest($r, 'baseline', 8, kernel_counts()), guest($r, 'still-forced', 8, kernel_counts()));
	is($status, 1, 'a patched kernel that still forces flushes: exit 1');
	like($out, qr/^still-forced\s+8 munmap\s+dirty-shmem\s+spin\s+\d+\s+516\.0\s+28\.0\s+FAIL/m, 'its dirty shmem row says FAIL');
}
{
	# A guest stopped mid-write: its cut-off last line is skipped with a warning, the rest counts.
	my $r = tempdir(CLEANUP => 1);
	my $dir = guest($r, 'baseline', 8, kernel_counts());
	open(my $fh, '>>', "$dir/results/samples.jsonl") or die;
	print $fh '{"op":"munmap","backing":"shm';
	close($fh);
	my ($st, $o, $e) = run_table($dir);
	is($st, 0, 'a cut-off last line: the checks still hold') or diag($e);
	like($e, qr/samples\.jsonl:\d+: not a whole sample, skipped/, 'and it says which line it skipped');
}
($status, undef, $err) = run_table("$root/nowhere");
is($status, 2, 'a directory not named NAME-smpN: exit 2');
like($err, qr/is not a NAME-smpN directory/, 'says so');
($status, undef, $err) = run_table($good[1]);
is($status, 2, 'no baseline guest: exit 2');
like($err, qr/no baseline-smpN directory/, 'says so');
done_testing();
