#!/usr/bin/perl
# make deb: a .deb of `make install PREFIX=/usr` whose control file declares
# the runtime Depends (the Debian packages of the libraries tlbbench links, at
# the versions dpkg-shlibdeps found its symbols need, and gnuplot-nox), each a
# package this machine has; it carries its copyright file. Unpacked anywhere, its
# tlbbench runs `info` and finds its own data directory; as root, the package
# is installed here with apt-get, `tlbbench info` runs from /usr/bin, and it is
# removed again, leaving nothing.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use Cwd qw(realpath);
use FindBin;
require "$FindBin::Bin/lib.pl";

my $top = realpath("$FindBin::Bin/../..");
plan skip_all => 'not a source tree with its Makefile' unless -f "$top/Makefile";
plan skip_all => 'no dpkg-deb here' unless grep { -x "$_/dpkg-deb" } split /:/, $ENV{PATH} // '';
my ($st, $out, $err) = run_cmd('make', '-s', '-C', $top, 'deb');
is($st, 0, 'make deb: exit 0') or diag($out, $err);
my ($deb) = glob("$top/build/tlbbench_*.deb");
ok($deb && -s $deb, 'the .deb is built') or BAIL_OUT('no .deb');

($st, $out) = run_cmd('dpkg-deb', '-f', $deb, 'Package', 'Version', 'Architecture', 'Depends');
like($out, qr/^Package: tlbbench$/m, 'Package: tlbbench');
my ($depends) = $out =~ /^Depends: (.*)$/m;
my %version = map { /^(\S+)(?:\s*\((.*)\))?$/ ? ($1 => $2 // '') : () } split /,\s*/, $depends // '';
my @deps = map { s/\s*\(.*//r } split /,\s*/, $depends // '';
for my $want (qw(libpfm4 libhwloc15 libinih1 libjansson4 libgsl27 gnuplot-nox)) {
	ok((grep { $_ eq $want } @deps), "Depends: $want");
}
# dpkg-shlibdeps' versions: libc6's at least 2.34 (strerrorname_np is GLIBC_2.34).
my ($libc6) = ($version{libc6} // '') =~ /^>= (\S+)$/;
ok($libc6 && system('dpkg', '--compare-versions', $libc6, 'ge', '2.34') == 0, "libc6 (>= $libc6): at least 2.34");
for my $dep (@deps) {
	my (undef, $status) = run_cmd('dpkg-query', '-W', '-f=${Status}', $dep);
	like($status, qr/install ok installed/, "$dep is a package this machine has");
}
# Every library the binary links itself (its NEEDED) comes from a package it depends on.
my $x = tempdir(CLEANUP => 1);
($st) = run_cmd('dpkg-deb', '-x', $deb, $x);
is($st, 0, 'dpkg-deb -x');
(undef, $out) = run_cmd('ldd', "$x/usr/bin/tlbbench");
my %path = $out =~ /^\s*(\S+) => (\/\S+)/mg;
(undef, $out) = run_cmd('readelf', '-d', "$x/usr/bin/tlbbench");
my @needed = $out =~ /\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g;
(undef, $out) = run_cmd('nm', '-D', '--undefined-only', "$x/usr/bin/tlbbench");
my @imports = $out =~ /^\s+U (\w+)/mg;
ok(@needed >= 6, scalar(@needed) . ' libraries linked');
for my $lib (@needed) {
	my $owner = '';
	# dpkg knows a library by the path its package ships (/lib or /usr/lib).
	for my $try (grep { defined } $path{$lib}, $path{$lib} && realpath($path{$lib}), $path{$lib} && $path{$lib} =~ s{^/usr/lib/}{/lib/}r) {
		(undef, $owner) = run_cmd('dpkg-query', '-S', $try);
		last if $owner;
	}
	my ($pkg) = $owner =~ /^([^:\s]+)/;
	ok($pkg && (grep { $_ eq $pkg } @deps), "$lib: from " . ($pkg // '?') . ', in Depends') or diag($owner);
	next unless $pkg;
	# With a version, unless the package's symbols file dates every symbol
	# tlbbench takes from it from its first version (0), as libpfm4's does.
	my (undef, $symfile) = run_cmd('dpkg-query', '--control-path', $pkg, 'symbols');
	my %since = slurp($symfile =~ s/\s+$//r) =~ /^ (\w+)@\S+ (\S+)/mg;
	my @since = grep { defined } @since{@imports};
	my $any = @since && !grep { $_ ne '0' } @since;
	like($version{$pkg} // '', $any ? qr/^(>= \S+)?$/ : qr/^>= \S+$/,
		"Depends: $pkg (" . ($version{$pkg} // '') . ')' . ($any ? ': any version has its symbols' : ''));
}
ok(-f "$x/usr/share/man/man1/tlbbench.1.gz" && -f "$x/usr/share/tlbbench/configs/quick.ini", 'man page and configs');
like(slurp("$x/usr/share/doc/tlbbench/copyright"), qr/^Files: \*\nCopyright: .+\nLicense: none-declared$/m,
	'/usr/share/doc/tlbbench/copyright: DEP-5, no license declared');
{
	delete local $ENV{TLBBENCH_DATA_DIR};
	($st, $out) = run_cmd("$x/usr/bin/tlbbench", 'version');
	like($out, qr/^data: \Q$x\E\/usr\/share\/tlbbench$/m, 'unpacked: it finds its own data directory');
	($st, $out) = run_cmd("$x/usr/bin/tlbbench", 'info');
	is($st, 0, 'unpacked: tlbbench info runs');
}

SKIP: {
	my (undef, $have) = run_cmd('dpkg-query', '-W', '-f=${Status}', 'tlbbench');
	skip 'not root: cannot install the package here', 6 if $> != 0;
	skip 'a tlbbench is installed already: not replacing it', 6 if $have =~ /installed/ || -e '/usr/bin/tlbbench';
	delete local $ENV{TLBBENCH_DATA_DIR}; # make check points the tests' tlbbench at the source tree
	my @apt = ('apt-get', '-y', '-q', '-o', 'DPkg::Lock::Timeout=300');
	local $ENV{DEBIAN_FRONTEND} = 'noninteractive';
	($st, $out, $err) = run_cmd(@apt, 'install', $deb);
	is($st, 0, 'apt-get install the .deb') or diag($out, $err);
	($st, $out, $err) = run_cmd('/usr/bin/tlbbench', 'info');
	is($st, 0, 'installed: tlbbench info') or diag($err);
	like($out, qr/^counters:$/m, 'installed: info says which counters work');
	($st, $out) = run_cmd('/usr/bin/tlbbench', 'version');
	like($out, qr/^data: \/usr\/share\/tlbbench$/m, 'installed: data in /usr/share/tlbbench');
	($st, $out, $err) = run_cmd(@apt, 'remove', 'tlbbench');
	is($st, 0, 'apt-get remove tlbbench') or diag($out, $err);
	ok(!-e '/usr/bin/tlbbench' && !-e '/usr/share/tlbbench', 'removed: nothing left');
}
done_testing();
