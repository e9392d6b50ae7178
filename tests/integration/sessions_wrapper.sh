#!/bin/sh
# Reattach the way users will: the stock mosh wrapper over ssh with
# --server='mosh-server attach', onto a tmux session (the mosh + tmux
# habit) whose first client was SIGKILLed; and `new --reattach`.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/sshd.sh"
S=$TOP/$BUILD/mosh-server
command -v mosh >/dev/null && command -v tmux >/dev/null ||
    { t_skip "sessions via wrapper: stock mosh or tmux missing"; exit 0; }
t_start_sshd || { t_skip "sessions via wrapper: no sshd"; exit 0; }
# The session's own tmux is a separate server (socket in this dir); our
# sessions' control sockets live in a directory of this test only, here
# and on the far side of ssh (whose environment is sshd's).
export TMUX_TMPDIR="$T_TMP/inner" XDG_RUNTIME_DIR="$T_TMP/run"
mkdir -p "$TMUX_TMPDIR" "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
# The session's tmux is a daemon of its own: end it with the test.
inner_cleanup() { TMUX_TMPDIR="$T_TMP/inner" tmux kill-server 2>/dev/null; t_tmux_cleanup; }
trap inner_cleanup EXIT INT TERM
srv="env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR $S --iface lo --allow-source 127.0.0.0/8"

tm_new w 80 24 "mosh --ssh='$SSH_CMD' --server='$srv' 127.0.0.1 -- env TMUX_TMPDIR=$TMUX_TMPDIR tmux new -s work; sleep 60"
tm_check "mosh + tmux through the stock wrapper and our server" w '\[work\]' 150
tm send-keys -t w 'echo inside-tmux-$((3*5))' Enter
tm_wait w '^inside-tmux-15' 50
pkill -KILL -f "^mosh-client -# .*$T_TMP" 2>/dev/null ||
    pkill -KILL -f 'mosh-client -#'
t_check "the session is detached after the client's SIGKILL" \
    t_until 150 t_listed ' detached '
tm kill-session -t w
tm_new r 80 24 "mosh --ssh='$SSH_CMD' --server='env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR $S attach' 127.0.0.1; echo RE-EXIT-\$?; sleep 60"
tm_check "mosh --server='mosh-server attach' brings the same tmux screen back" \
    r '^inside-tmux-15' 150 '\[work\]' 10
tm send-keys -t r 'echo after-reattach' Enter
t_check "typing reaches tmux after the reattach" tm_wait r '^after-reattach' 50

# A second device joins the same session through the wrapper, beside r:
# each sees what the other types; quitting it leaves r's session going.
tm_new j 80 24 "mosh --ssh='$SSH_CMD' --server='env XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR $S share' 127.0.0.1; echo JOIN-EXIT-\$?; sleep 60"
tm_check "mosh --server='mosh-server share' joins the same tmux screen" \
    =j: '^after-reattach' 150 '\[work\]' 10
tm send-keys -t =j: 'echo from-second-device' Enter
t_check "what the joined device types shows on the first" \
    tm_wait =r: '^from-second-device' 50
tm send-keys -t =j: C-^ .
t_check "the joined device quits alone (exit 0)" tm_wait =j: 'JOIN-EXIT-0' 50
tm send-keys -t =r: 'echo r-still-here' Enter
t_check "the first device's session goes on after the other quit" \
    tm_wait =r: '^r-still-here' 50
tm send-keys -t r C-^ .
tm_wait r 'RE-EXIT' 50

# new --reattach: a detached session with the same command is resumed.
t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- sh -c 'echo resumable; cat'
R_PID=$SRV_PID
tm_new x 80 24 "MOSH_KEY=$SRV_KEY mosh-client 127.0.0.1 $SRV_PORT; sleep 60"
tm_wait x '^resumable' 100
pkill -KILL -f "^mosh-client 127.0.0.1 $SRV_PORT"
t_until 150 t_listed "^$R_PID +detached"
out=$("$S" new $OURS_LO -i 127.0.0.1 --reattach -- sh -c 'echo resumable; cat' 2>"$T_TMP/e")
if printf '%s\n' "$out" | grep -q '^MOSH CONNECT ' && grep -q "attached to session $R_PID" "$T_TMP/e" &&
    [ "$("$S" list | grep -c resumable)" -eq 1 ]; then
	t_ok "new --reattach resumes the detached session instead of starting one"
else
	echo "# $out"; sed 's/^/# /' "$T_TMP/e"
	t_fail "new --reattach resumes the detached session instead of starting one"
fi
"$S" kill all >/dev/null
