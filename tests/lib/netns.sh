# Network namespaces for the netbind tests (POSIX sh; needs common.sh
# first). A server namespace with a veth end named tailscale0 (tailnet
# addresses) and one named lan0 (a LAN), and a client namespace on the
# other ends:
#
#   server NS_S                          client NS_C
#   tailscale0 100.100.0.1/10  <-veth->  ts-peer 100.100.0.2/10
#              fd7a:115c:a1e0::1/48              fd7a:115c:a1e0::2/48
#   lan0       192.168.77.1/24 <-veth->  lan-peer 192.168.77.2/24
#
# Both ends of each veth are created inside the namespaces, so nothing
# appears in the root namespace; deleting the namespaces deletes them.
# Names carry $$ so parallel runs do not meet.
NS_S=tsnb-s-$$
NS_C=tsnb-c-$$

ns_cleanup() {
	ip netns del "$NS_S" 2>/dev/null
	ip netns del "$NS_C" 2>/dev/null
}
# Processes first (they may live in the namespaces), then the namespaces.
trap 't_tmux_cleanup; ns_cleanup' EXIT INT TERM

# Both namespaces with lo up, no links yet. Fails (the caller skips) when
# not root or when ip netns does not work here.
ns_create() {
	[ "$(id -u)" -eq 0 ] || return 1
	command -v ip >/dev/null || return 1
	ip netns add "$NS_S" 2>/dev/null || return 1
	ip netns add "$NS_C" 2>/dev/null || return 1
	ip -n "$NS_S" link set lo up && ip -n "$NS_C" link set lo up
}

ns_add_tailscale() {
	ip link add tailscale0 netns "$NS_S" type veth \
	    peer name ts-peer netns "$NS_C" || return 1
	ip -n "$NS_S" addr add 100.100.0.1/10 dev tailscale0 &&
	ip -n "$NS_S" addr add fd7a:115c:a1e0::1/48 dev tailscale0 nodad &&
	ip -n "$NS_C" addr add 100.100.0.2/10 dev ts-peer &&
	ip -n "$NS_C" addr add fd7a:115c:a1e0::2/48 dev ts-peer nodad &&
	ip -n "$NS_S" link set tailscale0 up &&
	ip -n "$NS_C" link set ts-peer up
}

ns_add_lan() {
	ip link add lan0 netns "$NS_S" type veth \
	    peer name lan-peer netns "$NS_C" || return 1
	ip -n "$NS_S" addr add 192.168.77.1/24 dev lan0 &&
	ip -n "$NS_C" addr add 192.168.77.2/24 dev lan-peer &&
	ip -n "$NS_S" link set lan0 up &&
	ip -n "$NS_C" link set lan-peer up
}

# Everything: both namespaces, tailscale0 and lan0.
ns_setup() {
	ns_create && ns_add_tailscale && ns_add_lan
}

# ns_skip_unless_setup TEST-NAME: print "skip" and exit 0 if it fails.
ns_skip_unless() {
	if ! "$@" 2>"$T_TMP/ns.err"; then
		t_skip "netbind: needs root and ip netns ($(head -n 1 "$T_TMP/ns.err"))"
		exit 0
	fi
}

# ns_start_server NS ARGS...: our mosh-server new ARGS inside NS, stdout
# and stderr to $T_TMP/srv.out and srv.err (with -v the server keeps
# writing events there). Sets SRV_PORT, SRV_KEY, SRV_PID; returns the
# server's exit status when it printed no MOSH CONNECT.
ns_start_server() {
	ns=$1; shift
	SRV_PORT= SRV_KEY= SRV_PID=
	ip netns exec "$ns" "$TOP/$BUILD/mosh-server" new "$@" \
	    >"$T_TMP/srv.out" 2>"$T_TMP/srv.err" </dev/null
	rc=$?
	t_server_started "$T_TMP/srv.out" "$T_TMP/srv.err" && return 0
	[ "$rc" -ne 0 ] && return "$rc"
	return 1
}

# The UDP sockets listening on PORT in NS, one local address per line
# ("100.100.0.1%tailscale0", "[fd7a:115c:a1e0::1]%tailscale0", "*").
ns_udp_listeners() {	# NS PORT
	ip netns exec "$1" ss -Huln "sport = :$2" | awk '{ print $4 }' |
	    sed "s/:$2\$//"
}
