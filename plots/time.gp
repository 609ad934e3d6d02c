# Time per GiB against CPU count: one panel per op, one line per series, 95 % CI bars.
# Set by `tlbbench plot`: datafile, outbase, subtitle, ops, blocksN/titlesN for op N.
nops = words(ops)
do for [term in "pngcairo svg"] {
	if (term eq "pngcairo") { set terminal pngcairo size 480*nops+80,600 enhanced font "sans,10"; set output outbase.".png" }
	if (term eq "svg") { set terminal svg size 480*nops+80,600 enhanced font "sans,10"; set output outbase.".svg" }
	set multiplot layout 1,nops title "Time per GiB of the teardown, by CPU count\n{/*0.8 ".subtitle."}"
	do for [i=1:nops] {
		blocks = value(sprintf("blocks%d", i))
		titles = value(sprintf("titles%d", i))
		set title word(ops, i) noenhanced
		set xlabel "CPUs (measuring thread + remote threads)"
		set ylabel "ms per GiB (median, 95 % CI)"
		set key below
		set grid
		set xtics 1
		set offsets 0.3, 0.3, 0, 0
		set yrange [0:*]
		plot for [j=1:words(blocks)] datafile index (word(blocks, j) + 0) \
			using 1:($2/1e6):($3/1e6):($4/1e6) with yerrorlines lw 1.5 title word(titles, j) noenhanced
	}
	unset multiplot
}
