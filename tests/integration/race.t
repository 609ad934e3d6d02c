#!/usr/bin/perl
# tlbbench race on this machine's kernel: bad input gives exit 2 and a reason
# (each mode refuses the backing where it means nothing); a correct kernel
# loses no write on a filesystem with writeback, meets no BUG or taint while
# holes are punched under the zaps, and keeps sealed memfds unchanged; a lost
# write, injected with pwrite(), is found and gives exit 1.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use FindBin;
require "$FindBin::Bin/lib.pl";
our $TLBBENCH;

my $out = tempdir(CLEANUP => 1);
my @bad = (
	[ [], qr/--race writeback needs --dir DIR on a filesystem with writeback .*a memfd has no writeback/ ],
	[ [ '--dir', '/dev/shm' ], qr/'\/dev\/shm' is tmpfs, which has no writeback/ ],
	[ [ '--dir', '/no/such/dir' ], qr/'\/no\/such\/dir': No such file/ ],
	[ [ '--dir', '/var/tmp', '--zap', 'truncate' ], qr/--zap is madv or remap, not 'truncate'/ ],
	[ [ '--dir', '/var/tmp', '--time', '0' ], qr/--time wants a number of seconds above 0, not '0'/ ],
	[ [ '--dir', '/var/tmp', 'extra' ], qr/unexpected argument 'extra'/ ],
	[ [ '--race', 'exit' ], qr/--race is writeback, truncate or seal, not 'exit'/ ],
	[ [ '--race', 'seal', '--dir', '/var/tmp' ], qr/--race seal seals a memfd .*a file on --dir cannot be sealed/ ],
	[ [ '--race', 'seal', '--zap', 'madv' ], qr/--race seal always re-maps/ ],
	[ [ '--race', 'truncate', '--inject-loss' ], qr/--inject-loss checks the writeback detector only/ ],
);
for my $case (@bad) {
	my ($args, $why) = @$case;
	my ($status, undef, $err) = run_cmd($TLBBENCH, 'race', @$args, '-o', $out);
	is($status, 2, "race @$args: exit 2");
	like($err, $why, "race @$args: says why");
}

# What every mode reports, on this kernel: nothing wrong.
sub clean_run {
	my ($name, @args) = @_;
	my ($status, $stdout, $err) = run_cmd($TLBBENCH, 'race', @args, '--time', '1', '-o', "$out/$name");
	is($status, 0, "race @args: nothing found on this kernel") or diag($stdout, $err);
	my $r = read_json("$out/$name/race.json");
	is($r->{verdict}, 'nothing found', "$name: verdict");
	ok(!ref $r->{kernel_warnings} || !@{ $r->{kernel_warnings} }, "$name: no kernel warning");
	ok(!ref $r->{taint} || ($r->{taint}{after} & ~$r->{taint}{before}) == 0, "$name: no new taint flag");
	return $r;
}

for my $zap (qw(madv remap)) {
	my $r = clean_run("truncate-$zap", '--race', 'truncate', '--zap', $zap);
	is($r->{backing}, 'memfd', "truncate-$zap: a memfd");
	ok($r->{zaps} > 0 && $r->{punches} > 0 && $r->{dirtier_rounds} > 0, "truncate-$zap: zaps, punches and dirtier ran");
}
my $seal = clean_run('seal', '--race', 'seal');
ok($seal->{rounds} > 0 && $seal->{writer_passes} > 0, "seal: $seal->{rounds} rounds sealed and compared");
is($seal->{violations}, 0, 'seal: no sealed memfd changed');

my $dir = tempdir(DIR => '/var/tmp', CLEANUP => 1);
my $fs = `stat -f -c %T $dir`;
SKIP: {
	skip "/var/tmp is $fs here, not a filesystem with writeback", 18 if $fs =~ /tmpfs|ramfs/;
	for my $zap (qw(madv remap)) {
		my $r = clean_run("writeback-$zap", '--dir', $dir, '--zap', $zap);
		is($r->{mismatches}, 0, "$zap: no read-back went backwards");
		ok($r->{zaps} > 0 && $r->{syncs} > 0 && $r->{writer_sweeps} > 0, "$zap: every thread and the child ran");
		is($r->{pages_lost_on_disk}, 0, "$zap: after fsync and a cache drop every page holds the last value stored");
	}
	my ($status, $stdout) = run_cmd($TLBBENCH, 'race', '--dir', $dir, '--time', '1', '--inject-loss', '-o', "$out/inject");
	is($status, 1, 'an injected lost write: exit 1');
	my $r = read_json("$out/inject/race.json");
	is($r->{verdict}, 'LOST WRITES', 'injected: verdict');
	ok($r->{mismatches} > 0, "injected: $r->{mismatches} read-backs went backwards");
	is_deeply([ @{ $r->{first_mismatch} }{qw(page seen)} ], [ 0, 0 ], 'injected: the first mismatch saw the injected 0 in page 0');
}
done_testing();
