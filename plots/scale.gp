# Shootdown IPIs per GiB of dirty shmem against CPUs, one panel per op: each
# kernel with remote threads spinning (solid: every flush reaches them) and
# idle (dashed: lazy TLB, only the page-table-free flush does). Set by
# kernel/scale.sh: datafile (kernel/scale-table.pl --data: blocks "# OP
# KERNEL REMOTE" of k, IPIs/GiB, flushes/GiB) and outbase. Counts from TCG
# guests: exact; no times are plotted. A count of 0 has no place on the log
# scale and is not drawn.
kernels = system("awk '/^# (munmap|madv_dontneed) /{print $3}' ".datafile." | awk '!seen[$0]++' | paste -sd' '")
ops = "munmap madv_dontneed"
remote(j) = j % 2 ? "idle" : "spin"
# Series j: a colour per kernel, solid and filled for spin, dashed and open for idle.
# Points shrink from kernel to kernel, so that equal counts (idle) show every kernel's.
do for [j = 0:15] { set style line j + 1 lc j / 2 + 1 dt j % 2 + 1 pt j % 2 ? 6 : 7 ps 1.8 - 0.3 * (j / 2) }
do for [term in "pngcairo svg"] {
	if (term eq "pngcairo") { set terminal pngcairo size 1200,520 enhanced font "sans,9"; set output outbase.".png" }
	if (term eq "svg") { set terminal svg size 1200,520 enhanced font "sans,9"; set output outbase.".svg" }
	set multiplot layout 1,2 title "Shootdown IPIs per GiB of dirty shmem against CPUs (guests' own counters; TCG: counts exact, times emulated)"
	set logscale x 2
	set logscale y 10
	set xlabel "CPUs holding the mm (measuring thread + remote threads)"
	set ylabel "IPIs per GiB"
	set grid xtics ytics mytics
	set key top left
	do for [op in ops] {
		set title (op eq "munmap" ? "munmap  {/*0.8 (idle: the page-table-free flush only)}" : "MADV\\_DONTNEED  {/*0.8 (idle: 0 IPIs, not drawn on the log scale)}")
		plot for [j = 0:2 * words(kernels) - 1] datafile index (op." ".word(kernels, j / 2 + 1)." ".remote(j)) \
			using 1:($2 > 0 ? $2 : NaN) with linespoints ls j + 1 \
			title word(kernels, j / 2 + 1)." ".remote(j) noenhanced
	}
	unset multiplot
}
