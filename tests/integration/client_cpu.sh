#!/bin/sh
# The client idles without spinning, through a 300 ms round trip (impair):
# (1) once connected, after the "Nothing received from server" notice
# it shows while connecting has come and gone; (2) when its terminal goes
# away (the window is closed) while the server cannot answer, which
# leaves stdin readable at end of file forever. The round trip also
# spaces the shutdown's retries, so the client lives on for seconds.
. "$(dirname "$0")/../lib/common.sh"
C=$TOP/$BUILD/mosh-client
S=$TOP/$BUILD/mosh-server

# ticks PID: user + system CPU of PID in clock ticks, or nothing.
ticks() { awk '{ print $14 + $15 }' /proc/"$1"/stat 2>/dev/null; }

t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- /bin/sh || { t_fail "server"; exit 1; }
t_start_impair "$SRV_PORT" --delay 150
PORT=$IMP_PORT
tm_new h 80 24 "MOSH_KEY=$SRV_KEY '$C' 127.0.0.1 $PORT"
tm_wait h '#' 100
cpid=$(tm_pid h "^$C 127.0.0.1 $PORT")
t_track "$cpid"
sleep 2				# the notice's 1 s expiry is over
t0=$(ticks "$cpid")
sleep 3
t1=$(ticks "$cpid")
t_check "an idle connected client uses under 0.1 s of CPU in 3 s (ticks $t0 -> $t1)" \
    sh -c "[ -n '$t1' ] && [ \$(( ${t1:-0} - ${t0:-0} )) -lt 10 ]"
kill -STOP "$SRV_PID"		# no shutdown acknowledgement will come
before=$(ticks "$cpid")
tm kill-session -t h
sleep 2
after=$(ticks "$cpid")
t_check "the hung-up client is still shutting down 2 s later" [ -n "$after" ]
# Spinning, it used 0.3 s and more in those 2 s; idle, nothing.
t_check "a hung-up client uses under 0.1 s of CPU in 2 s (ticks $before -> ${after:-exited})" \
    sh -c "[ -n '$after' ] && [ \$(( ${after:-0} - ${before:-0} )) -lt 10 ]"
t_check "the client gives up on the silent server and exits" t_wait_gone "$cpid" 300
kill -CONT "$SRV_PID"
kill "$SRV_PID" 2>/dev/null
