#!/bin/sh
# Differential test of the emulator and the display diff against tmux:
# for each stream in tests/term/, the tmux screen after `cat stream` must
# equal the tmux screen after `cat` of term_render's repaint of it (cell
# text and colours via capture-pane -e, cursor position and visibility,
# pane title). A second line per stream feeds tmux a repaint followed by
# diffs between snapshots taken along the stream (term_render -k), so the
# incremental diffs are checked by a terminal that is not ours.
set -u
export LANG=C.UTF-8 LC_ALL=C.UTF-8
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
render=$top/$BUILD/tests/tools/term_render
if ! command -v tmux >/dev/null 2>&1; then
	echo "skip - term_tmux: tmux not installed"
	exit 0
fi
sock=tsmosh-test-$$
work=$(mktemp -d "${TMPDIR:-/tmp}/tsmosh-tmux.XXXXXX")
cleanup() {
	tmux -L "$sock" kill-server 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# show FILE NAME: cat FILE into a fresh 80x24 pane, print its screen state.
show() {
	rm -f "$work/done"
	tmux -L "$sock" -f /dev/null new-session -d -x 80 -y 24 -s "$2" \
	    "stty -onlcr -echo; cat '$1'; : >'$work/done'; exec sleep 600" || return 1
	tmux -L "$sock" set -g -t "$2" status off >/dev/null 2>&1
	i=0
	while [ ! -f "$work/done" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	prev= cur=x i=0
	# tmux reads the pty on its own time: wait for a stable screen.
	while [ "$prev" != "$cur" ] && [ $i -lt 50 ]; do
		prev=$cur
		sleep 0.1
		cur=$(tmux -L "$sock" capture-pane -e -p -t "$2"; \
		    tmux -L "$sock" display -p -t "$2" \
		    '#{cursor_x},#{cursor_y} cursor=#{cursor_flag} title=#{pane_title}')
		i=$((i + 1))
	done
	printf '%s\n' "$cur"
	tmux -L "$sock" kill-session -t "$2" 2>/dev/null
}

# Bright colours: tmux keeps SGR 90-97/100-107 as written, while the
# display diff sends palette entries 8-15 as 38;5;n/48;5;n, as mosh does.
# The same colours, so the original's are rewritten that way to compare.
esc=$(printf '\033')
bright=
for i in 0 1 2 3 4 5 6 7; do
	bright="$bright -e s/$esc\[9${i}m/$esc[38;5;$((i + 8))m/g"
	bright="$bright -e s/$esc\[10${i}m/$esc[48;5;$((i + 8))m/g"
done

rc=0
# rendered TEST OUT [term_render options]: the stream $s through term_render.
rendered() {
	t=$1 out=$2; shift 2
	"$render" "$@" <"$s" >"$out" && return 0
	echo "not ok - term_tmux $t: term_render failed"
	rc=1
	return 1
}
# same_as_orig TEST FILE: ok when FILE, shown in tmux, gave the screen
# state the original stream did.
same_as_orig() {
	if cmp -s "$work/$name.orig" "$2"; then
		echo "ok - term_tmux $1"
	else
		diff "$work/$name.orig" "$2" | head -20 | sed 's/^/# /'
		echo "not ok - term_tmux $1"
		rc=1
	fi
}
for s in "$top"/tests/term/*.stream; do
	name=$(basename "$s" .stream)
	rendered "$name" "$work/$name.render" || continue
	show "$s" orig | sed $bright >"$work/$name.orig"
	show "$work/$name.render" ours >"$work/$name.ours"
	same_as_orig "$name" "$work/$name.ours"
	rendered "$name diffs" "$work/$name.steps" -k 40 || continue
	show "$work/$name.steps" steps >"$work/$name.steps.out"
	same_as_orig "$name diffs" "$work/$name.steps.out"
done
exit $rc
