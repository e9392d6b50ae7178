#!/bin/sh
# Emulator throughput: ours, libvterm's (if installed) and the stock
# mosh-server's, on the same deterministic 20 MB mixed file. The stock
# server is timed by its own CPU use (utime + stime) from start until a
# stock mosh-client attached in a tmux pane shows the marker printed
# after the file. Prints one Markdown table row.
set -u
export LANG=C.UTF-8 LC_ALL=C.UTF-8
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/tsmosh-bench.XXXXXX")
sock=tsmosh-bench-$$
server=
cleanup() {
	if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
		# the server's session (the shell and its sleep) goes with it
		for c in $(cat /proc/"$server"/task/*/children 2>/dev/null); do
			kill "$c" 2>/dev/null
		done
		kill "$server" 2>/dev/null
	fi
	tmux -L "$sock" kill-server 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

file=$work/mixed.bin
"$top/$BUILD/tests/tools/term_gen" 20 >"$file" || exit 1
mb=$(awk -v b="$(wc -c <"$file")" 'BEGIN { printf "%.1f", b / 1048576 }')

ours=$("$top/$BUILD/tests/tools/term_bench" "$file" 7) || exit 1
frames=$("$top/$BUILD/tests/tools/term_bench" -d "$file" 5) || exit 1

vterm=n/a
if pkg-config --exists vterm 2>/dev/null &&
    cc -O2 -o "$work/vterm_bench" "$top/tests/bench/vterm_bench.c" \
    $(pkg-config --cflags --libs vterm) 2>/dev/null; then
	vterm=$("$work/vterm_bench" "$file" 5)
fi

stock=n/a ratio=n/a
if command -v mosh-server >/dev/null && command -v mosh-client >/dev/null &&
    command -v tmux >/dev/null; then
	port=$((60001 + $$ % 900))
	mark=TSMOSH-BENCH-DONE
	mosh-server new -i 127.0.0.1 -p "$port" -- \
	    sh -c "sleep 2; cat '$file'; echo; echo $mark; exec sleep 600" \
	    >"$work/out" 2>"$work/err"
	key=$(sed -n 's/^MOSH CONNECT [0-9]* \([^ ]*\).*/\1/p' "$work/out")
	server=$(sed -n 's/.*detached, pid = \([0-9]*\).*/\1/p' "$work/err")
	if [ -n "$key" ] && [ -n "$server" ]; then
		tmux -L "$sock" -f /dev/null new-session -d -x 80 -y 24 \
		    "MOSH_KEY=$key mosh-client 127.0.0.1 $port"
		i=0
		while [ $i -lt 600 ]; do
			tmux -L "$sock" capture-pane -p 2>/dev/null | grep -q "$mark" && break
			sleep 0.2
			i=$((i + 1))
		done
		# fields 14 and 15 of /proc/PID/stat; the name field has no spaces
		ticks=$(awk '{ print $14 + $15 }' /proc/"$server"/stat)
		hz=$(getconf CLK_TCK)
		if [ $i -lt 600 ] && [ "$ticks" -gt 0 ]; then
			stock=$(awk -v m="$mb" -v t="$ticks" -v h="$hz" \
			    'BEGIN { printf "%.1f", m / (t / h) }')
			ratio=$(awk -v a="$ours" -v b="$stock" \
			    'BEGIN { printf "%.1fx", a / b }')
		fi
	fi
fi

echo "| emulator absorb, ${mb} MB mixed file | tsmosh ${ours} MB/s | libvterm ${vterm} MB/s | mosh-server ${stock} MB/s (CPU) | ${ratio} | |"
echo "| absorb + snapshot + diff per 4 KiB write | tsmosh ${frames} MB/s | | | | |"

# Each kind of output alone (term_gen -k: plain ASCII lines, wide CJK,
# SGR-dense, whole-screen redraws by CUP, scrolling inside a region, the
# mix), 20 MB each: ours and libvterm's absorb rate in MB/s, one pass per
# run, interleaved TERM_REPS (5) times, min/median/max. Goal: at least
# 300 MB/s and 1.5x libvterm at the median.
reps=${TERM_REPS:-5}
mmm() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) printf "%s/%s/%s", v[1], v[int((NR + 1) / 2)], v[NR]; else print "n/a" }'; }
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
for k in ascii cjk sgr redraw region mixed; do
	"$top/$BUILD/tests/tools/term_gen" -k "$k" 20 >"$work/$k.bin" || exit 1
	: >"$work/$k.ours"
	: >"$work/$k.vt"
	i=0
	while [ $i -lt "$reps" ]; do
		"$top/$BUILD/tests/tools/term_bench" "$work/$k.bin" 1 >>"$work/$k.ours"
		[ -x "$work/vterm_bench" ] &&
		    "$work/vterm_bench" "$work/$k.bin" 1 >>"$work/$k.vt"
		i=$((i + 1))
	done
	o=$(median "$work/$k.ours") v=$(median "$work/$k.vt")
	r=$(awk -v a="$o" -v b="$v" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }')
	g=$(awk -v a="$o" -v b="$v" 'BEGIN {
		if (a >= 300 && (b == "" || a >= 1.5 * b)) print "met (>= 300 MB/s, >= 1.5x libvterm)"
		else print "NOT met (>= 300 MB/s, >= 1.5x libvterm)" }')
	echo "| emulator absorb, 20 MB of $k output, MB/s min/median/max (other: libvterm) | $(mmm "$work/$k.ours") | $(mmm "$work/$k.vt") | | $r (ours/libvterm) | $g |"
done
