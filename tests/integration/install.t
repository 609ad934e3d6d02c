#!/usr/bin/perl
# make install into a temporary DESTDIR, then the installed tlbbench used from
# another directory, as a user would: it finds its data directory (configs,
# plot scripts) from where it is, with no variable set; `run -c quick.ini`
# finds the config; a 64 MiB case runs, and plot and report work on it; the
# man page renders without a warning; the bash completion completes; the
# copyright file is in the docs; make uninstall leaves nothing behind.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use File::Find;
use Cwd qw(realpath);
use FindBin;
require "$FindBin::Bin/lib.pl";

my $top = realpath("$FindBin::Bin/../..");
plan skip_all => 'not a source tree with its Makefile' unless -f "$top/Makefile";
my $destdir = tempdir(CLEANUP => 1);
my ($st, $out, $err) = run_cmd('make', '-s', '-C', $top, 'install', "DESTDIR=$destdir");
is($st, 0, 'make install DESTDIR: exit 0') or diag($out, $err);

my $prefix = "$destdir/usr/local";
my $bin = "$prefix/bin/tlbbench";
my $data = "$prefix/share/tlbbench";
ok(-x $bin, 'bin/tlbbench');
ok(-f "$data/configs/$_", "share/tlbbench/configs/$_") for qw(quick.ini signoff.ini ab.ini);
ok(-f "$data/plots/$_", "share/tlbbench/plots/$_") for qw(time.gp flushes.gp compare.gp);
ok(-x "$data/kernel/$_", "share/tlbbench/kernel/$_ executable") for qw(ab.sh build.sh race.sh scale.sh);
ok(-f "$data/kernel/patches/deferred-dirty.patch", 'the kernel patches');
ok(-f "$prefix/share/man/man1/tlbbench.1.gz", 'the man page');
ok(-f "$prefix/share/bash-completion/completions/tlbbench", 'the bash completion');
like(slurp("$prefix/share/doc/tlbbench/copyright"), qr/^License: none-declared$/m, 'the copyright file: no license declared');

# From elsewhere, with nothing telling it where its data is.
delete local $ENV{TLBBENCH_DATA_DIR};
delete local $ENV{TLBBENCH_PLOT_DIR};
my $work = tempdir(CLEANUP => 1);
chdir $work or die;
($st, $out) = run_cmd($bin, 'version');
like($out, qr/^data: \Q$data\E$/m, 'the installed tlbbench finds its data directory') or diag($out);
($st, $out, $err) = run_cmd($bin, qw(run -c quick.ini --dry-run));
is($st, 0, 'run -c quick.ini --dry-run from another directory') or diag($err);
like($out, qr/^\d+ cases; events:/m, 'the quick sweep\'s cases');
($st, $out, $err) = run_cmd($bin, qw(run -c no-such.ini --dry-run));
is($st, 2, 'a config that is nowhere: exit 2');
like($err, qr/no-such\.ini: no such file, here or in \Q$data\E\/configs/, 'says where it looked');

($st, $out, $err) = run_cmd($bin, qw(run --size 64M --iterations 2 --warmup 0 -o r64));
is($st, 0, 'a 64 MiB case runs') or diag($err);
($st, $out, $err) = run_cmd($bin, qw(plot r64));
is($st, 0, 'plot, with the installed scripts') or diag($err);
ok(-s "r64/plots/time.png", 'time.png drawn');
($st, $out, $err) = run_cmd($bin, qw(report r64 r64 -o posting/report.md));
ok($st == 0 || $st == 1, 'report: written (the verdict may fail on 2 samples)') or diag($err);
like(slurp('posting/report.md'), qr/^## Sign-off verdict: (PASS|FAIL)$/m, 'report.md with its verdict');
ok(-s 'posting/report-plots/base-time.png', 'its plots beside it');

# The installed man page, as man finds it.
SKIP: {
	my ($man) = grep { -x } map { "$_/man" } split /:/, $ENV{PATH} // '';
	skip 'no man here', 2 unless $man;
	local $ENV{MANPAGER} = 'cat';
	local $ENV{MANWIDTH} = 80;
	($st, $out, $err) = run_cmd($man, '--warnings', '-l', "$prefix/share/man/man1/tlbbench.1.gz");
	is($st, 0, 'man -l tlbbench.1.gz: exit 0');
	is($err, '', 'no groff warning') or diag($err);
}

# The completion completes commands, and options from --help.
my $comp = "$prefix/share/bash-completion/completions/tlbbench";
($st, $out) = run_cmd('bash', '-c', ". '$comp'; COMP_WORDS=('$bin' re); COMP_CWORD=1; _tlbbench; echo \"\${COMPREPLY[*]}\"");
is($out, "report\n", 'completion: re -> report');
($st, $out) = run_cmd('bash', '-c', ". '$comp'; COMP_WORDS=('$bin' run --dry); COMP_CWORD=2; _tlbbench; echo \"\${COMPREPLY[*]}\"");
is($out, "--dry-run\n", 'completion: run --dry -> --dry-run');

chdir '/' or die;
($st, $out, $err) = run_cmd('make', '-s', '-C', $top, 'uninstall', "DESTDIR=$destdir");
is($st, 0, 'make uninstall: exit 0') or diag($err);
my @left;
find(sub { push @left, $File::Find::name if -f }, $destdir);
is_deeply(\@left, [], 'nothing left') or diag("@left");
done_testing();
