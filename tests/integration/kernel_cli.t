#!/usr/bin/perl
# The kernel/ scripts refuse bad input with exit 2 and a reason, before they
# build or boot anything (no kernel is built here). An installed ab.sh finds
# a config by name, as `tlbbench run -c` does.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use File::Path qw(make_path);
use Cwd qw(getcwd);
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
	[ [ "$k/race.sh", '/no/such/scratch.patch' ], qr/no patch \/no\/such\/scratch\.patch/ ],
	[ [ "$k/race.sh", '-smp', '0' ], qr/-smp '0' is not a CPU count/ ],
	[ [ "$k/race.sh", '-t', '1m' ], qr/-t '1m' is not a number of seconds/ ],
	[ [ "$k/race.sh", '-m', 'writeback,exit' ], qr/unknown mode 'exit' in -m/ ],
	[ [ "$k/ab.sh", '-m', 'seal', $config ], qr/unknown option '-m'/ ],
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

# An installed tree (PREFIX/share/tlbbench/kernel and configs, PREFIX/bin/tlbbench)
# whose build.sh, run-guest.sh and tlbbench are stand-ins that record what
# they are given: `ab.sh ab.ini` from another directory runs the data
# directory's configs/ab.ini in the guests, by a path that initramfs.sh
# copies in (a host file); a name found nowhere is one line and exit 2.
{
	my $prefix = tempdir(CLEANUP => 1);
	my $data = "$prefix/share/tlbbench";
	make_path("$data/kernel", "$data/configs", "$prefix/bin");
	run_cmd('cp', '-a', $_, "$data/kernel/") for grep { !m{/build$} } glob("$k/*");
	run_cmd('cp', $config, "$data/configs/ab.ini");
	my $log = "$prefix/log";
	my $standin = sub {
		my ($path, @lines) = @_;
		open(my $f, '>', $path) or die;
		print $f join("\n", '#!/bin/sh', @lines, '');
		close($f);
		chmod 0755, $path;
	};
	$standin->("$data/kernel/build.sh", '[ "$1" = --check ] && exit 0',
		qq{mkdir -p "$prefix/kernels/\$1" && echo '{}' > "$prefix/kernels/\$1/build.json"},
		qq{echo "$prefix/kernels/\$1/bzImage"});
	$standin->("$data/kernel/run-guest.sh", 'dir=$2; shift 4',
		q{mkdir -p "$dir/results" && echo '{"accel": "tcg"}' > "$dir/guest.json"},
		qq{for a in "\$@"; do [ -f "\$a" ] && echo "host file \$a" >> "$log"; done},
		qq{echo "guest: \$*" >> "$log"});
	$standin->("$prefix/bin/tlbbench", qq{echo "tlbbench \$1" >> "$log"});
	local $ENV{PATH} = "$prefix/bin:$ENV{PATH}";
	delete local $ENV{TLBBENCH_DATA_DIR};
	my $cwd = getcwd();
	my $work = tempdir(CLEANUP => 1);
	chdir $work or die;
	my ($status, undef, $err) = run_cmd("$data/kernel/ab.sh", '-o', 'out', 'ab.ini');
	is($status, 0, 'installed ab.sh ab.ini from elsewhere: exit 0') or diag($err);
	my @guest = slurp($log) =~ /^guest: (.*)$/mg;
	is_deeply(\@guest, [ ("run -c $data/configs/ab.ini") x 2 ], "both guests run the data directory's configs/ab.ini");
	like(slurp($log), qr/^host file \Q$data\E\/configs\/ab\.ini$/m, 'a host file, which initramfs.sh copies in');
	is(eval { read_json('out/ab.json')->{config} } // '', "$data/configs/ab.ini", 'ab.json names the config found');
	unlink $log;
	($status, undef, $err) = run_cmd("$data/kernel/ab.sh", '-o', 'out2', 'no-such.ini');
	is($status, 2, 'installed ab.sh no-such.ini: exit 2');
	is($err, "ab.sh: no config 'no-such.ini': no such file, here or in $data/configs\n", 'one line: where it looked');
	ok(!-e $log && !-e 'out2', 'before building or running anything');
	($status, undef, $err) = run_cmd("$data/kernel/ab.sh", '-o', 'out2', $data);
	is($status, 2, 'installed ab.sh DIRECTORY: exit 2');
	is($err, "ab.sh: config '$data': a directory, not a file\n", 'one line: a directory');
	chdir $cwd or die;
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

# race-row.pl: a run's verdict beside the expected one, for safe kernels and controls.
{
	my $rdir = tempdir(CLEANUP => 1);
	my $write = sub {
		my ($name, $json) = @_;
		open(my $f, '>', "$rdir/$name") or die;
		print $f $json;
		close($f);
		return "$rdir/$name";
	};
	my $exp = "$k/race-expected.txt";
	my $clean = $write->('clean.json', '{"kernel":"6.12.118-baseline","verdict":"nothing found","zaps":5,'
	    . '"syncs":7,"writer_sweeps":9,"mismatches":0,"kernel_warnings":[]}');
	my $lost = $write->('lost.json', '{"kernel":"6.12.118-no-force-flush-unsafe","verdict":"LOST WRITES",'
	    . '"zaps":5,"syncs":7,"writer_sweeps":9,"mismatches":3,"kernel_warnings":[]}');
	my @rows = (
		[ [ 'baseline', 'writeback', 'madv', $clean ], 0, qr/^6\.12\.118-baseline +writeback madv +zaps=5 syncs=7 writer_sweeps=9 +0 +0 +nothing found +nothing found +as expected$/ ],
		[ [ 'deferred-dirty', 'writeback', 'madv', $lost ], 1, qr/LOST WRITES +nothing found +KERNEL FAILS$/ ],
		[ [ 'no-force-flush-unsafe', 'writeback', 'remap', $lost ], 0, qr/LOST WRITES +LOST WRITES +as expected$/ ],
		[ [ 'no-force-flush-unsafe', 'writeback', 'remap', $clean ], 1, qr/nothing found +LOST WRITES +DETECTOR FAILURE$/ ],
		[ [ 'deferred-dirty-v1', 'truncate', 'madv', '--died', 'kernel BUG at mm/filemap.c:154!' ], 0,
		  qr/guest died: kernel BUG at mm\/filemap\.c:154! +- +- +KERNEL BUG +KERNEL BUG +as expected$/ ],
		[ [ 'someone-else', 'seal', 'remap', $clean ], 0, qr/nothing found +- +nothing expected$/ ],
	);
	for my $row (@rows) {
		my ($args, $want, $like) = @$row;
		my ($s, $o, $e) = run_cmd("$k/race-row.pl", $exp, @$args);
		is($s, $want, "race-row.pl @$args[0..2]: exit $want") or diag($e);
		like($o =~ s/\n\z//r, $like, "race-row.pl @$args[0..2]: the row");
	}
	my ($s, undef, $e) = run_cmd("$k/race-row.pl", $write->('bad.txt', "baseline writeback maybe nothing found\n"),
				     'baseline', 'writeback', 'madv', $clean);
	isnt($s, 0, 'race-row.pl: a bad expected line is refused');
	like($e, qr/bad\.txt:1: want VARIANT MODE safe\|control VERDICT/, 'race-row.pl: says file:line');
}

# The patches are in place and carry a commit-message header.
for my $p (qw(deferred-dirty late-dirty-unsafe no-force-flush-unsafe)) {
	my $text = slurp("$k/patches/$p.patch");
	like($text, qr/^Subject: \[PATCH( v\d+)?\] mm: .+\n\n\S/m, "$p.patch: a Subject line, then the explanation");
	like($text, qr/^\+\+\+ b\/mm\/memory\.c$/m, "$p.patch changes mm/memory.c");
}
done_testing();
