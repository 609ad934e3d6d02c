#!/usr/bin/perl
# Remote CPUs: with a thread of the process spinning on another CPU, every
# flush of the op reaches it as one shootdown IPI; a sleeping (lazy-TLB) CPU
# is skipped except for the flush that frees page tables.
#
# What the kernel guarantees, and so what holds on a busy machine too: the
# TLB line of /proc/interrupts counts every shootdown a CPU received, from any
# task, so it is a lower bound of ours, never an upper one. Only while
# nothing else ran on either CPU (no context switch of the op's task, none on
# the remote CPU: CPU-wide context-switches) are the received IPIs all ours
# and the spinning thread surely running in the guest: then a spinning CPU
# gets one IPI per flush (+2 for kernel flushes of softirqs), and an idle one
# at most the page-table frees. A KVM guest with paravirt TLB flush skips the
# IPI to a vCPU the host has preempted, so there the count is only an upper
# bound (meta.json: info.hypervisor.kvm_pv_tlb_flush).
use strict;
use warnings;
use Test::More;
use FindBin;
require "$FindBin::Bin/lib.pl";

require_tracepoint();
plan(skip_all => 'needs 2 CPUs') if cpu_count() < 2;

my ($status, $out, $err, $dir) = tlbbench_run(split(' ', '--op munmap --backing shmem,anon --touch dirty --size 256M --cpus 2 --remote spin,idle --iterations 5 --warmup 1'));
is($status, 0, 'run exits 0') or diag($err);
my @samples = read_samples($dir);
is(scalar @samples, 4 * 5, '5 samples for each of 4 cases');
my $pv_flush = read_json("$dir/meta.json")->{info}{hypervisor}{kvm_pv_tlb_flush};
my ($quiet, $busy) = (0, 0);
for my $s (@samples) {
	my $case = "$s->{op} $s->{backing} $s->{touch} remote=$s->{remote_mode}";
	is(scalar @{$s->{remote_cpus}}, 1, "$case: one remote CPU");
	my $remote = $s->{remote_cpus}[0];
	isnt($remote, $s->{measure_cpu}, "$case: the remote thread runs on another CPU");
	my $received = $s->{ipis_by_cpu}{$remote};
	cmp_ok($s->{ipis}, '>=', $received, "$case: all CPUs received at least what the remote CPU did");
	is($s->{ipis_per_remote_cpu}, $received, "$case: ipis_per_remote_cpu is the remote CPU's count");
	my $local_switches = $s->{events}{context_switches};
	my $remote_switches = ($s->{events_remote_cpus} // {})->{context_switches};
	if (!defined $local_switches || !defined $remote_switches || $local_switches + $remote_switches > 0) {
		$busy++;
		next;
	}
	$quiet++;
	if ($s->{remote_mode} eq 'spin') {
		cmp_ok($received, '<=', $s->{flushes} + 2,
		       "$case, no context switch: $received IPIs received for $s->{flushes} flushes (at most one per flush)");
		cmp_ok($received, '>=', $s->{flushes}, "$case, no context switch, no PV flush: one IPI per flush")
			unless $pv_flush;
	} else {
		cmp_ok($received, '<=', 2, "$case, no context switch: the lazy-TLB CPU got $received IPIs (page-table frees)");
	}
}
diag("$quiet samples ran without a context switch on either CPU and were held to one IPI per flush"
     . ($pv_flush ? " at most (KVM paravirt TLB flush here)" : "") . "; $busy shared a CPU with other work");
done_testing();
