#!/bin/sh
# Our mosh-server with the stock mosh-client (Debian `mosh`) in a real
# terminal (tmux): typing, UTF-8 and colours, a full-screen program,
# resize, quit, utmp and the process title.
. "$(dirname "$0")/../lib/common.sh"
SERVER=$BUILD/mosh-server
if ! command -v mosh-client >/dev/null 2>&1; then
	t_skip "server vs stock client: mosh-client not installed"
	exit 0
fi
# utmp for `who`: boot normally creates it; a bare container may not.
[ -e /run/utmp ] || { : >/run/utmp && chgrp utmp /run/utmp && chmod 664 /run/utmp; } 2>/dev/null

if ! t_start_mosh_server "$SERVER" $OURS_LO -i 127.0.0.1 -c 256 -- /bin/sh; then
	cat "$T_TMP/srv.out" "$T_TMP/srv.err" | sed 's/^/# /'
	t_fail "our mosh-server prints MOSH CONNECT and detaches"
	exit 1
fi
t_ok "our mosh-server prints MOSH CONNECT and detaches"
grep -q "detached, pid = $SRV_PID" "$T_TMP/srv.err" &&
    t_ok "it says where it detached" || t_fail "it says where it detached"

tm_new m 80 24 "MOSH_KEY=$SRV_KEY mosh-client 127.0.0.1 $SRV_PORT; echo CLIENT-EXIT-\$?; sleep 60"
# Type after the prompt, as a person would (typeahead lands before it).
tm_wait m '#' 100
tm send-keys -t m 'echo typed-$((20+3))-ok' Enter
t_check "typed echo output appears on the stock client's screen" \
    tm_wait m '^typed-23-ok' 100

t_same_render "UTF-8, wide, combining, 256 and truecolour render as in a plain pane" m

# A full-screen program: alternate screen in, and back out.
tm send-keys -t m 'clear; echo before-less' Enter
tm_wait m '^before-less' 50
tm send-keys -t m 'seq 1 500 | less' Enter
if tm_wait m '^1$' 50 && ! tm_screen m | grep -q '^before-less'; then
	t_ok "less opens on the alternate screen"
else
	tm_screen m | sed 's/^/# /'; t_fail "less opens on the alternate screen"
fi
tm send-keys -t m q
if tm_wait m '^before-less' 50 && tm_wait_gone m '^1$' 50; then
	t_ok "quitting less restores the screen"
else
	tm_screen m | sed 's/^/# /'; t_fail "quitting less restores the screen"
fi

# Resize the terminal: the program inside sees the new size.
tm resize-window -t m -x 100 -y 30
sleep 0.5
tm send-keys -t m 'clear; stty size' Enter
t_check "resizing the window changes stty size inside the session" \
    tm_wait m '^30 100$' 50

# The shell's stdout and stderr are its terminal, as its stdin: the held
# process had them closed while it waited.
tm send-keys -t m 'clear; t=$(tty); [ "$(readlink /proc/$$/fd/1)" = "$t" ] && [ "$(readlink /proc/$$/fd/2)" = "$t" ] && echo fds-ok-$((6*7)) >&2' Enter
t_check "the shell's stdout and stderr are its terminal" tm_wait m '^fds-ok-42' 50

# utmp and the process title while attached.
if command -v who >/dev/null && [ -e /run/utmp ]; then
	t_check "who shows the session with its client address" \
	    sh -c "who | grep -q '127.0.0.1 via mosh \[$SRV_PID\]'"
fi
# The utmp helper is the small program beside mosh-server, not a second
# copy of the server (which would cost a session ten times the memory).
helper=$(t_utmp_helper "$SRV_PID")
# (Shared by the user's sessions: maybe started by another build's.)
t_check "the session's utmp helper runs tsmosh-utmp-helper" \
    sh -c "[ -n '$helper' ] && readlink /proc/$helper/exe | grep -q '/tsmosh-utmp-helper\$'"
t_check "the process title shows the client and idle time" \
    sh -c "pgrep -a mosh-server | grep '^$SRV_PID ' | grep -q 'attached 127.0.0.1, idle'"

# Ctrl-^ . quits; the server is gone within 2 s.
tm send-keys -t m C-^ .
if tm_wait m 'CLIENT-EXIT-0' 50 && t_wait_gone "$SRV_PID" 20; then
	t_ok "Ctrl-^ . quits and the server exits within 2 s"
else
	tm_screen m | sed 's/^/# /'
	t_fail "Ctrl-^ . quits and the server exits within 2 s"
fi
if command -v who >/dev/null && [ -e /run/utmp ]; then
	t_check "the utmp entry is gone with the session" \
	    sh -c "! who | grep -q 'mosh \[$SRV_PID\]'"
fi
