# Shared helpers for the integration tests: run the real binary, read its results.
use strict;
use warnings;
use File::Temp qw(tempdir);
use JSON::PP;
use FindBin;

# $TLBBENCH: another build of it, such as make check's sanitized one.
our $TLBBENCH = $ENV{TLBBENCH} // "$FindBin::Bin/../../tlbbench";

# Run a command; return (exit status, stdout, stderr).
sub run_cmd {
	my @cmd = @_;
	my $dir = tempdir(CLEANUP => 1);
	my $pid = fork();
	if ($pid == 0) {
		open(STDOUT, '>', "$dir/out") or die;
		open(STDERR, '>', "$dir/err") or die;
		open(STDIN, '<', '/dev/null') or die;
		exec(@cmd) or exit 127;
	}
	waitpid($pid, 0);
	my $status = $? >> 8;
	return ($status, slurp("$dir/out"), slurp("$dir/err"));
}

sub slurp {
	my ($path) = @_;
	open(my $fh, '<', $path) or return '';
	local $/;
	my $text = <$fh>;
	return defined $text ? $text : '';
}

# Run `tlbbench run ARGS -o DIR`; return (status, stdout, stderr, DIR).
sub tlbbench_run {
	my @args = @_;
	my $dir = tempdir(CLEANUP => 1);
	my ($status, $out, $err) = run_cmd($TLBBENCH, 'run', @args, '-o', "$dir/results");
	return ($status, $out, $err, "$dir/results");
}

sub read_samples {
	my ($dir) = @_;
	my @samples;
	for my $line (split /\n/, slurp("$dir/samples.jsonl")) {
		push @samples, decode_json($line);
	}
	return @samples;
}

sub read_json {
	my ($path) = @_;
	return decode_json(slurp($path));
}

# Skip the whole file unless the tlb:tlb_flush tracepoint counts here.
sub require_tracepoint {
	my ($status, $out) = run_cmd($TLBBENCH, 'info');
	my ($supported) = $out =~ /tlb_flush_tracepoint:\n\s+supported: (\w+)/;
	if (!defined $supported || $supported ne 'yes') {
		my ($why) = $out =~ /why_not: (.*)/;
		Test::More::plan(skip_all => "tlb:tlb_flush not countable here: " . ($why // 'unknown'));
	}
}

# Does a sample's flush count match the model? Within 2 % or 1 flush; a
# reschedule of the zapping task during a forced-flush zap costs one more
# flush, so a sample may exceed that by its context switches.
sub flushes_match {
	my ($s, $expected) = @_;
	my $slack = $expected * 0.02 > 1 ? $expected * 0.02 : 1;
	my $switches = $s->{events}{context_switches} // 0;
	return $s->{flushes} >= $expected - $slack && $s->{flushes} <= $expected + $slack + $switches;
}

sub cpu_count {
	my ($status, $out) = run_cmd('nproc');
	chomp $out;
	return $out + 0;
}

1;
