#!/bin/sh
# The client's terminal goes away (the window is closed) while the server
# cannot answer: the client must shut down without spinning on the
# hung-up terminal, which stays readable (end of file) forever.
. "$(dirname "$0")/../lib/common.sh"
C=$TOP/$BUILD/mosh-client
S=$TOP/$BUILD/mosh-server

# ticks PID: user + system CPU of PID in clock ticks, or nothing.
ticks() { awk '{ print $14 + $15 }' /proc/"$1"/stat 2>/dev/null; }

t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- /bin/sh || { t_fail "server"; exit 1; }
tm_new h 80 24 "MOSH_KEY=$SRV_KEY '$C' 127.0.0.1 $SRV_PORT"
tm_wait h '#' 100
cpid=$(pgrep -n -f "^$C 127.0.0.1 $SRV_PORT")
t_track "$cpid"
kill -STOP "$SRV_PID"		# no shutdown acknowledgement will come
before=$(ticks "$cpid")
tm kill-session -t h
sleep 2
after=$(ticks "$cpid")
# Gone, or alive and nearly idle: 2 s of spinning would be ~200 ticks.
t_check "a hung-up client uses under 0.2 s of CPU in 2 s (ticks $before -> ${after:-exited})" \
    [ -z "$after" ] || [ $((after - before)) -lt 20 ]
t_check "the client gives up on the silent server and exits" t_wait_gone "$cpid" 150
kill -CONT "$SRV_PID"
kill "$SRV_PID" 2>/dev/null
