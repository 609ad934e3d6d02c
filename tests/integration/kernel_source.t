#!/usr/bin/perl
# A user's kernel: kernel/build.sh and kernel/ab.sh refuse a source that is no
# kernel tree, a patch that does not apply and a config without what the
# guests need, with one line and exit 2, before anything is compiled (a
# stand-in tree with a kernel's top files; no kernel is built here). And
# --commits turns a git range into the series it builds.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use File::Path qw(make_path);
use FindBin;
require "$FindBin::Bin/lib.pl";

my $k = "$FindBin::Bin/../../kernel";
my $config = "$FindBin::Bin/../../configs/quick.ini";
my $tmp = tempdir(CLEANUP => 1);
$ENV{TLBBENCH_KERNEL_BUILD} = "$tmp/build";
sub write_file {
	my ($path, $text) = @_;
	make_path($path =~ s{/[^/]*$}{}r);
	open(my $fh, '>', $path) or die "$path: $!";
	print $fh $text;
	close($fh);
	return $path;
}
sub git { my ($dir, @args) = @_; my ($s, $o, $e) = run_cmd('git', '-C', $dir, @args); die "git @args: $e" if $s; return $o }

# A stand-in source: the files build.sh takes for a kernel tree, and one to patch.
my $tree = "$tmp/linux";
write_file("$tree/Makefile", "VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 0\n");
write_file("$tree/Kconfig", "mainmenu \"Linux\"\n");
write_file("$tree/arch/x86/Kconfig", "config X86\n\tdef_bool y\n");
write_file("$tree/mm/memory.c", "int zap(void)\n{\n\treturn force_flush;\n}\n");
my $good = write_file("$tmp/good.patch", <<'PATCH');
--- a/mm/memory.c
+++ b/mm/memory.c
@@ -1,4 +1,4 @@
 int zap(void)
 {
-	return force_flush;
+	return 0;
 }
PATCH
my $bad = write_file("$tmp/bad.patch", <<'PATCH');
--- a/mm/memory.c
+++ b/mm/memory.c
@@ -1,4 +1,4 @@
 int zap_range(void)
 {
-	return tlb_flush;
+	return 0;
 }
PATCH
my $nofile = write_file("$tmp/nofile.patch", "--- a/mm/gone.c\n+++ b/mm/gone.c\n@@ -1 +1 @@\n-a\n+b\n");
write_file("$tmp/notkernel/README", "not a kernel\n");
my ($s) = run_cmd('tar', '-C', "$tmp/notkernel", '-cJf', "$tmp/notkernel.tar.xz", 'README');
write_file("$tmp/garbage.tar.xz", "this is no tarball\n");
my $built = "$tmp/built";
run_cmd('cp', '-a', $tree, $built);
write_file("$built/.config", "CONFIG_64BIT=y\n");
my $empty_config = write_file("$tmp/empty.config", "# nothing\n");
my $full = slurp("$k/config.required") =~ s/^#.*\n//mgr;
my $no_console = write_file("$tmp/noconsole.config", $full =~ s/^CONFIG_SERIAL_8250_CONSOLE=y\n/# CONFIG_SERIAL_8250_CONSOLE is not set\n/mr);

my @bad = (
	[ [ '--source', '/no/such/linux', 'x' ], qr/^kernel\/build\.sh: --source: no directory or tarball '\/no\/such\/linux'$/ ],
	[ [ '--source', "$tmp/notkernel", 'x' ], qr/is no kernel tree \(no top Makefile with VERSION, Kconfig, arch\/x86\/Kconfig\)$/ ],
	[ [ '--source', "$tmp/notkernel.tar.xz", 'x' ], qr/notkernel\.tar\.xz' holds no kernel tree/ ],
	[ [ '--source', "$tmp/garbage.tar.xz", 'x' ], qr/garbage\.tar\.xz' does not unpack \(tar -xf\)$/ ],
	[ [ '--source', $built, 'x' ], qr/has been configured or built in place \(\.config, include\/config\): run 'make mrproper' there first$/ ],
	[ [ '--source', $tree, '--rev', 'HEAD', 'x' ], qr/--rev: '.*linux' is no git tree$/ ],
	[ [ '--source', $tree, '--config', "$tmp/none.config", 'x' ], qr/--config: no file '.*none\.config'$/ ],
	[ [ '--source', $tree, '--config', $empty_config, 'x' ], qr/is no \.config \(no CONFIG_ lines\)$/ ],
	[ [ '--source', $tree, '--config', $no_console, 'x' ], qr/lacks what the guests need \(kernel\/config\.required\): CONFIG_SERIAL_8250_CONSOLE=y$/ ],
	[ [ '--source', $tree, '--check', 'x', $bad ], qr/patch 1 of 1, .*bad\.patch, does not apply to .*linux: mm\/memory\.c: Hunk #1 FAILED at 1\.$/ ],
	[ [ '--source', $tree, '--check', 'x', $good, $good ], qr/patch 2 of 2, .*good\.patch, does not apply to .*linux: mm\/memory\.c: Reversed \(or previously applied\) patch detected!  Skipping patch\.$/ ],
	[ [ '--source', $tree, '--check', 'x', $nofile ], qr/patch 1 of 1, .*nofile\.patch, does not apply to .*: can't find file to patch at input line 3$/ ],
	[ [ '--source', $tree, 'a/b' ], qr/'a\/b' is no kernel name/ ],
	[ [ '--bogus' ], qr/unknown option '--bogus'/ ],
	[ [ '--source' ], qr/--source needs a value/ ],
	[ [ '--config', '', 'x' ], qr/--config needs a value/ ],
);
for my $case (@bad) {
	my ($args, $why) = @$case;
	my ($status, $out, $err) = run_cmd("$k/build.sh", @$args);
	my $name = join(' ', map { s{^\Q$tmp\E/}{}r } @$args);
	is($status, 2, "build.sh $name: exit 2") or diag($err);
	like($err, $why, "build.sh $name: says why");
	is(scalar(() = $err =~ /\n/g), 1, "build.sh $name: in one line");
	is($out, '', "build.sh $name: prints no image");
}
is(slurp("$tree/mm/memory.c"), "int zap(void)\n{\n\treturn force_flush;\n}\n", 'the source tree is left as it was');
ok(!glob("$tmp/build/check.*"), 'no scratch copy is left behind');

# A patch that applies gets as far as configuring (which the stand-in cannot).
my ($status, undef, $err) = run_cmd("$k/build.sh", '--source', $tree, '--check', 'x', $good);
is($status, 2, 'a patch that applies: --check goes on to the config');
like($err, qr/make tinyconfig failed in .*linux$/, 'and says the config step failed');

# ab.sh and scale.sh: the same refusals, and their own, before any kernel is built.
my $git = "$tmp/linux-git";
run_cmd('cp', '-a', $tree, $git);
git($git, 'init', '-q');
git($git, '-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '.');
git($git, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'base');
git($git, 'tag', 'base');
run_cmd('patch', '-d', $git, '-p1', '-i', $good);
git($git, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qam', 'mm: no forced flush');
my $out = "$tmp/ab";
my @ab_bad = (
	[ [ '--patch', '/no/such.patch', $config ], qr/--patch: no file '\/no\/such\.patch'/ ],
	[ [ '--patch', $good, '--commits', 'a..b', $config ], qr/give --patch or --commits, not both/ ],
	[ [ '--patch', $good, $config, 'deferred-dirty' ], qr/give VARIANTs or a series \(--patch, --commits\), not both/ ],
	[ [ '--patch', $good, '--name', 'baseline', $config ], qr/--name baseline is the unpatched kernel's/ ],
	[ [ '-o', $out, '--commits', 'base..HEAD', $config ], qr/--commits needs --source to be a git tree/ ],
	[ [ '-o', $out, '--source', $tree, '--commits', 'base..HEAD', $config ], qr/--commits needs --source to be a git tree/ ],
	[ [ '-o', $out, '--source', $git, '--commits', 'HEAD', $config ], qr/--commits 'HEAD' is no range BASE\.\.HEAD/ ],
	[ [ '-o', $out, '--source', $git, '--commits', 'nope..HEAD', $config ], qr/--commits: 'nope' is no commit in/ ],
	[ [ '-o', $out, '--source', $git, '--commits', 'HEAD..HEAD', $config ], qr/--commits HEAD\.\.HEAD holds no commits/ ],
	[ [ '-o', $out, '--source', $tree, '--patch', $bad, $config ], qr/bad\.patch, does not apply to .*linux/ ],
	[ [ '-o', $out, '--source', '/no/such/linux', '--patch', $good, $config ], qr/--source: no directory or tarball/ ],
	[ [ '-o', $out, '--source', $tree, '--config', $no_console, '--patch', $good, $config ], qr/lacks what the guests need/ ],
	[ [ $config, '--patch' ], qr/no patch .*--patch|unknown option|--patch needs a value/ ],
	[ [ '--patch' ], qr/--patch needs a value/ ],
	[ [ '--source', '', $config ], qr/--source needs a value/ ],
	# A variant named as the series would be, with no series given, is a patch file like any other.
	[ [ '-o', $out, $config, 'patched' ], qr/no patch kernel\/patches\/patched\.patch/ ],
);
for my $tool (qw(ab.sh scale.sh)) {
	for my $case (@ab_bad) {
		my ($args, $why) = @$case;
		my @args = @$args;
		@args = grep { $_ ne $config } @args if $tool eq 'scale.sh';
		@args = map { $_ eq 'deferred-dirty' ? 'deferred-dirty' : $_ } @args;
		my ($st, undef, $e) = run_cmd("$k/$tool", @args);
		my $name = join(' ', map { s{^\Q$tmp\E/}{}r =~ s{.*/configs/}{configs/}r } @args);
		is($st, 2, "$tool $name: exit 2") or diag($e);
		like($e, $why, "$tool $name: says why");
	}
}
# --commits: the series is the range's commits, from git format-patch, built on BASE.
($status, undef, $err) = run_cmd("$k/ab.sh", '-o', $out, '--source', $git, '--commits', 'base..HEAD', $config);
is($status, 2, '--commits base..HEAD on the stand-in: stops at its config, exit 2');
my @series = glob("$out/patches/*.patch");
is(scalar @series, 1, '--commits base..HEAD: one patch in OUTDIR/patches');
like(slurp($series[0] // '/dev/null'), qr/^Subject: \[PATCH\] mm: no forced flush$/m, 'the patch is the commit');
like($err, qr/make tinyconfig failed in .*linux-git at base/, 'the kernels are built from BASE (git archive)');
done_testing();
