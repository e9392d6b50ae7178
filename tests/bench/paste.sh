#!/bin/sh
# Pasting into a session: tmux pastes a file (deterministic base64-looking
# text, 76 characters a line, the same bytes every run) into a client's
# pane, the session runs `cat > FILE` with echo off (canonical mode, so
# whole lines pass and almost nothing comes back), and each run is timed
# from `tmux paste-buffer` until FILE has every byte (its size read every
# 10 ms; after PASTE_TIMEOUT seconds, default 60, the run is a timeout).
# The link is our impair proxy: PASTE_LINKS (default "0 50 50/10"), each
# an RTT in ms (impair --delay is half, each way) with an optional /LOSS
# percent each way. PASTE_SIZES in KiB (default "100 1024"; the paste is
# the whole lines that fit). Pairings: our client and the stock client,
# each against our server and against the stock server (the stock ones
# are skipped without the Debian mosh package); the two clients take
# turns run by run, PASTE_REPS times (default 3), every run a fresh
# server, proxy and client, one session at a time. All runs of one rep
# share impair's --seed (PASTE_SEED + rep; one generator for both
# directions, so the same loss pattern for the same packet sequence).
# Also measured: the client->server UDP payload bytes during the paste
# (impair's up.fwd_bytes, SIGHUP just before the paste and when FILE is
# complete), against the paste's zlib-compressed size. Each run is one
# line in $BENCH_OUT/paste-runs.txt (link KiB server client rep ms bytes).
# Goals: our client's worst and median time no slower than the stock
# client's on the same server (n/a if both medians time out); its most
# upstream bytes at most 1.5x the compressed paste.
# Runtime with the defaults: about 13 minutes on 2 shared cores, most of
# it timeouts (60 s each: the 1 MiB paste over the lossy link outlasts it
# with every pairing, stock's too, so that case runs PASTE_LOSSY_BIG_REPS
# times, default 1) and our client's slow 1 MiB pastes; about 8 once both
# clients keep up. Narrow it with e.g. PASTE_SIZES=100 or PASTE_LINKS=50.
# PASTE_DUMP=DIR keeps each run's datagrams (impair --dump) and key there,
# for tests/tools/wire_decode. PASTE_CLIENTS and PASTE_SERVERS narrow the
# pairings (each "ours", "stock" or both).
. "$(dirname "$0")/lib.sh"
REPS=${PASTE_REPS:-3}
TMO=${PASTE_TIMEOUT:-60}
SIZES=${PASTE_SIZES:-100 1024}
LINKS=${PASTE_LINKS:-0 50 50/10}
SEED=${PASTE_SEED:-1}
LOSSY_BIG=${PASTE_LOSSY_BIG_REPS:-1}
now_ms() { date +%s%3N; }
if b_have_stock; then CLIS="ours stock" SRVS="ours stock"; else CLIS=ours SRVS=ours; fi
CLIS=${PASTE_CLIENTS:-$CLIS} SRVS=${PASTE_SERVERS:-$SRVS}
RUNS=$BENCH_OUT/paste-runs.txt
: >"$RUNS"

# reps LINK KIB: runs per pairing (pastes of 1 MiB and more over a lossy
# link take every client past the timeout: PASTE_LOSSY_BIG_REPS of them).
reps() {
	case $1 in */*) [ "$2" -ge 1024 ] && { echo "$LOSSY_BIG"; return; } ;; esac
	echo "$REPS"
}

# gen KIB FILE: KIB KiB of 77-byte lines (76 characters of the base64
# alphabet and a newline) from a Park-Miller generator, seed 1 (exact in
# awk's doubles, so every awk writes the same bytes).
gen() {
	awk -v n=$(($1 * 1024 / 77)) 'BEGIN {
		a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
		x = 1
		for (i = 0; i < n; i++) {
			l = ""
			for (j = 0; j < 76; j++) {
				x = (x * 16807) % 2147483647
				l = l substr(a, int(x / 33554432) + 1, 1)
			}
			print l
		}
	}' >"$2"
}

# zsize: the zlib-compressed size of stdin (python3's zlib at its default
# level; else gzip's deflate with zlib's 6 bytes of wrapper, not gzip's 18).
zsize() {
	python3 -c 'import zlib, sys; print(len(zlib.compress(sys.stdin.buffer.read())))' 2>/dev/null ||
	    echo $(($(gzip -c | wc -c) - 12))
}

# forget PID: drop an ended process from lib.sh's lists, so the trap at
# exit does not signal a pid that may have been reused since.
forget() {
	B_PIDS=$(echo " $B_PIDS " | sed "s/ $1 / /")
	B_SERVERS=$(echo " $B_SERVERS " | sed "s/ $1 / /")
}

# upbytes TAG PID: impair's up.fwd_bytes so far (SIGHUP rewrites the file).
upbytes() {
	rm -f "$B_TMP/$1.stats"
	kill -HUP "$2" 2>/dev/null
	n=0
	while [ ! -s "$B_TMP/$1.stats" ] && [ $n -lt 200 ]; do sleep 0.01; n=$((n + 1)); done
	b_stat "$B_TMP/$1.stats" up.fwd_bytes
}

# one SERVER CLIENT LINK KIB SEED: one run; sets MS (ms, "timeout" or
# "garbled") and UP (bytes); returns 1 if the session did not come up.
# (lib.sh's helpers set globals such as cli, port and n: names differ.)
one() {
	osrv=$1 ocli=$2 link=$3 kib=$4 seed=$5
	w=paste-$osrv-$ocli
	out=$B_TMP/out-$w
	rm -f "$out"
	MS='' UP='' PX_PID=''
	# shellcheck disable=SC2016
	b_server "$osrv" "$w" sh -c 'stty -echo; echo READY; exec cat >"$0"' "$out" || return 1
	spid=$SRV_PID
	rtt=${link%/*} loss=0
	case $link in */*) loss=${link#*/} ;; esac
	set -- --seed "$seed"
	[ "$rtt" -gt 0 ] && set -- "$@" --delay "$(awk -v r="$rtt" 'BEGIN { print r / 2 }')"
	[ "$loss" != 0 ] && set -- "$@" --loss "$loss"
	if [ -n "${PASTE_DUMP:-}" ]; then
		d=$PASTE_DUMP/$w-$link-$kib-$seed
		d=$(echo "$d" | tr / _ | sed 's|^_|/|')
		set -- "$@" --dump "$PASTE_DUMP/$(basename "$d").dump"
		echo "$SRV_KEY" >"$PASTE_DUMP/$(basename "$d").key"
	fi
	ok=0
	if b_proxy "$w" "$SRV_PORT" "$@" && b_client "$ocli" "$w" "$PX_PORT" &&
	    b_wait "$w" '^READY' 100; then
		ok=1
		want=$(wc -c <"$B_TMP/paste-$kib")
		bt load-buffer -b paste "$B_TMP/paste-$kib"
		up0=$(upbytes "$w" "$PX_PID")
		t0=$(now_ms)
		bt paste-buffer -b paste -t "=$w:"
		MS=timeout
		while :; do
			s=$(stat -c %s "$out" 2>/dev/null)
			t1=$(now_ms)
			[ "${s:-0}" -ge "$want" ] && { MS=$((t1 - t0)); break; }
			[ $((t1 - t0)) -ge $((TMO * 1000)) ] && break
			sleep 0.01
		done
		UP=$(($(upbytes "$w" "$PX_PID") - up0))
		# A paste that arrived garbled counts as a failure, not a time.
		[ "$MS" != timeout ] && ! cmp -s "$out" "$B_TMP/paste-$kib" && MS=garbled
	fi
	b_end_session "$w" "$spid"
	n=0
	while [ -d /proc/"$spid" ] && [ $n -lt 30 ]; do sleep 0.1; n=$((n + 1)); done
	[ -d /proc/"$spid" ] || forget "$spid"
	if [ -n "$PX_PID" ]; then
		kill "$PX_PID" 2>/dev/null
		wait "$PX_PID" 2>/dev/null
		forget "$PX_PID"
	fi
	[ $ok = 1 ]
}

for kib in $SIZES; do gen "$kib" "$B_TMP/paste-$kib"; done
for link in $LINKS; do
	for kib in $SIZES; do
		r=1
		while [ $r -le "$(reps "$link" "$kib")" ]; do
			# Who goes first alternates, so a slow patch hits both.
			order=$CLIS
			[ $((r % 2)) = 0 ] && [ "$CLIS" = "ours stock" ] && order="stock ours"
			for sv in $SRVS; do
				for cl in $order; do
					if one "$sv" "$cl" "$link" "$kib" $((SEED + r)); then
						echo "$link $kib $sv $cl $r $MS $UP" >>"$RUNS"
					else
						echo "$link $kib $sv $cl $r failed -" >>"$RUNS"
					fi
				done
			done
			r=$((r + 1))
		done
	done
done

# ms LINK KIB SERVER CLIENT: the times of the matching runs.
ms() { awk -v l="$1" -v k="$2" -v s="$3" -v c="$4" \
    '$1 == l && $2 == k && $3 == s && $4 == c { print $6 }' "$RUNS"; }
# up LINK KIB SERVER CLIENT: upstream bytes of the matching runs, N+ for
# a run that timed out (bytes sent until then).
up() { awk -v l="$1" -v k="$2" -v s="$3" -v c="$4" \
    '$1 == l && $2 == k && $3 == s && $4 == c && $6 ~ /^[0-9]+$/ { print $7 }
    $1 == l && $2 == k && $3 == s && $4 == c && $6 == "timeout" { print $7 "+" }' "$RUNS"; }
# stats DIVISOR: min/median/max of the values on stdin, numbers divided by
# DIVISOR; N+ (a lower bound) sorts after the numbers, anything else
# (timeout, garbled, failed) last and prints as itself. Without any
# input: n/a.
stats() {
	awk '{ print ($1 ~ /^[0-9]+$/ ? $1 : $1 ~ /^[0-9]+\+$/ ? 1e14 + $1 : 1e15), $1 }' |
	    sort -g -k1,1 | awk -v d="$1" '{ v[NR] = $2 }
	function f(x) {
		if (x !~ /^[0-9]+\+?$/ || d == 1) return x
		return sprintf("%.1f", x / d) (x ~ /\+$/ ? "+" : "") }
	END { if (!NR) print "n/a"; else printf "%s/%s/%s\n", f(v[1]), f(v[int((NR + 1) / 2)]), f(v[NR]) }'
}
# num MIN/MED/MAX N: field N if it is a number, else nothing.
num() { echo "$1" | cut -d/ -f"$2" | grep -E '^[0-9.]+$'; }
# key MIN/MED/MAX N: the same for comparing (not a number is slowest).
key() { v=$(num "$1" "$2"); echo "${v:-1e15}"; }

for link in $LINKS; do
	desc="${link%/*} ms RTT"
	case $link in */*) desc="$desc, ${link#*/}% loss each way" ;; esac
	for kib in $SIZES; do
		sz=$(wc -c <"$B_TMP/paste-$kib")
		z=$(zsize <"$B_TMP/paste-$kib")
		for srv in $SRVS; do
			to=$(ms "$link" "$kib" "$srv" ours | stats 1)
			ts=n/a
			[ "$CLIS" = "ours stock" ] && ts=$(ms "$link" "$kib" "$srv" stock | stats 1)
			r=$(ratio "$(num "$to" 2)" "$(num "$ts" 2)")
			g=n/a
			if [ "$ts" != n/a ] && [ -z "$(num "$to" 2)" ] && [ -z "$(num "$ts" 2)" ]; then
				g="n/a (both time out)"
			elif [ "$ts" != n/a ] && [ "$to" != n/a ]; then
			    g=$(awk -v ow="$(key "$to" 3)" -v sw="$(key "$ts" 3)" \
				-v om="$(key "$to" 2)" -v sm="$(key "$ts" 2)" \
				'BEGIN { print (ow + 0 <= sw + 0 && om + 0 <= sm + 0) ? "met" : "NOT met" }')
			fi
			t=
			case "$to $ts" in *timeout*) t=" (timeout: not all there after $TMO s)" ;; esac
			echo "| paste of $sz bytes into \`cat\`, $desc, $srv server: ms from paste-buffer to all written, min/median/max of $(reps "$link" "$kib")$t, our client (stock: the stock client); goal: worst and median no slower | $to | | $ts | $r | $g |"
			bo=$(up "$link" "$kib" "$srv" ours | stats 1024)
			bs=n/a
			[ "$CLIS" = "ours stock" ] && bs=$(up "$link" "$kib" "$srv" stock | stats 1024)
			r=$(ratio "$(num "$bo" 2)" "$(num "$bs" 2)")
			# Over the limit already is NOT met, timed out or not; under
			# it with a run unfinished can't be judged.
			g=$(up "$link" "$kib" "$srv" ours | awk -v z="$z" '
			    { m = ($1 + 0 > m) ? $1 + 0 : m; if ($1 ~ /\+$/) open = 1 }
			    END { if (!NR) { print "n/a"; exit }
				printf "%s (<= 1.5x compressed paste)\n", (m > 1.5 * z) ? "NOT met" : open ? "n/a" : "met" }')
			echo "| same, client->server KiB (UDP payload) during the paste, min/median/max (N+: timed out, sent until then), our client (stock: the stock client); the paste zlib-compressed: $(awk -v z="$z" 'BEGIN { printf "%.1f", z / 1024 }') KiB | $bo | | $bs | $r | $g |"
		done
	done
done
