#!/usr/bin/env bash
# make soak: minutes-long runs, not part of make check. Prints Markdown.
#  1. A SOAK_SECONDS (default 600) session, our server and our client
#     (SOAK_CLIENT=stock for the stock client), through impair with 20 %
#     loss, 10 % reordering, 5 % duplication, 30 ms each way +-10 ms jitter
#     and a roam every 20 s, typed into at a human pace (shell commands
#     with output, vi). The server's program is a tmux client attached to a
#     reference session on a private tmux server, so the reference pane
#     holds exactly what the server-side terminal shows; at the end the
#     client's pane must equal it (text, and text with attributes, and the
#     cursor), within SOAK_CONVERGE seconds (default 30).
#  2. A garbage flood (tests/tools/udp_flood, as fast as one socket sends,
#     FLOOD_SECONDS default 20) at our server (-v) and at the stock server,
#     each with a client attached: keystroke latency before and during the
#     flood, server CPU during it, and our failed-packet log volume.
. "$(dirname "$0")/../bench/lib.sh"
. "$(dirname "$0")/../bench/keys.bash"
SECS=${SOAK_SECONDS:-600}
CONV=${SOAK_CONVERGE:-30}
FLOOD=${FLOOD_SECONDS:-20}
SCLI=${SOAK_CLIENT:-ours}
FLOODER=$TOP/$BUILD/tests/tools/udp_flood
INNER=tsmosh-soak-inner-$$
inner() { tmux -L "$INNER" "$@"; }
trap 'inner kill-server 2>/dev/null; b_cleanup' EXIT
fail=0

echo "| soak | result |"
echo "|---|---|"

# ---- 1. long lossy session ----
inner -f /dev/null new-session -d -s ref -x 80 -y 24 "env PS1='\$ ' /bin/sh"
inner set -g status off
inner set -g window-size latest
b_server ours soak env TERM=xterm-256color tmux -L "$INNER" attach -t ref ||
    { echo "| session | server failed |"; exit 1; }
spid=$SRV_PID
b_proxy soak "$SRV_PORT" --loss 20 --reorder 10 --dup 5 --delay 30 \
    --jitter 10 --roam-every 20 --seed "${SOAK_SEED:-12}" || exit 1
px=$PX_PID
b_client "$SCLI" soak "$PX_PORT" || { echo "| session | client failed |"; exit 1; }
cpid=$CLI_PID
b_wait soak '^\$ ?$' 300 || { echo "| session | no prompt in 30 s |"; bt capture-pane -p -t soak | sed "s/^/    /"; cat "$B_TMP/soak.err"; exit 1; }

keys=0
type_str() {
	local t=$1 i
	for ((i = 0; i < ${#t}; i++)); do
		bt send-keys -t soak -l -- "${t:$i:1}"
		keys=$((keys + 1))
		sleep "0.$((10 + RANDOM % 15))"
	done
}
key() { bt send-keys -t soak "$1"; keys=$((keys + 1)); }
start=$(date +%s) round=0
cd "$B_TMP" || exit 1
while [ $(($(date +%s) - start)) -lt "$SECS" ]; do
	round=$((round + 1))
	type_str "cd $B_TMP; seq $round 3 $((round * 40))"; key Enter; sleep 1
	type_str "printf '\\033[1;3${round: -1}mround $round \\344\\270\\255\\346\\226\\207 wide\\033[0m\\n'"; key Enter; sleep 1
	type_str "ls -l /usr/lib | head -$((5 + round % 20))"; key Enter; sleep 1.5
	type_str "vi soak$((round % 3)).txt"; key Enter; sleep 2
	type_str "Go"; type_str "line $round: the quick brown fox"; key Escape
	type_str ":wq"; key Enter; sleep 1
	[ $((round % 5)) -eq 0 ] && { type_str "clear"; key Enter; sleep 1; }
done
cd "$TOP" || exit 1
t0=$(now_us) conv=no
while [ $(($(now_us) - t0)) -lt $((CONV * 1000000)) ]; do
	a=$(bt capture-pane -p -e -t soak; bt display -p -t soak '#{cursor_x},#{cursor_y}')
	b=$(inner capture-pane -p -e -t ref; inner display -p -t ref '#{cursor_x},#{cursor_y}')
	if [ "$a" = "$b" ]; then conv=yes; break; fi
	sleep 0.2
done
ct=$((($(now_us) - t0) / 1000))
kill -HUP "$px"; sleep 0.3
st=$B_TMP/soak.stats
echo "| session | ${SECS} s, $round rounds, $keys keys, $SCLI client, our server |"
echo "| network (impair) | $(b_stat "$st" roams) roams; up: $(b_stat "$st" up.rx) rx, $(b_stat "$st" up.lost) lost, $(b_stat "$st" up.dup) dup, $(b_stat "$st" up.reordered) reordered; down: $(b_stat "$st" down.rx) rx, $(b_stat "$st" down.lost) lost, $(b_stat "$st" down.dup) dup, $(b_stat "$st" down.reordered) reordered |"
if [ "$conv" = yes ]; then
	echo "| client screen = server screen (text, attributes, cursor) | yes, ${ct} ms after the last key |"
else
	fail=1
	echo "| client screen = server screen (text, attributes, cursor) | **NO** after ${CONV} s |"
	diff <(bt capture-pane -p -t soak) <(inner capture-pane -p -t ref) | sed 's/^/    /'
fi
echo "| server CPU / peak RSS at the end | $(b_cpu "$spid") s / $(b_hwm "$spid") MiB |"
echo "| client CPU / peak RSS at the end | $(b_cpu "$cpid") s / $(b_hwm "$cpid") MiB |"
b_end_session soak "$spid"
kill "$px" 2>/dev/null
inner kill-server 2>/dev/null

# ---- 2. garbage flood ----
# lat WINDOW N: N keys, one at a time; prints "median p95" ms
lat() {
	local win=$1 n=$2 i typed= out=$B_TMP/lat.$$
	: >"$out"
	for ((i = 0; i < n; i++)); do
		k=${letters:$(((i * 7) % 26)):1}; typed+=$k
		key_ms "$win" "$k" "\$ #$typed" 5000000 >>"$out"
		sleep 0.15
	done
	bt send-keys -t "$win" C-u; sleep 0.5
	sort -n "$out" | awk '{ v[NR] = $1 } END { printf "%d %d\n", v[int((NR + 1) / 2)], v[int(NR * 0.95 + 0.999)] }'
}
letters=abcdefghijklmnopqrstuvwxyz
for s in ours stock; do
	[ "$s" = stock ] && ! b_have_stock && continue
	B_SRV_FLAGS=-v b_server "$s" "flood-$s" env PS1='$ ' /bin/sh || { echo "| flood $s | server failed |"; continue; }
	spid=$SRV_PID
	b_client "$s" "flood-$s" "$SRV_PORT" || continue
	b_wait "flood-$s" '^\$ ?$' 100
	bt send-keys -t "flood-$s" -l '#'; sleep 0.5
	read -r m0 p0 <<<"$(lat "flood-$s" 20)"
	bt send-keys -t "flood-$s" -l '#'; sleep 0.5
	log=/proc/$spid/fd/2
	lb0=$(stat -L -c %s "$log" 2>/dev/null || echo 0)
	ll0=$(wc -l <"$B_TMP/flood-$s.err")
	c0=$(b_cpu "$spid")
	"$FLOODER" --to "127.0.0.1:$SRV_PORT" --seconds "$FLOOD" >"$B_TMP/flood.out" &
	fp=$!; B_PIDS="$B_PIDS $fp"
	sleep 2
	read -r m1 p1 <<<"$(lat "flood-$s" 20)"
	wait "$fp"
	c1=$(b_cpu "$spid")
	lb1=$(stat -L -c %s "$log" 2>/dev/null || echo 0)
	ll1=$(wc -l <"$B_TMP/flood-$s.err")
	alive=yes; kill -0 "$spid" 2>/dev/null || alive=no
	echo "| flood at $s server: $(sed 's/^udp_flood: //' "$B_TMP/flood.out") | server CPU $(awk -v a="$c0" -v b="$c1" -v s="$FLOOD" 'BEGIN { printf "%.2f s (%.0f%% of a core)", b - a, 100 * (b - a) / s }'); keystroke median/p95 $m0/$p0 ms before, $m1/$p1 ms during; stderr log +$((ll1 - ll0)) lines, +$(((lb1 - lb0) / 1024)) KiB; server alive: $alive |"
	tail -n 1 "$B_TMP/flood-$s.err" | cut -c 1-200 | sed "s/^/    $s server's last log line: /"
	b_end_session "flood-$s" "$spid"
	rm -f "$B_TMP/flood-$s.err"	# hundreds of MB
done
exit $fail
