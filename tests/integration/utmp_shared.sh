#!/bin/sh
# One utmp helper serves all of a user's sessions: it is started by the
# first, detached from it, holds two descriptors a session, removes a
# session's entry however that session ends, exits with the last one,
# is replaced if it dies, and drops a peer that misbehaves while still
# serving the others.
. "$(dirname "$0")/../lib/common.sh"
S=$TOP/$BUILD/mosh-server
POKE=$TOP/$BUILD/tests/tools/utmp_poke
export XDG_RUNTIME_DIR="$T_TMP/run"
mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
SOCK=$XDG_RUNTIME_DIR/tsmosh/utmp-helper
trap 't_cleanup; [ -n "$H" ] && kill "$H" 2>/dev/null' EXIT INT TERM
WHO=
command -v who >/dev/null && [ -e /run/utmp ] && WHO=1

# The pid listening on our helper socket ("" when none).
helper_pid() { t_listener_pid "$SOCK"; }
helper_up() { [ -n "$(helper_pid)" ]; }
nfds() { ls /proc/"$1"/fd 2>/dev/null | wc -l; }
has_entry() { who | grep -q "mosh \[$1\]"; }
start() {	# sets SRV_PID
	t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- /bin/sh
}

start; A=$SRV_PID
start; B=$SRV_PID
t_until 30 helper_up
H=$(helper_pid)
t_check "the first session starts a helper listening on DIR/utmp-helper" \
    sh -c "[ -n '$H' ] && [ -S '$SOCK' ] && [ \"\$(stat -c %a '$SOCK')\" = 600 ]"
n=0
for p in $(pgrep -f -- '--utmp-helper'); do
	ls -l /proc/"$p"/fd 2>/dev/null |
	    grep -q "$XDG_RUNTIME_DIR/tsmosh/utmp-helper.lock" && n=$((n + 1))
done
t_check "two sessions share one helper (helpers for this directory: $n)" [ "$n" = 1 ]
t_check "the helper is no session's child (parent $(awk '{ print $4 }' /proc/"$H"/stat 2>/dev/null))" \
    sh -c "p=\$(awk '{ print \$4 }' /proc/$H/stat); [ \"\$p\" != $A ] && [ \"\$p\" != $B ]"
t_check "the helper is in a session of its own, with stdio on /dev/null" \
    sh -c "[ \"\$(ps -o sid= -p $H)\" != \"\$(ps -o sid= -p $A)\" ] &&
        [ \"\$(readlink /proc/$H/fd/0)\" = /dev/null ] && [ \"\$(readlink /proc/$H/fd/2)\" = /dev/null ]"
# stdio, the listening socket, the lock, and two a session.
t_check "the helper holds two descriptors a session (had $(nfds "$H"); 5 + 2 x 2)" [ "$(nfds "$H")" = 9 ]
for s in $A $B; do
	t_check "session $s has no utmp helper of its own" \
	    sh -c "! for c in \$(cat /proc/$s/task/*/children); do tr '\\0' ' ' </proc/\$c/cmdline; echo; done | grep -q -- --utmp-helper"
done
if [ -n "$WHO" ]; then
	t_check "who shows both sessions" sh -c "who | grep -q 'mosh \\[$A\\]' && who | grep -q 'mosh \\[$B\\]'"
fi

# A session killed outright: its entry goes, the other's stays.
kill -9 "$A"
t_wait_gone "$A" 20
t_until 20 t_not has_entry "$A"
if [ -n "$WHO" ]; then
	t_check "kill -9 of one session removes its entry and only its" \
	    sh -c "! who | grep -q 'mosh \\[$A\\]' && who | grep -q 'mosh \\[$B\\]'"
fi
t_check "the helper serves on, with two descriptors fewer" \
    sh -c "t=\$(ls /proc/$H/fd | wc -l); [ \"\$t\" = 7 ]"

# A peer that misbehaves is dropped, and the helper still serves.
"$POKE" "$SOCK" >"$T_TMP/poke.out" 2>&1
for c in add-first master-none master-devnull master-two too-long nul unknown master-again unread; do
	t_check "the helper drops a peer: $c ($(grep "^$c " "$T_TMP/poke.out"))" \
	    grep -q "^$c closed" "$T_TMP/poke.out"
done
t_check "after them, a well-behaved peer is served" grep -q "^good answered" "$T_TMP/poke.out"
t_check "the helper kept nothing of theirs (fds $(nfds "$H"))" [ "$(nfds "$H")" = 7 ]
if [ -n "$WHO" ]; then
	t_check "and the remaining session's entry is still there" has_entry "$B"
fi

# The last session ends: its entry and the helper go.
kill "$B"
t_wait_gone "$B" 30
t_wait_gone "$H" 30
t_check "the helper exits with the last session" t_not t_alive "$H"
t_check "and removes its socket" [ ! -e "$SOCK" ]
if [ -n "$WHO" ]; then
	t_check "the last session's entry is gone" t_not has_entry "$B"
fi

# A helper killed outright leaves its socket file: the next session
# replaces it with a new helper.
start; C=$SRV_PID
t_until 30 helper_up
H=$(helper_pid)
kill -9 "$H"
t_wait_gone "$H" 20
t_check "a killed helper leaves its socket file behind" [ -S "$SOCK" ]
start; D=$SRV_PID
t_until 30 helper_up
H2=$(helper_pid)
t_check "the next session starts a new helper on it" sh -c "[ -n '$H2' ] && [ '$H2' != '$H' ]"
if [ -n "$WHO" ]; then
	t_check "whose entry shows" has_entry "$D"
fi
t_check "the session whose helper died runs on" t_alive "$C"
H=$H2
kill "$C" "$D"
t_wait_gone "$H" 30
t_check "the new helper exits once both have ended" t_not t_alive "$H"
H=

# A helper that accepts nobody (its backlog full: at its descriptor
# limit, or stuck) must not hold up a new session, nor every session
# after it: the session gets a helper of its own at once.
"$POKE" --jam "$SOCK" >"$T_TMP/jam.out" 2>"$T_TMP/jam.err" &
J=$!
t_track "$J"
t_until 50 [ -s "$T_TMP/jam.out" ]
private_helper() { pgrep -P "$1" -f tsmosh-utmp-helper >/dev/null; }
start; E=$SRV_PID
t_check "with the helper's backlog full ($(cat "$T_TMP/jam.out")), a new session gets a helper of its own within 5 s" \
    t_until 50 private_helper "$E"
if [ -n "$WHO" ]; then
	t_check "whose entry shows" t_until 50 has_entry "$E"
fi
t_check "and the stuck helper's socket is left alone" \
    [ "$(helper_pid)" = "$J" ]
kill "$E"
t_wait_gone "$E" 30

# A helper stuck inside libutempter (it took the session's pty, then
# answers nothing): the client's first screen must not wait for the
# entry, nor the session's loop. A server that waited would show the
# prompt only when its 3 s wait ran out.
kill "$J"
t_wait_gone "$J" 20
rm -f "$SOCK"
"$POKE" --mute "$SOCK" >"$T_TMP/mute.out" 2>"$T_TMP/mute.err" &
M=$!
t_track "$M"
t_until 50 [ -s "$T_TMP/mute.out" ]
t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- env PS1='prompt-$ ' sh ||
    t_fail "a session starts beside a helper that answers only master"
F=$SRV_PID
t0=$(date +%s%3N)
MOSH_KEY=$SRV_KEY "$TOP/$BUILD/tests/tools/proto_peer" -w 10 -e 'prompt-' \
    127.0.0.1 "$SRV_PORT" >"$T_TMP/peer.out" 2>"$T_TMP/peer.err"
rc=$? ms=$(($(date +%s%3N) - t0))
t_check "with the helper not answering, the first screen comes at once ($ms ms, under 1500; rc $rc)" \
    sh -c "[ '$rc' = 0 ] && [ '$ms' -lt 1500 ]"
kill "$F"
t_wait_gone "$F" 100
t_check "and the session still ends" t_not t_alive "$F"
