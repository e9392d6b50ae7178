#!/usr/bin/env bash
# Convergence after an outage and after a roam, our server+client and the
# stock server+client side by side, each through its own impair proxy
# (no impairment otherwise). The session runs a program that prints each
# line written to a FIFO, so the bench decides when output happens.
# Outage: blackout both ways (impair SIGUSR2) for OUTAGE_SECONDS (default
# 30); 5 s in, a marker line is printed on the server; measured: time from
# the end of the blackout until the marker is on the client's screen.
# Roam: impair moves to a new source port (SIGUSR1) and the server prints
# a marker at once (its replies to the old port are lost until the client
# is heard from the new one); measured: time from the roam to the marker
# on screen, median of ROAMS (default 3).
. "$(dirname "$0")/lib.sh"
b_have_stock || { echo "| outage | skipped: stock mosh not installed | | | | |"; exit 0; }
OUT=${OUTAGE_SECONDS:-30}
ROAMS=${ROAMS:-3}
now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

for s in ours stock; do
	mkfifo "$B_TMP/fifo-$s"
	b_server "$s" "out-$s" sh -c 'exec 3<>"$0"; while IFS= read -r l <&3; do printf "%s\n" "$l"; done' \
	    "$B_TMP/fifo-$s" || { echo "| outage: $s server failed | | | | | |"; exit 0; }
	b_proxy "out-$s" "$SRV_PORT" --seed 1 || exit 0
	eval "px_$s=$PX_PID"
	b_client "$s" "out-$s" "$PX_PORT" || exit 0
	exec {fd}<>"$B_TMP/fifo-$s"
	eval "fd_$s=$fd"
done
say() { local v="fd_$1"; printf '%s\n' "$2" >&"${!v}"; }
for s in ours stock; do say $s "ready-$s"; done
b_wait out-ours '^ready-ours' 100; b_wait out-stock '^ready-stock' 100
sleep 2

# until_shown PATTERN T0 -> sets MS_ours MS_stock (ms after T0, or "timeout")
until_shown() {
	local pat=$1 t0=$2 left="ours stock" s nleft t
	MS_ours=timeout MS_stock=timeout
	while [ -n "$left" ] && [ $(($(now_ms) - t0)) -lt 60000 ]; do
		nleft=
		for s in $left; do
			if bt capture-pane -p -t "out-$s" | grep -q -- "^$pat-$s\$"; then
				t=$(($(now_ms) - t0)); eval "MS_$s=$t"
			else
				nleft="$nleft $s"
			fi
		done
		left=$nleft
	done
}

kill -USR2 "$px_ours" "$px_stock"
sleep 5
for s in ours stock; do say $s "during-outage-$s"; done
sleep $((OUT - 5))
kill -USR2 "$px_ours" "$px_stock"
until_shown during-outage "$(now_ms)"
echo "| screen converged after a ${OUT} s outage (ms from network back) | $MS_ours | | $MS_stock | $(ratio "$MS_ours" "$MS_stock") | |"

ro= rs=
for ((i = 1; i <= ROAMS; i++)); do
	sleep 4
	t0=$(now_ms)
	kill -USR1 "$px_ours" "$px_stock"
	for s in ours stock; do say $s "after-roam$i-$s"; done
	until_shown "after-roam$i" "$t0"
	ro="$ro $MS_ours" rs="$rs $MS_stock"
done
med() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
mo=$(echo "$ro" | med) ms=$(echo "$rs" | med)
echo "| screen converged after a roam (ms, median of $ROAMS: ours$ro; stock$rs) | $mo | | $ms | $(ratio "$mo" "$ms") | |"
