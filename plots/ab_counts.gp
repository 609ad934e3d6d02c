# A/B of the counts: flushes and shootdown IPIs per GiB of every case both
# runs have, the base's bar beside the new one's, on a log scale (a forced
# flush per page table against batched ones is a factor of ~18). Set by
# `tlbbench plot BASE NEW`: datafile (index, then median lo hi of base and new
# flushes per GiB, base and new IPIs per GiB, label; NaN where unread), outbase, subtitle,
# ncases, basename, newname. A count of 0 (or unread) has no place on a log
# scale: its bar is empty.
bar(v) = (v > 0 ? v : 1)
do for [term in "pngcairo svg"] {
	if (term eq "pngcairo") { set terminal pngcairo size 700+40*ncases,1000 enhanced font "sans,9"; set output outbase.".png" }
	if (term eq "svg") { set terminal svg size 700+40*ncases,1000 enhanced font "sans,9"; set output outbase.".svg" }
	set multiplot layout 2,1 title "Flushes and shootdown IPIs per GiB, base beside new (medians)\n{/*0.8 ".subtitle."}"
	set style data histogram
	set style histogram clustered gap 1
	set style fill solid 0.8 border -1
	set boxwidth 0.9
	set logscale y 10
	set yrange [1:*]
	set grid ytics mytics
	set key outside right top noenhanced
	set lmargin at screen 0.08
	set rmargin at screen 0.82
	# The case labels only under the lower panel; the clusters line up, one per case in both.
	set bmargin 1
	unset xtics
	set title "flushes per GiB (tlb:tlb\\_flush, the op's own)"
	plot datafile using (bar($2)) title basename lc rgb "gray40", "" using (bar($5)) title newname lc rgb "dark-orange"
	set bmargin 18
	set xtics rotate by -40 left font ",8" noenhanced
	set title "shootdown IPIs per GiB (/proc/interrupts TLB; empty: 0 or unread)"
	plot datafile using (bar($8)):xtic(14) title basename lc rgb "gray40", "" using (bar($11)) title newname lc rgb "dark-orange"
	unset multiplot
}
