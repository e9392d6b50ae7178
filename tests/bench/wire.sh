#!/bin/sh
# Bytes on the wire for a scripted interactive session: our server with
# our client (native scrollback on), the same with MOSH_SCROLLBACK=no (the
# "other" column), and the stock server with the stock client, side by side,
# each through its own impair proxy with no impairment (its counters are
# the UDP payload bytes forwarded each way; IP/UDP headers not counted).
# Both sessions get the same keys at the same moment, at a human pace:
# `ls -l /usr/lib | head -30`, vi (insert two lines, :wq), cat, ls, over
# and over for WIRE_SECONDS (default 120: 2 minutes).
. "$(dirname "$0")/lib.sh"
b_have_stock || { echo "| wire bytes | skipped: stock mosh not installed | | | | |"; exit 0; }
SECS=${WIRE_SECONDS:-120}

SIDES="ours off stock"
for s in $SIDES; do
	w=$s; [ "$s" = off ] && w=ours
	mkdir -p "$B_TMP/dir-$s"
	b_server "$w" "wire-$s" env PS1='$ ' sh -c "cd '$B_TMP/dir-$s' && exec sh" ||
	    { echo "| wire bytes: $s server failed | | | | | |"; exit 0; }
	eval "spid_$s=$SRV_PID"
	set -- --seed 1
	if [ -n "${WIRE_DUMP:-}" ]; then
		mkdir -p "$WIRE_DUMP"
		echo "$SRV_KEY" >"$WIRE_DUMP/$s.key"
		set -- "$@" --dump "$WIRE_DUMP/$s.dump"
	fi
	b_proxy "wire-$s" "$SRV_PORT" "$@" || exit 0
	eval "px_$s=$PX_PID"
	if [ "$s" = off ]; then
		b_client ours "wire-$s" "$PX_PORT" MOSH_SCROLLBACK=no || exit 0
	else
		b_client "$s" "wire-$s" "$PX_PORT" || exit 0
	fi
done
for s in $SIDES; do b_wait "wire-$s" '^\$ ?$' 100; done

# type TEXT: one key at a time to both sessions, 120-200 ms apart.
type_both() {
	t=$1
	while [ -n "$t" ]; do
		rest=${t#?}; k=${t%"$rest"}; t=$rest
		bt send-keys -t wire-ours -l -- "$k" \; send-keys -t wire-off -l -- "$k" \; \
		    send-keys -t wire-stock -l -- "$k"
		sleep 0.1$(( $(od -An -N1 -tu1 /dev/urandom) % 9 ))
	done
}
key_both() { bt send-keys -t wire-ours "$1" \; send-keys -t wire-off "$1" \; send-keys -t wire-stock "$1"; }

start=$(date +%s)
while [ $(( $(date +%s) - start )) -lt "$SECS" ]; do
	type_both 'ls -l /usr/lib | head -30'; key_both Enter; sleep 2
	type_both 'vi notes.txt'; key_both Enter; sleep 1.5
	type_both 'o'
	type_both 'The quick brown fox jumps over the lazy dog.'; key_both Enter
	type_both 'Pack my box with five dozen liquor jugs.'; key_both Escape; sleep 0.5
	type_both ':wq'; key_both Enter; sleep 1
	type_both 'cat notes.txt'; key_both Enter; sleep 1
	type_both 'ls'; key_both Enter; sleep 1
done
sleep 2
for s in $SIDES; do
	eval "kill \$px_$s"
done
sleep 0.5
for s in $SIDES; do
	f=$B_TMP/wire-$s.stats
	eval "up_$s=$(b_stat "$f" up.fwd_bytes) down_$s=$(b_stat "$f" down.fwd_bytes)"
	eval "upp_$s=$(b_stat "$f" up.fwd) downp_$s=$(b_stat "$f" down.fwd)"
done
# shellcheck disable=SC2154
{
kb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }
echo "| wire KiB client->server, ${SECS} s scripted session (packets) | $(kb "$up_ours") ($upp_ours) | | $(kb "$up_stock") ($upp_stock) | $(ratio "$up_ours" "$up_stock") | |"
rd=$(awk -v a="$down_ours" -v b="$down_stock" 'BEGIN { printf "%.4f", a / b }')
echo "| wire KiB server->client, same session (packets; other: ours with MOSH_SCROLLBACK=no) | $(kb "$down_ours") ($downp_ours) | $(kb "$down_off") ($downp_off) | $(kb "$down_stock") ($downp_stock) | $(ratio "$down_ours" "$down_stock") (off: $(ratio "$down_off" "$down_stock")) | $(goal "$rd" 0.9) |"
# The goal is judged on the unrounded ratio (1.004 is not <= 1.0).
r=$(ratio $((up_ours + down_ours)) $((up_stock + down_stock)))
r4=$(awk -v a=$((up_ours + down_ours)) -v b=$((up_stock + down_stock)) 'BEGIN { printf "%.4f", a / b }')
echo "| wire KiB both directions, same session | $(kb $((up_ours + down_ours))) | | $(kb $((up_stock + down_stock))) | $r ($r4) | $(goal "$r4" 1.0) |"
}
