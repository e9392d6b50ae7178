# Shared helpers for tests/integration/*.sh (POSIX sh). Each test prints
# "ok - X", "not ok - X" or "skip - X: why" lines for tests/run.
BUILD=${BUILD:-build}
export LANG=C.UTF-8 LC_ALL=C.UTF-8
TOP=$(cd "$(dirname "$0")/../.." && pwd)
T_PIDS=
# Our server listens on tailscale0 by default; tests on loopback say lo
# and admit loopback sources. Unquoted where used: several words.
OURS_LO="--iface lo --allow-source 127.0.0.0/8"
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tsmosh-it.XXXXXX")

t_cleanup() {
	for p in $T_PIDS; do
		kill "$p" 2>/dev/null
	done
	sleep 0.2
	for p in $T_PIDS; do
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$T_TMP"
}

t_track() { T_PIDS="$T_PIDS $*"; }
t_ok() { echo "ok - $*"; }
t_fail() { echo "not ok - $*"; }
t_skip() { echo "skip - $*"; }

# Is process $1 running? A zombie has exited: init here reaps slowly.
t_alive() {
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ]
}

# t_until TENTHS COMMAND...: run COMMAND every 0.1 s until it succeeds,
# for up to TENTHS tenths of a second; status 1 if it never did. COMMAND
# runs in this shell, so it may be a function (for a pipe or a $(...) that
# must be run again each time); not itself a t_until (one counter).
t_until() {
	t_until_left=$1; shift
	until "$@"; do
		[ "$t_until_left" -le 0 ] && return 1
		t_until_left=$((t_until_left - 1))
		sleep 0.1
	done
}
# t_not COMMAND...: true when COMMAND fails (for t_until and t_check).
t_not() { ! "$@"; }

# Wait until process $1 has exited, up to $2 tenths of a second.
t_wait_gone() { t_until "$2" t_not t_alive "$1"; }

# t_connect_line FILE: CONN_PORT and CONN_KEY from the line "MOSH CONNECT
# PORT KEY" in FILE (empty without one); true when both are there.
t_connect_line() {
	CONN_PORT=$(sed -n 's/^MOSH CONNECT \([0-9]*\) .*/\1/p' "$1")
	CONN_KEY=$(sed -n 's/^MOSH CONNECT [0-9]* \([A-Za-z0-9/+]*\).*/\1/p' "$1")
	[ -n "$CONN_PORT" ] && [ -n "$CONN_KEY" ]
}
# t_detached FILE: SRV_PID from a server's "detached, pid = N" line in
# FILE, tracked for cleanup; true when there is one.
t_detached() {
	SRV_PID=$(sed -n 's/.*detached, pid = \([0-9]*\).*/\1/p' "$1")
	[ -n "$SRV_PID" ] && t_track "$SRV_PID"
}
# t_server_started OUT ERR: SRV_PORT, SRV_KEY and SRV_PID (tracked) from
# what `mosh-server new` wrote to OUT and ERR; true when all three are.
t_server_started() {
	t_connect_line "$1"
	SRV_PORT=$CONN_PORT SRV_KEY=$CONN_KEY
	t_detached "$2" && [ -n "$SRV_PORT" ] && [ -n "$SRV_KEY" ]
}

# t_bad_args MESSAGE ARGS...: our `mosh-server ARGS` is refused: exit 2,
# MESSAGE on stderr (its $T_TMP/e), no MOSH CONNECT (its $T_TMP/o).
t_bad_args() {
	msg=$1; shift
	"$TOP/$BUILD/mosh-server" "$@" >"$T_TMP/o" 2>"$T_TMP/e" </dev/null
	rc=$?
	if [ "$rc" -eq 2 ] && grep -q -- "$msg" "$T_TMP/e" &&
	    ! grep -q 'MOSH CONNECT' "$T_TMP/o"; then
		t_ok "mosh-server $*: exit 2, '$msg'"
	else
		sed 's/^/# /' "$T_TMP/e"; t_fail "mosh-server $*: exit 2, '$msg' (got $rc)"
	fi
}

# t_listed PATTERN: a line of our `mosh-server list` matches PATTERN
# (grep -E).
t_listed() { "$TOP/$BUILD/mosh-server" list | grep -Eq -- "$1"; }

# t_listener_pid PATH: the pid listening on the unix socket PATH ("" if
# none).
t_listener_pid() {
	ss -xlpn 2>/dev/null | grep -F " $1 " |
	    sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1
}

# t_utmp_helper PID: the pid of the utmp helper our server PID uses, the
# one listening on utmp-helper beside its control socket ("" if none).
t_utmp_helper() {
	t_uh_dir=$(ss -xlpn 2>/dev/null | grep "pid=$1," |
	    sed -n 's|.* \(/[^ ]*\)/[0-9]*\.sock .*|\1|p' | head -n 1)
	[ -n "$t_uh_dir" ] || return 0
	t_listener_pid "$t_uh_dir/utmp-helper"
}

# Start a mosh-server (stock by default) on 127.0.0.1. Sets SRV_PORT,
# SRV_KEY, SRV_PID. Args after the first are passed after `new`.
t_start_mosh_server() {
	bin=$1; shift
	"$bin" new "$@" >"$T_TMP/srv.out" 2>"$T_TMP/srv.err" </dev/null
	t_server_started "$T_TMP/srv.out" "$T_TMP/srv.err"
}

# Start tests/tools/hostile_peer --server with the given steps (-e STEP
# ...). Sets HP_PID, HP_KEY, HP_PORT; its output is $T_TMP/hp.out and
# hp.err.
t_start_hostile_server() {
	"$TOP/$BUILD/tests/tools/hostile_peer" --server \
	    --port-file "$T_TMP/port" "$@" >"$T_TMP/hp.out" 2>"$T_TMP/hp.err" &
	HP_PID=$!
	t_track "$HP_PID"
	t_until 50 [ -s "$T_TMP/port" ]
	t_connect_line "$T_TMP/hp.out"
	HP_KEY=$CONN_KEY
	HP_PORT=$(cat "$T_TMP/port" 2>/dev/null)
	[ -n "$HP_KEY" ] && [ -n "$HP_PORT" ]
}

# t_start_impair PORT [impair options...]: tests/tools/impair on
# 127.0.0.1 in front of 127.0.0.1:PORT; waits up to 5 s for its port.
# Sets IMP_PORT and IMP_PID (tracked: cleanup ends it by pid); its stderr
# is $T_TMP/impair.N.err, N counting the proxies this test started.
T_IMP_N=0
t_start_impair() {
	T_IMP_N=$((T_IMP_N + 1))
	t_imp=$T_TMP/impair.$T_IMP_N t_imp_to=$1; shift
	"$TOP/$BUILD/tests/tools/impair" --listen 127.0.0.1:0 \
	    --to "127.0.0.1:$t_imp_to" --port-file "$t_imp.port" "$@" \
	    2>"$t_imp.err" &
	IMP_PID=$!
	t_track "$IMP_PID"
	t_until 50 [ -s "$t_imp.port" ]
	IMP_PORT=$(cat "$t_imp.port" 2>/dev/null)
	[ -n "$IMP_PORT" ]
}

# tmux: one private server per test script, killed on exit.
T_TMUX=tsmosh-test-$$
tm() { tmux -L "$T_TMUX" "$@"; }
# Panes' programs first (a client told to quit while its server still
# answers exits at once), then the tmux server, then everything tracked.
t_tmux_cleanup() {
	panes=$(tmux -L "$T_TMUX" list-panes -a -F '#{pane_pid}' 2>/dev/null)
	for p in $panes; do pkill -TERM -P "$p" 2>/dev/null; done
	[ -n "$panes" ] && sleep 0.5
	for p in $panes; do pkill -KILL -P "$p" 2>/dev/null; done
	tmux -L "$T_TMUX" kill-server 2>/dev/null
	[ -n "${T_KEEP:-}" ] && { echo "# kept $T_TMP"; T_TMP=/nonexistent; }
	t_cleanup
}
trap t_tmux_cleanup EXIT INT TERM
# tm_new NAME COLS ROWS COMMAND: a detached window running COMMAND.
tm_new() {
	tm new-session -d -s "$1" -x "$2" -y "$3" "$4"
	tm set-option -t "$1" -g remain-on-exit off >/dev/null 2>&1
}
tm_screen() { tm capture-pane -p -t "$1"; }
# tm_pid WINDOW PATTERN: the process in WINDOW's pane (the pane's own, or
# its newest child) whose command line matches PATTERN (pgrep -f), so a
# client still exiting from an earlier test is never taken for this one.
tm_pid() {
	tp_pane=$(tm display-message -p -t "=$1:" '#{pane_pid}' 2>/dev/null)
	[ -n "$tp_pane" ] || return 1
	pgrep -n -P "$tp_pane" -f "$2" && return 0
	pgrep -f "$2" | grep -x "$tp_pane"
}
# tm_shows NAME TEXT: TEXT (a grep -E pattern) is on screen now.
tm_shows() { tm_screen "$1" | grep -Eq -- "$2"; }
# tm_wait NAME TEXT TENTHS: until TEXT is on screen.
tm_wait() { t_until "$3" tm_shows "$1" "$2"; }
# tm_wait_gone NAME TEXT TENTHS: until TEXT is no longer on screen.
tm_wait_gone() { t_until "$3" t_not tm_shows "$1" "$2"; }
# t_check NAME COMMAND...: ok/not ok from the command's status.
t_check() {
	name=$1; shift
	if "$@"; then t_ok "$name"; else t_fail "$name"; fi
}
# tm_check NAME WINDOW TEXT TENTHS [TEXT TENTHS]...: ok when WINDOW shows
# each TEXT in turn, each within its TENTHS; else its screen (as # lines)
# and not ok.
tm_check() {
	name=$1 win=$2; shift 2
	while [ $# -ge 2 ] && tm_wait "$win" "$1" "$2"; do shift 2; done
	if [ $# -eq 0 ]; then
		t_ok "$name"
	else
		tm_screen "$win" | sed 's/^/# /'; t_fail "$name"
	fi
}

# t_same_render NAME WINDOW: print renditions and UTF-8 (bold, 256-colour,
# truecolour, underline+italic, wide, combining) in WINDOW and in a plain
# tmux pane; ok when tmux holds the same cells and colours for both.
T_RENDER_LINE='\033[1;31mbold-red\033[0m \033[38;5;82m256-green\033[0m \033[48;2;10;20;250mtruecolor-bg\033[0m \033[4;3munder-italic\033[0m wide:日本語 comb:e\314\201 é'
t_same_render() {
	tm has-session -t plain 2>/dev/null || tm_new plain 80 24 /bin/sh
	tm send-keys -t "$2" "clear; printf '$T_RENDER_LINE\\n'" Enter
	tm send-keys -t plain "clear; printf '$T_RENDER_LINE\\n'" Enter
	tm_wait "$2" 'bold-red' 50; tm_wait plain 'bold-red' 50
	sleep 0.5
	r_a=$(tm capture-pane -p -e -t "$2" | grep 'bold-red' | tail -n 1)
	r_b=$(tm capture-pane -p -e -t plain | grep 'bold-red' | tail -n 1)
	if [ -n "$r_a" ] && [ "$r_a" = "$r_b" ]; then
		t_ok "$1"
	else
		echo "# mosh:  $r_a" | cat -v; echo "# plain: $r_b" | cat -v
		t_fail "$1"
	fi
}
