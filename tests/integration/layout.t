#!/usr/bin/perl
# The code's layout rules: the include graph of the C sources has no cycle,
# no C file is much over 400 lines (one concern each), and the README is a
# short front door to docs/. A module is a .c file and its .h
# (lib/measure/report.c and .h are report); module A depends on B when A's .c
# or .h includes B's .h. A cycle means two modules that cannot be understood,
# tested or replaced one without the other.
use strict;
use warnings;
use Test::More;
use FindBin;
use File::Basename qw(basename);

my $top = "$FindBin::Bin/../..";
my @files = grep { -f } (glob("$top/lib/*/*.[ch]"), glob("$top/cmd/*.[ch]"), glob("$top/bench/*.[ch]"), "$top/tlbbench.c");
ok(@files > 40, scalar(@files) . ' C sources and headers found');
ok(!glob("$top/lib/*.[ch]"), 'lib/ holds its halves only: no source directly in lib/');
my (%deps, %dir);
for my $file (@files) {
	my $module = basename($file) =~ s/\.[ch]$//r;
	$dir{$module} = $file =~ m{/lib/(common|measure|analyze)/} ? $1 : $file =~ m{/cmd/} ? 'cmd' : $file =~ m{/bench/} ? 'bench' : 'top';
	$deps{$module} //= {};
	open(my $fh, '<', $file) or die "$file: $!";
	while (<$fh>) {
		next unless /^\s*#\s*include\s+"([^"]+)\.h"/;
		my $dep = basename($1);
		$deps{$module}{$dep} = 1 unless $dep eq $module;
	}
	close($fh);
}

# Depth-first search; a module met again while still on the path closes a cycle.
my (%state, @path, @cycles);
sub visit {
	my ($m) = @_;
	$state{$m} = 'open';
	push @path, $m;
	for my $d (sort keys %{ $deps{$m} // {} }) {
		if (($state{$d} // '') eq 'open') {
			my ($at) = grep { $path[$_] eq $d } 0 .. $#path;
			push @cycles, join(' -> ', @path[$at .. $#path], $d);
		} elsif (!$state{$d}) {
			visit($d);
		}
	}
	pop @path;
	$state{$m} = 'done';
}
visit($_) for grep { !$state{$_} } sort keys %deps;
is(scalar @cycles, 0, 'the module include graph has no cycle') or diag(join("\n", @cycles));

# The halves: the analysis (lib/analyze) never includes measuring code (lib/measure, bench) or a
# command; what both use (lib/common) includes neither; only cmd/ and tlbbench.c include commands.
my %may = (common => { common => 1 }, analyze => { common => 1, analyze => 1 },
	   measure => { common => 1, measure => 1, analyze => 1, bench => 1 },
	   bench => { common => 1, measure => 1, analyze => 1, bench => 1 });
my @crossings;
for my $m (sort keys %deps) {
	my $allowed = $may{ $dir{$m} } or next;
	for my $d (sort keys %{ $deps{$m} }) {
		push @crossings, "$dir{$m}/$m includes $dir{$d}/$d" if $dir{$d} && !$allowed->{ $dir{$d} };
	}
}
is(scalar @crossings, 0, 'the analysis includes no measuring code; lib/common includes neither half; only commands include commands')
	or diag(join("\n", @crossings));

# Files of one concern: none much over 400 lines, tests and fuzzers too.
my $max_lines = 410;
my @long;
for my $file (@files, glob("$top/tests/unit/*.c"), glob("$top/tests/fuzz/*.c")) {
	open(my $fh, '<', $file) or die "$file: $!";
	my $n = () = <$fh>;
	close($fh);
	push @long, sprintf('%s: %d lines', $file =~ s{^\Q$top\E/}{}r, $n) if $n > $max_lines;
}
is(scalar @long, 0, "no C file over $max_lines lines") or diag(join("\n", @long));

# The README is a front door: at most 10 KB, with the data-flow diagram; the rest is in docs/.
my $readme = do { local $/; open(my $fh, '<', "$top/README.md") or die; <$fh> };
cmp_ok(length($readme), '<=', 10240, 'README.md is at most 10 KB (' . length($readme) . ' bytes)');
like($readme, qr/harness ── per case.*\n(?s:.*)measure ── per sample.*\n(?s:.*)report: samples\.jsonl(?s:.*)lib\/analyze\//, 'README.md draws the data flow');
for my $doc (qw(method kernels reference)) {
	ok(-s "$top/docs/$doc.md", "docs/$doc.md is there");
	like($readme, qr/\]\(docs\/$doc\.md\)/, "README.md links docs/$doc.md");
}

# The check itself finds a cycle when there is one.
%deps = (a => { b => 1 }, b => { c => 1 }, c => { a => 1 }, d => { a => 1 });
(%state, @path, @cycles) = ();
visit($_) for grep { !$state{$_} } sort keys %deps;
is_deeply(\@cycles, [ 'a -> b -> c -> a' ], 'a planted cycle a -> b -> c -> a is found');
done_testing();
