#!/usr/bin/perl
# A mapping that isn't what was asked is refused, never measured: THP asked
# while THP is off. Also the backings beyond anon and shmem measure what the
# kernel model says: a dirty file on a real filesystem is force-flushed per
# page table like shmem.
use strict;
use warnings;
use Test::More;
use FindBin;
require "$FindBin::Bin/lib.pl";
our $TLBBENCH;

my $thp = '/sys/kernel/mm/transparent_hugepage/enabled';
SKIP: {
	my ($saved) = slurp($thp) =~ /\[(\w+)\]/;
	skip "no $thp", 4 unless defined $saved;
	skip 'needs root to switch THP off', 4 if $> != 0;
	open(my $fh, '>', $thp) or skip "cannot write $thp: $!", 4;
	print $fh "never\n";
	close($fh);
	my ($status, $out, $err, $dir) = tlbbench_run(split(' ', '--backing thp --size 64M --iterations 1 --warmup 0'));
	open($fh, '>', $thp) and print $fh "$saved\n";
	close($fh);
	is($status, 1, 'thp while THP is off: exit 1');
	like($err, qr/refused: thp: only 0 of 67108864 bytes are huge pages/, 'thp: says why it was refused');
	is(scalar(read_samples($dir)), 0, 'thp: no sample was written');
	like($out, qr/munmap\s+thp.*failed: thp: only 0/, 'thp: the table shows the refusal');
}

SKIP: {
	my ($status, $out) = run_cmd($TLBBENCH, 'info');
	skip 'tlb:tlb_flush not countable here', 4 unless $out =~ /tlb_flush_tracepoint:\n\s+supported: yes/;
	my ($rc, $o, $err, $dir) = tlbbench_run(split(' ', '--op munmap --backing file --touch dirty,clean --size 256M --iterations 2 --warmup 1'));
	is($rc, 0, 'file backing runs') or diag($err);
	for my $s (read_samples($dir)) {
		if ($s->{touch} eq 'dirty') {
			ok(flushes_match($s, 129), "dirty file: $s->{flushes} flushes, 129 (T + 1) expected");
		} else {
			cmp_ok($s->{flushes}, '<=', 7, "clean file: $s->{flushes} flushes, batched (7 at most)");
		}
	}
}
done_testing();
