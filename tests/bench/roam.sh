#!/bin/sh
# The first screen after the client machine moves: our client and server
# and the stock ones side by side, in two network namespaces (the server
# on a veth named tailscale0, 100.100.0.1/10; the clients on its peer).
# Each session prints a line written to its FIFO. ROAMS times (default
# 5), 2 s apart while idle: the clients' address changes (a new one
# added, the old one deleted) and both servers print a line at once;
# measured: ms from the move until each line is on its client's screen.
# Needs root and ip netns; prints a skipped row otherwise.
. "$(dirname "$0")/lib.sh"
ROAMS=${ROAMS:-5}
row="screen after the client's address changes (netns, idle session), ms"
b_have_stock || { echo "| $row | skipped: stock mosh not installed | | | | |"; exit 0; }
NS_S=tsb-s-$$ NS_C=tsb-c-$$
trap 'b_cleanup; ip netns del "$NS_S" 2>/dev/null; ip netns del "$NS_C" 2>/dev/null' EXIT
if [ "$(id -u)" -ne 0 ] || ! ip netns add "$NS_S" 2>/dev/null ||
    ! ip netns add "$NS_C" 2>/dev/null; then
	echo "| $row | skipped: needs root and ip netns | | | | |"
	exit 0
fi
ip -n "$NS_S" link set lo up && ip -n "$NS_C" link set lo up &&
ip link add tailscale0 netns "$NS_S" type veth peer name ts-peer netns "$NS_C" &&
ip -n "$NS_S" addr add 100.100.0.1/10 dev tailscale0 &&
ip -n "$NS_C" addr add 100.100.0.2/10 dev ts-peer &&
ip netns exec "$NS_C" sysctl -qw net.ipv4.conf.ts-peer.promote_secondaries=1 &&
ip -n "$NS_S" link set tailscale0 up && ip -n "$NS_C" link set ts-peer up ||
    { echo "| $row | skipped: the namespaces could not be set up | | | | |"; exit 0; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }
for s in ours stock; do
	mkfifo "$B_TMP/fifo-$s"
	if [ $s = ours ]; then srv=$OURS_SRV; else srv=$STOCK_SRV; fi
	ip netns exec "$NS_S" "$srv" new -- sh -c \
	    'exec 3<>"$0"; while IFS= read -r l <&3; do printf "%s\n" "$l"; done' \
	    "$B_TMP/fifo-$s" >"$B_TMP/$s.out" 2>"$B_TMP/$s.err" </dev/null
	port=$(sed -n 's/^MOSH CONNECT \([0-9]*\) .*/\1/p' "$B_TMP/$s.out")
	key=$(sed -n 's/^MOSH CONNECT [0-9]* \([A-Za-z0-9/+]*\).*/\1/p' "$B_TMP/$s.out")
	pid=$(sed -n 's/.*detached, pid = \([0-9]*\).*/\1/p' "$B_TMP/$s.err")
	[ -n "$pid" ] && B_SERVERS="$B_SERVERS $pid"
	if [ -z "$port" ] || [ -z "$key" ]; then
		echo "| $row | $s server failed | | | | |"; exit 0
	fi
	if [ $s = ours ]; then cli=$OURS_CLI; else cli=$STOCK_CLI; fi
	bt new-session -d -s "r-$s" -x 80 -y 24 \
	    "ip netns exec $NS_C env MOSH_KEY=$key '$cli' 100.100.0.1 $port; sleep 600"
done
exec 3<>"$B_TMP/fifo-ours" 4<>"$B_TMP/fifo-stock"
echo ready-ours >&3; echo ready-stock >&4
b_wait r-ours '^ready-ours$' 100 && b_wait r-stock '^ready-stock$' 100 ||
    { echo "| $row | a session did not start | | | | |"; exit 0; }

old=100.100.0.2 to= ts=
i=1
while [ $i -le "$ROAMS" ]; do
	sleep 2
	new=100.100.0.$((10 + i))
	ip -n "$NS_C" addr add "$new/10" dev ts-peer
	ip -n "$NS_C" addr del "$old/10" dev ts-peer
	t0=$(now_ms)
	echo "moved-$i" >&3; echo "moved-$i" >&4
	mo=timeout ms=timeout
	while [ $(($(now_ms) - t0)) -lt 10000 ]; do
		[ $mo = timeout ] && bt capture-pane -p -t r-ours |
		    grep -q "^moved-$i\$" && mo=$(($(now_ms) - t0))
		[ $ms = timeout ] && bt capture-pane -p -t r-stock |
		    grep -q "^moved-$i\$" && ms=$(($(now_ms) - t0))
		[ $mo != timeout ] && [ $ms != timeout ] && break
		sleep 0.01
	done
	to="$to $mo" ts="$ts $ms"
	old=$new
	i=$((i + 1))
done
# min/median/max of a list of numbers (a timeout counts as 10000)
mmm() {
	echo "$1" | tr ' ' '\n' | grep -v '^$' | sed 's/timeout/10000/' |
	    sort -n | awk '{ v[NR] = $1 } END { printf "%s/%s/%s", v[1], v[int((NR + 1) / 2)], v[NR] }'
}
o=$(mmm "$to") s=$(mmm "$ts")
om=$(echo "$o" | cut -d/ -f2) sm=$(echo "$s" | cut -d/ -f2)
if [ "$om" -le 60 ]; then g="met (<= 60 ms)"; else g="NOT met (<= 60 ms)"; fi
echo "| $row, min/median/max of $ROAMS (ours:$to; stock:$ts) | $o | | $s | $(ratio "$om" "$sm") | $g |"
