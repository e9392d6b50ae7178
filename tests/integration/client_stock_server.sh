#!/bin/sh
# Our mosh-client against the stock mosh-server (Debian `mosh`), and with
# our server, in real terminals (tmux): typing, UTF-8 and colours, the
# alternate screen, resize, quit, the window title, and the user's
# terminal settings restored on every way out.
. "$(dirname "$0")/../lib/common.sh"
C=$TOP/$BUILD/mosh-client
command -v mosh-server >/dev/null || { t_skip "client: no stock mosh-server"; exit 0; }

# The settings after are written before CLIENT-EXIT shows, so a check
# that waited for it reads them whole.
start_client() {	# window, extra env
	tm_new "$1" 80 24 "stty -g >'$T_TMP/$1.before'; env $2 MOSH_KEY=$SRV_KEY '$C' 127.0.0.1 $SRV_PORT; rc=\$?; stty -g >'$T_TMP/$1.after'; echo CLIENT-EXIT-\$rc; sleep 60"
}
stty_same() { cmp -s "$T_TMP/$1.before" "$T_TMP/$1.after"; }

t_start_mosh_server mosh-server -i 127.0.0.1 -c 256 -- /bin/sh || { t_fail "stock server"; exit 1; }
start_client a ""
tm_wait a '#' 100
tm send-keys -t a 'echo typed-$((40+2))' Enter
t_check "our client, stock server: typed command's output shows" tm_wait a '^typed-42' 100

t_same_render "our client: UTF-8, wide, combining, 256 and truecolour as in a plain pane" a
title=$(tm display -p -t a '#{pane_title}')
t_check "the window title carries the [mosh] prefix" sh -c "case '$title' in '[mosh] '*) true;; *) false;; esac"

tm send-keys -t a 'clear; seq 1 500 | less' Enter
t_check "a full-screen program (less) shows" tm_wait a '^1$' 50
tm send-keys -t a q
tm resize-window -t a -x 100 -y 30; sleep 0.5
tm send-keys -t a 'clear; stty size' Enter
t_check "resize: stty size inside the stock server's session changes" tm_wait a '^30 100$' 50
tm send-keys -t a C-^ .
t_check "Ctrl-^ . quits with status 0" tm_wait a 'CLIENT-EXIT-0' 50
t_check "terminal settings restored after a normal quit" stty_same a
t_check "stock server exits after our client quits" t_wait_gone "$SRV_PID" 30

# The server ends the session: the client exits and restores the tty.
t_start_mosh_server mosh-server -i 127.0.0.1 -- /bin/sh
start_client b ""
tm_wait b '#' 50
tm send-keys -t b 'exit' Enter
t_check "shell exit on the server: client exits 0" tm_wait b 'CLIENT-EXIT-0' 80
t_check "terminal settings restored after a server shutdown" stty_same b

# SIGTERM to the client.
t_start_mosh_server mosh-server -i 127.0.0.1 -- /bin/sh
start_client c ""
tm_wait c '#' 50
pkill -TERM -f "^$C 127.0.0.1 $SRV_PORT"
t_check "SIGTERM: the client exits" tm_wait c 'CLIENT-EXIT' 80
t_check "terminal settings restored after SIGTERM" stty_same c

# With our server the alternate screen is restored after less.
t_start_mosh_server "$TOP/$BUILD/mosh-server" $OURS_LO -i 127.0.0.1 -- /bin/sh
start_client d "MOSH_TITLE_NOPREFIX=1"
tm_wait d '#' 50
tm send-keys -t d 'clear; echo before-less' Enter; tm_wait d '^before-less' 50
tm send-keys -t d 'seq 1 500 | less' Enter; tm_wait d '^1$' 50
tm send-keys -t d q
if tm_wait d '^before-less' 50 && tm_wait_gone d '^1$' 50; then
	t_ok "our client + our server: quitting less restores the screen"
else
	tm_screen d | sed 's/^/# /'; t_fail "our client + our server: quitting less restores the screen"
fi
title=$(tm display -p -t d '#{pane_title}')
t_check "MOSH_TITLE_NOPREFIX: no [mosh] prefix" sh -c "case '$title' in '[mosh]'*) false;; *) true;; esac"
# Ctrl-^ ^ sends a literal Ctrl-^ (0x1e) to the application.
tm send-keys -t d 'clear; od -An -c' Enter; sleep 0.3
tm send-keys -t d C-^ ^ ; tm send-keys -t d Enter C-d
t_check "Ctrl-^ ^ sends a literal Ctrl-^ (036)" tm_wait d '036' 50
tm send-keys -t d C-^ .
t_check "our client + our server: quit" tm_wait d 'CLIENT-EXIT-0' 50

# Bad invocations.
MOSH_KEY=short "$C" 127.0.0.1 1 >/dev/null 2>"$T_TMP/e" </dev/null
t_check "a malformed MOSH_KEY is a clear error" sh -c "[ $? -eq 1 ] && grep -q 'bad MOSH_KEY' '$T_TMP/e'"
env -u MOSH_KEY "$C" 127.0.0.1 1 >/dev/null 2>"$T_TMP/e" </dev/null
t_check "no MOSH_KEY is a clear error" grep -q 'MOSH_KEY environment variable not found' "$T_TMP/e"
LANG=C LC_ALL=C MOSH_KEY=AAAAAAAAAAAAAAAAAAAAAA "$C" 127.0.0.1 1 >/dev/null 2>"$T_TMP/e" </dev/null
t_check "a non-UTF-8 locale is refused with mosh's advice" grep -q 'needs a UTF-8 native locale' "$T_TMP/e"
n=$(TERM=xterm-256color "$C" -c)
t_check "mosh-client -c prints the terminal's colours (256 for xterm-256color)" [ "$n" = 256 ]
