#!/usr/bin/perl
# Bad input: a one-line error on stderr, nothing on stdout, exit status 2.
use strict;
use warnings;
use Test::More;
use FindBin;
require "$FindBin::Bin/lib.pl";
our $TLBBENCH;

my $cpus = cpu_count();
my $not_a_dir = File::Temp->new;
my @cases = (
	[ 'unknown command', [qw(frobnicate)], qr/unknown command 'frobnicate'/ ],
	[ 'an empty -x separator', ['run', '-x', ''], qr/^tlbbench: -x: an empty separator/ ],
	[ 'a config that is a directory', [qw(run -c /tmp)], qr/^tlbbench: -c \/tmp: a directory, not a file$/ ],
	[ 'unknown op', [qw(run --op munmapp)], qr/unknown op 'munmapp'/ ],
	[ 'unknown backing', [qw(run --backing tmpfs)], qr/unknown backing 'tmpfs'/ ],
	[ 'unknown touch', [qw(run --touch wet)], qr/unknown touch 'wet'/ ],
	[ 'unknown remote mode', [qw(run --cpus 1 --remote nap)], qr/unknown remote 'nap'/ ],
	[ 'size 0', [qw(run --size 0)], qr/bad size '0': must be above zero/ ],
	[ 'size garbage', [qw(run --size lots)], qr/bad size 'lots'/ ],
	[ 'size with a bad suffix', [qw(run --size 12Q)], qr/bad size '12Q': unknown suffix/ ],
	[ 'size not whole pages', [qw(run --size 1000)], qr/whole number of 4 KiB pages/ ],
	[ 'size larger than memory', [qw(run --size 64T)], qr/larger than this machine can hold: MemAvailable/ ],
	[ 'cpus above the CPUs available', [ 'run', '--cpus', $cpus + 1 ],
	  qr/--cpus \d+: \d+ CPUs asked, only $cpus CPUs are available/ ],
	[ 'cpus 0', [qw(run --cpus 0)], qr/bad CPU count '0'/ ],
	[ 'iterations 0', [qw(run --iterations 0)], qr/--iterations 0: bad iterations '0'/ ],
	[ 'unknown placement', [qw(run --placement tight)], qr/--placement tight: .*tight/ ],
	[ 'placement list naming a missing PU', [qw(run --cpus 2 --placement pus:0+4095)], qr/4095/ ],
	[ 'bad --set', [qw(run --set size)], qr/--set 'size': want KEY=VALUE/ ],
	[ 'unknown --set key', [qw(run --set sise=1G)], qr/--set sise=1G: unknown key 'sise'/ ],
	[ 'unexpected argument', [qw(run extra)], qr/unexpected argument 'extra'/ ],
	[ 'unknown populate', [qw(run --populate prefault)], qr/unknown populate 'prefault'/ ],
	[ 'dirty_tables not a share or count', [qw(run --dirty-tables half)], qr/bad dirty_tables 'half'/ ],
	[ 'dirty_tables over 100 %', [qw(run --dirty-tables 101%)], qr/bad dirty_tables '101%'/ ],
	[ 'dirty_tables on anon', [qw(run --backing anon --dirty-tables 50%)],
	  qr/--dirty-tables 50%: dirty_tables on anon: anon pages are never force-flushed/ ],
	[ 'dirty_tables on thp', [qw(run --backing thp --dirty-tables 50%)], qr/dirty_tables on thp: PMD-mapped/ ],
	[ 'dirty_tables with touch=dirty', [qw(run --touch dirty --dirty-tables 50%)],
	  qr/--touch dirty: touch=dirty with dirty_tables \(--dirty-tables 50%\)/ ],
	[ 'dirty_tables over the page tables', [qw(run --size 64M --dirty-tables 33)],
	  qr/dirty_tables 33: a mapping of 64 MiB has only 32 page tables/ ],
	[ 'dirty_tables with flush_cost', [qw(run --op flush_cost --size 8K --dirty-tables 1)],
	  qr/dirty_tables with op flush_cost/ ],
	[ 'file directory that does not exist', [qw(run --backing file --dir /nonexistent/tlbbench)],
	  qr/--dir \/nonexistent\/tlbbench: cannot create a backing file in '\/nonexistent\/tlbbench'/ ],
	[ 'file directory that is a file', [ 'run', '--backing', 'file', '--dir', $not_a_dir->filename ],
	  qr/--dir \S+: cannot create a backing file in/ ],
	[ 'file directory not writable (read-only /proc)', [qw(run --backing file --dir /proc)],
	  qr/--dir \/proc: cannot create a backing file in '\/proc'/ ],
);

for my $case (@cases) {
	my ($name, $args, $message) = @$case;
	my ($status, $out, $err) = run_cmd($TLBBENCH, @$args, '-o', '/nonexistent-should-not-be-created');
	is($status, 2, "$name: exit status 2");
	like($err, qr/\Atlbbench( [a-z]+)?: .*\n\z/, "$name: one line on stderr") or diag($err);
	like($err, $message, "$name: says why");
	is($out, '', "$name: nothing on stdout");
}
ok(!-e '/nonexistent-should-not-be-created', 'no result directory was created for bad input');
{
	my ($status, $out, $err) = run_cmd($TLBBENCH, qw(compare --signoff /tmp /tmp /tmp));
	is($status, 2, 'sign-off rules that are a directory: exit status 2');
	is($err, "tlbbench: /tmp: a directory, not a file\n", 'sign-off rules that are a directory: says so');
}

# hugetlb without reserved huge pages: skipped with the reason, not an error.
SKIP: {
	my ($free) = main::slurp('/proc/meminfo') =~ /HugePages_Free:\s+(\d+)/;
	skip 'huge pages are reserved here', 4 if !defined $free || $free > 0;
	my ($status, $out, $err, $dir) = tlbbench_run(qw(--backing hugetlb --size 64M --iterations 1 --warmup 0));
	is($status, 0, 'hugetlb without reserved pages: exit 0');
	like($err, qr/skipped: hugetlb: 0 free 2 MiB huge pages reserved, 32 needed/, 'hugetlb: says why it skipped');
	like($out, qr/munmap\s+hugetlb.*skipped: hugetlb/, 'hugetlb: the table shows the skip');
	my ($case) = map { JSON::PP::decode_json($_) } split /\n/, slurp("$dir/cases.jsonl");
	is($case->{status}, 'skipped', 'hugetlb: cases.jsonl records the skip');
}
# An output directory the system will not make is no bad input (2) but a
# system failure: exit 3, for run and race alike.
for my $cmd (['run', qw(--op munmap --backing anon --size 2M --iterations 1 --warmup 0)],
	     ['race', qw(--dir /var/tmp --time 1)]) {
	my ($status, $out, $err) = run_cmd($TLBBENCH, @$cmd, '-o', '/proc/no-such-dir/results');
	is($status, 3, "$cmd->[0]: an output directory that cannot be made: exit 3");
	like($err, qr/cannot create '?[^\n]*\/proc\/no-such-dir\/results'?: No such file or directory\n\z/,
	     "$cmd->[0]: an output directory that cannot be made: says so");
}
done_testing();
