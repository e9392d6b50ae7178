#!/bin/sh
# Native scrollback's cost where it is largest: `cat` of a big file
# (SCROLL_LINES numbered lines, default 3,000,000: about 21 MB) in a
# session of our server and client, with scrollback on and off
# (MOSH_SCROLLBACK=no), interleaved, SCROLL_REPS times (default 7: one
# run differs from the next by more than the cost measured). Each run:
# the time from Enter to the client's screen showing the last line, and
# the server's and the client's CPU over it. Then echo while output pours:
# tests/tools/flood_echo floods a scroll region and draws each key it
# reads on row 1; ECHO_KEYS keys (default 20) are typed during the flood,
# each timed from send-keys to row 1 showing it. The goal: screen
# updates and echo no slower with it on; the cat's own time shows what
# keeping every line costs.
. "$(dirname "$0")/lib.sh"
N=${SCROLL_LINES:-3000000}
KEYS=${ECHO_KEYS:-20}
FLOOD=$TOP/$BUILD/tests/tools/flood_echo
now_ns() { date +%s%N; }
REPS=${SCROLL_REPS:-7}
seq 1 "$N" >"$B_TMP/big"
now_ms() { date +%s%3N; }

# one on|off: a fresh session, one cat; prints "MS SERVER_MS CLIENT_MS
# UPDATES_PER_S": UPDATES_PER_S counts the different screens the user saw
# while the cat ran (its top line, read every 10 ms), per second.
one() {
	b_server ours "sb-$1" env PS1='$ ' sh || return 1
	env=
	[ "$1" = off ] && env=MOSH_SCROLLBACK=no
	# shellcheck disable=SC2086
	b_client ours "sb-$1" "$SRV_PORT" $env || return 1
	b_wait "sb-$1" '^\$ ?$' 100 || return 1
	c0=$(b_cpu_ms "$SRV_PID")
	t0=$(now_ms)
	k0=$(b_cpu_ms "$CLI_PID")
	bt send-keys -t "=sb-$1:" "cat $B_TMP/big; echo CAT-DONE" Enter
	# Read every 10 ms: b_wait's 100 ms steps are as large as the
	# difference measured, and reading flat out takes a CPU from them.
	n=0 seen=0 last=
	while :; do
		scr=$(bt capture-pane -p -t "=sb-$1:")
		case "$scr" in CAT-DONE*|*"
CAT-DONE"*) break ;; esac
		top=${scr%%"
"*}
		[ "$top" != "$last" ] && seen=$((seen + 1)) last=$top
		n=$((n + 1)); [ $n -ge 20000 ] && return 1; sleep 0.01
	done
	t1=$(now_ms)
	c1=$(b_cpu_ms "$SRV_PID")
	k1=$(b_cpu_ms "$CLI_PID")
	echo "$((t1 - t0)) $(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%d", b - a }')" \
	    "$(awk -v a="$k0" -v b="$k1" 'BEGIN { printf "%d", b - a }')" \
	    "$(awk -v s="$seen" -v t="$((t1 - t0))" 'BEGIN { printf "%.1f", s * 1000 / t }')"
	b_end_session "sb-$1" "$SRV_PID"
}

# echo on|off: a fresh session running flood_echo; one ms sample per key
# (while the flood still runs) appended to $B_TMP/echo-MODE.
echo_run() {
	b_server ours "ek-$1" "$FLOOD" 100000000 || return 1
	env=
	[ "$1" = off ] && env=MOSH_SCROLLBACK=no
	# shellcheck disable=SC2086
	b_client ours "ek-$1" "$SRV_PORT" $env || return 1
	b_wait "ek-$1" '^line [0-9]' 100 || return 1
	k=1
	while [ $k -le "$KEYS" ]; do
		t0=$(now_ns)
		bt send-keys -t "=ek-$1:" -l x
		n=0
		while ! bt capture-pane -p -t "=ek-$1:" | head -n 1 |
		    grep -q "^echo: x $k\$"; do
			n=$((n + 1)); [ $n -ge 2000 ] && return 1
		done
		t1=$(now_ns)
		echo $(( (t1 - t0) / 1000000 )) >>"$B_TMP/echo-$1"
		sleep 0.1
		k=$((k + 1))
	done
	b_end_session "ek-$1" "$SRV_PID"
}

: >"$B_TMP/on" ; : >"$B_TMP/off"
i=0
while [ $i -lt "$REPS" ]; do
	for m in on off; do
		r=$(one $m) && echo "$r" >>"$B_TMP/$m"
		echo_run $m
	done
	i=$((i + 1))
done
# stats FILE COLUMN: min/median/max
stats() { cut -d' ' -f"$2" "$1" | sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "%s/%s/%s", v[1], v[int((NR + 1) / 2)], v[NR]; else print "n/a" }'; }
med() { cut -d' ' -f"$2" "$1" | sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
r=$(ratio "$(med "$B_TMP/on" 1)" "$(med "$B_TMP/off" 1)")
echo "| cat of $N lines (~$(($(wc -c <"$B_TMP/big") / 1048576)) MB) to the last line on screen, ms min/median/max: scrollback on (other: off); the price of keeping every line | $(stats "$B_TMP/on" 1) | $(stats "$B_TMP/off" 1) | | $r (on/off) | |"
r=$(ratio "$(med "$B_TMP/off" 4)" "$(med "$B_TMP/on" 4)")
echo "| same, screen updates the user sees during the cat, per s min/median/max: on (other: off) | $(stats "$B_TMP/on" 4) | $(stats "$B_TMP/off" 4) | | $r (off/on) | $(goal "$r" 1.05) |"
r=$(ratio "$(med "$B_TMP/on" 2)" "$(med "$B_TMP/off" 2)")
echo "| same, server CPU ms min/median/max: on (other: off) | $(stats "$B_TMP/on" 2) | $(stats "$B_TMP/off" 2) | | $r (on/off) | |"
r=$(ratio "$(med "$B_TMP/on" 3)" "$(med "$B_TMP/off" 3)")
echo "| same, client CPU ms min/median/max: on (other: off) | $(stats "$B_TMP/on" 3) | $(stats "$B_TMP/off" 3) | | $r (on/off) | |"
r=$(ratio "$(med "$B_TMP/echo-on" 1)" "$(med "$B_TMP/echo-off" 1)")
echo "| echo of a key while output floods (flood_echo), ms min/median/max over $((KEYS * REPS)) keys: on (other: off) | $(stats "$B_TMP/echo-on" 1) | $(stats "$B_TMP/echo-off" 1) | | $r (on/off) | $(goal "$r" 1.05) |"
