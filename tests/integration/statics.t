#!/usr/bin/perl
# No large statics in tlbbench: every object in .bss and .data is under
# 64 KiB (nm -S), so what a run needs is sized to it on the heap, and
# nothing large sits in memory the forked exit children inherit.
use strict;
use warnings;
use Test::More;
use FindBin;
require "$FindBin::Bin/lib.pl";

our $TLBBENCH;
my ($nm) = grep { -x } map { "$_/nm" } split /:/, $ENV{PATH};
plan skip_all => 'no nm (binutils) here' unless $nm;
my ($status, $out, $err) = run_cmd($nm, '-S', '-C', $TLBBENCH);
is($status, 0, 'nm -S reads tlbbench') or diag($err);
my @data = grep { $_->[2] =~ /^[bBdD]$/ } map { [ split ' ' ] } grep { /^\S+ \S+ [bBdD] / } split /\n/, $out;
ok(@data > 10, scalar(@data) . ' data and bss objects listed');
my @large = grep { hex($_->[1]) >= 64 * 1024 } @data;
# ASan's and UBSan's runtimes (make check) bring large tables of their own.
@large = grep { $_->[3] !~ /^(__asan|__ubsan|__sanitizer|__lsan|_ZN\w*sanitizer|__interception)/ && $_->[3] !~ /::/ } @large;
is_deeply([ map { "$_->[3] (" . hex($_->[1]) . " bytes)" } @large ], [], 'no static object of 64 KiB or more');
done_testing();
