#!/bin/sh
# Choosing and waiting for the interface, in network namespaces: no
# tailscale0, tailscale0 down, -i/-s naming a foreign address (no
# fallback), --wait-iface while the interface appears, the precedence of
# --iface over MOSH_SERVER_NETWORK_TMPL, and --iface any.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/netns.sh"
ns_skip_unless ns_create

# refused NAME PATTERN ARGS...: exit 1, PATTERN on stderr, no MOSH CONNECT.
refused() {
	name=$1 pat=$2; shift 2
	ns_start_server "$NS_S" "$@" -- /bin/true
	rc=$?
	if [ "$rc" -eq 1 ] && grep -q -- "$pat" "$T_TMP/srv.err" &&
	    ! grep -q 'MOSH CONNECT' "$T_TMP/srv.out"; then
		t_ok "$name"
	else
		echo "# rc=$rc"; sed 's/^/# /' "$T_TMP/srv.out" "$T_TMP/srv.err"
		t_fail "$name"
	fi
}
stop_server() { [ -n "$SRV_PID" ] && kill "$SRV_PID" && t_wait_gone "$SRV_PID" 20; }
# binds NAME WANT ARGS...: a server started with ARGS listens exactly on
# WANT (its local addresses, each followed by a space).
binds() {
	name=$1 want=$2; shift 2
	if ns_start_server "$NS_S" "$@" -- /bin/sh; then
		got=$(ns_udp_listeners "$NS_S" "$SRV_PORT" | tr '\n' ' ')
		t_check "$name" [ "$got" = "$want" ]
		stop_server
	else
		t_fail "$name"
	fi
}

refused "no tailscale0: exit 1, no MOSH CONNECT" \
    'interface tailscale0 (the default): no such interface'
t_check "... and the message says to check tailscale status" \
    grep -q 'tailscale status' "$T_TMP/srv.err"
MOSH_SERVER_NETWORK_TMPL=wg7 refused \
    "MOSH_SERVER_NETWORK_TMPL names a missing interface: exit 1" \
    'interface wg7 (MOSH_SERVER_NETWORK_TMPL): no such interface'

ns_add_tailscale || { t_fail "add tailscale0"; exit 1; }
ns_add_lan || { t_fail "add lan0"; exit 1; }
ip -n "$NS_S" link set tailscale0 down
refused "tailscale0 down: exit 1, no MOSH CONNECT" 'interface is down'
ip -n "$NS_S" link set tailscale0 up
# Down flushed the IPv6 address (the kernel's default); put it back.
ip -n "$NS_S" addr add fd7a:115c:a1e0::1/48 dev tailscale0 nodad

refused "-i with an address of another interface: exit 1, no fallback" \
    '-i 192.168.77.1 is not an address of tailscale0' -i 192.168.77.1
SSH_CONNECTION="192.168.77.2 50000 192.168.77.1 22" refused \
    "-s with an SSH login over lan0: exit 1, no fallback" \
    '-s: the SSH connection came in on 192.168.77.1' -s
SSH_CONNECTION="100.100.0.2 50000 100.100.0.1 22" binds \
    "-s with an SSH login over tailscale0 binds just that address" \
    "100.100.0.1%tailscale0 " -s

# Precedence: --iface beats the environment, the environment the default.
MOSH_SERVER_NETWORK_TMPL=lan0 binds \
    "MOSH_SERVER_NETWORK_TMPL=lan0 binds lan0's address" "192.168.77.1%lan0 "
if MOSH_SERVER_NETWORK_TMPL=lan0 ns_start_server "$NS_S" --iface tailscale0 -- /bin/sh; then
	got=$(ns_udp_listeners "$NS_S" "$SRV_PORT" | grep -c tailscale0)
	[ "$got" = 2 ] || ns_udp_listeners "$NS_S" "$SRV_PORT" | sed 's/^/# /'
	t_check "--iface tailscale0 wins over MOSH_SERVER_NETWORK_TMPL" [ "$got" = 2 ]
	stop_server
else
	t_fail "--iface tailscale0 wins over MOSH_SERVER_NETWORK_TMPL"
fi

# --iface any: mosh's binding, said on stderr.
if ns_start_server "$NS_S" --iface any -- /bin/sh; then
	got=$(ns_udp_listeners "$NS_S" "$SRV_PORT" | tr '\n' ' ')
	if grep -q -- '--iface any: binding any address, as mosh does; answering only the --allow-source blocks' "$T_TMP/srv.err" &&
	    [ "$got" = "* " ]; then
		t_ok "--iface any binds any address and says so on stderr"
	else
		echo "# $got"; sed 's/^/# /' "$T_TMP/srv.err"
		t_fail "--iface any binds any address and says so on stderr"
	fi
	stop_server
else
	t_fail "--iface any binds any address and says so on stderr"
fi

# --wait-iface: a server started before the interface exists.
ip -n "$NS_S" link del tailscale0
start=$(date +%s)
refused "--wait-iface 1 with no interface: exit 1 after waiting" \
    'no such interface after --wait-iface' --wait-iface 1
t_check "... about 1 s later" [ $(( $(date +%s) - start )) -le 3 ]
ip netns exec "$NS_S" "$TOP/$BUILD/mosh-server" new --wait-iface 5 -- /bin/sh \
    >"$T_TMP/w.out" 2>"$T_TMP/w.err" </dev/null &
waiter=$!
t_track "$waiter"
sleep 1
t_check "--wait-iface 5: nothing printed while tailscale0 is missing" \
    sh -c "t=\$(cat '$T_TMP/w.out'); [ -z \"\$t\" ] && kill -0 $waiter"
ns_add_tailscale
if t_until 50 grep -q '^MOSH CONNECT' "$T_TMP/w.out"; then
	t_ok "--wait-iface 5: starts once tailscale0 appears 1 s later"
else
	sed 's/^/# /' "$T_TMP/w.out" "$T_TMP/w.err"
	t_fail "--wait-iface 5: starts once tailscale0 appears 1 s later"
fi
t_server_started "$T_TMP/w.out" "$T_TMP/w.err"
t_check "... on tailscale0's addresses" \
    [ "$(ns_udp_listeners "$NS_S" "$SRV_PORT" | grep -c tailscale0)" -ge 1 ]
stop_server
