#!/bin/sh
# Whole sessions side by side with the stock mosh: the same 20 MB mixed
# output (coloured text, UTF-8, wide characters) through each pairing of
# server and client, on loopback, with the client in a tmux pane. For each
# side: CPU seconds (utime + stime) until the client shows the marker
# printed after the file, and peak RSS (VmHWM). Prints Markdown rows.
set -u
export LANG=C.UTF-8 LC_ALL=C.UTF-8
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/tsmosh-bench.XXXXXX")
sock=tsmosh-bench-s$$
servers=
cleanup() {
	for p in $(tmux -L "$sock" list-panes -a -F '#{pane_pid}' 2>/dev/null); do
		pkill -TERM -P "$p" 2>/dev/null
	done
	sleep 0.3
	tmux -L "$sock" kill-server 2>/dev/null
	for s in $servers; do
		for c in $(cat /proc/"$s"/task/*/children 2>/dev/null); do
			kill "$c" 2>/dev/null
		done
		kill "$s" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
command -v mosh-server >/dev/null && command -v mosh-client >/dev/null ||
    { echo "| session bench | skipped: stock mosh not installed | | | |"; exit 0; }

file=$work/mixed.bin
"$top/$BUILD/tests/tools/term_gen" 20 >"$file" || exit 1
hz=$(getconf CLK_TCK)
cpu() { awk -v hz="$hz" '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"; }
rss() { awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# run SERVER CLIENT: sets S_CPU S_RSS C_CPU C_RSS
run() {
	srv=$1 cli=$2 mark=TSMOSH-BENCH-DONE-$$
	extra=
	"$srv" --help 2>&1 | grep -q -- '--iface' && extra="--iface lo --allow-source 127.0.0.0/8"
	# shellcheck disable=SC2086
	"$srv" new -i 127.0.0.1 $extra -- sh -c "sleep 1; cat '$file'; echo; echo $mark; exec sleep 600" \
	    >"$work/out" 2>"$work/err" </dev/null
	port=$(sed -n 's/^MOSH CONNECT \([0-9]*\) .*/\1/p' "$work/out")
	key=$(sed -n 's/^MOSH CONNECT [0-9]* \([^ ]*\).*/\1/p' "$work/out")
	spid=$(sed -n 's/.*detached, pid = \([0-9]*\).*/\1/p' "$work/err")
	servers="$servers $spid"
	tmux -L "$sock" -f /dev/null new-session -d -x 80 -y 24 "MOSH_KEY=$key $cli 127.0.0.1 $port; sleep 600"
	sleep 0.3
	cpid=$(pgrep -n -f "^$cli 127.0.0.1 $port")
	i=0
	while [ $i -lt 900 ] && ! tmux -L "$sock" capture-pane -p | grep -q "$mark"; do
		sleep 0.1; i=$((i + 1))
	done
	S_CPU=$(cpu "$spid"); S_RSS=$(rss "$spid")
	C_CPU=$(cpu "$cpid"); C_RSS=$(rss "$cpid")
	tmux -L "$sock" send-keys C-^ .
	sleep 0.5
	tmux -L "$sock" kill-server 2>/dev/null
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

run mosh-server "$(command -v mosh-client)"
SS_CPU=$S_CPU SS_RSS=$S_RSS SC_CPU=$C_CPU SC_RSS=$C_RSS
run "$top/$BUILD/mosh-server" "$(command -v mosh-client)"
OS_CPU=$S_CPU OS_RSS=$S_RSS
run mosh-server "$top/$BUILD/mosh-client"
OC_CPU=$C_CPU OC_RSS=$C_RSS
# goal RATIO LIMIT: met when RATIO (e.g. 0.15x) <= LIMIT
goal() { awk -v r="${1%x}" -v l="$2" 'BEGIN { if (r == "n/a") print "n/a"; else if (r + 0 <= l + 0) printf "met (<= %sx)\n", l; else printf "NOT met (<= %sx)\n", l }'; }
r=$(ratio "$OS_CPU" "$SS_CPU")
echo "| server CPU, 20 MB output, client attached (s) | $OS_CPU | | $SS_CPU | $r | $(goal "$r" 0.2) |"
r=$(ratio "$OS_RSS" "$SS_RSS")
echo "| server peak RSS (MiB) | $OS_RSS | | $SS_RSS | $r | $(goal "$r" 0.5) |"
echo "| client CPU, same session (s) | $OC_CPU | | $SC_CPU | $(ratio "$OC_CPU" "$SC_CPU") | |"
r=$(ratio "$OC_RSS" "$SC_RSS")
echo "| client peak RSS (MiB) | $OC_RSS | | $SC_RSS | $r | $(goal "$r" 0.5) |"
