#!/bin/sh
# Attach at once: `mosh-server attach` with no ID takes the user's only
# session the moment its client dies (no 10 s wait for it to count as
# detached), and takes it from a client that is still running, which is
# told and exits. With several sessions and no single detached one, it
# names them and asks for an ID.
. "$(dirname "$0")/../lib/common.sh"
S=$TOP/$BUILD/mosh-server
OURS_CLIENT=$TOP/$BUILD/mosh-client
command -v mosh-client >/dev/null || { t_skip "attach now: no stock mosh-client"; exit 0; }
export XDG_RUNTIME_DIR="$T_TMP/run"
mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"

# attach_key: `mosh-server attach` (no ID, the wrapper's words after it);
# the new key of our session, or "".
attach_key() {
	"$S" attach new -c 256 -s -l LANG=C.UTF-8 2>>"$T_TMP/attach.err" |
	    sed -n "s/^MOSH CONNECT $A_PORT \([A-Za-z0-9/+]\{22\}\)$/\1/p"
}

t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- sh -c 'echo state-A; cat' ||
    { t_fail "server"; exit 1; }
A_PORT=$SRV_PORT
tm_new a 80 24 "MOSH_KEY=$SRV_KEY mosh-client 127.0.0.1 $A_PORT; sleep 60"
tm_wait a '^state-A' 100
tm send-keys -t a 'typed-before' Enter
tm_wait a '^typed-before' 50

# The stock client dies; attach right away, while the session still
# counts as attached.
pkill -KILL -f "^mosh-client 127.0.0.1 $A_PORT"
t_check "the session still counts as attached right after the SIGKILL" \
    t_listed "^$SRV_PID +attached"
KEY2=$(attach_key)
t_check "attach with no ID takes the only session at once" [ -n "$KEY2" ]
tm_new b 80 24 "MOSH_KEY=$KEY2 mosh-client 127.0.0.1 $A_PORT; echo CLIENT-EXIT-\$?; sleep 60"
tm_check "a new stock client sees the same screen" \
    b '^state-A' 100 '^typed-before' 10
tm send-keys -t b 'typed-after' Enter
typed_twice() { [ "$(tm_screen b | grep -c '^typed-after')" -ge 2 ]; }
t_check "the same program still runs and gets typing" t_until 50 typed_twice

# A client that is still running loses the session to the next attach:
# ours says why and exits. (b's stock client is killed first: ended by
# its terminal, it would end the session.)
pkill -KILL -f "^mosh-client 127.0.0.1 $A_PORT"
tm kill-session -t b
KEY3=$(attach_key)
tm_new c 80 24 "MOSH_KEY=$KEY3 $OURS_CLIENT 127.0.0.1 $A_PORT; echo CLIENT-EXIT-\$?; sleep 60"
tm_wait c '^typed-after' 100
KEY4=$(attach_key)
t_check "attach takes the session from a client still running" [ -n "$KEY4" ]
tm_check "that client exits, saying the session was attached elsewhere" \
    c 'attached from another client' 100 'CLIENT-EXIT-0' 20

# Two sessions, neither detached: no guess.
t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- sh -c 'echo state-B; cat' ||
    { t_fail "second server"; exit 1; }
B_PID=$SRV_PID
tm_new d 80 24 "MOSH_KEY=$KEY4 mosh-client 127.0.0.1 $A_PORT; sleep 60"
tm_new e 80 24 "MOSH_KEY=$SRV_KEY mosh-client 127.0.0.1 $SRV_PORT; sleep 60"
tm_wait d '^typed-after' 100
tm_wait e '^state-B' 100
"$S" attach >"$T_TMP/amb.out" 2>"$T_TMP/amb.err"
rc=$?
t_check "two attached sessions: attach exits 1 and prints no key" \
    sh -c "[ $rc -eq 1 ] && ! grep -q 'MOSH CONNECT' '$T_TMP/amb.out'"
t_check "it asks for an ID and lists both sessions" \
    sh -c "grep -q 'name one (mosh-server attach ID)' '$T_TMP/amb.err' &&
        grep -q '^$B_PID ' '$T_TMP/amb.err' && grep -q 'state-A' '$T_TMP/amb.err'"
"$S" kill all >/dev/null
