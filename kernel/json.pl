#!/usr/bin/perl
# JSON for the kernel/ scripts, written and read with one tool (JSON::PP).
#   json.pl get FILE KEY    one top-level field of FILE; empty when absent
#   json.pl object FIELD... one object, its fields in the order given:
#     NAME=TEXT   a string
#     NAME#=TEXT  a number; null when TEXT is empty or not a number
#     NAME:=JSON  raw JSON, checked;  NAME:=@FILE  the JSON in FILE
# Exit: 0, 2 bad usage, 3 a file missing or not JSON.
use strict;
use warnings;
use JSON::PP;

my $json = JSON::PP->new->allow_nonref->canonical;
sub fail { my ($status, $why) = @_; print STDERR "json.pl: $why\n"; exit $status; }

sub decode_checked {
	my ($text, $what) = @_;
	my $value = eval { $json->decode($text) };
	fail(3, "$what is not JSON: " . ($@ =~ s/ at \S+ line \d+.*//sr)) if $@;
	return $value;
}

sub read_file {
	my ($path) = @_;
	open(my $fh, '<', $path) or fail(3, "$path: $!");
	local $/;
	return decode_checked(<$fh> // '', $path);
}

sub field {
	my ($arg) = @_;
	my ($name, $kind, $text) = $arg =~ /^([^=#:]+)([#:]?)=(.*)\z/s
	    or fail(2, "'$arg' is not NAME=TEXT, NAME#=NUMBER or NAME:=JSON");
	my $value = $text;
	if ($kind eq '#') {
		$value = $text =~ /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?\z/ ? 0 + $text : undef;
	} elsif ($kind eq ':') {
		$value = $text =~ /^@(.*)\z/s ? read_file($1) : decode_checked($text, "the value of $name");
	}
	return $json->encode($name) . ': ' . $json->encode($value);
}

my $command = shift // '';
if ($command eq 'get' && @ARGV == 2) {
	my ($path, $key) = @ARGV;
	my $object = read_file($path);
	fail(3, "$path: not a JSON object") unless ref $object eq 'HASH';
	my $value = $object->{$key};
	print ref $value ? $json->encode($value) : JSON::PP::is_bool($value) ? ($value ? 'true' : 'false') : $value // '';
	print "\n";
} elsif ($command eq 'object') {
	print '{', join(', ', map { field($_) } @ARGV), "}\n";
} else {
	fail(2, 'usage: json.pl get FILE KEY | json.pl object NAME=TEXT|NAME#=NUMBER|NAME:=JSON...');
}
