#!/bin/sh
# `make demo` as a person runs it: in a real terminal (a tmux pane), type a
# command, see its output, quit with Ctrl-^ . and get the shell back.
. "$(dirname "$0")/../lib/common.sh"
if ! command -v tmux >/dev/null 2>&1 || ! command -v mosh-server >/dev/null; then
	t_skip "demo in tmux: tmux or stock mosh-server missing"
	exit 0
fi
sock=tsmosh-demo-$$
tmux_() { tmux -L "$sock" "$@"; }
tmux_ new-session -d -x 80 -y 24 -s demo \
    "cd '$TOP' && BUILD='$BUILD' SHELL=/bin/sh sh tests/demo.sh; echo DEMO-EXIT-\$?; sleep 30"
t_track "$(tmux_ display -p -t demo '#{pid}' 2>/dev/null)"
screen() { tmux_ capture-pane -p -t demo; }
shows() { screen | grep -q -- "$1"; }
wait_for() { t_until "$2" shows "$1"; }	# text, tenths
if wait_for '#' 100 || wait_for '\$' 10; then
	t_ok "demo: a shell prompt appears in the terminal"
else
	screen | sed 's/^/# /'; t_fail "demo: a shell prompt appears in the terminal"
fi
tmux_ send-keys -t demo 'echo demo-$((40+2))-ok' Enter
if wait_for 'demo-42-ok' 100; then
	t_ok "demo: typed command runs and its output shows"
else
	screen | sed 's/^/# /'; t_fail "demo: typed command runs and its output shows"
fi
tmux_ send-keys -t demo C-^ .
if wait_for 'DEMO-EXIT-0' 100; then
	t_ok "demo: Ctrl-^ . ends the session cleanly"
else
	screen | sed 's/^/# /'; t_fail "demo: Ctrl-^ . ends the session cleanly"
fi
tmux_ kill-server 2>/dev/null
