# The forced flushes' estimated share of a dirty shmem teardown: per op and CPU
# count, the estimated flush cost stacked on the rest of the op, beside the
# clean shmem time. Set by `tlbbench plot`: datafile, outbase, subtitle.
# Columns: label, est. flush cost ms, rest ms (dirty - flush cost), clean ms.
do for [term in "pngcairo svg"] {
	if (term eq "pngcairo") { set terminal pngcairo size 900,560 enhanced font "sans,10"; set output outbase.".png" }
	if (term eq "svg") { set terminal svg size 900,560 enhanced font "sans,10"; set output outbase.".svg" }
	set title "Forced flushes in a dirty shmem teardown: estimated cost against the rest of the op\n{/*0.8 ".subtitle."}"
	set ylabel "ms (medians); flush cost = extra flushes x ns per flush (in situ, else flush_cost)" noenhanced
	set style data histograms
	set style histogram rowstacked
	set style fill solid 0.8 border -1
	set boxwidth 0.6
	set key below
	set grid y
	set yrange [0:*]
	set xtics rotate by -20 noenhanced
	plot datafile using 2:xtic(1) title "estimated forced-flush cost (dirty)" lc rgb "red", \
		"" using 3 title "rest of the dirty op" lc rgb "steelblue", \
		"" using 0:4 with points pt 7 ps 1.5 lc rgb "black" title "clean shmem, whole op"
}
