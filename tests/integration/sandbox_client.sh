#!/bin/sh
# Our mosh-client in its sandbox (against our server): /proc shows the
# filter, typing works, Ctrl-^ Ctrl-Z suspends (kill(0, SIGSTOP) is in
# its table) and fg resumes, quit is clean; MOSH_CLIENT_SANDBOX=off is
# the escape hatch. Port hopping under the sandbox: client_outage.sh.
. "$(dirname "$0")/../lib/common.sh"
C=$TOP/$BUILD/mosh-client
S=$TOP/$BUILD/mosh-server

t_start_mosh_server "$S" ${OURS_LO:-} -i 127.0.0.1 -- /bin/sh || { t_fail "server"; exit 1; }
# An interactive shell, for job control (suspend, fg).
tm_new c 80 24 "sh -i"
# (The client alone on the line: a stopped job ends a dash list.)
tm send-keys -t c "MOSH_KEY=$SRV_KEY '$C' 127.0.0.1 $SRV_PORT" Enter
t_until 50 tm_pid c "^$C 127.0.0.1 $SRV_PORT" >/dev/null
cpid=$(tm_pid c "^$C 127.0.0.1 $SRV_PORT")
tm send-keys -t c 'clear; echo typed-$((40+2))' Enter
t_check "sandboxed client: typing works" tm_wait c '^typed-42' 100
st=/proc/$cpid/status
t_check "sandboxed client: /proc shows Seccomp: 2" grep -q '^Seccomp:[[:space:]]*2$' "$st"
t_check "sandboxed client: /proc shows NoNewPrivs: 1" grep -q '^NoNewPrivs:[[:space:]]*1$' "$st"

tm send-keys -t c C-^ C-z
if tm_wait c 'mosh is suspended' 50 && sleep 0.3 &&
    [ "$(sed 's/.*) //' /proc/$cpid/stat | cut -d' ' -f1)" = T ]; then
	t_ok "sandboxed client: Ctrl-^ Ctrl-Z suspends it (kill(0, SIGSTOP))"
else
	tm_screen c | sed 's/^/# /'
	t_fail "sandboxed client: Ctrl-^ Ctrl-Z suspends it (kill(0, SIGSTOP))"
fi
tm send-keys -t c 'fg' Enter
sleep 0.5
tm send-keys -t c 'clear; echo resumed-$((1+1))' Enter
t_check "sandboxed client: fg resumes the session" tm_wait c '^resumed-2' 100
tm send-keys -t c C-^ .
t_wait_gone "$cpid" 30
tm send-keys -t c 'echo CLIENT-EXIT-$?' Enter
tm_check "sandboxed client: Ctrl-^ . quits cleanly" c "CLIENT-EXIT-0" 50
t_check "sandboxed client: no violation on the screen" \
    sh -c "! tmux -L '$T_TMUX' capture-pane -p -t c | grep -q 'sandbox violation'"
t_wait_gone "$SRV_PID" 20

out=$(MOSH_CLIENT_SANDBOX=bogus MOSH_KEY=$SRV_KEY "$C" 127.0.0.1 1 2>&1 </dev/null)
t_check "MOSH_CLIENT_SANDBOX=bogus is refused" \
    sh -c "echo '$out' | grep -q 'MOSH_CLIENT_SANDBOX=bogus: want strict, log or off'"

t_start_mosh_server "$S" ${OURS_LO:-} -i 127.0.0.1 -- /bin/sh || { t_fail "server"; exit 1; }
tm_new o 80 24 "MOSH_CLIENT_SANDBOX=off MOSH_KEY=$SRV_KEY '$C' 127.0.0.1 $SRV_PORT; echo CLIENT-EXIT-\$?; sleep 60"
tm send-keys -t o 'clear; echo off-$((5+5))' Enter
tm_wait o '^off-10' 100
opid=$(tm_pid o "^$C 127.0.0.1 $SRV_PORT")
t_check "MOSH_CLIENT_SANDBOX=off: no filter (Seccomp: 0)" \
    grep -q '^Seccomp:[[:space:]]*0$' /proc/$opid/status
tm send-keys -t o C-^ .
t_check "MOSH_CLIENT_SANDBOX=off: quits cleanly" tm_wait o 'CLIENT-EXIT-0' 50
