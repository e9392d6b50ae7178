#!/bin/sh
# Every screen cell as stock mosh 1.4 shows it, end to end in tmux: the
# same output through the stock server and client (the reference), our
# server with the stock client, and our server with our client. Checked
# with capture-pane -e -J, so colours (bright colours written as 38;5;n
# or 90-97) and wrapped lines (joined only when the pane's line really
# wrapped) count, and a combining mark at the start of a line. Wrapped
# lines are also compared with a plain pane.
. "$(dirname "$0")/../lib/common.sh"
OURS=$TOP/$BUILD/mosh-server
OURC=$TOP/$BUILD/mosh-client
if ! command -v mosh-server >/dev/null || ! command -v mosh-client >/dev/null; then
	t_skip "term_stock_cells: stock mosh not installed"
	exit 0
fi

# Edits the display diff makes with IL and DL in a scroll region and ICH
# and DCH in a line, each a second after the screen it changes (so the
# diff starts from a screen the client shows).
cat >"$T_TMP/edits" <<'EOF'
i=1
while [ $i -le 18 ]; do
	printf 'line %02d of the text, long enough to be moved whole\n' $i
	i=$((i + 1))
done
printf '\033[7mstatus line\033[0m'
sleep 1
printf '\033[3;15r\033[5;1H\033[2L\033[r\033[5;1Hinserted one\r\ninserted two'
sleep 1
printf '\033[3;15r\033[8;1H\033[3M\033[r'
sleep 1
printf '\033[2;9H\033[@X\033[4;9H\033[2P\033[6;1H\033[44m\033[3@\033[0m'
sleep 1
printf '\033[H\033M\033[Hfirst'
sleep 1
printf '\033[21;1H'
echo edits-done
EOF

# The output: bright colours both ways, two rows wrapping after a blank
# last cell (plain and inverse), a mark with nothing to its left.
x79=$(printf '%79s' '' | tr ' ' x)
z79=$(printf '%79s' '' | tr ' ' z)
printf '\033[38;5;9mA\033[48;5;12mB\033[91mC\033[0m \033[100mD\033[0m \033[38;5;3mE\033[0m\n' \
    >"$T_TMP/out"
printf '%s yyy\n%s\033[7m \033[0mwww\n\314\201q\n' "$x79" "$z79" >>"$T_TMP/out"

# session NAME SERVER CLIENT: a session of SERVER shown by CLIENT in window NAME.
session() {
	if [ "$2" = stock ]; then
		t_start_mosh_server mosh-server -i 127.0.0.1 -- env PS1='$ ' /bin/sh
	else
		t_start_mosh_server "$OURS" $OURS_LO -i 127.0.0.1 -- env PS1='$ ' /bin/sh
	fi || { t_fail "term_stock_cells: $2 server for $1 starts"; return 1; }
	c=mosh-client
	[ "$3" = ours ] && c=$OURC
	tm_new "$1" 80 24 "MOSH_KEY=$SRV_KEY $c 127.0.0.1 $SRV_PORT; sleep 60"
	tm_wait "$1" '^\$' 100 || { t_fail "term_stock_cells: $1 prompt"; return 1; }
}

session ref stock stock || exit 1
session srv ours stock || exit 1
session both ours ours || exit 1
tm_new plain 80 24 "env PS1='$ ' /bin/sh"
for w in ref srv both plain; do
	tm send-keys -t "$w" "clear; cat '$T_TMP/out'" Enter
done
for w in ref srv both plain; do
	tm_wait "$w" 'q$' 100
done
sleep 1
for w in ref srv both plain; do
	tm capture-pane -p -e -J -t "$w" >"$T_TMP/$w.cap"
done

# same NAME WINDOW: WINDOW's screen is the reference's.
same() {
	if cmp -s "$T_TMP/ref.cap" "$T_TMP/$2.cap"; then
		t_ok "$1"
	else
		diff "$T_TMP/ref.cap" "$T_TMP/$2.cap" | cat -v | head -20 | sed 's/^/# /'
		t_fail "$1"
	fi
}
same "our server, stock client: cells, colours and wraps as stock mosh" srv
same "our server and client: cells, colours and wraps as stock mosh" both

# joined WINDOW: both long lines are single wrapped lines in WINDOW.
joined() {
	esc=$(printf '\033')
	sed "s/$esc\[[0-9;]*m//g" "$T_TMP/$1.cap" >"$T_TMP/$1.text"
	grep -q "^$x79 yyy\$" "$T_TMP/$1.text" &&
	    grep -q "^$z79 www\$" "$T_TMP/$1.text"
}
t_check "the plain pane wraps both long lines" joined plain
t_check "through our server and stock client they stay wrapped" joined srv
t_check "through our server and client they stay wrapped" joined both
# Bright colours keep the 256-colour form, as stock mosh renders them.
t_check "our client draws colours 8-15 as 38;5;n" \
    grep -q '38;5;9mA.*48;5;12mBC.*48;5;8mD' "$T_TMP/both.cap"
t_check "the mark at the start of a line shows on a no-break space" \
    grep -q "^$(printf '\302\240\314\201')q" "$T_TMP/srv.cap"

# New sessions: rows that wrapped before a clear keep the wrap hint in
# stock mosh, which is not what these checks are about.
session eref stock stock || exit 1
session esrv ours stock || exit 1
session eboth ours ours || exit 1
for w in eref esrv eboth; do
	tm send-keys -t "$w" "clear; sh '$T_TMP/edits'" Enter
done
for w in eref esrv eboth; do
	tm_wait "$w" '^edits-done' 150
done
sleep 1
# Trailing blanks go: a client may print them or erase them, the cells
# are the same default blanks (coloured ones end in an SGR, and stay).
for w in eref esrv eboth; do
	tm capture-pane -p -e -J -t "$w" | sed 's/ *$//' >"$T_TMP/$w.cap"
done
cp "$T_TMP/eref.cap" "$T_TMP/ref.cap"
same "our server, stock client: lines moved and shifted as stock mosh" esrv
same "our server and client: lines moved and shifted as stock mosh" eboth
