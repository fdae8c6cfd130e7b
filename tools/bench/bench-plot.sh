#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# bench-plot.sh DIR: the plots of a fastipc-bench -o DIR run, as SVG in
# DIR, with bench-plot.gp:
#   latency-p50.svg, latency-p99.svg  round trip against size, log-log
#   throughput-SIZE.svg               round trips per second against pairs
# Needs gnuplot (Debian: gnuplot-nox, installed by make deps). Exits
# non-zero if DIR has no data or gnuplot fails.
set -u

ME=bench-plot
HERE=$(cd "$(dirname "$0")" && pwd)
GP=$HERE/bench-plot.gp

fail()
{
	echo "$ME: error: $*" >&2
	exit 1
}

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
DIR=$1
command -v gnuplot >/dev/null ||
	fail "gnuplot not found: install gnuplot-nox (make deps)"
[ -s "$DIR/latency.dat" ] || fail "$DIR/latency.dat is missing or empty"

# plot IN OUT KIND COL [SIZE]
plot()
{
	gnuplot -e "in='$1'; out='$2'; kind='$3'; col=$4; sz='${5:-}'" \
		"$GP" || fail "gnuplot failed on $1"
	echo "$ME: wrote $2"
}

plot "$DIR/latency.dat" "$DIR/latency-p50.svg" latency 2
plot "$DIR/latency.dat" "$DIR/latency-p99.svg" latency 3
for f in "$DIR"/throughput-*.dat; do
	[ -s "$f" ] || continue
	size=${f##*/throughput-}
	plot "$f" "${f%.dat}.svg" throughput 2 "${size%.dat}"
done
