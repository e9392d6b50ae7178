# Helpers for the session benchmarks (tests/bench/*.sh; sourced, not run).
# Every process a bench starts is tracked by pid and ended on exit; tmux
# runs on a private socket per script. Traffic stays on loopback.
set -u
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset TMUX
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OURS_SRV=${OURS_SRV:-$TOP/$BUILD/mosh-server}
OURS_CLI=${OURS_CLI:-$TOP/$BUILD/mosh-client}
STOCK_SRV=$(command -v mosh-server || echo /usr/bin/mosh-server)
STOCK_CLI=$(command -v mosh-client || echo /usr/bin/mosh-client)
IMPAIR=$TOP/$BUILD/tests/tools/impair
OURS_LO="--iface lo --allow-source 127.0.0.0/8"
# Samples and plots go here (not committed; the README's copy is in docs/).
BENCH_OUT=${BENCH_OUT:-$TOP/$BUILD/bench}
mkdir -p "$BENCH_OUT"
B_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tsmosh-bench.XXXXXX")
B_TMUX=tsmosh-bench-$$
B_SERVERS= B_PIDS=

bt() { tmux -L "$B_TMUX" "$@"; }
b_cleanup() {
	for p in $(bt list-panes -a -F '#{pane_pid}' 2>/dev/null); do
		pkill -TERM -P "$p" 2>/dev/null
	done
	bt kill-server 2>/dev/null
	for p in $B_PIDS; do kill "$p" 2>/dev/null; done
	for s in $B_SERVERS; do
		for c in $(cat /proc/"$s"/task/*/children 2>/dev/null); do
			kill "$c" 2>/dev/null
		done
		kill "$s" 2>/dev/null
	done
	sleep 0.3
	for s in $B_SERVERS $B_PIDS; do kill -9 "$s" 2>/dev/null; done
	rm -rf "$B_TMP"
}
trap b_cleanup EXIT
trap 'exit 1' INT TERM

# Is a stock mosh here at all?
b_have_stock() { [ -x "$STOCK_SRV" ] && [ -x "$STOCK_CLI" ]; }

# b_server ours|stock TAG CMD...: start a server on 127.0.0.1 running CMD;
# sets SRV_PORT SRV_KEY SRV_PID (also in $B_TMP/TAG.srv). Extra server
# flags in $B_SRV_FLAGS (e.g. -v).
b_server() {
	which=$1 tag=$2; shift 2
	if [ "$which" = ours ]; then
		# shellcheck disable=SC2086
		"$OURS_SRV" new -i 127.0.0.1 $OURS_LO ${B_SRV_FLAGS:-} -- "$@" \
		    >"$B_TMP/$tag.out" 2>"$B_TMP/$tag.err" </dev/null
	else
		# shellcheck disable=SC2086
		"$STOCK_SRV" new -i 127.0.0.1 ${B_SRV_FLAGS:-} -- "$@" \
		    >"$B_TMP/$tag.out" 2>"$B_TMP/$tag.err" </dev/null
	fi
	SRV_PORT=$(sed -n 's/^MOSH CONNECT \([0-9]*\) .*/\1/p' "$B_TMP/$tag.out")
	SRV_KEY=$(sed -n 's/^MOSH CONNECT [0-9]* \([A-Za-z0-9/+]*\).*/\1/p' "$B_TMP/$tag.out")
	SRV_PID=$(sed -n 's/.*detached, pid = \([0-9]*\).*/\1/p' "$B_TMP/$tag.err")
	[ -n "$SRV_PID" ] && B_SERVERS="$B_SERVERS $SRV_PID"
	[ -n "$SRV_PORT" ] && [ -n "$SRV_KEY" ] && [ -n "$SRV_PID" ]
}

# b_proxy TAG SERVER_PORT IMPAIR_FLAGS...: start impair in front of the
# server; sets PX_PORT PX_PID; stats land in $B_TMP/TAG.stats on exit/HUP.
b_proxy() {
	tag=$1 sport=$2; shift 2
	rm -f "$B_TMP/$tag.port"
	"$IMPAIR" --listen 127.0.0.1:0 --to "127.0.0.1:$sport" \
	    --port-file "$B_TMP/$tag.port" --stats-file "$B_TMP/$tag.stats" \
	    "$@" 2>/dev/null &
	PX_PID=$!
	B_PIDS="$B_PIDS $PX_PID"
	n=0
	while [ ! -s "$B_TMP/$tag.port" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
	PX_PORT=$(cat "$B_TMP/$tag.port" 2>/dev/null)
	[ -n "$PX_PORT" ]
}

# b_stat FILE KEY: one value from an impair stats line.
b_stat() { tr ' ' '\n' <"$1" | sed -n "s/^$2=//p"; }

# b_client ours|stock WINDOW PORT [ENV...]: a client in a new 80x24 tmux
# window; sets CLI_PID.
b_client() {
	which=$1 win=$2 port=$3; shift 3
	if [ "$which" = ours ]; then cli=$OURS_CLI; else cli=$STOCK_CLI; fi
	bt new-session -d -s "$win" -x 80 -y 24 \
	    "env $* ${B_CLI_ENV:-} MOSH_KEY=$SRV_KEY '$cli' 127.0.0.1 $port; sleep 600"
	pane=$(bt list-panes -t "$win" -F '#{pane_pid}')
	CLI_PID=
	n=0
	while [ -z "$CLI_PID" ] && [ $n -lt 50 ]; do
		sleep 0.1; n=$((n + 1))
		CLI_PID=$(pgrep -P "$pane" -x mosh-client | head -n 1)
	done
	[ -n "$CLI_PID" ]
}

# b_wait WINDOW PATTERN TENTHS: until the pane shows PATTERN (grep -E).
b_wait() {
	n=0
	while ! bt capture-pane -p -t "$1" | grep -Eq -- "$2"; do
		n=$((n + 1)); [ "$n" -ge "$3" ] && return 1; sleep 0.1
	done
}

# b_end_session WINDOW SERVER_PID: quit the client, end the server.
b_end_session() {
	bt send-keys -t "$1" C-^ . 2>/dev/null
	for c in $(cat /proc/"$2"/task/*/children 2>/dev/null); do kill "$c" 2>/dev/null; done
	kill "$2" 2>/dev/null
	sleep 0.3
	bt kill-session -t "$1" 2>/dev/null
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "" && b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
# goal RATIO_X LIMIT: "met (<= LIMITx)" or "NOT met (<= LIMITx)".
goal() {
	awk -v r="${1%x}" -v l="$2" 'BEGIN {
		if (r == "n/a" || r == "") { print "n/a"; exit }
		if (r + 0 <= l + 0) printf "met (<= %sx)\n", l; else printf "NOT met (<= %sx)\n", l }'
}
hz=$(getconf CLK_TCK)
b_cpu() { awk -v hz="$hz" '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"; }
# b_cpu_ms PID: its main thread's time on a CPU, in ms (schedstat counts
# nanoseconds; stat's ticks are 10 ms, too coarse for a client).
b_cpu_ms() { awk '{ printf "%.1f", $1 / 1e6 }' "/proc/$1/schedstat"; }
b_ctxt() { awk '/^voluntary_ctxt_switches/ { v = $2 } /^nonvoluntary_ctxt_switches/ { n = $2 } END { print v + n }' "/proc/$1/status"; }
b_rss() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
b_hwm() { awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }	# peak
