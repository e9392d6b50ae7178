#!/bin/sh
# The client machine moves (Wi-Fi to LTE, in network namespaces): its
# address changes while the session is idle, and the server prints a
# line at that moment. Our client hears the address event and sends at
# once from its new address; our server, hearing it there, sends again
# what went to the old one. So the line is on screen in a fraction of
# the up to 3 s that waiting for the client's heartbeat takes (stock
# mosh, and ours before). Three moves: each within ROAM_MS (the client's
# part: without it, 1.8 s), their median within ROAM_MEDIAN_MS (the
# server's: without it, 170-190 ms, a resend timeout).
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/netns.sh"
ROAM_MS=${ROAM_MS:-400}
ROAM_MEDIAN_MS=${ROAM_MEDIAN_MS:-120}
setup() {
	ns_create && ns_add_tailscale &&
	    ip netns exec "$NS_C" sysctl -qw \
	    net.ipv4.conf.ts-peer.promote_secondaries=1
}
ns_skip_unless setup

now_ms() { echo $(($(date +%s%N) / 1000000)); }
fifo=$T_TMP/lines
mkfifo "$fifo"
# The session prints each line written to the FIFO: we choose when.
if ! ns_start_server "$NS_S" -v -- sh -c \
    'exec 3<>"$0"; while IFS= read -r l <&3; do printf "%s\n" "$l"; done' \
    "$fifo"; then
	sed 's/^/# /' "$T_TMP/srv.out" "$T_TMP/srv.err"
	t_fail "our server starts on tailscale0"
	exit 1
fi
exec 3<>"$fifo"
tm_new r 80 24 "ip netns exec $NS_C env MOSH_KEY=$SRV_KEY LANG=C.UTF-8 $TOP/$BUILD/mosh-client 100.100.0.1 $SRV_PORT; echo CLIENT-EXIT-\$?; sleep 60"
echo ready >&3
if ! tm_wait r '^ready$' 100; then
	tm_screen r | sed 's/^/# /'; sed 's/^/# /' "$T_TMP/srv.err"
	t_fail "our client connects from 100.100.0.2"
	exit 1
fi
t_ok "our client connects from 100.100.0.2"

old=100.100.0.2
times=
for i in 1 2 3; do
	sleep 1.3
	new=100.100.0.$((10 + i))
	# The new address first, then the old one gone: as a phone that
	# joins LTE and then loses Wi-Fi.
	ip -n "$NS_C" addr add "$new/10" dev ts-peer
	ip -n "$NS_C" addr del "$old/10" dev ts-peer
	t0=$(now_ms)
	echo "moved-$i" >&3
	took=timeout
	while [ $(($(now_ms) - t0)) -lt 5000 ]; do
		if tm_screen r | grep -q "^moved-$i\$"; then
			took=$(($(now_ms) - t0))
			break
		fi
		sleep 0.02
	done
	echo "# move $i ($old -> $new): the line on screen after $took ms"
	times="$times $took"
	if [ "$took" != timeout ] && [ "$took" -le "$ROAM_MS" ] &&
	    grep -q "client-roam from=$old:[0-9]* to=$new:[0-9]*" \
	    "$T_TMP/srv.err"; then
		t_ok "move $i: the server follows to $new and the line shows within $ROAM_MS ms"
	else
		tm_screen r | sed 's/^/# /'; grep client- "$T_TMP/srv.err" |
		    sed 's/^/# /'
		t_fail "move $i: the server follows to $new and the line shows within $ROAM_MS ms"
	fi
	old=$new
done
median=$(echo "$times" | tr ' ' '\n' | grep -v '^$' | sort -n | sed -n 2p)
if [ "$median" != timeout ] && [ "$median" -le "$ROAM_MEDIAN_MS" ]; then
	t_ok "the median move: $median ms (within $ROAM_MEDIAN_MS)"
else
	t_fail "the median move: $median ms (within $ROAM_MEDIAN_MS)"
fi

tm send-keys -t r C-^ .
t_check "the session quits cleanly from the last address" \
    tm_wait r 'CLIENT-EXIT-0' 50
