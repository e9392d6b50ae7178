#!/bin/sh
# Sharing a session: `mosh-server share [ID] [--read-only]` prints a
# MOSH CONNECT line (the session's port, a new key) for one more client;
# the session then serves them all at once with one screen. Stock clients
# only: a (the first client), b (share), c (share --read-only), d (share,
# through the impairment proxy at 30% loss). Read-write typing reaches
# the program and every screen; read-only typing reaches nothing. `list`
# shows a line per client; one client dying or being kicked leaves the
# others going; `kill` ends every client. At most max_clients (default 8,
# or the config file's) clients; share beyond that is refused.
#
# Without a working `share` (no key), the checks that need b, c or d say
# "not ok ... (not run: ...)" at once instead of waiting on clients that
# cannot start.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/share.sh"
S=$TOP/$BUILD/mosh-server
command -v mosh-client >/dev/null || { t_skip "share: no stock mosh-client"; exit 0; }
export XDG_RUNTIME_DIR="$T_TMP/run"
mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
LOG=$T_TMP/in.log

# share_key NAME ARGS...: `mosh-server share ARGS`; K_NAME is the key of
# its MOSH CONNECT line when the line has the session's port, else "".
# Its output is $T_TMP/share.NAME.out and .err, its status SHARE_RC. The
# check's name says ID for the session's id.
share_key() {
	sk_name=$1; shift
	sk_label="(no ID)"
	[ $# -gt 0 ] && sk_label=$(echo "$*" | sed "s/^$ID/ID/")
	"$S" share "$@" >"$T_TMP/share.$sk_name.out" \
	    2>"$T_TMP/share.$sk_name.err" </dev/null
	SHARE_RC=$?
	sk_key=
	t_connect_line "$T_TMP/share.$sk_name.out" &&
	    [ "$CONN_PORT" = "$A_PORT" ] && sk_key=$CONN_KEY
	eval "K_$sk_name=\$sk_key"
	if [ "$SHARE_RC" -eq 0 ] && [ -n "$sk_key" ] && [ "$sk_key" != "$SRV_KEY" ]; then
		t_ok "share $sk_label: MOSH CONNECT with the session's port and a new key"
	else
		head -n 3 "$T_TMP/share.$sk_name.out" | sed 's/^/# out: /'
		head -n 3 "$T_TMP/share.$sk_name.err" | sed 's/^/# err: /'
		t_fail "share $sk_label: MOSH CONNECT with the session's port and a new key (rc $SHARE_RC)"
	fi
}

# ck WINDOWS NAME COMMAND... (t_check) and ckt WINDOWS NAME WINDOW TEXT
# TENTHS... (tm_check): that check, or not ok at once when a client it
# needs has no key.
ck_run() {
	ck_fn=$1 ck_need=$(missing "$2") ck_name=$3; shift 3
	if [ -n "$ck_need" ]; then
		t_fail "$ck_name (not run: client $ck_need has no key from share)"
	else
		"$ck_fn" "$ck_name" "$@"
	fi
}
ck() { ck_run t_check "$@"; }
ckt() { ck_run tm_check "$@"; }

# screen WINDOW: its screen, trailing spaces dropped.
screen() { tm_screen "$1" | sed 's/ *$//'; }
same_screen() { [ "$(screen "$1")" = "$(screen "$2")" ]; }
# shows_not WINDOW TEXT: TEXT (grep -E) is not on WINDOW's screen.
shows_not() { ! tm_shows "$1" "$2"; }
logged() { grep -q -- "$1" "$LOG"; }
# all_gone PID...: none of them runs (an empty argument is a failure).
all_alive() { for p in "$@"; do [ -n "$p" ] && t_alive "$p" || return 1; done; }
all_gone() {
	for p in "$@"; do [ -n "$p" ] || return 1; t_alive "$p" && return 1; done
	return 0
}

# client_lines ID: the indented lines under session ID's line of `list`.
client_lines() {
	"$S" list | awk -v id="$1" '
	    $0 ~ "^" id " " { on = 1; next }
	    on && /^[ \t]/ { print; next }
	    { on = 0 }'
}
# client_mode ID N: rw or ro (the field that is one of them) on the line
# of client N (the first field with a digit in it is the client's id).
client_mode() {
	client_lines "$1" | awk -v n="$2" '
	    { id = ""; m = ""
	      for (i = 1; i <= NF; i++) {
		if (id == "" && $i ~ /[0-9]/) { id = $i; gsub(/[^0-9]/, "", id) }
		if ($i == "rw" || $i == "ro") m = $i
	      }
	      if (id == n) { print m; exit } }'
}
client_line() {
	client_lines "$1" | awk -v n="$2" '
	    { for (i = 1; i <= NF; i++) if ($i ~ /[0-9]/) {
		id = $i; gsub(/[^0-9]/, "", id); if (id == n) print; next } }'
}
n_clients() { [ "$(client_lines "$1" | grep -c .)" -eq "$2" ]; }

# The program: what it reads goes to in.log and back to the screen, so
# a line typed into the pty shows twice (the tty's echo, then tee).
t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- \
    sh -c 'echo state-A; exec tee -a "$0"' "$LOG" ||
    { t_fail "server"; exit 1; }
ID=$SRV_PID A_PORT=$SRV_PORT K_a=$SRV_KEY
start_client a "$A_PORT"
tm_check "the first stock client (a) shows the program" a '^state-A' 100 ||
    exit 1

# b: share with no ID (the only session); c: share ID --read-only.
share_key b
share_key c "$ID" --read-only
start_client b "$A_PORT"
start_client c "$A_PORT"
ckt b "the shared client b shows the same screen" b '^state-A' 100
ckt c "the read-only client c shows the same screen" c '^state-A' 100

twice() { [ "$(tm_screen "$1" | grep -c "^$2\$")" -ge 2 ]; }
keys a 'typed-by-a' Enter
t_check "a's typing reaches the program (and shows on a)" \
    t_until 50 twice a typed-by-a
ckt b "a's typing shows on b" b '^typed-by-a' 50
ckt c "a's typing shows on c" c '^typed-by-a' 50
ck b "a and b show the same screen" t_until 30 same_screen a b
ck c "a and c show the same screen" t_until 30 same_screen a c

[ -n "$K_b" ] && keys b 'typed-by-b' Enter
ck b "b's typing reaches the program" t_until 50 logged typed-by-b
ckt b "b's typing shows on a" a '^typed-by-b' 50
ckt b "b's typing shows on b" b '^typed-by-b' 50
ckt "b c" "b's typing shows on c" c '^typed-by-b' 50

# c is read-only: its keys are dropped. Its own client may predict the
# echo for a moment, so its screen is not what is checked: a's, b's and
# the program's input are.
if [ -n "$K_c" ]; then
	keys c 'typed-by-c' Enter
	sleep 2
fi
keys a 'after-c' Enter
tm_wait a '^after-c' 50
ck c "read-only c's typing never reaches the program" t_not logged typed-by-c
ck c "read-only c's typing does not show on a" shows_not a typed-by-c
ck "b c" "read-only c's typing does not show on b" shows_not b typed-by-c
ckt c "read-only c still sees the screen change" c '^after-c' 50

# list: a line per client under the session's.
if [ -n "$K_b" ] && [ -n "$K_c" ] && n_clients "$ID" 3 &&
    [ "$(client_mode "$ID" 1)/$(client_mode "$ID" 2)/$(client_mode "$ID" 3)" = rw/rw/ro ]; then
	t_ok "list shows 3 client lines: 1 rw, 2 rw, 3 ro"
else
	"$S" list | sed 's/^/# /'
	t_fail "list shows 3 client lines: 1 rw, 2 rw, 3 ro"
fi
client1_addr() { client_line "$ID" 1 | grep -q '127\.0\.0\.1:[0-9]'; }
t_check "list: client 1's line has its address 127.0.0.1:PORT" client1_addr

# b's client dies without a word: a and c go on.
[ -n "$P_b" ] && kill -KILL "$P_b"
ck b "b's stock client is gone after SIGKILL" t_wait_gone "$P_b" 30
keys a 'after-b-died' Enter
t_check "after b's client is SIGKILLed, a's typing still reaches the program" \
    t_until 50 logged after-b-died
tm_check "after b's client is SIGKILLed, a's typing shows on a" a '^after-b-died' 50
ckt c "after b's client is SIGKILLed, a's typing shows on c" c '^after-b-died' 50
ck c "after b's client is SIGKILLed, a's and c's clients still run" all_alive "$P_a" "$P_c"

# d: shared again, through the proxy at 30% loss each way.
share_key d "$ID"
if [ -n "$K_d" ]; then
	ln=$(client_line "$ID" 4)
	if echo "$ln" | grep -Eq '(^|[[:space:]])-([[:space:]]|$)'; then
		t_ok "list: client 4, not heard from yet, has '-' for its address"
	else
		"$S" list | sed 's/^/# /'
		t_fail "list: client 4, not heard from yet, has '-' for its address"
	fi
else
	t_fail "list: client 4, not heard from yet, has '-' for its address (not run: client d has no key from share)"
fi
t_start_impair "$A_PORT" --loss 30 --delay 50 --seed 11 ||
    t_fail "impair proxy starts"
start_client d "$IMP_PORT"
ckt d "d, through 30% loss, shows the screen" d '^after-b-died' 150
keys a 'converge-by-a' Enter
tm_wait a '^converge-by-a' 50
ckt d "d, through 30% loss, shows a's typing" d '^converge-by-a' 100
if [ -z "$K_d" ]; then
	t_fail "d's screen converges to a's (not run: client d has no key from share)"
elif t_until 100 same_screen a d; then
	t_ok "d's screen converges to a's"
else
	screen a | sed 's/^/# a: /'; screen d | sed 's/^/# d: /'
	t_fail "d's screen converges to a's"
fi

# kick the proxied client (4): it exits, a and c go on.
"$S" kick "$ID" 4 >"$T_TMP/kick.out" 2>"$T_TMP/kick.err"
rc=$?
if [ "$rc" -eq 0 ] && grep -Eq "^kicked client 4 of session $ID([^0-9]|\$)" "$T_TMP/kick.out"; then
	t_ok "kick ID 4 says 'kicked client 4 of session ID'"
else
	head -n 3 "$T_TMP/kick.out" "$T_TMP/kick.err" | sed 's/^/# /'
	t_fail "kick ID 4 says 'kicked client 4 of session ID' (rc $rc)"
fi
ck d "the kicked client's process exits" t_wait_gone "$P_d" 100
ck "c d" "a's and c's clients still run after the kick" all_alive "$P_a" "$P_c"
keys a 'after-kick' Enter
t_check "after the kick, a's typing reaches the program" \
    t_until 50 logged after-kick
ckt c "after the kick, c sees a's typing" c '^after-kick' 50

# attach: a new device takes the place of the read-write client heard
# least recently (b, dead since the SIGKILL), and of no other: a and c go
# on, b's place (client 2) is gone from list, the new client works.
K_e=$("$S" attach "$ID" 2>/dev/null | sed -n "s/^MOSH CONNECT $A_PORT \([A-Za-z0-9/+]\{22\}\)\$/\1/p")
t_check "attach ID beside the other clients prints a new key" [ -n "$K_e" ]
start_client e "$A_PORT"
ckt e "the attached client (e) shows the screen" e '^after-kick' 100
keys e 'typed-by-e' Enter
ck e "e's typing reaches the program" t_until 50 logged typed-by-e
ck c "a's and c's clients still run after the attach" all_alive "$P_a" "$P_c"
keys a 'a-after-attach' Enter
t_check "a's typing still reaches the program after the attach" \
    t_until 50 logged a-after-attach
attach_replaced_b() {
	cl=$(client_lines "$ID")
	! echo "$cl" | grep -Eq 'client 2 ' && echo "$cl" | grep -Eq 'client 1 ' &&
	    echo "$cl" | grep -Eq 'client 3 +ro'
}
t_check "list: attach replaced client 2 (b) only; 1 and 3 remain" \
    t_until 30 attach_replaced_b

# kill: every client goes.
"$S" kill "$ID" >/dev/null 2>&1
t_check "kill ID: the session's server exits" t_wait_gone "$ID" 100
t_check "kill ID: a's stock client exits" t_wait_gone "$P_a" 100
ck c "kill ID: c's stock client exits" t_until 100 all_gone "$P_c"
t_check "a's pane says its client ended" tm_wait a 'CLIENT-EXIT' 20

# max_clients: default 8, the session's first client counting; a 9th
# is refused with exit 1, a word about max_clients and no MOSH CONNECT.
# refused ID NAME: `share ID` is refused so.
refused() {
	"$S" share "$1" >"$T_TMP/over.out" 2>"$T_TMP/over.err" </dev/null
	rc=$?
	if [ "$rc" -eq 1 ] && cat "$T_TMP/over.out" "$T_TMP/over.err" |
	    grep -q max_clients && ! grep -q 'MOSH CONNECT' "$T_TMP/over.out"; then
		t_ok "$2"
	else
		head -n 3 "$T_TMP/over.out" | sed 's/^/# out: /'
		head -n 3 "$T_TMP/over.err" | sed 's/^/# err: /'
		t_fail "$2 (rc $rc)"
	fi
}
t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- cat ||
    { t_fail "second server"; exit 1; }
ok=0
for i in 2 3 4 5 6 7 8; do
	"$S" share "$SRV_PID" >"$T_TMP/o" 2>/dev/null </dev/null &&
	    t_connect_line "$T_TMP/o" && ok=$((ok + 1))
done
t_check "default max_clients: 7 shares beside the first client (8 in all) succeed" \
    [ "$ok" -eq 7 ]
refused "$SRV_PID" "default max_clients (8): a 9th client is refused"
"$S" kill "$SRV_PID" >/dev/null 2>&1
t_wait_gone "$SRV_PID" 50

printf 'max_clients = 2\n' >"$T_TMP/max2.conf"
if t_start_mosh_server "$S" --config "$T_TMP/max2.conf" $OURS_LO \
    -i 127.0.0.1 -- cat; then
	t_ok "a session with max_clients = 2 in its config file starts"
	"$S" share "$SRV_PID" >"$T_TMP/o" 2>/dev/null </dev/null
	t_check "max_clients = 2: one share beside the first client succeeds" \
	    t_connect_line "$T_TMP/o"
	refused "$SRV_PID" "max_clients = 2: a 3rd client is refused"
	"$S" kill "$SRV_PID" >/dev/null 2>&1
	t_wait_gone "$SRV_PID" 50
else
	head -n 3 "$T_TMP/srv.err" | sed 's/^/# /'
	t_fail "a session with max_clients = 2 in its config file starts"
	t_fail "max_clients = 2: one share beside the first client succeeds (not run)"
	t_fail "max_clients = 2: a 3rd client is refused (not run)"
fi
