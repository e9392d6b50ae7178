#!/bin/sh
# Sessions end as documented: --idle-timeout, MOSH_SERVER_NETWORK_TMOUT,
# SIGUSR1 with MOSH_SERVER_SIGNAL_TMOUT, SIGTERM and SIGHUP; the stock
# client attached each time is told and exits.
. "$(dirname "$0")/../lib/common.sh"
S=$BUILD/mosh-server
command -v mosh-client >/dev/null || { t_skip "timeouts: no mosh-client"; exit 0; }

attach() {	# window name
	tm_new "$1" 80 24 "MOSH_KEY=$SRV_KEY mosh-client 127.0.0.1 $SRV_PORT; echo CLIENT-EXIT-\$?; sleep 60"
	tm_wait "$1" '#' 50
}
client_pid() {	# the mosh-client in window $1
	tm_pid "$1" "^mosh-client 127.0.0.1 $SRV_PORT"
}

# --idle-timeout: no input for 2 s ends the session, client told.
t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 --idle-timeout 2 -- /bin/sh
attach idle
tm send-keys -t idle 'echo still-here' Enter
sleep 1
if t_alive "$SRV_PID" && t_wait_gone "$SRV_PID" 50 &&
    tm_wait idle 'CLIENT-EXIT' 30; then
	t_ok "--idle-timeout 2: the session ends after 2 s without input"
else
	t_fail "--idle-timeout 2: the session ends after 2 s without input"
fi

# MOSH_SERVER_NETWORK_TMOUT: an idle client still sends an ack every 3 s
# and keeps the session; one that goes silent (stopped) loses it.
MOSH_SERVER_NETWORK_TMOUT=4 t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- /bin/sh
attach net
sleep 5
t_check "MOSH_SERVER_NETWORK_TMOUT=4: an idle but live client keeps the session" \
    t_alive "$SRV_PID"
cp=$(client_pid net); t_track "$cp"
kill -STOP "$cp"
if t_wait_gone "$SRV_PID" 60; then
	t_ok "MOSH_SERVER_NETWORK_TMOUT=4: a silent client's session ends"
else
	t_fail "MOSH_SERVER_NETWORK_TMOUT=4: a silent client's session ends"
fi
kill -CONT "$cp" 2>/dev/null; kill "$cp" 2>/dev/null

# SIGUSR1 with MOSH_SERVER_SIGNAL_TMOUT=4: ignored while the client is
# active, ends the session once it has been silent that long.
MOSH_SERVER_SIGNAL_TMOUT=4 t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- /bin/sh
attach sig
tm send-keys -t sig 'echo active' Enter
sleep 0.3
kill -USR1 "$SRV_PID"
sleep 1
t_check "SIGUSR1 with an active client (signal timeout 4 s): session stays" \
    t_alive "$SRV_PID"
cp=$(client_pid sig); t_track "$cp"
kill -STOP "$cp"
sleep 5
kill -USR1 "$SRV_PID"
t_check "SIGUSR1 after 5 s of client silence: session ends" \
    t_wait_gone "$SRV_PID" 30
kill -CONT "$cp" 2>/dev/null; kill "$cp" 2>/dev/null

# SIGUSR1 without a signal timeout ends any session.
t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- /bin/sh
attach usr1
kill -USR1 "$SRV_PID"
if t_wait_gone "$SRV_PID" 30 && tm_wait usr1 'CLIENT-EXIT' 30; then
	t_ok "SIGUSR1 without MOSH_SERVER_SIGNAL_TMOUT ends the session, client told"
else
	t_fail "SIGUSR1 without MOSH_SERVER_SIGNAL_TMOUT ends the session, client told"
fi

# SIGTERM and SIGHUP end the session cleanly, the client told.
for sig in TERM HUP; do
	t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- /bin/sh
	attach "s$sig"
	kill -"$sig" "$SRV_PID"
	if t_wait_gone "$SRV_PID" 30 && tm_wait "s$sig" 'CLIENT-EXIT' 30; then
		t_ok "SIG$sig ends the session and the client exits"
	else
		tm_screen "s$sig" | sed 's/^/# /'
		t_fail "SIG$sig ends the session and the client exits"
	fi
done
