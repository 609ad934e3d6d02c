#!/usr/bin/env perl
# Interrupt and resume (issue 10): SIGINT mid-sweep keeps every finished
# sample and marks the partial case; `run --resume DIR` then takes exactly the
# samples left, each case ending with its configured count and iterations
# 0..N-1. A resume is refused (exit 2, with the reason) when the tlbbench
# build, the kernel or the config differ, or with other options.
use strict;
use warnings;
use Test::More;
use File::Temp qw(tempdir);
use FindBin;
require "$FindBin::Bin/lib.pl";

our $TLBBENCH;
my $ITER = 12;
my $tmp = tempdir(CLEANUP => 1);

# A config file, so the resumed run must find it unchanged.
my $ini = "$tmp/sweep.ini";
open(my $fh, '>', $ini) or die;
print $fh "[sweep]\nop = munmap,madv_dontneed\nbacking = anon,shmem\nsize = 32M\n",
	"iterations = $ITER\nwarmup = 1\n";
close($fh);

# Start the sweep, SIGINT once N samples are in samples.jsonl; returns the exit status.
sub run_and_interrupt {
	my ($dir, $after, @args) = @_;
	my $pid = fork();
	if ($pid == 0) {
		open(STDOUT, '>', '/dev/null');
		open(STDERR, '>', "$dir.err");
		exec($TLBBENCH, 'run', @args, '-o', $dir);
		exit 127;
	}
	my $waited = 0;
	while ($waited++ < 600 && (split /\n/, slurp("$dir/samples.jsonl")) < $after) {
		select(undef, undef, undef, 0.02);
	}
	kill 'INT', $pid;
	waitpid($pid, 0);
	return $? >> 8;
}

sub iterations_by_case {
	my ($dir) = @_;
	my %by;
	for my $s (read_samples($dir)) {
		push @{ $by{"$s->{op} $s->{backing}"} }, $s->{iteration};
	}
	return %by;
}

for my $order (qw(sequential interleave)) {
	my $dir = "$tmp/$order";
	my $status = run_and_interrupt($dir, $ITER + 3, '-c', $ini, '--order', $order);
	is($status, 130, "$order: interrupted, exit 130");
	my @cases = map { decode_json($_) } split /\n/, slurp("$dir/cases.jsonl");
	my $interrupted = grep { $_->{status} eq 'interrupted' } @cases;
	ok($interrupted >= 1, "$order: cases.jsonl marks the unfinished cases interrupted ($interrupted)");
	my $kept = () = read_samples($dir);
	cmp_ok($kept, '<', 4 * $ITER, "$order: interrupted before the end ($kept samples)");

	# A crash mid-write leaves a cut-off line: resume removes it.
	open(my $out, '>>', "$dir/samples.jsonl") or die;
	print $out '{"op":"munmap","backing":"an';
	close($out);

	my ($rs, $rout, $rerr) = run_cmd($TLBBENCH, 'run', '--resume', $dir);
	is($rs, 0, "$order: --resume completes the sweep") or diag($rerr);
	like($rerr, qr/resuming \Q$dir\E: $kept measured samples kept/, "$order: says what it kept");
	like($rerr, qr/the last line is cut off .*removed/, "$order: the cut-off line is removed");
	my %by = iterations_by_case($dir);
	is(scalar keys %by, 4, "$order: every case has samples");
	for my $case (sort keys %by) {
		is_deeply([sort { $a <=> $b } @{ $by{$case} }], [0 .. $ITER - 1],
			  "$order: $case: exactly iterations 0..@{[$ITER - 1]}, none twice");
	}
	@cases = map { decode_json($_) } split /\n/, slurp("$dir/cases.jsonl");
	is(scalar @cases, 4, "$order: cases.jsonl has each case once");
	is(scalar(grep { $_->{status} eq 'ok' && $_->{samples} == $ITER } @cases), 4,
	   "$order: each case ok with $ITER samples");
	my @csv = split /\n/, slurp("$dir/samples.csv");
	is(scalar @csv, 1 + 4 * $ITER, "$order: samples.csv: one header and a row per sample");
	my $meta = read_json("$dir/meta.json");
	is(scalar @{ $meta->{resumed} }, 1, "$order: meta.json records the resume");
	my @left = grep { (slurp($_) =~ tr/\0/ /r) =~ /\Q$dir\E/ } glob('/proc/[0-9]*/cmdline');
	is(scalar @left, 0, "$order: no process of the run is left");
}

# A finished run resumed: nothing more is taken.
my $done = "$tmp/sequential";
my ($st, $out, $err) = run_cmd($TLBBENCH, 'run', '--resume', $done);
is($st, 0, 'a finished run resumed: exit 0');
like($err, qr/4 of 4 cases finished/, 'a finished run resumed: every case finished');
is(scalar(() = read_samples($done)), 4 * $ITER, 'a finished run resumed: no sample added');
like($out, qr/munmap\s+shmem.*\b$ITER\n/, 'a finished run resumed: the table from the kept samples');

# Refusals: exit 2 and why, the directory left as it was.
sub edited_copy {
	my ($name, $edit) = @_;
	my $copy = "$tmp/$name";
	system('cp', '-a', $done, $copy) == 0 or die;
	my $meta = read_json("$copy/meta.json");
	$edit->($meta);
	open(my $m, '>', "$copy/meta.json") or die;
	print $m encode_json($meta);
	close($m);
	return $copy;
}
my %refused = (
	'another tlbbench build' => [ edited_copy('rev', sub { $_[0]{git_revision} = 'deadbee' }),
				      qr/written by tlbbench deadbee, this is .*same build/ ],
	'another kernel' => [ edited_copy('kernel', sub { $_[0]{info}{kernel}{release} = '4.19.0-old' }),
			      qr/measured on kernel 4\.19\.0-old .*same kernel/ ],
	'not a run' => [ edited_copy('nocmd', sub { delete $_[0]{command_line} }), qr/no command_line/ ],
);
for my $what (sort keys %refused) {
	my ($dir, $why) = @{ $refused{$what} };
	my ($s, undef, $e) = run_cmd($TLBBENCH, 'run', '--resume', $dir);
	is($s, 2, "resume refused for $what: exit 2");
	like($e, $why, "resume refused for $what: says why");
}
($st, undef, $err) = run_cmd($TLBBENCH, 'run', '--resume', $done, '--size', '1G');
is($st, 2, 'resume with another option: exit 2');
like($err, qr/--resume DIR takes no other option/, 'resume with another option: says why');
($st, undef, $err) = run_cmd($TLBBENCH, 'run', '--resume', "$tmp/none");
is($st, 2, 'resume of no directory: exit 2');
open($fh, '>>', $ini) or die;
print $fh "; edited\n";
close($fh);
($st, undef, $err) = run_cmd($TLBBENCH, 'run', '--resume', $done);
is($st, 2, 'resume after the config changed: exit 2');
like($err, qr/config .*sweep\.ini has changed since the run started/, 'resume after the config changed: says why');
is(scalar(() = read_samples($done)), 4 * $ITER, 'a refused resume adds no sample');
done_testing();
