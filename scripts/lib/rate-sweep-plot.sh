#!/bin/bash
# Plot of scripts/loadgen-rate-sweep.sh: achieved setups/s and p99 latency against offered setups/s for both
# responders, from OUT/sweep.dat (written by rate-sweep-table.py) to OUT/rate-sweep.png.
# gnuplot is a bench-only dependency: installed here (Debian gnuplot-nox) when missing, not by install-test-deps.sh.
#   scripts/lib/rate-sweep-plot.sh bench/results/rate-sweep-<UTC>
set -eu
OUT=$1
command -v gnuplot >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnuplot-nox >/dev/null; }
# the first line of runs.txt (settings, load average), with "_" escaped for gnuplot's enhanced text
TITLE=$(head -1 "$OUT/runs.txt" | sed 's/"//g; s/_/\\\\_/g' | cut -c1-190)
gnuplot <<GP
set terminal pngcairo size 1000,900 font "Sans,10"
set output "$OUT/rate-sweep.png"
set datafile missing "nan"
set key top left
set grid
set multiplot layout 2,1 title "IKEv2 setups against offered load, strongSwan (kernel-libipsec) vs Concentrator (userspace dataplane)\n{/*0.8 $TITLE}"
set xlabel "offered setups/s (rate mode)"
set ylabel "achieved setups/s (median)"
set xrange [0:*]
set yrange [0:*]
plot "$OUT/sweep.dat" using 1:1 with lines dt 2 lc rgb "gray" title "offered", \
     "" using 1:2 with linespoints pt 7 lc rgb "#d62728" title "strongSwan 5.9", \
     "" using 1:5 with linespoints pt 5 lc rgb "#1f77b4" title "Concentrator", \
     "" using 1:(\$4 > 0 ? \$2 : 1/0) with points pt 6 ps 2.5 lc rgb "#d62728" title "strongSwan: some setups failed", \
     "" using 1:(\$7 > 0 ? \$5 : 1/0) with points pt 4 ps 2.5 lc rgb "#1f77b4" title "Concentrator: some setups failed"
set ylabel "p99 setup latency, ms (median, log scale)"
set logscale y
set yrange [*:*]
plot "$OUT/sweep.dat" using 1:3 with linespoints pt 7 lc rgb "#d62728" title "strongSwan 5.9", \
     "" using 1:6 with linespoints pt 5 lc rgb "#1f77b4" title "Concentrator"
unset multiplot
GP
echo "plot: $OUT/rate-sweep.png"
