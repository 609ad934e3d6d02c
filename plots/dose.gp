# Dose-response: time per GiB of the teardown against forced flushes per GiB,
# one series per fit (op, backing, populate, CPU count, placement, remote), the
# fitted least-squares line, and its slope (the in-situ cost of one forced
# flush) with the bootstrap 95 % CI in the key. Set by `tlbbench plot`:
# datafile (points: flushes/GiB median lo hi, ns/GiB median lo hi), linefile
# (two points of each fitted line), titles[], outbase, subtitle.
do for [term in "pngcairo svg"] {
	if (term eq "pngcairo") { set terminal pngcairo size 900,600 enhanced font "sans,10"; set output outbase.".png" }
	if (term eq "svg") { set terminal svg size 900,600 enhanced font "sans,10"; set output outbase.".svg" }
	set title "Dose-response: teardown time against forced flushes (first page of k page tables dirtied)\n{/*0.8 ".subtitle."}"
	set xlabel "forced + batched flushes per GiB (median, 95 % CI)" noenhanced
	set ylabel "ms per GiB (median, 95 % CI); line: least squares" noenhanced
	set key below noenhanced
	set grid
	set yrange [0:*]
	plot for [i=1:|titles|] datafile index (i-1) using 1:($4/1e6):2:3:($5/1e6):($6/1e6) with xyerrorbars \
		pt 7 lc i title titles[i], \
	     for [i=1:|titles|] linefile index (i-1) using 1:($2/1e6) with lines lw 2 lc i notitle
}
