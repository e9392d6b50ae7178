#!/bin/sh
# A native IPv6 datagram whose source is v4-mapped (::ffff:100.64.7.7)
# must be judged as the IPv6 address it is, never as the tailnet IPv4
# address inside it: to a server bound on a non-tailnet interface (a LAN
# veth in a network namespace, and lo) it is source-rejected with the v6
# source in the line, and never reaches decryption (no auth-failed for
# 100.64.7.7). No socket API sends such a source, so raw6_udp writes the
# frame by hand on the link. Linux 6.x delivers these datagrams to a UDP
# socket (ip6_rcv does not drop a v4-mapped source; this test measured
# it with the namespace's Udp6InDatagrams counter); were a kernel to drop
# them, only the "never judged as 100.64.7.7" checks would mean anything,
# and the test says so in a comment line.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/netns.sh"
RAW=$TOP/$BUILD/tests/tools/raw6_udp
ns_skip_unless ns_setup
ip -n "$NS_S" addr add fd00:77::1/64 dev lan0 nodad
ip -n "$NS_C" addr add fd00:77::2/64 dev lan-peer nodad
LAN_MAC=$(ip netns exec "$NS_S" cat /sys/class/net/lan0/address)

udp6_in() {	# NS: UDP datagrams IPv6 has delivered to sockets there
	ip netns exec "$1" nstat -az Udp6InDatagrams 2>/dev/null |
	    awk '$1 == "Udp6InDatagrams" { print $2 }'
}
wait_line() {	# pattern: in the server's log within 3 s
	t_until 30 grep -q -- "$1" "$T_TMP/srv.err"
}
# send NS IFACE SRC DST [MAC]: one datagram of junk to the server's port
send() {
	ip netns exec "$1" "$RAW" --iface "$2" --src "$3" --dst "$4" \
	    --dport "$SRV_PORT" ${5:+--dst-mac "$5"} >/dev/null
}
# judge WHERE NS IFACE DST [MAC]: the checks for one server
judge() {
	where=$1; shift
	# The path works: a plain non-tailnet v6 source is refused, a
	# tailnet v6 source goes on to decryption.
	send "$1" "$2" fd00:77::99 "$3" "$4"
	t_check "$where: raw6_udp from fd00:77::99 is logged source-rejected" \
	    wait_line "failed-packet reason=source-rejected src=fd00:77::99 "
	send "$1" "$2" fd7a:115c:a1e0::7 "$3" "$4"
	t_check "$where: from tailnet fd7a:115c:a1e0::7 it reaches decryption (auth-failed)" \
	    wait_line "failed-packet reason=auth-failed src=fd7a:115c:a1e0::7 "

	before=$(udp6_in "$NS_S")
	send "$1" "$2" ::ffff:100.64.7.7 "$3" "$4"
	after=$(udp6_in "$NS_S")
	if [ "${after:-0}" -gt "${before:-0}" ]; then
		echo "# $where: the kernel delivered the v4-mapped datagram to a socket"
		if wait_line "failed-packet reason=source-rejected src=::ffff:100\.64\.7\.7 "; then
			t_ok "$where: ::ffff:100.64.7.7 is logged source-rejected with its v6 source"
		else
			grep 'failed-packet' "$T_TMP/srv.err" | tail -n 3 | sed 's/^/# /'
			t_fail "$where: ::ffff:100.64.7.7 is logged source-rejected with its v6 source"
		fi
	else
		echo "# $where: the kernel dropped the v4-mapped datagram before any socket"
		sleep 0.5
	fi
	t_check "$where: it is never judged as 100.64.7.7 (no auth-failed, no src=100.64.7.7)" \
	    sh -c "! grep -Eq 'src=100\.64\.7\.7 |reason=auth-failed src=[:a-f]*100\.64\.7\.7' '$T_TMP/srv.err'"
}

# A server on a LAN interface: the tailnet ranges are the allowlist.
if ! ns_start_server "$NS_S" --iface lan0 --log-stderr -- /bin/sh; then
	sed 's/^/# /' "$T_TMP/srv.err"; t_fail "server on lan0"; exit 1
fi
judge "lan0 veth" "$NS_C" lan-peer fd00:77::1 "$LAN_MAC"
kill "$SRV_PID"; t_wait_gone "$SRV_PID" 50

# On lo, the frame is put on the server namespace's own loopback.
if ! ns_start_server "$NS_S" --iface lo --log-stderr -- /bin/sh; then
	sed 's/^/# /' "$T_TMP/srv.err"; t_fail "server on lo"; exit 1
fi
judge "lo" "$NS_S" lo ::1
kill "$SRV_PID"; t_wait_gone "$SRV_PID" 50
