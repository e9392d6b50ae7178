#!/bin/sh
# The first screen: ms from starting a client (a new tmux window running
# it) until the pane shows the shell's prompt, for a session whose
# server started FIRST_WAIT_MS (default 300) before, so its prompt is
# drawn. Pairings, interleaved FIRST_REPS times (default 5): our server
# with our client, our server with the stock client, and the stock server
# with the stock client (the stock column). Then the same after attach:
# a session of ours with our client showing its prompt, `mosh-server
# attach ID` for a new key, and a second client (ours; other: stock)
# started with it, timed to its prompt. Stock mosh has no attach: that
# row's goal is the 60 ms alone.
. "$(dirname "$0")/lib.sh"
REPS=${FIRST_REPS:-5}
WAIT=${FIRST_WAIT_MS:-300}
now_ms() { date +%s%3N; }

# prompt_ms WINDOW ours|stock KEY: start that client in a new tmux window
# and print the ms until its pane shows the prompt (read flat out); 1
# when it never does.
prompt_ms() {
	if [ "$2" = ours ]; then c=$OURS_CLI; else c=$STOCK_CLI; fi
	t0=$(now_ms)
	bt new-session -d -s "$1" -x 80 -y 24 \
	    "env MOSH_KEY=$3 '$c' 127.0.0.1 $SRV_PORT; sleep 600"
	n=0
	while ! bt capture-pane -p -t "=$1:" | grep -Eq '^\$ ?$'; do
		n=$((n + 1))
		[ $n -ge 5000 ] && return 1
	done
	echo $(($(now_ms) - t0))
}

# shown TAG SERVER CLIENT: one sample (ms) appended to $B_TMP/first-TAG.
shown() {
	b_server "$2" "f-$1" env PS1='$ ' sh || return 1
	sleep "$(awk -v w="$WAIT" 'BEGIN { print w / 1000 }')"
	prompt_ms "f-$1" "$3" "$SRV_KEY" >>"$B_TMP/first-$1"
	b_end_session "f-$1" "$SRV_PID"
}

# attached CLIENT: one sample (ms) appended to $B_TMP/attach-CLIENT.
attached() {
	b_server ours "a-$1" env PS1='$ ' sh || return 1
	b_client ours "a-$1" "$SRV_PORT" || return 1
	b_wait "a-$1" '^\$ ?$' 100 || return 1
	key=$("$OURS_SRV" attach "$SRV_PID" 2>/dev/null |
	    sed -n 's/^MOSH CONNECT [0-9]* \([A-Za-z0-9/+]*\)$/\1/p')
	[ -n "$key" ] && prompt_ms "b-$1" "$1" "$key" >>"$B_TMP/attach-$1"
	bt kill-session -t "b-$1" 2>/dev/null
	b_end_session "a-$1" "$SRV_PID"
}

i=0
while [ $i -lt "$REPS" ]; do
	attached ours
	b_have_stock && attached stock
	shown ours ours ours
	if b_have_stock; then
		shown ours-stock ours stock
		shown stock stock stock
	fi
	i=$((i + 1))
done
stats() { sort -n "$1" 2>/dev/null | awk '{ v[NR] = $1 } END { if (NR) printf "%s/%s/%s", v[1], v[int((NR + 1) / 2)], v[NR]; else print "n/a" }'; }
med() { sort -n "$1" 2>/dev/null | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
r=$(ratio "$(med "$B_TMP/first-ours")" "$(med "$B_TMP/first-stock")")
# Both halves of the goal: the ratio and the 60 ms.
g=$(goal "$r" 0.35)
case $g in met*) [ "$(med "$B_TMP/first-ours")" -le 60 ] 2>/dev/null || g="NOT met" ;; esac
echo "| first screen: client start to prompt shown, ms min/median/max (other: our server, stock client) | $(stats "$B_TMP/first-ours") | $(stats "$B_TMP/first-ours-stock") | $(stats "$B_TMP/first-stock") | $r | ${g%% (*} (<= 0.35x and <= 60 ms) |"
r=$(awk -v m="$(med "$B_TMP/attach-ours")" 'BEGIN { if (m != "" && m <= 60) print "met (<= 60 ms)"; else print "NOT met (<= 60 ms)" }')
echo "| first screen after attach: client start to prompt shown, ms min/median/max (other: the stock client attaching to ours) | $(stats "$B_TMP/attach-ours") | $(stats "$B_TMP/attach-stock") | n/a (no attach) | | $r |"
