#!/usr/bin/perl
# --order interleave: one sample of every case per round, each case still gets
# its samples, its warmup and its own counts.
use strict;
use warnings;
use Test::More;
use FindBin;
require "$FindBin::Bin/lib.pl";
our $TLBBENCH;

my ($status, $out, $err, $dir) = tlbbench_run(split(' ', '--order interleave --op munmap --backing anon,shmem '
	. '--size 64M --iterations 3 --warmup 1'));
is($status, 0, 'interleaved run exits 0') or diag($err);
my @samples = read_samples($dir);
is(scalar @samples, 6, '3 samples of each of 2 cases');
is_deeply([ map { "$_->{backing}$_->{iteration}" } @samples ], [qw(anon0 shmem0 anon1 shmem1 anon2 shmem2)],
	  'samples alternate between the cases, round by round');
my @cases = map { JSON::PP::decode_json($_) } split /\n/, slurp("$dir/cases.jsonl");
is(scalar @cases, 2, 'one summary line per case');
is($_->{samples}, 3, "$_->{backing}: 3 samples") for @cases;
SKIP: {
	my ($s, $info) = run_cmd($TLBBENCH, 'info');
	skip 'tlb:tlb_flush not countable here', 3 unless $info =~ /tlb_flush_tracepoint:\n\s+supported: yes/;
	for my $s (grep { $_->{backing} eq 'shmem' } @samples) {
		ok(flushes_match($s, 33), "dirty shmem 64 MiB: $s->{flushes} flushes (33) in round $s->{iteration}");
	}
}
my $meta = read_json("$dir/meta.json");
like(join(' ', @{ $meta->{command_line} }), qr/--order interleave/, 'the order is in the recorded command line');
done_testing();
