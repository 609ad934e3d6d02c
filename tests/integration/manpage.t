#!/usr/bin/perl
# The man page, docs/tlbbench.1, against the binary: it renders without a
# groff warning; it has a section for every command `tlbbench help` lists (and
# none for a command it does not), each documenting exactly the options of
# that command's --help, spelled alike (short letter, long name, argument);
# every config key of `run --help` and every sign-off rule key is in
# CONFIGURATION FILES; and the SYNOPSIS names every command. The roff source
# is parsed, not the rendered text.
use strict;
use warnings;
use Test::More;
use FindBin;
require "$FindBin::Bin/lib.pl";
our $TLBBENCH;

my $top = "$FindBin::Bin/../..";
my $page = "$top/docs/tlbbench.1";
my ($man) = grep { -x } map { "$_/man" } split /:/, $ENV{PATH} // '';
plan skip_all => 'no man here (make deps installs man-db)' unless $man;

# 1. It renders, and groff has nothing to say about it.
{
	local $ENV{MANWIDTH} = 80;
	local $ENV{LC_ALL} = 'C.UTF-8';
	local $ENV{MANPAGER} = 'cat';
	my ($st, $out, $err) = run_cmd($man, '--warnings', '-l', $page);
	is($st, 0, 'man -l docs/tlbbench.1: exit 0');
	is($err, '', 'man --warnings: no groff warning') or diag($err);
	ok(length $out > 0, 'man renders the page');
}

# The roff source: a line's text without fonts and escapes; a macro line's
# arguments joined (alternating-font macros join them without blanks).
sub plain {
	my ($t) = @_;
	$t =~ s/\\f(?:\[[^\]]*\]|\(..|.)//g;
	$t =~ s/\\\(em/--/g;
	$t =~ s/\\\(<=/<=/g;
	$t =~ s/\\[-&]/$& eq '\\-' ? '-' : ''/ge;
	$t =~ s/\\e/\\/g;
	return $t;
}

sub line_text {
	my ($line) = @_;
	return plain($line) unless $line =~ /^\.([A-Z]{1,2})(?:\s+(.*))?$/;
	my ($macro, $args) = ($1, $2 // '');
	return '' unless $macro =~ /^(B|I|BI|BR|IB|IR|RB|RI|SM|SB)$/;
	my @args;
	while ($args =~ /\G\s*(?:"((?:[^"]|"")*)"?|(\S+))/gc) {
		push @args, defined $1 ? $1 =~ s/""/"/gr : $2;
	}
	return plain(join(length($macro) == 2 && $macro !~ /^S/ ? '' : ' ', @args));
}

# Sections: sections{SH} = [lines]; subsections{SH}{SS} = [lines]; the lines
# of an SH before its first SS are subsections{SH}{''}.
my (%sections, %subsections, @ss_order);
{
	open(my $fh, '<', $page) or BAIL_OUT("cannot read $page: $!");
	my ($sh, $ss) = ('', '');
	while (my $line = <$fh>) {
		chomp $line;
		next if $line =~ /^\.\\"/;
		if ($line =~ /^\.SH\s+"?(.*?)"?\s*$/) {
			($sh, $ss) = ($1, '');
			next;
		}
		if ($line =~ /^\.SS\s+"?(.*?)"?\s*$/) {
			$ss = $1;
			push @ss_order, $ss if $sh eq 'COMMANDS';
			next;
		}
		push @{ $sections{$sh} }, $line;
		push @{ $subsections{$sh}{$ss} }, $line;
	}
}
ok($sections{$_}, "the page has $_")
	for ('NAME', 'SYNOPSIS', 'DESCRIPTION', 'COMMANDS', 'CONFIGURATION FILES', 'OUTPUT FILES', 'ENVIRONMENT',
	     'FILES', 'EXIT STATUS', 'EXAMPLES', 'SEE ALSO');

# The tags of a block's .TP paragraphs.
sub tags {
	my @lines = @{ $_[0] // [] };
	my @tags;
	for my $i (0 .. $#lines - 1) {
		push @tags, line_text($lines[$i + 1]) if $lines[$i] =~ /^\.TP\b/;
	}
	return @tags;
}

# Options as "-c, --config FILE" into { config => { short => 'c', arg => 'FILE' } };
# what is not such a spelling goes to @$bad.
sub option_spelling {
	my ($text, $opts, $bad) = @_;
	if ($text =~ /^(?:-(\S), )?--([A-Za-z0-9][\w-]*)(?: (\S+))?\s*$/) {
		$opts->{$2} = { short => $1 // '', arg => $3 // '' };
	} else {
		push @$bad, $text;
	}
}

sub spelled {
	my ($name, $o) = @_;
	return ($o->{short} ? "-$o->{short}, " : '') . "--$name" . ($o->{arg} ? " $o->{arg}" : '');
}

# The commands `tlbbench help` lists.
my ($st, $out) = run_cmd($TLBBENCH, 'help');
is($st, 0, 'tlbbench help: exit 0');
my @commands = $out =~ /^  (\S+)\s/mg;
ok(@commands >= 10, scalar(@commands) . ' commands in tlbbench help: ' . join(' ', @commands));

# 2. A section per command, no section for a command that is not there.
my %listed = map { $_ => 1 } @commands;
my %documented = map { $_ => 1 } @ss_order;
my @undocumented = grep { !$documented{$_} } @commands;
my @unknown = grep { !$listed{$_} } @ss_order;
ok(!@undocumented, 'COMMANDS has a section for every command of tlbbench help')
	or diag('no .SS in COMMANDS for: ' . join(', ', @undocumented));
ok(!@unknown, 'COMMANDS has no section for a command tlbbench help does not list')
	or diag('.SS in COMMANDS for a command tlbbench help does not list: ' . join(', ', @unknown));

# --help and -h, documented once, before the commands' sections.
my (%general, @bad);
option_spelling($_, \%general, \@bad) for grep { /^-/ } tags($subsections{COMMANDS}{''});
is(spelled('help', $general{help} // {}), '-h, --help', 'COMMANDS documents -h, --help for every command');

for my $cmd (@commands) {
	my ($hs, $help, $herr) = run_cmd($TLBBENCH, $cmd, '--help');
	is($hs, 0, "$cmd --help: exit 0");
	my (%from_help, %from_page, @bad_help, @bad_page);
	for my $line (split /\n/, $help) {
		option_spelling($1, \%from_help, \@bad_help) if $line =~ /^  (-\S.*?)(?:\s{2,}.*)?$/;
	}
	is(spelled('help', delete $from_help{help} // {}), '-h, --help', "$cmd --help: -h, --help");
	ok(!@bad_help, "$cmd --help: every option line parses") or diag("unparsed: @bad_help");
	my ($usage) = $help =~ /^usage: (.*)$/m;

	next unless $documented{$cmd};
	my @lines = @{ $subsections{COMMANDS}{$cmd} };
	option_spelling($_, \%from_page, \@bad_page) for grep { /^-/ } tags(\@lines);
	ok(!@bad_page, "man $cmd: every option tag parses") or diag("unparsed: @bad_page");
	# The section opens with the usage line, as --help prints it.
	my @head;
	for (@lines) {
		last if /^\.(PP|TP|IP|LP|P)\b/;
		push @head, line_text($_);
	}
	is(join(' ', split(' ', join(' ', @head))), $usage, "man $cmd: the usage line of --help");

	my @missing = grep { !$from_page{$_} } sort keys %from_help;
	my @extra = grep { !$from_help{$_} } sort keys %from_page;
	my @unlike = map { spelled($_, $from_page{$_}) . ' (--help: ' . spelled($_, $from_help{$_}) . ')' }
		grep { $from_page{$_} && spelled($_, $from_page{$_}) ne spelled($_, $from_help{$_}) } sort keys %from_help;
	ok(!@missing, "man $cmd: documents every option of --help")
		or diag("$cmd: in --help, not in the man page: " . join(', ', map { "--$_" } @missing));
	ok(!@extra, "man $cmd: documents no option --help lacks")
		or diag("$cmd: in the man page, not in --help: " . join(', ', map { "--$_" } @extra));
	ok(!@unlike, "man $cmd: short letters and arguments as --help spells them")
		or diag("$cmd: spelled otherwise: " . join('; ', @unlike));
}

# 3. The config keys of run --help in CONFIGURATION FILES, each a .TP of "Sweep keys".
my ($run_st, $run_help) = run_cmd($TLBBENCH, 'run', '--help');
my ($keyline) = $run_help =~ /^Config keys \(--set\): (.*)$/m;
ok(defined $keyline, 'run --help lists the config keys');
my @keys = grep { /^\w+$/ } map { s/^for the whole run:\s*//r } split /[,;]\s*/, $keyline // '';
ok(@keys >= 10, scalar(@keys) . ' config keys');
my $config_text = join("\n", map { line_text($_) } @{ $sections{'CONFIGURATION FILES'} // [] });
ok($config_text =~ /(?<![\w.-])\Q$_\E(?![\w-])/, "CONFIGURATION FILES: $_") for @keys;
my %key_tags = map { $_ => 1 } tags($subsections{'CONFIGURATION FILES'}{'Sweep keys'});
my %keys = map { $_ => 1 } @keys;
my @keys_missing = grep { !$key_tags{$_} } @keys;
my @keys_extra = grep { !$keys{$_} } sort keys %key_tags;
ok(!@keys_missing, 'Sweep keys: a paragraph for every key of run --help')
	or diag('no .TP in Sweep keys for: ' . join(', ', @keys_missing));
ok(!@keys_extra, 'Sweep keys: no key run --help lacks') or diag('not in run --help: ' . join(', ', @keys_extra));

# The sign-off rule keys, as compare names them when it refuses an unknown one.
{
	my $dir = File::Temp::tempdir(CLEANUP => 1);
	open(my $fh, '>', "$dir/rules.ini") or die;
	print $fh "[rule r]\nmetric = wall_ns\nmax_regression = 1%\nno_such_rule_key = 1\n";
	close $fh;
	my ($cs, undef, $cerr) = run_cmd($TLBBENCH, 'compare', '--signoff', "$dir/rules.ini", $dir, $dir);
	is($cs, 2, 'compare --signoff with an unknown rule key: exit 2');
	my ($list) = $cerr =~ /unknown rule key 'no_such_rule_key' \(keys: ([^)]*)\)/;
	ok(defined $list, 'compare names the rule keys') or diag($cerr);
	my @rule_keys = split /,\s*/, $list // '';
	my %rule_tags = map { $_ => 1 } map { split /,\s*/ } tags($subsections{'CONFIGURATION FILES'}{'Sign-off rules'});
	my %rule_keys = map { $_ => 1 } @rule_keys;
	my @rmissing = grep { !$rule_tags{$_} } @rule_keys;
	my @rextra = grep { !$rule_keys{$_} } sort keys %rule_tags;
	ok(!@rmissing, 'Sign-off rules: a paragraph for every rule key') or diag('missing: ' . join(', ', @rmissing));
	ok(!@rextra, 'Sign-off rules: no key compare lacks') or diag('not a rule key: ' . join(', ', @rextra));
}

# 4. The SYNOPSIS names every command, and no other.
my $synopsis = join(' ', map { line_text($_) } @{ $sections{SYNOPSIS} // [] });
like($synopsis, qr/\btlbbench \Q$_\E(?![\w-])/, "SYNOPSIS: tlbbench $_") for @commands;
my @synopsis_unknown = grep { !$listed{$_} && $_ ne 'COMMAND' } $synopsis =~ /\btlbbench ([\w-]+)/g;
ok(!@synopsis_unknown, 'SYNOPSIS: no command tlbbench help does not list')
	or diag('in the SYNOPSIS, not in tlbbench help: ' . join(', ', @synopsis_unknown));

done_testing();
