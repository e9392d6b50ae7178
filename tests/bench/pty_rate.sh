#!/bin/sh
# How close a whole session comes to the pty's own rate: per kind of
# output (term_gen -k ascii|cjk|sgr|redraw|region|mixed, 20 MB each), the
# MB/s at which `cat FILE` gets its output into a pty
#  - read by nothing but a reader draining the master flat out (python3:
#    64 KiB reads until EOF/EIO; the clock stops when all is read), with
#    the termios our server and the stock one give their pty (defaults
#    plus IUTF8: ONLCR's CRs cost the writer the same on every side; a
#    raw pty would be a faster baseline no session ever gets);
#  - read by our server, our client attached in a tmux pane;
#  - read by the stock server, the stock client attached (if installed).
# A server reads its pty only as fast as it absorbs what it reads, so the
# time cat takes inside a session (timed there, from after the client
# shows the session until cat exits) is the server's rate. What is still
# in the pty's buffer when cat exits (well under 1 % of 20 MB) is not
# waited for. MB is 2^20 bytes of the file; the three sides take turns,
# the first rotating, PTY_REPS (default 3) runs each: min/median/max.
# Goal: ours at least 0.9x the pty at the median.
. "$(dirname "$0")/lib.sh"
REPS=${PTY_REPS:-3}
GEN=$TOP/$BUILD/tests/tools/term_gen
SIDES=ours
b_have_stock && SIDES="$SIDES stock"
command -v python3 >/dev/null && SIDES="$SIDES pty"

# The session's command: say it is up, wait for GO (the client shows the
# session by then), time the cat, then leave the terminal plain and show
# MARK so the end is visible on the client's screen.
cat >"$B_TMP/feed.sh" <<'EOF'
# feed.sh FILE GO TIMEFILE MARK
echo PTY-RATE-READY
while [ ! -e "$2" ]; do sleep 0.05; done
s=$(date +%s%N)
cat "$1"
e=$(date +%s%N)
echo $((e - s)) >"$3"
printf '\033[0m\033[r\033[H\033[2J%s\n' "$4"
exec sleep 600
EOF

# The pty alone, set up as a server sets up its own; prints MB/s, fails
# when fewer bytes came out than went in.
cat >"$B_TMP/pty_read.py" <<'EOF'
import os, subprocess, sys, termios, time
path = sys.argv[1]
size = os.path.getsize(path)
master, slave = os.openpty()
t = termios.tcgetattr(slave)
t[0] |= getattr(termios, "IUTF8", 0o40000)  # Linux value; older Pythons lack the name
termios.tcsetattr(slave, termios.TCSANOW, t)
t0 = time.monotonic()
p = subprocess.Popen(["cat", path], stdin=subprocess.DEVNULL, stdout=slave)
os.close(slave)
got = 0
while True:
    try:
        b = os.read(master, 65536)
    except OSError:  # EIO: every copy of the slave is closed
        break
    if not b:
        break
    got += len(b)
t1 = time.monotonic()
os.close(master)
if p.wait() != 0 or got < size:
    sys.exit(1)
print("%.1f" % (size / 1048576 / (t1 - t0)))
EOF

# session ours|stock KIND: one run, a fresh session; one MB/s sample
# appended to $B_TMP/KIND.SIDE.
session() {
	s_tag=pr-$1
	s_mark=PTY-RATE-DONE-$$
	rm -f "$B_TMP/$s_tag.go" "$B_TMP/$s_tag.ns"
	b_server "$1" "$s_tag" sh "$B_TMP/feed.sh" "$B_TMP/$2.bin" \
	    "$B_TMP/$s_tag.go" "$B_TMP/$s_tag.ns" "$s_mark" || return 1
	s_pid=$SRV_PID
	if b_client "$1" "$s_tag" "$SRV_PORT" &&
	    b_wait "$s_tag" PTY-RATE-READY 100; then
		: >"$B_TMP/$s_tag.go"
		if b_wait "$s_tag" "$s_mark" 900 && [ -s "$B_TMP/$s_tag.ns" ]; then
			awk -v b="$(wc -c <"$B_TMP/$2.bin")" -v ns="$(cat "$B_TMP/$s_tag.ns")" \
			    'BEGIN { if (ns > 0) printf "%.1f\n", b / 1048576 / (ns / 1e9) }' \
			    >>"$B_TMP/$2.$1"
		fi
	fi
	b_end_session "$s_tag" "$s_pid"
}

# side ours|stock|pty KIND: one run of that side.
side() {
	case $1 in
	pty) python3 "$B_TMP/pty_read.py" "$B_TMP/$2.bin" >>"$B_TMP/$2.pty" ;;
	*) session "$1" "$2" ;;
	esac
}

mmm() { sort -n "$1" 2>/dev/null | awk '{ v[NR] = $1 } END { if (NR) printf "%s/%s/%s", v[1], v[int((NR + 1) / 2)], v[NR]; else print "n/a" }'; }
med() { sort -n "$1" 2>/dev/null | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
# goal_ge RATIO_X LIMIT: lib.sh's goal is for "at most"; this is "at least".
goal_ge() {
	awk -v r="${1%x}" -v l="$2" 'BEGIN {
		if (r == "n/a" || r == "") { print "n/a"; exit }
		if (r + 0 >= l + 0) printf "met (>= %sx the pty)\n", l; else printf "NOT met (>= %sx the pty)\n", l }'
}

for kind in ${PTY_KINDS:-ascii cjk sgr redraw region mixed}; do
	"$GEN" -k "$kind" 20 >"$B_TMP/$kind.bin" || exit 1
	: >"$B_TMP/$kind.ours"; : >"$B_TMP/$kind.stock"; : >"$B_TMP/$kind.pty"
	rep=0
	while [ $rep -lt "$REPS" ]; do
		# who goes first rotates, so a slow stretch of the machine falls
		# on each side in turn
		order=$SIDES
		k_i=0
		while [ $k_i -lt "$rep" ] && [ "$order" != "${order#* }" ]; do
			order="${order#* } ${order%% *}"
			k_i=$((k_i + 1))
		done
		for who in $order; do side "$who" "$kind"; done
		rep=$((rep + 1))
	done
	rm -f "$B_TMP/$kind.bin"
	r=$(ratio "$(med "$B_TMP/$kind.ours")" "$(med "$B_TMP/$kind.pty")")
	stock=$(mmm "$B_TMP/$kind.stock")
	b_have_stock || stock="n/a (not installed)"
	echo "| whole server with a client, 20 MB of $kind output, MB/s min/median/max (other: the pty alone) | $(mmm "$B_TMP/$kind.ours") | $(mmm "$B_TMP/$kind.pty") | $stock | $r (ours/pty at the median) | $(goal_ge "$r" 0.9) |"
done
