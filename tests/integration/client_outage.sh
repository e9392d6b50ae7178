#!/bin/sh
# A 12 s outage (the proxy drops everything): our client shows mosh's
# "Last contact" bar, hops to a new source port after 10 s without a
# round trip, and the session carries on once the network is back.
. "$(dirname "$0")/../lib/common.sh"
C=$TOP/$BUILD/mosh-client
S=$TOP/$BUILD/mosh-server

t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- /bin/sh || { t_fail "server"; exit 1; }
t_start_impair "$SRV_PORT" --seed 3
tm_new o 80 24 "MOSH_KEY=$SRV_KEY '$C' 127.0.0.1 $IMP_PORT; echo CLIENT-EXIT-\$?; sleep 60"
tm_wait o '#' 100
cpid=$(tm_pid o "^$C 127.0.0.1 $IMP_PORT")
sockets() { ls -l /proc/$cpid/fd | grep -c socket:; }
ports_before=$(sockets)
# The hop below opens a socket inside the client's sandbox.
t_check "the client runs sandboxed (Seccomp: 2)" \
    grep -q '^Seccomp:[[:space:]]*2$' /proc/$cpid/status
kill -USR2 "$IMP_PID"			# blackout on
t_check "after 6.5 s of silence the bar says 'mosh: Last contact'" \
    tm_wait o '^mosh: Last contact [0-9]+ seconds ago\. \[To quit: Ctrl-\^ \.\]' 100
# The hop happens with the next send (an ack every 3 s) after 10 s.
more_sockets() { [ "$(sockets)" -gt "$ports_before" ]; }
t_check "after 10 s without a round trip the client opened a new port" \
    t_until 80 more_sockets
kill -USR2 "$IMP_PID"			# blackout off
t_check "network back: the bar goes away" tm_wait_gone o '^mosh: Last contact' 100
tm send-keys -t o 'echo back-$((50+5))' Enter
t_check "network back: typing works again" tm_wait o '^back-55' 100
tm send-keys -t o C-^ .
t_check "quit after the outage" tm_wait o 'CLIENT-EXIT-0' 50
