# Flushes per GiB and IPIs per GiB against CPU count, one line per series.
# Set by `tlbbench plot`: datafile, outbase, subtitle, allblocks, alltitles.
do for [term in "pngcairo svg"] {
	if (term eq "pngcairo") { set terminal pngcairo size 1100,640 enhanced font "sans,10"; set output outbase.".png" }
	if (term eq "svg") { set terminal svg size 1100,640 enhanced font "sans,10"; set output outbase.".svg" }
	set multiplot layout 1,2 title "TLB flushes the op started, and shootdown IPIs received\n{/*0.8 ".subtitle."}"
	set xlabel "CPUs (measuring thread + remote threads)"
	set grid
	set xtics 1
	set offsets 0.3, 0.3, 0, 0
	set yrange [0:*]
	set key below font ",8"
	set title "flushes per GiB (median, 95 % CI)"
	set ylabel "tlb:tlb_flush (local MM shootdown) per GiB" noenhanced
	plot for [j=1:words(allblocks)] datafile index (word(allblocks, j) + 0) \
		using 1:5:6:7 with yerrorlines lw 1.5 title word(alltitles, j) noenhanced
	set title "shootdown IPIs per GiB, all CPUs (median, 95 % CI)"
	set ylabel "TLB shootdowns (/proc/interrupts) per GiB"
	plot for [j=1:words(allblocks)] datafile index (word(allblocks, j) + 0) \
		using 1:8:9:10 with yerrorlines lw 1.5 title word(alltitles, j) noenhanced
	unset multiplot
}
