#!/bin/sh
# Every refusal reason, produced by a crafted datagram, logged with the
# right fields: to stderr (--log-stderr) and to syslog (a stand-in daemon
# on the configured log_socket), as key=value and as JSON.
. "$(dirname "$0")/../lib/common.sh"
S=$BUILD/mosh-server
PROBE=$BUILD/tests/tools/udp_probe
CRAFT=$BUILD/tests/tools/dgram_craft
SINK=$BUILD/tests/tools/syslog_sink

"$SINK" "$T_TMP/log.sock" "$T_TMP/auth.log" "$T_TMP/raw.log" &
t_track $!
# conf FILE SETTING...: a config for lo, 127.0.0.1 only, logging to the
# sink, with SETTING... (lines) as well.
conf() {
	f=$1; shift
	printf '%s\n' 'interface = lo' 'allow_sources = 127.0.0.1/32' "$@" \
	    "log_socket = $T_TMP/log.sock" >"$f"
}
conf "$T_TMP/tsmosh.conf" 'log_failed_packets = all'
sleep 0.2
if ! t_start_mosh_server "$S" --config "$T_TMP/tsmosh.conf" --log-stderr \
    -i 127.0.0.1 -- /bin/sh; then
	sed 's/^/# /' "$T_TMP/srv.err"; t_fail "server with a config file"; exit 1
fi
P=$SRV_PORT
"$PROBE" --from 127.0.0.2 --to 127.0.0.1:$P --count 1 --size 100 >/dev/null
"$PROBE" --from 127.0.0.1 --to 127.0.0.1:$P --count 1 --size 100 >/dev/null
"$PROBE" --from 127.0.0.1 --to 127.0.0.1:$P --count 1 --size 10 >/dev/null
# Authentic (right key) but not a fragment; then an older sequence number.
"$CRAFT" --key "$SRV_KEY" --to 127.0.0.1:$P --seq 5 --payload 0102
"$CRAFT" --key "$SRV_KEY" --to 127.0.0.1:$P --seq 2 --payload 0102
sleep 0.5

line() { grep "failed-packet reason=$1 " "$T_TMP/srv.err" | head -n 1; }
want() {	# reason, src, what
	l=$(line "$1")
	if printf '%s\n' "$l" | grep -Eq "^mosh-server\[$SRV_PID\]: failed-packet reason=$1 src=$2 sport=[0-9]+ dst=127\.0\.0\.1 dport=$P iface=lo count=[0-9]+$"; then
		t_ok "$3 is logged as $1 with src, sport, dst, dport, iface, count"
	else
		echo "# got: $l"; t_fail "$3 is logged as $1 with src, sport, dst, dport, iface, count"
	fi
}
want source-rejected '127\.0\.0\.2' "a datagram from outside the allowlist"
want auth-failed '127\.0\.0\.1' "100 bytes of garbage"
want malformed '127\.0\.0\.1' "a datagram too short for a tag"
n=$(grep -c "failed-packet reason=malformed " "$T_TMP/srv.err")
t_check "an authentic datagram that is not a fragment is malformed too" [ "$n" -ge 2 ]
want stale '127\.0\.0\.1' "an older sequence number (replay)"
t_check "session-start is logged with port and interface" \
    grep -Eq "session-start port=$P iface=lo user=" "$T_TMP/srv.err"

# The same lines reach syslog: ident, pid, facility authpriv (10).
t_check "syslog gets the lines as mosh-server[PID]" \
    grep -Eq "^[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} localhost mosh-server\[$SRV_PID\]: failed-packet reason=auth-failed" "$T_TMP/auth.log"
t_check "syslog priority is authpriv.warning (<84>)" grep -q '^<84>' "$T_TMP/raw.log"
# The crafted datagrams made it think a client is there: it tries to
# tell it (16 tries) before it goes.
kill "$SRV_PID"; t_wait_gone "$SRV_PID" 100
t_check "session-end is logged with its reason" \
    grep -q "session-end reason=signal" "$T_TMP/srv.err"

# JSON, and stale not logged by default.
conf "$T_TMP/json.conf" 'log_format = json'
t_start_mosh_server "$S" --config "$T_TMP/json.conf" --log-stderr -i 127.0.0.1 -- /bin/sh
"$PROBE" --from 127.0.0.1 --to 127.0.0.1:$SRV_PORT --count 1 --size 100 >/dev/null
"$CRAFT" --key "$SRV_KEY" --to 127.0.0.1:$SRV_PORT --seq 5 --payload 0102
"$CRAFT" --key "$SRV_KEY" --to 127.0.0.1:$SRV_PORT --seq 2 --payload 0102
sleep 0.5
t_check "log_format = json writes one JSON object per event" \
    grep -Eq "^mosh-server\[$SRV_PID\]: \{\"event\":\"failed-packet\",\"pid\":$SRV_PID,\"reason\":\"auth-failed\",\"src\":\"127\.0\.0\.1\",\"sport\":[0-9]+,\"dst\":\"127\.0\.0\.1\",\"dport\":$SRV_PORT,\"iface\":\"lo\",\"count\":1\}$" "$T_TMP/srv.err"
t_check "stale is counted, not logged, by default" \
    sh -c "! grep -q '\"reason\":\"stale\"' '$T_TMP/srv.err'"
kill "$SRV_PID"
