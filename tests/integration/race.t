#!/usr/bin/perl
# tlbbench race on this machine's kernel: bad input gives exit 2 and a reason
# (tmpfs is refused: it has no writeback); on a filesystem with writeback a
# correct kernel loses nothing, and the file holds the last value read back;
# a lost write, injected with pwrite(), is found and gives exit 1.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use FindBin;
require "$FindBin::Bin/lib.pl";
our $TLBBENCH;

my $out = tempdir(CLEANUP => 1);
my @bad = (
	[ [], qr/--dir DIR is required/ ],
	[ [ '--dir', '/dev/shm' ], qr/'\/dev\/shm' is tmpfs, which has no writeback/ ],
	[ [ '--dir', '/no/such/dir' ], qr/'\/no\/such\/dir': No such file/ ],
	[ [ '--dir', '/var/tmp', '--zap', 'truncate' ], qr/--zap is madv or remap, not 'truncate'/ ],
	[ [ '--dir', '/var/tmp', '--time', '0' ], qr/--time wants a number of seconds above 0, not '0'/ ],
	[ [ '--dir', '/var/tmp', 'extra' ], qr/unexpected argument 'extra'/ ],
);
for my $case (@bad) {
	my ($args, $why) = @$case;
	my ($status, undef, $err) = run_cmd($TLBBENCH, 'race', @$args, '-o', $out);
	is($status, 2, "race @$args: exit 2");
	like($err, $why, "race @$args: says why");
}

my $dir = tempdir(DIR => '/var/tmp', CLEANUP => 1);
my $fs = `stat -f -c %T $dir`;
SKIP: {
	skip "/var/tmp is $fs here, not a filesystem with writeback", 14 if $fs =~ /tmpfs|ramfs/;
	for my $zap (qw(madv remap)) {
		my ($status, $stdout, $err) = run_cmd($TLBBENCH, 'race', '--dir', $dir, '--time', '1', '--zap', $zap,
						      '-o', "$out/$zap");
		is($status, 0, "race --zap $zap: no loss on this kernel") or diag($stdout, $err);
		my $r = read_json("$out/$zap/race.json");
		is($r->{verdict}, 'no loss found', "$zap: verdict");
		is($r->{mismatches}, 0, "$zap: no read-back went backwards");
		ok($r->{zaps} > 0 && $r->{syncs} > 0 && $r->{writer_rounds} > 0, "$zap: every thread and the child ran");
		is($r->{on_disk}, $r->{acked}, "$zap: after fsync and a cache drop the file holds the last value read back");
	}
	my ($status, $stdout) = run_cmd($TLBBENCH, 'race', '--dir', $dir, '--time', '1', '--inject-loss', '-o', "$out/inject");
	is($status, 1, 'an injected lost write: exit 1');
	my $r = read_json("$out/inject/race.json");
	is($r->{verdict}, 'LOST WRITES', 'injected: verdict');
	ok($r->{mismatches} > 0, "injected: $r->{mismatches} read-backs went backwards");
	is($r->{first_mismatch}{seen}, 0, 'injected: the first mismatch saw the injected value');
}
done_testing();
