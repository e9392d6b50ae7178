#!/bin/sh
# The control socket never holds up the session: clients that trickle a
# request into it a byte at a time (ctl_trickle) while a stock
# mosh-client types into the session. Every typed line must be on the
# client's screen within 1 s; a trickling connection is dropped after its
# deadline; an over-long request at once; `list` still answers.
. "$(dirname "$0")/../lib/common.sh"
S=$TOP/$BUILD/mosh-server
TRICKLE=$TOP/$BUILD/tests/tools/ctl_trickle
command -v mosh-client >/dev/null || { t_skip "slowloris: no stock mosh-client"; exit 0; }
export XDG_RUNTIME_DIR="$T_TMP/run"
mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"

t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- sh -c 'echo slow-ready; cat' ||
    { t_fail "server"; exit 1; }
SOCK=$XDG_RUNTIME_DIR/tsmosh/$SRV_PID.sock
tm_new a 80 24 "MOSH_PREDICTION_DISPLAY=never MOSH_KEY=$SRV_KEY mosh-client 127.0.0.1 $SRV_PORT; sleep 60"
tm_wait a '^slow-ready' 100 || { tm_screen a | sed 's/^/# /'; t_fail "session"; exit 1; }
t_check "the control socket exists" test -S "$SOCK"

# echo_within NAME TENTHS: type NAME, ok when cat's copy (the second
# line showing it) is on screen within TENTHS tenths of a second.
shown_twice() { [ "$(tm_screen a | grep -c "^$1\$")" -ge 2 ]; }
echo_within() {
	tm send-keys -t a "$1" Enter
	t_until "$2" shown_twice "$1"
}
t_check "typing echoes at once before any trickle" echo_within typed-0 10

"$TRICKLE" --socket "$SOCK" --conns 6 --interval 450 --seconds 8 \
    >"$T_TMP/trickle.out" 2>&1 &
TR_PID=$!; t_track "$TR_PID"
sleep 1.5
ok=0
for i in 1 2 3; do
	echo_within "typed-$i" 10 && ok=$((ok + 1))
	sleep 0.3
done
if [ "$ok" -eq 3 ]; then
	t_ok "six trickling control clients: every typed line shows within 1 s"
else
	tm_screen a | sed 's/^/# /'
	t_fail "six trickling control clients: every typed line shows within 1 s ($ok of 3)"
fi
t_check "list answers while they trickle" \
    sh -c "timeout 5 '$S' list | grep -Eq '^$SRV_PID +attached'"
wait "$TR_PID"
sed 's/^/# /' "$T_TMP/trickle.out"
closed=$(sed -n 's/.* closed=\([0-9]*\).*/\1/p' "$T_TMP/trickle.out")
# 8 s of 6 connections with a 0.5 s deadline each: about 90 drops.
t_check "a connection that sends no whole request is dropped at its deadline" \
    [ "${closed:-0}" -ge 30 ]

"$TRICKLE" --socket "$SOCK" --burst 5000 --seconds 2 >"$T_TMP/burst.out" 2>&1
sed 's/^/# /' "$T_TMP/burst.out"
fc=$(sed -n 's/.* first_close_ms=\(-*[0-9]*\).*/\1/p' "$T_TMP/burst.out")
t_check "an over-long request is dropped at once" \
    sh -c "[ '${fc:--1}' -ge 0 ] && [ '${fc:--1}' -lt 300 ]"
t_check "typing still echoes at once afterwards" echo_within typed-end 10
t_check "the session is still managed: kill ends it" \
    sh -c "'$S' kill $SRV_PID | grep -q 'killed session $SRV_PID'"
t_wait_gone "$SRV_PID" 50 || t_fail "server gone after kill"
