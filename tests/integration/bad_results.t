#!/usr/bin/perl
# compare, analyze and plot on result directories that are not what they
# should be: one clear line on stderr and exit 2 for each, nothing on stdout;
# a last line cut off by a crash is skipped with one warning.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use JSON::PP;
use FindBin;
require "$FindBin::Bin/lib.pl";
our $TLBBENCH;

my $root = tempdir(CLEANUP => 1);
my $meta = encode_json({ tlbbench_version => '0.1.0', results_format => 1, git_revision => 'fixture' });
my $sample = encode_json({ op => 'munmap', backing => 'shmem', touch => 'dirty', populate => 'fault',
			   dirty_tables => undef, size_bytes => 1 << 30, cpus => 1, remote_mode => 'spin',
			   placement => 'compact', iteration => 0, wall_ns => 15e6, ns_per_gib => 15e6,
			   flushes => 514, flushes_per_gib => 514, events => {} });

sub result_dir {
	my ($name, %files) = @_;
	my $dir = "$root/$name";
	mkdir $dir;
	for my $file (keys %files) {
		next unless defined $files{$file};
		open(my $fh, '>', "$dir/$file") or die;
		print $fh $files{$file};
		close($fh);
	}
	return $dir;
}

my $good_samples = join('', map { my $s = decode_json($sample); $s->{iteration} = $_; encode_json($s) . "\n" } 0 .. 2);
my @bad = (
	[ 'no such directory', "$root/nowhere", qr/nowhere: unable to open .*meta\.json.*not a tlbbench result directory/ ],
	[ 'no meta.json', result_dir('nometa', 'samples.jsonl' => $good_samples), qr/nometa: unable to open/ ],
	[ 'meta.json not JSON', result_dir('badmeta', 'meta.json' => "{ not json\n", 'samples.jsonl' => $good_samples),
	  qr/badmeta\/meta\.json:1: not JSON/ ],
	[ 'unrelated JSON for meta.json', result_dir('othermeta', 'meta.json' => '{"name": "something else"}',
	  'samples.jsonl' => $good_samples), qr/no tlbbench_version: not a tlbbench meta\.json/ ],
	[ 'a newer results format', result_dir('newer', 'meta.json' => encode_json({ tlbbench_version => '9.0',
	  results_format => 99 }), 'samples.jsonl' => $good_samples),
	  qr/results format 99, written by tlbbench 9\.0; this tlbbench reads formats up to 1/ ],
	[ 'an empty samples.jsonl', result_dir('empty', 'meta.json' => $meta, 'samples.jsonl' => ''),
	  qr/empty\/samples\.jsonl holds no samples/ ],
	[ 'no samples.jsonl', result_dir('nosamples', 'meta.json' => $meta), qr/cannot read .*nosamples\/samples\.jsonl/ ],
	[ 'unrelated JSON lines', result_dir('other', 'meta.json' => $meta, 'samples.jsonl' => "{\"x\": 1}\n"),
	  qr/other\/samples\.jsonl:1: not a tlbbench sample \(no 'op'\)/ ],
	[ 'a JSON array line', result_dir('array', 'meta.json' => $meta, 'samples.jsonl' => $good_samples . "[1, 2]\n"),
	  qr/array\/samples\.jsonl:4: not a JSON object/ ],
	# A crash can leave NUL bytes where a line was being written.
	[ 'a line of NUL bytes', result_dir('nul', 'meta.json' => $meta, 'samples.jsonl' => "\0" x 64 . "\n" . $good_samples),
	  qr/nul\/samples\.jsonl:1: not a JSON object/ ],
	[ 'a broken line in the middle', result_dir('middle', 'meta.json' => $meta,
	  'samples.jsonl' => "{\"op\": \n" . $good_samples), qr/middle\/samples\.jsonl:1: not a JSON object/ ],
);
for my $case (@bad) {
	my ($name, $dir, $message) = @$case;
	for my $cmd (['compare', $dir, $dir], ['analyze', $dir], ['plot', $dir]) {
		my ($status, $out, $err) = run_cmd($TLBBENCH, @$cmd);
		is($status, 2, "$cmd->[0], $name: exit 2");
		like($err, qr/\Atlbbench: [^\n]*\n\z/, "$cmd->[0], $name: one line on stderr") or diag($err);
		like($err, $message, "$cmd->[0], $name: says why");
		is($out, '', "$cmd->[0], $name: nothing on stdout");
	}
}

# A run killed mid-write leaves a last line without its newline: skipped, with a warning.
my $cut = result_dir('cut', 'meta.json' => $meta, 'samples.jsonl' => $good_samples . substr($sample, 0, 40));
my ($status, $out, $err) = run_cmd($TLBBENCH, 'compare', $cut, $cut);
is($status, 0, 'a cut-off last line: compare exits 0');
my @warnings = $err =~ /warning: \S+cut\/samples\.jsonl:4: the last line is cut off/g;
is(scalar @warnings, 2, 'a cut-off last line: one warning per directory read');
like($out, qr/^munmap shmem dirty 1024M 1cpu compact spin fault\s+wall_ns/m, 'a cut-off last line: the rest is compared');
# ... or NUL bytes where the last line was (the file's size grew, its data never came).
my $nul = result_dir('nullast', 'meta.json' => $meta, 'samples.jsonl' => $good_samples . "\0" x 64);
($status, $out, $err) = run_cmd($TLBBENCH, 'compare', $nul, $nul);
is($status, 0, 'a last line of NUL bytes: compare exits 0');
like($err, qr/nullast\/samples\.jsonl:4: the last line is cut off/, 'a last line of NUL bytes: skipped with a warning');
done_testing();
