#!/bin/sh
# Our mosh-server inside a network namespace with a fake tailscale0 and a
# LAN (tests/lib/netns.sh): it listens only on tailscale0's addresses,
# the stock mosh-client gets a session over IPv4 and IPv6, a non-tailnet
# source that reaches tailscale0 is dropped and logged as source-rejected
# while the session goes on, nothing comes in through lan0, and the
# session survives tailscale0's address going away and coming back.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/netns.sh"
if ! command -v mosh-client >/dev/null 2>&1; then
	t_skip "netbind tailnet: stock mosh-client not installed"
	exit 0
fi
ns_skip_unless ns_setup
PROBE=$TOP/$BUILD/tests/tools/udp_probe
probe() { ip netns exec "$NS_C" "$PROBE" "$@" 2>&1; }
log_lines() { grep -c "$1" "$T_TMP/srv.err"; }

# No --iface: tailscale0 is the default. -v keeps stderr: the event log.
if ! ns_start_server "$NS_S" -v -- /bin/sh; then
	sed 's/^/# /' "$T_TMP/srv.out" "$T_TMP/srv.err"
	t_fail "server starts on tailscale0 in the namespace"
	exit 1
fi
t_ok "server starts on tailscale0 (the default) in the namespace"

got=$(ns_udp_listeners "$NS_S" "$SRV_PORT" | sort | tr '\n' ' ')
want="100.100.0.1%tailscale0 [fd7a:115c:a1e0::1]%tailscale0 "
if [ "$got" = "$want" ]; then
	t_ok "ss: sockets only on tailscale0's IPv4 and IPv6 addresses"
else
	echo "# got: $got"; ip netns exec "$NS_S" ss -uln | sed 's/^/# /'
	t_fail "ss: sockets only on tailscale0's IPv4 and IPv6 addresses"
fi

client() {	# window, server address, port
	tm_new "$1" 80 24 "ip netns exec $NS_C env MOSH_KEY=$SRV_KEY LANG=C.UTF-8 mosh-client $2 $3; echo CLIENT-EXIT-\$?; sleep 60"
}
client v4 100.100.0.1 "$SRV_PORT"
tm_wait v4 '^[$#] ?$' 100	# the shell's prompt: keys go to the shell
tm send-keys -t v4 'echo v4-$((6*7))-ok' Enter
if tm_wait v4 '^v4-42-ok' 100; then
	t_ok "stock mosh-client from 100.100.0.2: typed command runs"
else
	tm_screen v4 | sed 's/^/# /'; sed 's/^/# /' "$T_TMP/srv.err"
	t_fail "stock mosh-client from 100.100.0.2: typed command runs"
fi

# A source outside the tailnet ranges that still reaches tailscale0.
ip -n "$NS_C" addr add 10.9.9.9/32 dev ts-peer
ip -n "$NS_S" route add 10.9.9.9/32 dev tailscale0
out=$(probe --from 10.9.9.9 --to "100.100.0.1:$SRV_PORT" --count 3 --wait 500)
t_check "datagrams from 10.9.9.9 get no reply" \
    [ "$out" = "udp_probe: sent=3 replies=0" ]
pat="^mosh-server\[$SRV_PID\]: failed-packet reason=source-rejected src=10\.9\.9\.9 sport=[0-9]* dst=100\.100\.0\.1 dport=$SRV_PORT iface=tailscale0 count="
if [ "$(log_lines "$pat")" -eq 3 ] && grep -q "${pat}3\$" "$T_TMP/srv.err"; then
	t_ok "each is counted and logged as source-rejected"
else
	sed 's/^/# /' "$T_TMP/srv.err"; t_fail "each is counted and logged as source-rejected"
fi
# The same garbage from a tailnet source reaches decryption instead:
# the filter is what stopped 10.9.9.9, before any decryption. 100.100.0.2
# is the client's own address, so the failed tag is logged known-peer
# (a device of the user's, not matched by the fail2ban filter).
probe --from 100.100.0.2 --to "100.100.0.1:$SRV_PORT" --count 1 --wait 200 >/dev/null
t_check "the same bytes from 100.100.0.2 (the client's address) fail the tag instead: known-peer" \
    grep -q "reason=known-peer src=100\.100\.0\.2 .* count=1\$" "$T_TMP/srv.err"
tm send-keys -t v4 'echo still-$((7*7))-here' Enter
t_check "the session is unaffected: typing still works" \
    tm_wait v4 '^still-49-here' 100

# lan0: no socket there, so nothing arrives at the server at all.
before=$(log_lines failed-packet)
out=$(probe --from 192.168.77.2 --to "192.168.77.1:$SRV_PORT" --count 3 --wait 300)
t_check "a datagram to 192.168.77.1 (lan0) gets no reply" \
    [ "$out" = "udp_probe: sent=3 replies=0" ]
t_check "and leaves no log line (nothing listens on lan0)" \
    [ "$(log_lines failed-packet)" -eq "$before" ]

# tailscaled restarting: the address goes away and comes back.
ip -n "$NS_S" addr del 100.100.0.1/10 dev tailscale0
t_until 30 grep -q '100.100.0.1 port .* went away' "$T_TMP/srv.err"
t_check "the server notices the address going away" \
    grep -q "tailscale0: 100.100.0.1 port $SRV_PORT went away" "$T_TMP/srv.err"
sleep 1
ip -n "$NS_S" addr add 100.100.0.1/10 dev tailscale0
t_until 30 grep -q '100.100.0.1 port .* bound again' "$T_TMP/srv.err"
t_check "and re-binds it on the same port when it is back" \
    sh -c "grep -q 'tailscale0: 100.100.0.1 port $SRV_PORT bound again' '$T_TMP/srv.err' &&
        ip netns exec $NS_S ss -Huln 'sport = :$SRV_PORT' | grep -q '100.100.0.1%tailscale0'"
tm send-keys -t v4 'echo back-$((50+5))-again' Enter
t_check "the session continues afterwards: typing works" \
    tm_wait v4 '^back-55-again' 150

# tailscaled restarting for real: the device itself is deleted and made
# again (a new index, the same addresses). The server is stopped
# meanwhile, so it reads all the events at once and sees only the end
# state: its sockets' addresses are all there, but on a dead device.
before=$(grep -c 'bound again' "$T_TMP/srv.err")
kill -STOP "$SRV_PID"
ip -n "$NS_S" link del tailscale0 && ns_add_tailscale
kill -CONT "$SRV_PID"
bound_twice() {
	[ "$(grep -c "100.100.0.1 port $SRV_PORT bound again" "$T_TMP/srv.err")" -ge 2 ]
}
t_until 30 bound_twice
got=$(ns_udp_listeners "$NS_S" "$SRV_PORT" | sort | tr '\n' ' ')
if [ "$(grep -c 'bound again' "$T_TMP/srv.err")" -ge $((before + 2)) ] &&
    [ "$got" = "$want" ]; then
	t_ok "tailscale0 deleted and created again: both addresses re-bound"
else
	echo "# got: $got"; sed 's/^/# /' "$T_TMP/srv.err"
	t_fail "tailscale0 deleted and created again: both addresses re-bound"
fi
tm send-keys -t v4 'echo new-dev-$((9*9))' Enter
t_check "the session continues on the new device: typing works" \
    tm_wait v4 '^new-dev-81' 150

tm send-keys -t v4 C-^ .
if tm_wait v4 'CLIENT-EXIT-0' 50 && t_wait_gone "$SRV_PID" 30; then
	t_ok "Ctrl-^ . quits; the server exits"
else
	tm_screen v4 | sed 's/^/# /'; t_fail "Ctrl-^ . quits; the server exits"
fi

# IPv6: a fresh server, the client to tailscale0's v6 address.
if ! ns_start_server "$NS_S" -v -- /bin/sh; then
	sed 's/^/# /' "$T_TMP/srv.err"; t_fail "second server starts"; exit 1
fi
client v6 fd7a:115c:a1e0::1 "$SRV_PORT"
tm_wait v6 '^[$#] ?$' 100
tm send-keys -t v6 'echo v6-$((8*8))-ok' Enter
t_check "stock mosh-client over IPv6 (fd7a:115c:a1e0::1): typed command runs" \
    tm_wait v6 '^v6-64-ok' 100
tm send-keys -t v6 C-^ .
t_check "IPv6 session quits cleanly" tm_wait v6 'CLIENT-EXIT-0' 50

# tailscale0 gone for good: the session ends as any without contact does.
if ! MOSH_SERVER_NETWORK_TMOUT=2 ns_start_server "$NS_S" -v -- /bin/sh; then
	sed 's/^/# /' "$T_TMP/srv.err"; t_fail "third server starts"; exit 1
fi
client gone 100.100.0.1 "$SRV_PORT"
tm_wait gone '^[$#] ?$' 100
ip -n "$NS_S" link del tailscale0
if t_wait_gone "$SRV_PID" 60 &&
    grep -q 'session-end reason=network-timeout' "$T_TMP/srv.err" &&
    grep -q 'tailscale0: 100.100.0.1 port .* went away' "$T_TMP/srv.err"; then
	t_ok "tailscale0 deleted: sockets closed, the session ends at the network timeout"
else
	sed 's/^/# /' "$T_TMP/srv.err"
	t_fail "tailscale0 deleted: sockets closed, the session ends at the network timeout"
fi
