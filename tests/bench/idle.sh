#!/bin/sh
# Idle cost. (1) Our server+client and the stock server+client side by
# side on loopback, a shell at its prompt, nothing typed: context switches
# (voluntary + involuntary, /proc/PID/status) of each process over
# IDLE_SECONDS (default 30) after 5 s to settle, as wakeups per minute,
# and the resident size (VmRSS) at the end. (2) MANY_SESSIONS (default
# 200) sessions started with no client (`new -- /bin/sh`), ours then the
# stock ones: the sum of the PSS (smaps_rollup) of every process of each
# session. Both servers fork the shell's process at once and hold it
# until a client arrives; ours also keeps a small utmp helper. USS
# (private pages) is what each more session costs for certain.
. "$(dirname "$0")/lib.sh"
b_have_stock || { echo "| idle | skipped: stock mosh not installed | | | | |"; exit 0; }
SECS=${IDLE_SECONDS:-30}
MANY=${MANY_SESSIONS:-200}

for s in ours stock; do
	b_server "$s" "idle-$s" env PS1='$ ' /bin/sh || { echo "| idle: $s server failed | | | | | |"; exit 0; }
	eval "spid_$s=$SRV_PID"
	b_client "$s" "idle-$s" "$SRV_PORT" || exit 0
	eval "cpid_$s=$CLI_PID"
done
b_wait idle-ours '^\$ ?$' 100; b_wait idle-stock '^\$ ?$' 100
sleep 5
for s in ours stock; do
	eval "sa_$s=\$(b_ctxt \$spid_$s) ca_$s=\$(b_ctxt \$cpid_$s)"
done
sleep "$SECS"
for s in ours stock; do
	eval "sb_$s=\$(b_ctxt \$spid_$s) cb_$s=\$(b_ctxt \$cpid_$s)"
	eval "sr_$s=\$(b_rss \$spid_$s) cr_$s=\$(b_rss \$cpid_$s)"
done
pm() { awk -v a="$1" -v b="$2" -v s="$SECS" 'BEGIN { printf "%.1f", (b - a) * 60 / s }'; }
# shellcheck disable=SC2154
{
sw_o=$(pm "$sa_ours" "$sb_ours") sw_s=$(pm "$sa_stock" "$sb_stock")
cw_o=$(pm "$ca_ours" "$cb_ours") cw_s=$(pm "$ca_stock" "$cb_stock")
echo "| idle server wakeups/min (ctxt switches over ${SECS} s, client attached) | $sw_o | | $sw_s | $(ratio "$sw_o" "$sw_s") | |"
echo "| idle client wakeups/min (same) | $cw_o | | $cw_s | $(ratio "$cw_o" "$cw_s") | |"
r=$(ratio "$sr_ours" "$sr_stock")
echo "| idle server RSS (MiB) | $sr_ours | | $sr_stock | $r | $(goal "$r" 0.5) |"
r=$(ratio "$cr_ours" "$cr_stock")
echo "| idle client RSS (MiB) | $cr_ours | | $cr_stock | $r | $(goal "$r" 0.5) |"
}
b_end_session idle-ours "$spid_ours"; b_end_session idle-stock "$spid_stock"

# many SIDE: start MANY servers with no client; sets PSS_ALL USS_ALL
# (MiB, every process of the sessions: server, its held child, ours' utmp
# helper) and N_OK.
many() {
	list=
	i=0
	while [ $i -lt "$MANY" ]; do
		b_server "$1" "many" /bin/sh && list="$list $SRV_PID"
		i=$((i + 1))
	done
	sleep 2
	N_OK=0 ps=0 pu=0
	for p in $list; do
		[ -r /proc/"$p"/smaps_rollup ] || continue
		N_OK=$((N_OK + 1))
		for q in $p $(cat /proc/"$p"/task/*/children 2>/dev/null); do
			v=$(awk '/^Pss:/ { print $2 }' /proc/"$q"/smaps_rollup 2>/dev/null)
			ps=$((ps + ${v:-0}))
			v=$(awk '/^Private_(Clean|Dirty):/ { s += $2 } END { print s + 0 }' /proc/"$q"/smaps_rollup 2>/dev/null)
			pu=$((pu + ${v:-0}))
		done
	done
	PSS_ALL=$(awk -v k=$ps 'BEGIN { printf "%.1f", k / 1024 }')
	USS_ALL=$(awk -v k=$pu 'BEGIN { printf "%.1f", k / 1024 }')
	for p in $list; do
		for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do kill "$c" 2>/dev/null; done
		kill "$p" 2>/dev/null
	done
	sleep 1
	B_SERVERS=
}
many ours; o_uss=$USS_ALL o_pss=$PSS_ALL o_n=$N_OK
many stock; s_uss=$USS_ALL s_pss=$PSS_ALL s_n=$N_OK
# The 0.5x goal is for RSS (the rows above); this row has none:
# see the README for what bounds it.
echo "| $MANY idle sessions, no client: sum of private memory (USS, MiB) of all their processes | $o_uss | | $s_uss | $(ratio "$o_uss" "$s_uss") | |"
echo "| $MANY idle sessions, no client: sum of PSS (MiB; $o_n/$s_n up; server, held shell child, ours' utmp helper) | $o_pss | | $s_pss | $(ratio "$o_pss" "$s_pss") | |"
