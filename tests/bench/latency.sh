#!/usr/bin/env bash
# Keystroke-to-screen latency through the impairment proxy at 50, 200 and
# 500 ms RTT (half the RTT each way), our client and the stock client
# against the same server (the stock mosh-server unless LAT_SERVER=ours),
# default prediction mode (adaptive). A shell runs in the session; tmux
# types one key at a time at a human pace (LAT_KEYS keys per run, default
# 60; 120-270 ms after a key shows) and polls capture-pane until the
# prompt line shows it. bash for $EPOCHREALTIME: polling forks only tmux.
# One sample (ms) per line in $BENCH_OUT/lat-CLIENT-RTT.txt.
# Prints Markdown rows: share < 30 ms, median, p95.
. "$(dirname "$0")/lib.sh"
b_have_stock || { echo "| latency | skipped: stock mosh not installed | | | | |"; exit 0; }
KEYS=${LAT_KEYS:-60}
RTTS=${LAT_RTTS:-50 200 500}
SRV=${LAT_SERVER:-stock}
FAST=30

now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }
letters=abcdefghijklmnopqrstuvwxyz

# measure WINDOW OUTFILE: type KEYS keys, lines of "#" + 2 letters encoding
# the line number (so every line is unique) + 8 letters, then Enter.
measure() {
	local win=$1 out=$2 n=0 line=0 typed k t0 t1 dt scr want i
	: >"$out"
	while [ "$n" -lt "$KEYS" ]; do
		typed=
		word="#${letters:$((line / 26 % 26)):1}${letters:$((line % 26)):1}"
		for ((i = 0; i < 8; i++)); do
			word+=${letters:$(((line * 7 + i * 3) % 26)):1}
		done
		for ((i = 0; i < ${#word} && n < KEYS; i++)); do
			k=${word:$i:1}
			typed+=$k
			want="\$ $typed"
			t0=$(now_us)
			bt send-keys -t "$win" -l "$k"
			while :; do
				scr=$'\n'$(bt capture-pane -p -t "$win")$'\n'
				t1=$(now_us)
				[[ $scr == *$'\n'"$want"$'\n'* ]] && break
				if [ $((t1 - t0)) -gt 3000000 ]; then break; fi
			done
			dt=$(((t1 - t0) / 1000))
			echo "$dt" >>"$out"
			n=$((n + 1))
			sleep "0.$((12 + RANDOM % 15))"
		done
		bt send-keys -t "$win" Enter
		line=$((line + 1))
		sleep 0.3
	done
}

# stats FILE: "fast% median p95"
stats() {
	sort -n "$1" | awk -v f=$FAST '{ v[NR] = $1; if ($1 < f) q++ }
	    END { if (!NR) { print "n/a n/a n/a"; exit }
		m = v[int((NR + 1) / 2)]; p = v[int(NR * 0.95 + 0.999)]
		printf "%.0f %d %d\n", 100 * q / NR, m, p }'
}

for rtt in $RTTS; do
	for cli in ours stock; do
		tag=lat-$cli-$rtt
		b_server "$SRV" "$tag" env PS1='$ ' /bin/sh || { echo "| latency $rtt ms: server failed | | | | | |"; continue; }
		spid=$SRV_PID
		b_proxy "$tag" "$SRV_PORT" --delay $((rtt / 2)) --seed 1 || continue
		b_client "$cli" "$tag" "$PX_PORT" || continue
		b_wait "$tag" '^\$ ?$' 100
		# Warm up as a user would: a few keys, so the RTT estimate and
		# the prediction engine settle before the measured keys.
		for k in e c h o; do bt send-keys -t "$tag" -l "$k"; sleep 0.3; done
		bt send-keys -t "$tag" C-u; sleep 1
		bt send-keys -t "$tag" Enter; sleep 1
		measure "$tag" "$BENCH_OUT/$tag.txt"
		b_end_session "$tag" "$spid"
		kill "$PX_PID" 2>/dev/null
	done
	read -r of om op <<<"$(stats "$BENCH_OUT/lat-ours-$rtt.txt")"
	read -r sf sm sp <<<"$(stats "$BENCH_OUT/lat-stock-$rtt.txt")"
	# At least as good as stock: as large a share shown at once, and a
	# median no later than stock's plus the polling resolution (5 ms).
	g=$(awk -v a="$of" -v b="$sf" -v am="$om" -v bm="$sm" 'BEGIN {
		t = "(share >= stock, median <= stock + 5 ms)"
		if (a + 0 >= b + 0 && am + 0 <= bm + 5) print "met " t; else print "NOT met " t }')
	echo "| keystroke shown < ${FAST} ms, ${rtt} ms RTT ($KEYS keys, $SRV server) | ${of}% | | ${sf}% | $(ratio "$of" "$sf") | $g |"
	echo "| keystroke delay median / p95, ${rtt} ms RTT (ms) | $om / $op | | $sm / $sp | $(ratio "$om" "$sm") | |"
done

# The distributions as CDFs, one line per client per RTT.
if command -v gnuplot >/dev/null; then
	plot= sep=
	c=1
	for rtt in $RTTS; do
		for cli in ours stock; do
			f=$BENCH_OUT/lat-$cli-$rtt.txt
			[ -s "$f" ] || continue
			nn=$(wc -l <"$f")
			dt=1; [ $cli = stock ] && dt=2
			plot+="$sep'$f' using (\$1 < 1 ? 1 : \$1):(1.0/$nn) smooth cumulative with steps lc $c dt $dt lw 2 title '$cli client, $rtt ms RTT'"
			sep=", "
		done
		c=$((c + 1))
	done
	gnuplot <<GP 2>"$B_TMP/gnuplot.err" || sed 's/^/# gnuplot: /' "$B_TMP/gnuplot.err" >&2
set terminal pngcairo size 900,560 noenhanced
set output '$BENCH_OUT/latency.png'
set title 'Keystroke to screen (tmux), through impair; $(date -u +%F) $(uname -n), $SRV mosh-server'
set logscale x
set xrange [1:4000]
set yrange [0:1.02]
set xlabel 'delay (ms, log)'
set ylabel 'share of keystrokes shown'
set key right bottom
set grid
set arrow from first $FAST, graph 0 to first $FAST, graph 1 nohead dt 3 lw 2 lc rgb 'gray40'
set label '$FAST ms' at first $FAST, graph 0.05 offset 0.5,0
plot $plot
GP
fi
