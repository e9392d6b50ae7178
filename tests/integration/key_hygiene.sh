#!/bin/sh
# The session key stays out of other processes' reach: mosh-client wipes
# MOSH_KEY from its environment block (unsetenv alone leaves the string
# in /proc/PID/environ), and neither program is dumpable once it holds a
# key, so another process of the same user cannot read its memory
# (/proc/PID/environ and /proc/PID/mem become root's).
. "$(dirname "$0")/../lib/common.sh"
S=$TOP/$BUILD/mosh-server
C=$TOP/$BUILD/mosh-client
NOBODY=$(id -u nobody 2>/dev/null) || { t_skip "key hygiene: no user nobody"; exit 0; }
as_nobody() { setpriv --reuid="$NOBODY" --regid="$(id -g nobody)" --clear-groups "$@"; }
command -v setpriv >/dev/null || { t_skip "key hygiene: no setpriv"; exit 0; }

# A server of user nobody (its own runtime dir, so no root-owned one).
mkdir -p "$T_TMP/run"; chown nobody "$T_TMP/run" "$T_TMP"; chmod 700 "$T_TMP/run"
as_nobody env HOME="$T_TMP" XDG_RUNTIME_DIR="$T_TMP/run" "$S" new $OURS_LO \
    -i 127.0.0.1 -- sh -c 'echo hygiene-ready; cat' >"$T_TMP/srv.out" 2>"$T_TMP/srv.err" </dev/null
t_server_started "$T_TMP/srv.out" "$T_TMP/srv.err" ||
    { cat "$T_TMP/srv.err"; t_fail "server as nobody"; exit 1; }
t_check "the server of a user is not dumpable: its /proc/PID/mem is root's" \
    [ "$(stat -c %u "/proc/$SRV_PID/mem")" = 0 ]

tm_new a 80 24 "MOSH_KEY=$SRV_KEY setpriv --reuid=$NOBODY --regid=$(id -g nobody) --clear-groups '$C' 127.0.0.1 $SRV_PORT; echo CLIENT-EXIT-\$?; sleep 60"
tm_check "our client runs as nobody against it" a '^hygiene-ready' 100
CPID=$(tm_pid a "^$C 127.0.0.1 $SRV_PORT")
t_check "the client of a user is not dumpable: its /proc/PID/environ is root's" \
    sh -c "[ -n '$CPID' ] && [ \"\$(stat -c %u /proc/$CPID/environ)\" = 0 ]"
# Root may still read it: the key's bytes must be gone from it.
t_check "MOSH_KEY's value is wiped from the client's environment block" \
    sh -c "[ -n '$CPID' ] && tr '\\0' '\\n' </proc/$CPID/environ >'$T_TMP/env' &&
        grep -q '^PATH=' '$T_TMP/env' && ! grep -q '$SRV_KEY' '$T_TMP/env'"
tm send-keys -t a C-^ .
t_check "the client quits normally" tm_wait a 'CLIENT-EXIT-0' 50
t_wait_gone "$SRV_PID" 30
