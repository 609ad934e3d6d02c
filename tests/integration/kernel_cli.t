#!/usr/bin/perl
# The kernel/ scripts refuse bad input with exit 2 and a reason, before they
# build or boot anything (no kernel is built here).
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use JSON::PP;
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
	[ [ "$k/race.sh", '-smp', '0' ], qr/-smp '0' is not a CPU count/ ],
	[ [ "$k/race.sh", '-t', '1m' ], qr/-t '1m' is not a number of seconds/ ],
	[ [ "$k/ab.sh", '-t', '5', $config ], qr/unknown option '-t'/ ],
	[ [ "$k/ab.sh", '-smp', 'two', $config ], qr/-smp 'two' is not a CPU count/ ],
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
# An output directory that cannot be made is a failure (3), not bad input,
# found before any kernel is built.
for my $tool (qw(ab.sh race.sh)) {
	my @cmd = ("$k/$tool", '-o', '/proc/no-such-dir/out', $tool eq 'ab.sh' ? ($config) : ());
	my ($status, undef, $err) = run_cmd(@cmd);
	is($status, 3, "$tool -o /proc/no-such-dir/out: exit 3");
	like($err, qr/cannot create the output directory '\/proc\/no-such-dir\/out'/, "$tool: says which directory");
}

# Guest arguments survive the trip through guest-init's eval, in a POSIX sh
# (the guest runs busybox sh) and in bash.
my @args = ('run', '-c', '/input/a b.ini', "it's", '$HOME', '*', 'back\\slash', '"quoted"', '`date`', ';', '');
my (undef, $line) = run_cmd('bash', '-c', '. "$0"; guest_args "$@"', "$k/qemu.sh", @args);
for my $sh (grep { -x } qw(/bin/sh /bin/dash /bin/bash /bin/busybox)) {
	my @sh = $sh =~ /busybox$/ ? ($sh, 'sh') : ($sh);
	my (undef, $got) = run_cmd(@sh, '-c', 'eval "set -- $0"; printf "%s\0" "$@"', $line);
	is_deeply([ split /\0/, $got, -1 ], [ @args, '' ], "guest_args: $sh reads back every argument");
}

# json.pl writes JSON with escaping and reads it back.
my $dir = tempdir(CLEANUP => 1);
my $tricky = "a \"quoted\" \\ back\tslash\n";
my ($status, $json) = run_cmd("$k/json.pl", 'object', "text=$tricky", 'n#=4', 'none#=', 'none2#=n/a', 'raw:=[1,{"b":true}]');
is($status, 0, 'json.pl object: exit 0');
my $object = decode_json($json);
is_deeply($object, { text => $tricky, n => 4, none => undef, none2 => undef, raw => [ 1, { b => JSON::PP::true } ] },
	'json.pl object: strings escaped, numbers, null for no number, raw JSON');
like($json, qr/^\{"text": .*"n": 4, "none": null/, 'json.pl object: fields in the order given');
open(my $fh, '>', "$dir/x.json") or die;
print $fh $json;
close($fh);
is((run_cmd("$k/json.pl", 'get', "$dir/x.json", 'text'))[1], "$tricky\n", 'json.pl get: a string field, unescaped');
is((run_cmd("$k/json.pl", 'get', "$dir/x.json", 'absent'))[1], "\n", 'json.pl get: an absent field is empty');
is_deeply(decode_json((run_cmd("$k/json.pl", 'object', "nested:=\@$dir/x.json"))[1]), { nested => $object },
	'json.pl object: JSON from a file');
my @json_bad = (
	[ [ 'object', 'raw:=[1,' ], 3, qr/the value of raw is not JSON/ ],
	[ [ 'object', "f:=\@$dir/none.json" ], 3, qr/none\.json: No such file/ ],
	[ [ 'object', 'noequals' ], 2, qr/'noequals' is not NAME=TEXT/ ],
	[ [ 'get', "$dir/x.json" ], 2, qr/usage: json\.pl get FILE KEY/ ],
);
for my $case (@json_bad) {
	my ($args, $want, $why) = @$case;
	my ($s, $o, $e) = run_cmd("$k/json.pl", @$args);
	is($s, $want, "json.pl @$args: exit $want");
	like($e, $why, "json.pl @$args: says why");
	is($o, '', "json.pl @$args: no partial output");
}

# Both patches are in place and carry a commit-message header.
for my $p (qw(deferred-dirty deferred-dirty-unsafe)) {
	my $text = slurp("$k/patches/$p.patch");
	like($text, qr/^Subject: \[PATCH\] mm: .+\n\n\S/m, "$p.patch: a Subject line, then the explanation");
	like($text, qr/^\+\+\+ b\/mm\/memory\.c$/m, "$p.patch changes mm/memory.c");
}
done_testing();
