# A before/after comparison: % change of time per GiB for each case with its
# 95 % CI, coloured by verdict. Set by `tlbbench plot BASE NEW`: datafile,
# outbase, subtitle, ncases. Columns: index, change %, lo %, hi %, verdict
# (0 no significant change, 1 significantly faster, 2 significantly slower), label.
do for [term in "pngcairo svg"] {
	if (term eq "pngcairo") { set terminal pngcairo size 1000,200+22*ncases enhanced font "sans,9"; set output outbase.".png" }
	if (term eq "svg") { set terminal svg size 1000,200+22*ncases enhanced font "sans,9"; set output outbase.".svg" }
	set title "Change of time per GiB, new against base (median ratio, 95 % bootstrap CI)\n{/*0.8 ".subtitle."}"
	set xlabel "change of time per GiB (%)"
	set ylabel ""
	set grid x
	set yrange [-1:ncases]
	set ytics font ",8" noenhanced
	set key below
	set arrow 1 from 0, graph 0 to 0, graph 1 nohead lc rgb "black"
	plot datafile using 2:1:3:4:ytic(6) with xerrorbars pt 7 lc rgb "gray50" title "no significant change (Mann-Whitney p >= 0.01 for the case, unadjusted)", \
		"" using ($5 == 1 ? $2 : 1/0):1:3:4 with xerrorbars pt 7 lc rgb "forest-green" title "significantly faster", \
		"" using ($5 == 2 ? $2 : 1/0):1:3:4 with xerrorbars pt 7 lc rgb "red" title "significantly slower"
}
