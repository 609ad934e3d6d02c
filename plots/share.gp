# The forced flushes' estimated share of a dirty shmem teardown: per op and CPU
# count, the measured dirty time as a bar whose red part is the estimated
# forced-flush cost (when positive), the clean shmem time, and the estimated
# deferred variant (dirty - flush cost: above the bar when forced flushes
# saved time). Set by `tlbbench plot`: datafile, outbase, subtitle.
# Columns: label, flush cost shown (ms, >= 0), rest of the dirty op, clean ms, deferred ms.
do for [term in "pngcairo svg"] {
	if (term eq "pngcairo") { set terminal pngcairo size 1000,640 enhanced font "sans,10"; set output outbase.".png" }
	if (term eq "svg") { set terminal svg size 1000,640 enhanced font "sans,10"; set output outbase.".svg" }
	set title "Forced flushes in a dirty shmem teardown: estimated cost against the rest of the op\n{/*0.8 ".subtitle."}"
	set ylabel "ms per op (medians)" noenhanced
	set style data histograms
	set style histogram rowstacked
	set style fill solid 0.8 border -1
	set boxwidth 0.6
	set key top left inside box opaque noenhanced
	set grid y
	stats datafile using ($2 + $3) nooutput
	set yrange [0:STATS_max * 1.45] # room for the key above the bars
	set xtics rotate by -35 noenhanced font ",9"
	plot datafile using 2:xtic(1) title "estimated forced-flush cost (extra flushes x price)" lc rgb "red", \
		"" using 3 title "rest of the dirty op (bar: dirty time, measured)" lc rgb "steelblue", \
		"" using 0:4 with points pt 7 ps 1.5 lc rgb "black" title "clean shmem, whole op (measured)", \
		"" using 0:5 with points pt 12 ps 2 lw 2 lc rgb "dark-orange" title "deferred variant: dirty - flush cost (estimate)"
}
