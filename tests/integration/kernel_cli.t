#!/usr/bin/perl
# The kernel/ scripts refuse bad input with exit 2 and a reason, before they
# build or boot anything (no kernel is built here).
use strict;
use warnings;
use Test::More;
use FindBin;
require "$FindBin::Bin/lib.pl";

my $k = "$FindBin::Bin/../../kernel";
my $config = "$FindBin::Bin/../../configs/ab.ini";
my @bad = (
	[ [ "$k/ab.sh" ], qr/no config ''/ ],
	[ [ "$k/ab.sh", '/no/such.ini' ], qr/no config '\/no\/such\.ini'/ ],
	[ [ "$k/ab.sh", '-x', $config ], qr/unknown option '-x'/ ],
	[ [ "$k/ab.sh", $config, 'no-such-variant' ], qr/no patch kernel\/patches\/no-such-variant\.patch/ ],
	[ [ "$k/race.sh", 'no-such-variant' ], qr/no patch kernel\/patches\/no-such-variant\.patch/ ],
	[ [ "$k/race.sh", '--bogus' ], qr/unknown option '--bogus'/ ],
	[ [ "$k/run-guest.sh", '/no/bzImage', '/tmp/out', 'version' ], qr/no kernel image '\/no\/bzImage'/ ],
	[ [ "$k/run-guest.sh", '/no/bzImage', '/tmp/out' ], qr/usage: kernel\/run-guest\.sh/ ],
	[ [ "$k/build.sh", 'x', '/no/such.patch' ], qr/no patch '\/no\/such\.patch'|no \/usr\/src\/linux-source-6\.12/ ],
);
for my $case (@bad) {
	my ($cmd, $why) = @$case;
	my $name = join(' ', map { s{.*/kernel/}{kernel/}r } @$cmd);
	my ($status, undef, $err) = run_cmd(@$cmd);
	is($status, 2, "$name: exit 2");
	like($err, $why, "$name: says why");
}
# Both patches are in place and carry a commit-message header.
for my $p (qw(deferred-dirty deferred-dirty-unsafe)) {
	my $text = slurp("$k/patches/$p.patch");
	like($text, qr/^Subject: \[PATCH\] mm: .+\n\n\S/m, "$p.patch: a Subject line, then the explanation");
	like($text, qr/^\+\+\+ b\/mm\/memory\.c$/m, "$p.patch changes mm/memory.c");
}
done_testing();
