#!/bin/sh
# Session management: list, kill, attach. A client killed with SIGKILL
# leaves its session detached; `mosh-server attach` re-keys it and a new
# stock mosh-client gets the same screen and program; the old key is
# logged old-key (not auth-failed). Another user can do nothing to our
# sessions.
. "$(dirname "$0")/../lib/common.sh"
S=$TOP/$BUILD/mosh-server
CRAFT=$BUILD/tests/tools/dgram_craft
command -v mosh-client >/dev/null || { t_skip "sessions: no stock mosh-client"; exit 0; }
export XDG_RUNTIME_DIR="$T_TMP/run"
mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"

out=$("$S" list)
t_check "list with no sessions says so" sh -c "echo '$out' | grep -q '^no tsmosh sessions for '"
t_check "list --json with no sessions is []" [ "$("$S" list --json)" = "[]" ]

t_start_mosh_server "$S" $OURS_LO --log-stderr -i 127.0.0.1 -- sh -c 'echo state-A; cat' ||
    { t_fail "server"; exit 1; }
A_PID=$SRV_PID A_PORT=$SRV_PORT OLD_KEY=$SRV_KEY
tm_new a 80 24 "MOSH_KEY=$SRV_KEY mosh-client 127.0.0.1 $SRV_PORT; sleep 60"
tm_wait a '^state-A' 100
tm send-keys -t a 'typed-before' Enter
tm_wait a '^typed-before' 50
t_check "list shows the session attached, with its command" \
    sh -c "'$S' list | grep -E '^$A_PID +attached +127\.0\.0\.1:[0-9]+ .* sh -c echo state-A; cat$' >/dev/null"
t_check "list --json has id, state, client, port, rss and cpu" \
    sh -c "'$S' list --json | grep -q '\"id\":$A_PID,\"pid\":$A_PID,\"started\":[0-9]*,\"state\":\"attached\"' && '$S' list --json | grep -q '\"port\":$A_PORT,\"iface\":\"lo\",\"rss_mib\":'"

# The client dies without a word.
pkill -KILL -f "^mosh-client 127.0.0.1 $A_PORT"
t_check "after the client is SIGKILLed, list shows the session detached" \
    t_until 150 t_listed "^$A_PID +detached"
reply=$("$S" attach new -c 256 -s -l LANG=C.UTF-8 2>"$T_TMP/att.err")
NEW_KEY=$(printf '%s\n' "$reply" | sed -n "s/^MOSH CONNECT $A_PORT \([A-Za-z0-9/+]\{22\}\)$/\1/p")
t_check "attach (with the wrapper's new -c -s -l words) prints MOSH CONNECT with a new key" \
    sh -c "[ -n '$NEW_KEY' ] && [ '$NEW_KEY' != '$OLD_KEY' ]"
tm kill-session -t a
tm_new b 80 24 "MOSH_KEY=$NEW_KEY mosh-client 127.0.0.1 $A_PORT; echo CLIENT-EXIT-\$?; sleep 60"
tm_check "a new stock client sees the same screen (full repaint)" \
    b '^state-A' 100 '^typed-before' 10
tm send-keys -t b 'typed-after' Enter
typed_twice() { [ "$(tm_screen b | grep -c '^typed-after')" -ge 2 ]; }
t_check "the same program still runs and gets typing (cat echoes)" \
    t_until 50 typed_twice
# The old key is refused now, but it is our own old device, not an
# attack: logged under its own reason, which the fail2ban filter skips.
"$CRAFT" --key "$OLD_KEY" --to "127.0.0.1:$A_PORT" --seq 1000 --payload 00
sleep 0.3
t_check "a datagram under the old key is logged old-key, not auth-failed" \
    sh -c "grep -q 'failed-packet reason=old-key src=127.0.0.1 ' '$T_TMP/srv.err' &&
        ! grep -q 'reason=auth-failed' '$T_TMP/srv.err'"
# A key this session never had, from an address it served: known-peer.
"$CRAFT" --key AAAAAAAAAAAAAAAAAAAAAA --to "127.0.0.1:$A_PORT" --seq 1 --payload 00
sleep 0.3
t_check "a wrong key from an address the session served is logged known-peer" \
    grep -q "failed-packet reason=known-peer src=127.0.0.1 " "$T_TMP/srv.err"

# Another user can neither list, kill nor attach.
if id tsmosh-test >/dev/null 2>&1 || useradd -M -s /bin/sh tsmosh-test 2>/dev/null; then
	other() { su tsmosh-test -s /bin/sh -c "XDG_RUNTIME_DIR='$XDG_RUNTIME_DIR' '$S' $*" 2>&1; }
	o1=$(other list); o2=$(other kill "$A_PID"); o3=$(other attach "$A_PID")
	if ! echo "$o1" | grep -q "$A_PID" && ! echo "$o2" | grep -q killed &&
	    ! echo "$o3" | grep -q 'MOSH CONNECT' && t_alive "$A_PID"; then
		t_ok "another uid cannot list, kill or attach our session"
	else
		echo "# list: $o1"; echo "# kill: $o2"; echo "# attach: $o3"
		t_fail "another uid cannot list, kill or attach our session"
	fi
	userdel tsmosh-test 2>/dev/null
else
	t_skip "another uid: cannot create a test user"
fi

# kill --idle-over ends only the idle one of two; kill ID ends one.
t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- sh -c 'cat'
B_PID=$SRV_PID
sleep 2.5
tm send-keys -t b 'keep-busy' Enter
sleep 0.3
out=$("$S" kill --idle-over 2)
if echo "$out" | grep -q "killed session $B_PID" && ! echo "$out" | grep -q "$A_PID" &&
    t_wait_gone "$B_PID" 50 && t_alive "$A_PID"; then
	t_ok "kill --idle-over 2 ends only the idle session of two"
else
	echo "# $out"; t_fail "kill --idle-over 2 ends only the idle session of two"
fi
"$S" kill "$A_PID" >/dev/null
if t_wait_gone "$A_PID" 50 && tm_wait b 'CLIENT-EXIT' 50 &&
    grep -q 'session-end reason=killed' "$T_TMP/srv.err"; then
	t_ok "kill ID ends the session cleanly: client told, process gone, logged"
else
	t_fail "kill ID ends the session cleanly: client told, process gone, logged"
fi
t_check "list after the kills is empty again" sh -c "'$S' list | grep -q '^no tsmosh sessions'"
