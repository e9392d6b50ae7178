#!/bin/sh
# A flood of 10,000 garbage datagrams from a tailnet source while a real
# session runs (network namespaces, tests/lib/netns.sh): the session stays
# responsive, the server's CPU for the flood is reported, the log holds at
# most the rate limit's lines plus summaries, and fail2ban-regex with our
# shipped filter finds the flooding address and never the real client.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/netns.sh"
command -v mosh-client >/dev/null || { t_skip "flood: no stock mosh-client"; exit 0; }
ns_skip_unless ns_setup
PROBE=$TOP/$BUILD/tests/tools/udp_probe
SINK=$TOP/$BUILD/tests/tools/syslog_sink
FILTER=$TOP/etc/fail2ban/filter.d/tsmosh.conf

"$SINK" "$T_TMP/log.sock" "$T_TMP/auth.log" &
t_track $!
printf 'log_socket = %s\n' "$T_TMP/log.sock" >"$T_TMP/tsmosh.conf"
sleep 0.2
ns_start_server "$NS_S" --config "$T_TMP/tsmosh.conf" --log-stderr -- /bin/sh ||
    { sed 's/^/# /' "$T_TMP/srv.err"; t_fail "server in the namespace"; exit 1; }
tm_new c 80 24 "ip netns exec $NS_C env MOSH_KEY=$SRV_KEY LANG=C.UTF-8 mosh-client 100.100.0.1 $SRV_PORT; sleep 60"
tm_wait c '^[$#] ?$' 100
tm send-keys -t c 'echo before-$((1+1))' Enter
tm_wait c '^before-2' 100

# A second tailnet address on the client side floods with junk.
ip -n "$NS_C" addr add 100.100.0.3/10 dev ts-peer
hz=$(getconf CLK_TCK)
cpu() { awk -v hz="$hz" '{ sub(/.*\) /, ""); print ($12 + $13) / hz }' "/proc/$SRV_PID/stat"; }
c0=$(cpu)
ip netns exec "$NS_C" "$PROBE" --from 100.100.0.3 --to "100.100.0.1:$SRV_PORT" \
    --count 10000 --size 200 --wait 100 >/dev/null
c1=$(cpu)
flood_cpu=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')
t_ok "10,000 junk datagrams cost the server ${flood_cpu} s of CPU"
tm send-keys -t c 'echo during-$((2+2))' Enter
t_check "the live session stays responsive after the flood" tm_wait c '^during-4' 100

# 100.100.1.176 lands in 100.100.0.3's rate-limit slot (FNV-1a of the
# address, mod 256 slots): its first datagram takes the slot over, and the
# summary owed for 100.100.0.3 must be logged then, not lost.
ip -n "$NS_C" addr add 100.100.1.176/10 dev ts-peer
ip netns exec "$NS_C" "$PROBE" --from 100.100.1.176 --to "100.100.0.1:$SRV_PORT" \
    --count 1 --size 200 --wait 100 >/dev/null
t_check "a source taking over a rate-limit slot: the old source's summary is logged at once" \
    t_until 30 grep -q 'failed-packet-summary src=100\.100\.0\.3 ' "$T_TMP/auth.log"

# Rate limit: 10 lines at once per source, then summaries only.
sleep 0.5
kill -TERM "$SRV_PID" 2>/dev/null	# final summary, session end
t_wait_gone "$SRV_PID" 100
n=$(grep -c 'failed-packet reason=auth-failed src=100\.100\.0\.3 ' "$T_TMP/auth.log")
s=$(grep -c 'failed-packet-summary src=100\.100\.0\.3 ' "$T_TMP/auth.log")
sup=$(sed -n 's/.*failed-packet-summary src=100\.100\.0\.3 suppressed=\([0-9]*\).*/\1/p' "$T_TMP/auth.log" |
    awk '{ s += $1 } END { print s + 0 }')
# (Some of a flood this fast overflows the socket buffer: n + sup is what
# the server received, at most 10,000.)
if [ "$n" -ge 5 ] && [ "$n" -le 10 ] && [ "$s" -ge 1 ] && [ "$s" -le 3 ] &&
    [ $((n + sup)) -ge 1000 ] && [ $((n + sup)) -le 10000 ]; then
	t_ok "log: $n lines and $s summary ($sup suppressed) for 10,000 datagrams"
else
	t_fail "log: $n lines and $s summary ($sup suppressed) for 10,000 datagrams"
fi

if ! command -v fail2ban-regex >/dev/null; then
	t_skip "fail2ban-regex: fail2ban not installed"
	exit 0
fi
# The filter includes fail2ban's common.conf, next to it when installed.
mkdir -p "$T_TMP/filter.d"
cp "$FILTER" "$T_TMP/filter.d/tsmosh.conf"
cp /etc/fail2ban/filter.d/common.conf "$T_TMP/filter.d/" 2>/dev/null
fail2ban-regex --print-all-matched "$T_TMP/auth.log" "$T_TMP/filter.d/tsmosh.conf" >"$T_TMP/f2b.out" 2>&1
matched=$(sed -n 's/^Lines: [0-9]* lines, [0-9]* ignored, \([0-9]*\) matched.*/\1/p' "$T_TMP/f2b.out")
if [ "${matched:-0}" -ge 5 ] && grep -q '100\.100\.0\.3' "$T_TMP/f2b.out"; then
	t_ok "fail2ban-regex with our filter matches the flooding address ($matched lines)"
else
	sed 's/^/# /' "$T_TMP/f2b.out" | tail -20
	t_fail "fail2ban-regex with our filter matches the flooding address"
fi
# The real client's address is in the log (session events), never in a
# match: the "Lines: ... matched" report lists matched lines by address.
t_check "the real client's address is in the log" grep -q 'src=100\.100\.0\.2' "$T_TMP/auth.log"
# Only the "Matched line(s)" block counts (missed lines are listed too).
awk '/Matched line\(s\):/ { m = 1; next } /^`-/ { m = 0 } m' "$T_TMP/f2b.out" >"$T_TMP/matched"
if [ -s "$T_TMP/matched" ] && ! grep -q '100\.100\.0\.2' "$T_TMP/matched"; then
	t_ok "fail2ban-regex never matches the real client (100.100.0.2)"
else
	sed 's/^/# /' "$T_TMP/matched" | tail -20
	t_fail "fail2ban-regex never matches the real client (100.100.0.2)"
fi
