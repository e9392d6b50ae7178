#!/bin/sh
# A key holder against our mosh-server's memory through scrollback: its
# window is as wide as the server allows (2048 columns: a row of cells is
# 48 KiB) and its program floods lines of that width, each cell its own
# colour. The server keeps scrollback_lines (10000) lines, but in at most
# HOST_HISTORY_LINE_BYTES (3 KiB) each on average: its peak RSS stays
# under PEAK_MAX_MIB (4000 such rows would be 190 MiB, 10000 of them
# 480), our client is told lines were dropped, and the session still
# works afterwards.
. "$(dirname "$0")/../lib/common.sh"
S=$TOP/$BUILD/mosh-server
C=$TOP/$BUILD/mosh-client
COLS=2048 ROWS=40 LINES_OUT=4000
# The 30 MiB budget, the screens SSP keeps (COW rows), the rest.
PEAK_MAX_MIB=96
if [ "${SAN:-0}" = 1 ]; then
	# Shadow memory, redzones and a small quarantine: twice the room
	# (190 MiB of rows without the budget still shows).
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8"
	export ASAN_OPTIONS
	PEAK_MAX_MIB=$((PEAK_MAX_MIB * 2))
fi
export XDG_CONFIG_HOME="$T_TMP/xdg" XDG_RUNTIME_DIR="$T_TMP/run"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
tm new-session -d -s boot -x 80 -y 24 "sleep 600"
tm set-option -g history-limit 20000

# The flood starts once the client's size reached the pty (GO), then the
# program echoes what is typed.
cat >"$T_TMP/flood.awk" <<EOF
BEGIN {
	for (x = 0; x < $COLS - 8; x++)
		l = l sprintf("\033[38;5;%dm%c", x % 256, 97 + x % 26)
	for (n = 0; n < $LINES_OUT; n++)
		printf "%s\033[m%d\n", l, n
	print "FLOOD-DONE"
}
EOF
cat >"$T_TMP/prog.sh" <<EOF
echo READY
while [ "\$(stty size)" != "$ROWS $COLS" ]; do sleep 0.1; done
awk -f '$T_TMP/flood.awk'
exec cat
EOF
t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- sh "$T_TMP/prog.sh" ||
    { sed 's/^/# /' "$T_TMP/srv.err"; t_fail "server starts"; exit 1; }
tm_new a "$COLS" "$ROWS" "MOSH_KEY=$SRV_KEY '$C' 127.0.0.1 $SRV_PORT 2>'$T_TMP/client.err'; echo CLIENT-EXIT-\$?; sleep 60"
if ! tm_wait a 'FLOOD-DONE' 600; then
	tm_screen a | tail -n 3 | cut -c1-100 | sed 's/^/# /'
	t_fail "the flood reaches the client"
	exit 1
fi
hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$SRV_PID/status" 2>/dev/null)
echo "# server VmHWM after $LINES_OUT lines of $COLS coloured cells: ${hwm:-?} KiB"
t_check "the server's peak RSS stays under $PEAK_MAX_MIB MiB (${hwm:-?} KiB)" \
    sh -c "[ -n '$hwm' ] && [ '$hwm' -lt $((PEAK_MAX_MIB * 1024)) ]"
t_check "our client is told the lines the server dropped" \
    t_until 100 sh -c "tmux -L '$T_TMUX' capture-pane -p -S - -t '=a:' | grep -q 'lines skipped'"
tm send-keys -t a "still-here" Enter
tm_check "the session still works" a '^still-here' 100
