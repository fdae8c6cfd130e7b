# SPDX-License-Identifier: GPL-2.0
#
# gnuplot script for fastipc-bench's data files (bench-plot.sh runs it):
#   gnuplot -e "in='DIR/latency.dat'; out='DIR/latency-p50.svg'; \
#               kind='latency'; col=2" tools/bench/bench-plot.gp
# kind 'latency': round trip (us, column col: 2 p50, 3 p99) against the
# request size, log-log, a line per mechanism (a block of the file each,
# titled by its first line). kind 'throughput': round trips per second of
# all pairs together against the pair count (sz: the request size, for
# the title). fmt='png' writes PNG
# instead of SVG.

if (!exists("in") || !exists("out") || !exists("kind")) {
	print "bench-plot.gp: error: set in, out and kind with -e"
	exit status 2
}
if (!exists("col")) col = 2
if (!exists("fmt")) fmt = "svg"

if (fmt eq "png") {
	set terminal pngcairo size 1000,650 enhanced font "sans,10"
} else {
	set terminal svg size 1000,650 dynamic enhanced font "sans,12"
}
set output out
set key outside right top noenhanced
set grid
stats in using 1 nooutput
nblocks = STATS_blocks

if (kind eq "latency") {
	set title sprintf("fastipc-bench: round trip %s against request size", \
		col == 2 ? "p50" : "p99")
	set logscale xy
	set format x "%.0s%cB"
	set xlabel "request bytes (8-byte reply)"
	set ylabel "round trip (us)"
	plot for [i=0:nblocks-1] in index i using 1:col with linespoints \
		title columnheader(1)
} else {
	set title sprintf("fastipc-bench: round trips per second, all pairs " . \
		"together, %s-byte requests", exists("sz") ? sz : "?")
	set xlabel "client/server pairs"
	set ylabel "round trips per second"
	set logscale x 2
	set xtics (1, 2, 4, 8)
	set xrange [0.8:10]
	set yrange [0:*]
	plot for [i=0:nblocks-1] in index i using 1:2 with linespoints \
		title columnheader(1)
}
