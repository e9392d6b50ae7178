#!/bin/sh
# A 12 s outage (the proxy drops everything): our client shows mosh's
# "Last contact" bar, hops to a new source port after 10 s without a
# round trip, and the session carries on once the network is back.
. "$(dirname "$0")/../lib/common.sh"
C=$TOP/$BUILD/mosh-client
S=$TOP/$BUILD/mosh-server
IMPAIR=$BUILD/tests/tools/impair

t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- /bin/sh || { t_fail "server"; exit 1; }
"$IMPAIR" --listen 127.0.0.1:0 --to "127.0.0.1:$SRV_PORT" --seed 3 \
    --port-file "$T_TMP/port" --pid-file "$T_TMP/pid" 2>/dev/null &
t_track $!
n=0; while [ ! -s "$T_TMP/port" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n+1)); done
IPID=$(cat "$T_TMP/pid")
tm_new o 80 24 "MOSH_KEY=$SRV_KEY '$C' 127.0.0.1 $(cat "$T_TMP/port"); echo CLIENT-EXIT-\$?; sleep 60"
tm_wait o '#' 100
cpid=$(pgrep -n -f "^$C 127.0.0.1 $(cat "$T_TMP/port")")
ports_before=$(ls -l /proc/$cpid/fd | grep -c socket:)
# The hop below opens a socket inside the client's sandbox.
t_check "the client runs sandboxed (Seccomp: 2)" \
    grep -q '^Seccomp:[[:space:]]*2$' /proc/$cpid/status
kill -USR2 "$IPID"			# blackout on
t_check "after 6.5 s of silence the bar says 'mosh: Last contact'" \
    tm_wait o '^mosh: Last contact [0-9]+ seconds ago\. \[To quit: Ctrl-\^ \.\]' 100
# The hop happens with the next send (an ack every 3 s) after 10 s.
n=0
while [ "$(ls -l /proc/$cpid/fd | grep -c socket:)" -le "$ports_before" ] && [ $n -lt 80 ]; do
	sleep 0.1; n=$((n + 1))
done
t_check "after 10 s without a round trip the client opened a new port" \
    [ "$(ls -l /proc/$cpid/fd | grep -c socket:)" -gt "$ports_before" ]
kill -USR2 "$IPID"			# blackout off
t_check "network back: the bar goes away" tm_wait_gone o '^mosh: Last contact' 100
tm send-keys -t o 'echo back-$((50+5))' Enter
t_check "network back: typing works again" tm_wait o '^back-55' 100
tm send-keys -t o C-^ .
t_check "quit after the outage" tm_wait o 'CLIENT-EXIT-0' 50
