#!/bin/sh
# Old devices after attach: a client keeps talking under the key that
# `mosh-server attach` replaced. Its datagrams are authentic under a key
# this session used before, so the server logs them as old-key (rate
# limited), never as auth-failed: fail2ban must not ban a user's own
# laptop. The server answers with a shutdown under the old key, so the
# old client exits: the stock one at once, ours saying it was attached
# elsewhere. The shipped filter's journalmatch must pin the program, so
# `logger -t mosh-server` cannot feed it lines.
. "$(dirname "$0")/../lib/common.sh"
S=$TOP/$BUILD/mosh-server
C=$TOP/$BUILD/mosh-client
SINK=$TOP/$BUILD/tests/tools/syslog_sink
FILTER=$TOP/etc/fail2ban/filter.d/tsmosh.conf
command -v mosh-client >/dev/null || { t_skip "old key: no stock mosh-client"; exit 0; }
command -v fail2ban-regex >/dev/null || { t_skip "old key: fail2ban not installed"; exit 0; }
export XDG_RUNTIME_DIR="$T_TMP/run"
mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"

"$SINK" "$T_TMP/log.sock" "$T_TMP/auth.log" &
t_track $!
cat >"$T_TMP/tsmosh.conf" <<EOC
interface = lo
allow_sources = 127.0.0.0/8
log_socket = $T_TMP/log.sock
EOC
t_until 30 [ -S "$T_TMP/log.sock" ]
t_start_mosh_server "$S" --config "$T_TMP/tsmosh.conf" --log-stderr \
    -i 127.0.0.1 -- /bin/sh ||
    { sed 's/^/# /' "$T_TMP/srv.err"; t_fail "server starts"; exit 1; }
PORT=$SRV_PORT

# The filter includes fail2ban's common.conf, next to it when installed.
mkdir -p "$T_TMP/filter.d"
cp "$FILTER" "$T_TMP/filter.d/tsmosh.conf"
cp /etc/fail2ban/filter.d/common.conf "$T_TMP/filter.d/" 2>/dev/null
f2b_matches() {
	fail2ban-regex "$T_TMP/auth.log" "$T_TMP/filter.d/tsmosh.conf" \
	    >"$T_TMP/f2b.out" 2>&1
	sed -n 's/^Lines: [0-9]* lines, [0-9]* ignored, \([0-9]*\) matched.*/\1/p' \
	    "$T_TMP/f2b.out"
}
attach() {	# prints the new key
	"$S" attach "$SRV_PID" 2>>"$T_TMP/attach.err" |
	    sed -n "s/^MOSH CONNECT $PORT \([A-Za-z0-9/+]\{22\}\)\$/\1/p"
}
# device WINDOW KEY CLIENT READY: CLIENT with KEY in a new window, until
# READY (a pattern) is on its screen.
device() {
	tm_new "$1" 80 24 "MOSH_KEY=$2 '$3' 127.0.0.1 $PORT; echo CLIENT-EXIT-\$?; sleep 60"
	tm_wait "$1" "$4" 100
}
# client_pid WINDOW CLIENT WHO: CPID, the pid of CLIENT on our port in
# WINDOW, said as WHO's.
client_pid() {
	CPID=$(tm_pid "$1" "^$2 127.0.0.1 $PORT\$")
	echo "# $3: pid ${CPID:-not found}"
}
# type_into WINDOW: a line every 0.3 s for 3 s; the client's datagrams
# go out under whatever key it holds.
type_into() {
	i=0
	while [ $i -lt 10 ]; do
		tm send-keys -t "$1" "echo old-device-$i" Enter 2>/dev/null
		sleep 0.3; i=$((i + 1))
	done
}

# The stock client, then an attach from "another device".
device old "$SRV_KEY" mosh-client '^[$#] ?$'
tm send-keys -t old 'echo first-$((3*4))' Enter
t_check "the stock client works before the attach" tm_wait old '^first-12' 100
client_pid old mosh-client "old stock client"
OLD_PID=$CPID
KEY2=$(attach)
t_check "mosh-server attach ID prints a new key" \
    sh -c "[ -n '$KEY2' ] && [ '$KEY2' != '$SRV_KEY' ]"

type_into old &
TYPER=$!
t_track "$TYPER"
if [ -n "$OLD_PID" ] && t_wait_gone "$OLD_PID" 100; then
	t_ok "the old stock client, typed into, exits within 10 s"
else
	tm_screen old | sed 's/^/# /' | tail -n 5
	t_fail "the old stock client, typed into, exits within 10 s"
fi
wait "$TYPER" 2>/dev/null
t_check "it exits cleanly (status 0)" tm_wait old 'CLIENT-EXIT-0' 10
sleep 0.5	# the server's last lines reach the sink
t_check "the log names the old client's datagrams reason=old-key" \
    grep -q 'failed-packet reason=old-key src=127\.0\.0\.1 ' "$T_TMP/auth.log"
m=$(f2b_matches)
if [ "${m:-x}" = 0 ]; then
	t_ok "fail2ban-regex with the shipped filter matches none of them"
else
	grep 'failed-packet' "$T_TMP/auth.log" | head -n 3 | sed 's/^/# /'
	t_fail "fail2ban-regex with the shipped filter matches none of them (${m:-?} matched)"
fi

# Our client on the new key; then another attach makes it the old one.
device ours "$KEY2" "$C" 'old-device|first-12'
tm send-keys -t ours 'clear; echo second-$((4*4))' Enter
t_check "our client attaches with the new key" tm_wait ours '^second-16' 100
client_pid ours "$C" "our client"
OURS_PID=$CPID
KEY3=$(attach)
type_into ours &
TYPER=$!
t_track "$TYPER"
if [ -n "$KEY3" ] && [ -n "$OURS_PID" ] && t_wait_gone "$OURS_PID" 100 &&
    tm_wait ours 'attached' 10; then
	t_ok "our old client exits within 10 s saying the session was attached elsewhere"
else
	tm_screen ours | sed 's/^/# /' | tail -n 5
	t_fail "our old client exits within 10 s saying the session was attached elsewhere"
fi
wait "$TYPER" 2>/dev/null
sleep 0.5
m=$(f2b_matches)
t_check "still no fail2ban match after the second attach (${m:-?})" [ "${m:-x}" = 0 ]
t_check "the session is still alive for the next device" t_alive "$SRV_PID"

# journalmatch: with the journal, only the real program's lines count.
if ! [ -S /run/systemd/journal/socket ] || ! command -v journalctl >/dev/null ||
    ! journalctl -n 0 >/dev/null 2>&1; then
	t_skip "journalmatch pins the program: systemd-journald is not running here"
	exit 0
fi
mark=100.64.$(($$ % 250)).$(( ($$ / 250) % 250 + 1))
logger -t mosh-server "failed-packet reason=auth-failed src=$mark sport=1 dst=100.100.0.1 dport=60001 iface=tailscale0 count=1"
journal_has() {
	journalctl -t mosh-server --since=-60s -o cat 2>/dev/null | grep -q "src=$mark "
}
t_until 50 journal_has; logged=$?
fail2ban-regex --print-all-matched 'systemd-journal' "$T_TMP/filter.d/tsmosh.conf" \
    >"$T_TMP/f2b-journal.out" 2>&1
if [ "$logged" -eq 0 ] && ! grep -q "src=$mark " "$T_TMP/f2b-journal.out"; then
	t_ok "journal: a 'logger -t mosh-server' line is not matched (journalmatch pins the program)"
else
	grep "$mark" "$T_TMP/f2b-journal.out" | head -n 2 | sed 's/^/# /'
	t_fail "journal: a 'logger -t mosh-server' line is not matched (journalmatch pins the program)"
fi
