#!/bin/sh
# What each more client of a shared session costs. One of our sessions,
# its screen full of text, with 1, 2, then SHARE_CLIENTS (default 8)
# stock clients (mosh-server share): the server's private memory (USS,
# smaps_rollup) after the clients have the screen. Stock mosh cannot share
# a session: the same number of people on one screen means as many stock
# sessions (each one client, a tmux inside not counted), so its column is
# the sum over that many stock servers.
. "$(dirname "$0")/lib.sh"
b_have_stock || { echo "| share | skipped: stock mosh not installed | | | | |"; exit 0; }
N=${SHARE_CLIENTS:-8}
# A full 80x24 screen, then nothing: every client holds every cell.
PROG='i=1; while [ $i -le 23 ]; do printf "%02d %075d\n" $i $i; i=$((i+1)); done; exec cat'

uss() { awk '/^Private_(Clean|Dirty):/ { s += $2 } END { print s + 0 }' "/proc/$1/smaps_rollup"; }
kib_mib() { awk -v k="$1" 'BEGIN { printf "%.2f", k / 1024 }'; }

# Ours: one session, clients added by share; USS at 1, 2 and N clients.
b_server ours share-0 sh -c "$PROG" || { echo "| share: our server failed | | | | | |"; exit 0; }
spid=$SRV_PID port=$SRV_PORT
b_client stock share-c1 "$port" || exit 0
b_wait share-c1 '^23 0' 100
sleep 2
u1=$(uss "$spid")
i=2
while [ $i -le "$N" ]; do
	SRV_KEY=$("$OURS_SRV" share "$spid" 2>/dev/null | sed -n 's/^MOSH CONNECT [0-9]* //p')
	[ -n "$SRV_KEY" ] || { echo "| share: mosh-server share failed | | | | | |"; exit 0; }
	b_client stock "share-c$i" "$port" || exit 0
	b_wait "share-c$i" '^23 0' 100 || { echo "| share: client $i saw no screen | | | | | |"; exit 0; }
	[ $i -eq 2 ] && { sleep 2; u2=$(uss "$spid"); }
	i=$((i + 1))
done
sleep 2
uN=$(uss "$spid")

# Stock: N sessions of one client each.
s1=0 sN=0 i=1
while [ $i -le "$N" ]; do
	b_server stock "share-s$i" sh -c "$PROG" || { echo "| share: stock server failed | | | | | |"; exit 0; }
	b_client stock "share-s$i" "$SRV_PORT" || exit 0
	b_wait "share-s$i" '^23 0' 100
	eval "spid_$i=$SRV_PID"
	i=$((i + 1))
done
sleep 2
i=1
while [ $i -le "$N" ]; do
	eval "u=\$(uss \$spid_$i)"
	[ $i -eq 1 ] && s1=$u
	sN=$((sN + u))
	[ $i -eq 2 ] && s2=$sN
	i=$((i + 1))
done
per_o=$(( (uN - u1) / (N - 1) )) per_s=$(( (sN - s1) / (N - 1) ))
echo "| shared session, server USS (MiB): 1 client (ours) / 1 session (stock) | $(kib_mib "$u1") | | $(kib_mib "$s1") | $(ratio "$u1" "$s1") | |"
echo "| shared session, server USS (MiB): 2 clients | $(kib_mib "$u2") | | $(kib_mib "$s2") (2 sessions) | $(ratio "$u2" "$s2") | |"
echo "| shared session, server USS (MiB): $N clients on one screen (stock: $N sessions) | $(kib_mib "$uN") | | $(kib_mib "$sN") | $(ratio "$uN" "$sN") | |"
echo "| shared session: each more client (KiB of server USS) | $per_o | | $per_s (a session) | $(ratio "$per_o" "$per_s") | |"
