#!/bin/sh
# Our server and the stock client through the impairment proxy: 30% loss
# each way and 100 ms delay; the screen converges; after the proxy
# switches source port (a roam), typing still works.
. "$(dirname "$0")/../lib/common.sh"
S=$BUILD/mosh-server
command -v mosh-client >/dev/null || { t_skip "impair: no mosh-client"; exit 0; }

t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- /bin/sh || { t_fail "server start"; exit 1; }
t_start_impair "$SRV_PORT" --loss 30 --delay 100 --seed 7 \
    --stats-file "$T_TMP/stats"

tm_new m 80 24 "MOSH_KEY=$SRV_KEY mosh-client 127.0.0.1 $IMP_PORT; echo CLIENT-EXIT-\$?; sleep 60"
t_check "30% loss, 100 ms delay: the prompt arrives" tm_wait m '#' 150
tm send-keys -t m 'clear; seq 1 20 | tr "\n" " "; echo; echo done-$((6*7))' Enter
if tm_wait m '^done-42' 300 &&
    tm_screen m | grep -q '^1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20'; then
	t_ok "30% loss, 100 ms delay: a command's full output converges"
else
	tm_screen m | sed 's/^/# /'
	t_fail "30% loss, 100 ms delay: a command's full output converges"
fi

# Roam: the proxy's upstream socket (the client's address as the server
# sees it) changes; the server must follow it.
kill -USR1 "$IMP_PID"
sleep 0.5
tm send-keys -t m 'echo after-roam-$((2*21))' Enter
t_check "after a roam (new source port), typing still works" \
    tm_wait m '^after-roam-42' 300
kill -HUP "$IMP_PID"; sleep 0.2
grep -q 'roams=1' "$T_TMP/stats" &&
    t_ok "the proxy did roam once (stats: roams=1)" ||
    { sed 's/^/# /' "$T_TMP/stats"; t_fail "the proxy did roam once (stats: roams=1)"; }
tm send-keys -t m C-^ .
tm_wait m 'CLIENT-EXIT' 100
