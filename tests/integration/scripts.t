#!/usr/bin/perl
# Every shell script of the tree passes shellcheck (make check installs it;
# without it this is skipped): word splitting, ls parsing, unquoted
# expansions and unused variables are found here, not in a guest.
use strict;
use warnings;
use Test::More;
use FindBin;
require "$FindBin::Bin/lib.pl";

my $top = "$FindBin::Bin/../..";
my ($shellcheck) = grep { -x } map { "$_/shellcheck" } split /:/, $ENV{PATH};
plan skip_all => 'no shellcheck here (make check installs it)' unless $shellcheck;
my @scripts = map { s{^\Q$top\E/}{}r } grep { -f } (glob("$top/kernel/*.sh"), "$top/kernel/guest-init",
	glob("$top/tests/*.sh"), "$top/.ci/run");
ok(@scripts >= 10, scalar(@scripts) . ' shell scripts found');
for my $script (@scripts) {
	my ($status, $out) = run_cmd('sh', '-c', 'cd "$1" && shellcheck -x "$2"', 'sh', $top, $script);
	is($status, 0, "shellcheck $script") or diag($out);
}
done_testing();
