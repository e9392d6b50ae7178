#!/bin/sh
# A shared session's terminal follows the window of the read-write client
# that was active last (typed or resized); every other client sees that
# framebuffer clipped to its window (top-left part) or padded (blank
# beyond it), never garbled. Three stock clients: a 80x24 (the session's
# first), b 100x30 and c 120x40 (from `mosh-server share`). The program
# fills the whole pty with a known grid (row number, then a pattern that
# differs by column) at its current size, on each key and whenever the
# size changes, and writes "COUNT ROWS COLS" to $T_TMP/size after each
# drawing; so every client's whole screen is known and compared cell by
# cell (trailing blanks ignored).
#
# Without a working `share` (no key), the checks that need b or c say
# "not ok ... (not run: ...)" at once; a's own steps still run.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/share.sh"
S=$TOP/$BUILD/mosh-server
command -v mosh-client >/dev/null || { t_skip "share sizes: no stock mosh-client"; exit 0; }
export XDG_RUNTIME_DIR="$T_TMP/run"
mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"

# The grid: ROWS lines of COLS cells, the last without a newline (no
# scroll). Row r: its number in two digits, then for column c a letter
# that depends on c, r and the grid's size (62 of them, so a shift
# shows, and so does a stale drawing of another size).
cat >"$T_TMP/grid.awk" <<'EOF'
BEGIN {
	A = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for (r = 1; r <= rows; r++) {
		l = substr(sprintf("%02d", r), 1, cols)
		for (c = 3; c <= cols; c++)
			l = l substr(A, (c * 7 + r + rows * 5 + cols * 3) % 62 + 1, 1)
		printf "%s%s", l, (r < rows ? "\n" : "")
	}
}
EOF
# The program: non-canonical, no echo; a read waits at most 0.5 s, so a
# size change is drawn within that even without a key.
cat >"$T_TMP/draw.sh" <<'EOF'
D=$1
stty -icanon -echo -isig min 0 time 5 || exit 1
n=0 last=
while :; do
	k=$(dd bs=1 count=1 2>/dev/null | wc -c)
	size=$(stty size)
	if [ "$((k))" -gt 0 ] || [ "$size" != "$last" ]; then
		last=$size n=$((n + 1))
		printf '\033[H\033[2J'
		awk -v rows="${size% *}" -v cols="${size#* }" -f "$D/grid.awk"
		echo "$n $size" >"$D/size.tmp" && mv "$D/size.tmp" "$D/size"
	fi
done
EOF

# share_key NAME ARGS...: `mosh-server share ARGS`; K_NAME is the key of
# its MOSH CONNECT line when it has the session's port, else "".
share_key() {
	sk_name=$1; shift
	"$S" share "$@" >"$T_TMP/share.$sk_name.out" \
	    2>"$T_TMP/share.$sk_name.err" </dev/null
	sk_rc=$?
	sk_key=
	t_connect_line "$T_TMP/share.$sk_name.out" &&
	    [ "$CONN_PORT" = "$A_PORT" ] && sk_key=$CONN_KEY
	eval "K_$sk_name=\$sk_key"
	if [ "$sk_rc" -eq 0 ] && [ -n "$sk_key" ]; then
		t_ok "share ID: MOSH CONNECT for client $sk_name"
	else
		head -n 3 "$T_TMP/share.$sk_name.err" | sed 's/^/# err: /'
		t_fail "share ID: MOSH CONNECT for client $sk_name (rc $sk_rc)"
	fi
}
# win_size WINDOW: "COLS ROWS" of its pane.
win_size() { tm display-message -p -t "=$1:" '#{pane_width} #{pane_height}'; }

# pty_is ROWS COLS: the program's last drawing was at that size.
pty_is() { [ "$(cut -d' ' -f2- "$T_TMP/size" 2>/dev/null)" = "$1 $2" ]; }
# expect WINDOW ROWS COLS: what WINDOW must show for a ROWSxCOLS
# framebuffer: its top-left part, blank lines below it.
expect() {
	set -- $(win_size "$1") "$2" "$3"
	awk -v rows="$3" -v cols="$4" -f "$T_TMP/grid.awk" |
	    awk -v w="$1" -v h="$2" '
		NR <= h { print substr($0, 1, w) }
		END { for (i = NR + 1; i <= h; i++) print "" }'
}
shows_fb() {
	tm_screen "$1" | sed 's/ *$//' >"$T_TMP/got.$1"
	expect "$1" "$2" "$3" >"$T_TMP/want.$1"
	cmp -s "$T_TMP/got.$1" "$T_TMP/want.$1"
}

# The size each window has (COLS ROWS), as the test set it.
W_a="80 24" W_b="100 30" W_c="120 40"
# step WINDOW HOW: WINDOW's client becomes the active one (HOW: a key,
# or "resize COLS ROWS" of its window); then the pty must take its size
# and every client's screen must be the framebuffer, clipped or padded.
step() {
	st_w=$1 st_how=$2
	case $st_how in resize*) eval "W_$st_w=\"\$3 \$4\"" ;; esac
	eval "set -- \$W_$st_w"
	st_c=$1 st_r=$2
	st_name="$st_w $st_how: the pty takes its size, ${st_c}x$st_r"
	st_miss=$(missing "$st_w")
	if [ -n "$st_miss" ]; then
		t_fail "$st_name (not run: client $st_miss has no key from share)"
	else
		case $st_how in
		resize*) tm resize-window -t "=$st_w:" -x "$st_c" -y "$st_r" ;;
		*) keys "$st_w" x ;;
		esac
		if t_until 50 pty_is "$st_r" "$st_c"; then
			t_ok "$st_name"
		else
			echo "# the program drew at (count rows cols): $(cat "$T_TMP/size" 2>/dev/null)"
			t_fail "$st_name"
		fi
	fi
	for st_o in a b c; do
		eval "st_os=\$W_$st_o"
		st_name="$st_w $st_how: $st_o ($(echo "$st_os" | tr ' ' x)) shows the ${st_c}x$st_r framebuffer clipped/padded"
		st_miss=$(missing "$st_w $st_o")
		if [ -n "$st_miss" ]; then
			t_fail "$st_name (not run: client $st_miss has no key from share)"
		elif t_until 30 shows_fb "$st_o" "$st_r" "$st_c"; then
			t_ok "$st_name"
		else
			diff "$T_TMP/want.$st_o" "$T_TMP/got.$st_o" | head -n 20 | sed 's/^/# /'
			t_fail "$st_name"
		fi
	done
}

t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- sh "$T_TMP/draw.sh" "$T_TMP" ||
    { t_fail "server"; exit 1; }
ID=$SRV_PID A_PORT=$SRV_PORT K_a=$SRV_KEY
start_client a "$A_PORT" 80 24
t_check "the first stock client (a, 80x24) starts and the program draws" \
    t_until 100 pty_is 24 80
share_key b "$ID"
share_key c "$ID"
start_client b "$A_PORT" 100 30
start_client c "$A_PORT" 120 40
if [ -n "$(missing "b c")" ]; then
	t_fail "the three tmux panes are 80x24, 100x30, 120x40 (not run: no key from share)"
else
	t_check "the three tmux panes are 80x24, 100x30, 120x40" \
	    [ "$(win_size a)/$(win_size b)/$(win_size c)" = "80 24/100 30/120 40" ]
fi

step a "types"
step b "types"
step c "types"
step a "types again"
# A resize is activity too: c's window shrinks to 110x35 (still larger
# than a's, smaller than its own was).
step c "resize 110 35" 110 35

if [ -n "$(missing "b c")" ]; then
	t_fail "the three stock clients are alive throughout (not run: no key from share)"
elif t_alive "$P_a" && t_alive "$P_b" && t_alive "$P_c"; then
	t_ok "the three stock clients are alive throughout"
else
	t_fail "the three stock clients are alive throughout"
fi
"$S" kill "$ID" >/dev/null 2>&1
t_wait_gone "$ID" 50
