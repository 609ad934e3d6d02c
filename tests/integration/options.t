#!/usr/bin/env perl
# One option parser for every subcommand: --help exits 0 with the usage on
# stdout; an unknown option, a missing option argument or a stray argument is
# one line on stderr with a hint to --help, exit 2.
use strict;
use warnings;
use Test::More;
use FindBin;
require "$FindBin::Bin/lib.pl";

our $TLBBENCH;
# command => [ an option it takes with an argument, too many positional arguments ]
my %commands = (
	run => [ '--size', [qw(stray)] ],
	list => [ undef, [qw(bogus)] ],
	events => [ '--events', [qw(stray)] ],
	compare => [ '--format', [qw(a b c)] ],
	analyze => [ undef, [qw(a b)] ],
	plot => [ undef, [qw(a b c)] ],
	race => [ '--dir', [qw(stray)] ],
	info => [ undef, [qw(stray)] ],
	version => [ undef, [qw(stray)] ],
	help => [ undef, [qw(stray)] ],
);
my $hint = sub { qr/\A\Qtlbbench $_[0]: \E.*\(try 'tlbbench \Q$_[0]\E --help'\)\n\z/ };
for my $cmd (sort keys %commands) {
	my ($with_arg, $stray) = @{ $commands{$cmd} };
	my ($st, $out, $err) = run_cmd($TLBBENCH, $cmd, '--help');
	is($st, 0, "$cmd --help: exit 0");
	like($out, qr/\Ausage: tlbbench \Q$cmd\E\b.*\n(.*\n)*  -h, --help\s+this text\n/, "$cmd --help: usage and options on stdout");
	is($err, '', "$cmd --help: nothing on stderr");
	($st, undef, $err) = run_cmd($TLBBENCH, $cmd, '-h');
	is($st, 0, "$cmd -h: exit 0");

	($st, $out, $err) = run_cmd($TLBBENCH, $cmd, '--bogus');
	is($st, 2, "$cmd --bogus: exit 2");
	like($err, $hint->($cmd), "$cmd --bogus: one line with a hint to --help");
	like($err, qr/unknown option '--bogus'/, "$cmd --bogus: names the option");
	($st, undef, $err) = run_cmd($TLBBENCH, $cmd, '-Q');
	is($st, 2, "$cmd -Q: exit 2");
	like($err, qr/unknown option '-Q'/, "$cmd -Q: names the option");

	if ($with_arg) {
		($st, undef, $err) = run_cmd($TLBBENCH, $cmd, $with_arg);
		is($st, 2, "$cmd $with_arg without its argument: exit 2");
		like($err, qr/an argument is missing after '\Q$with_arg\E'/, "$cmd $with_arg: says the argument is missing");
	}
	($st, undef, $err) = run_cmd($TLBBENCH, $cmd, @$stray);
	is($st, 2, "$cmd @$stray: too many arguments, exit 2");
	like($err, $hint->($cmd), "$cmd @$stray: one line with a hint to --help");
}
for my $cmd (qw(compare analyze plot)) {
	my ($st, undef, $err) = run_cmd($TLBBENCH, $cmd);
	is($st, 2, "$cmd without its directories: exit 2");
	like($err, qr/\Atlbbench $cmd: want [A-Z]/, "$cmd without its directories: says what it wants");
}
my ($st, $out) = run_cmd($TLBBENCH, 'help');
is($st, 0, 'help: exit 0');
for my $cmd (sort keys %commands) {
	like($out, qr/^  \Q$cmd\E\s/m, "help lists $cmd");
}
done_testing();
