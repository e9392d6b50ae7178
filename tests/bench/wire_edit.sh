#!/bin/sh
# Bytes on the wire, server to client, while editing: a vim session
# (lines opened, deleted, words inserted and cut, half pages down and up,
# undo) and a bash line-editing session (a long command line edited in
# the middle with readline's keys, recalled from history, run). Our
# server with our client and the stock server with the stock client side
# by side, each through its own impair proxy with no impairment; both get
# the same keys at the same moment, 120-200 ms apart. Counting starts
# once the editor is on screen (the proxies' counters are read by SIGHUP
# before and after). WIRE_EDIT_SECONDS (default 40) a run,
# WIRE_EDIT_REPS (default 3) runs a script: min/median/max of the ratio.
# WIRE_DUMP=DIR keeps the last run's datagrams and keys (SCRIPT-SIDE.dump,
# .key) for tests/tools/wire_decode.
. "$(dirname "$0")/lib.sh"
b_have_stock || { echo "| wire bytes while editing | skipped: stock mosh not installed | | | | |"; exit 0; }
SECS=${WIRE_EDIT_SECONDS:-40}
REPS=${WIRE_EDIT_REPS:-3}
SIDES="ours stock"

# keys TEXT: one key at a time to both sessions, 120-200 ms apart.
keys() {
	k_t=$1
	while [ -n "$k_t" ]; do
		k_rest=${k_t#?}; k_k=${k_t%"$k_rest"}; k_t=$k_rest
		bt send-keys -t we-ours -l -- "$k_k" \; send-keys -t we-stock -l -- "$k_k"
		sleep 0.1$(( $(od -An -N1 -tu1 /dev/urandom) % 9 + 2 ))
	done
}
# key NAME...: tmux key names (Escape, C-a, Left), one after another.
key() {
	for k_n in "$@"; do
		bt send-keys -t we-ours "$k_n" \; send-keys -t we-stock "$k_n"
		sleep 0.1$(( $(od -An -N1 -tu1 /dev/urandom) % 9 + 2 ))
	done
}

# One round of vim editing; the undo at the end keeps the file as it was.
vim_round() {
	keys 12G; keys o; keys 'An inserted line, typed into the middle of the file'
	key Escape; keys 3j; keys dd; keys k; keys 0; keys w; keys i
	keys 'quick '; key Escape; keys xxx; key C-d; sleep 0.3; key C-u
	keys 5G; keys dd; keys p; keys uuuuu
}
# One round of line editing in bash (readline, emacs keys).
shell_round() {
	keys 'echo the quick brown fox jumps over the lazy dog and the cat'
	key C-a M-f M-f M-f; keys ' very'; key C-e
	key BSpace BSpace BSpace BSpace; key C-a M-f
	key C-d C-d C-d C-d C-d; key Left Left Left; keys 'xy'
	key Enter; sleep 0.5; key Up; key C-a M-f M-f; keys ' slow'
	key C-e; keys ' again'; key Enter; sleep 0.5
}

# run SCRIPT: one run; sets DOWN_ours DOWN_stock (bytes server->client).
run() {
	for s in $SIDES; do
		d=$B_TMP/dir-$s
		rm -rf "$d"; mkdir -p "$d"
		seq -f 'line %g of a file being edited, long enough to be worth moving' 1 300 >"$d/file.txt"
		b_server "$s" "we-$s" env PS1='$ ' HOME="$d" \
		    sh -c "cd '$d' && exec bash --norc --noprofile" ||
		    { echo "| wire while editing: $s server failed | | | | | |"; return 1; }
		eval "spid_$s=$SRV_PID"
		set -- "$1" --seed 1
		if [ -n "${WIRE_DUMP:-}" ]; then
			mkdir -p "$WIRE_DUMP"
			echo "$SRV_KEY" >"$WIRE_DUMP/$1-$s.key"
			set -- "$@" --dump "$WIRE_DUMP/$1-$s.dump"
		fi
		sc=$1; shift
		b_proxy "we-$s" "$SRV_PORT" "$@" || return 1
		set -- "$sc"
		eval "px_$s=$PX_PID"
		b_client "$s" "we-$s" "$PX_PORT" || return 1
	done
	for s in $SIDES; do b_wait "we-$s" '^\$ ?$' 100 || return 1; done
	if [ "$1" = vim ]; then
		keys 'vim -u NONE -N file.txt'; key Enter
		for s in $SIDES; do b_wait "we-$s" '^line 20 ' 100 || return 1; done
	fi
	sleep 1
	for s in $SIDES; do
		eval "kill -HUP \$px_$s"
	done
	sleep 0.3
	for s in $SIDES; do
		eval "d0_$s=\$(b_stat \"\$B_TMP/we-$s.stats\" down.fwd_bytes)"
	done
	start=$(date +%s)
	while [ $(( $(date +%s) - start )) -lt "$SECS" ]; do
		"$1"_round
	done
	sleep 2
	for s in $SIDES; do
		eval "kill -HUP \$px_$s"
	done
	sleep 0.3
	for s in $SIDES; do
		eval "d1=\$(b_stat \"\$B_TMP/we-$s.stats\" down.fwd_bytes) d0=\$d0_$s"
		eval "DOWN_$s=$((d1 - d0))"
		eval "b_end_session we-$s \$spid_$s; kill \$px_$s"
	done
	B_SERVERS=
}

# stats V...: "min/median/max" of numbers.
stats() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 }
	    END { printf "%s/%s/%s", v[1], v[int((NR + 1) / 2)], v[NR] }'
}

for script in vim shell; do
	kib_o= kib_s= rat=
	i=0
	while [ $i -lt "$REPS" ]; do
		run "$script" || break
		kib_o="$kib_o $(awk -v b="$DOWN_ours" 'BEGIN { printf "%.1f", b / 1024 }')"
		kib_s="$kib_s $(awk -v b="$DOWN_stock" 'BEGIN { printf "%.1f", b / 1024 }')"
		rat="$rat $(awk -v a="$DOWN_ours" -v b="$DOWN_stock" 'BEGIN { printf "%.3f", a / b }')"
		i=$((i + 1))
	done
	[ -n "$rat" ] || continue
	# shellcheck disable=SC2086
	{
	rmax=$(stats $rat | cut -d/ -f3)
	echo "| wire KiB server->client, $script editing, ${SECS} s (min/median/max of $i) | $(stats $kib_o) | | $(stats $kib_s) | $(stats $rat)x | $(goal "$rmax" 0.9) |"
	}
done
