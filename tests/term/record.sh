#!/bin/sh
# How the captured streams were recorded (run by hand, not by the tests):
# each program runs under script(1) in an 80x24 tmux pane with
# TERM=tmux-256color, driven by send-keys; the raw output is the stream.
#   sh tests/term/record.sh [OUTDIR]
set -eu
dir=${1:-$(dirname "$0")}
sock=tsmosh-rec-$$
work=$(mktemp -d)
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$work"' EXIT

record() {	# name, command, then key groups (sent 0.5 s apart)
	name=$1 cmd=$2
	shift 2
	printf '%s\n' "$cmd" >"$work/$name.sh"
	tmux -L "$sock" -f /dev/null new-session -d -x 80 -y 24 -s rec \
	    "TERM=tmux-256color LANG=C.UTF-8 script -q -E never -O $work/$name -c 'sh $work/$name.sh'"
	sleep 1
	for k in "$@"; do
		tmux -L "$sock" send-keys -t rec $k
		sleep 0.5
	done
	sleep 1
	tmux -L "$sock" kill-server 2>/dev/null || true
	# script(1) wraps the output in "Script started/done" lines.
	sed -e '1{/^Script started/d}' -e '${/^Script done/d}' "$work/$name" >"$dir/$name.stream"
}

# A vi session: a file with long lines, edits, scrolling, a search; the
# full-screen programs are not quit, so the stream ends on their screen.
seq 1 200 | sed 's/^/a fairly long line of text for the editor, number /' >"$work/f.txt"
record vi "vim -u NONE -N -c 'syntax on' $work/f.txt" \
    'j j j' 'A " appended" Escape' '5' 'G' 'd d' 'C-f' 'C-f' 'C-b' \
    '/number\ 1 2 0 Enter' 'O "opened line with wide 中文" Escape' 'u' \
    'G' 'C-y C-y C-e'
# top redrawing a few times.
record top "top -d 0.3" '' '' ''
# coloured ls with a long listing that scrolls.
record ls "ls --color=always -la /usr/bin /etc | head -120"
# less on the same file: alternate screen, scrolling, quit.
record less "less $work/f.txt" 'Space' 'Space' 'b' 'j j j'
