#!/bin/sh
# Idle cost. (1) Our server+client and the stock server+client side by
# side on loopback, a shell at its prompt, nothing typed: context switches
# (voluntary + involuntary, /proc/PID/status) of each process over
# IDLE_SECONDS (default 30) after 5 s to settle, as wakeups per minute,
# and the resident size (VmRSS) at the end. (2) MANY_SESSIONS (default
# 200) sessions started with no client (`new -- /bin/sh`), ours then the
# stock ones: the sum of the PSS (smaps_rollup) of every process of each
# session, their private memory (USS) and their descriptors. Both
# servers fork the shell's process at once and hold it until a client
# arrives; ours also have one small utmp helper between them, counted
# once. USS (private pages) is what each more session costs for certain.
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

# The shared utmp helper our server $1 uses ("" if none): the process
# listening on utmp-helper beside its control socket.
utmp_helper_of() {
	d=$(ss -xlpn 2>/dev/null | grep "pid=$1," |
	    sed -n 's|.* \(/[^ ]*\)/[0-9]*\.sock .*|\1|p' | head -n 1)
	[ -n "$d" ] && ss -xlpn 2>/dev/null | grep -F " $d/utmp-helper " |
	    sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n 1
}

# many SIDE: start MANY servers with no client; sets PSS_ALL USS_ALL
# (MiB), FDS_ALL and PROCS_ALL over every process of the sessions (the
# server, its held child; ours' shared utmp helper once) and N_OK.
many() {
	list=
	i=0
	while [ $i -lt "$MANY" ]; do
		b_server "$1" "many" /bin/sh && list="$list $SRV_PID"
		i=$((i + 1))
	done
	sleep 2
	N_OK=0 ps=0 pu=0 fds=0 procs=0
	helper=
	[ "$1" = ours ] && helper=$(utmp_helper_of $(echo $list | cut -d' ' -f1))
	for p in $list; do
		[ -r /proc/"$p"/smaps_rollup ] || continue
		N_OK=$((N_OK + 1))
		for q in $p $(cat /proc/"$p"/task/*/children 2>/dev/null); do
			count "$q"
		done
	done
	[ -n "$helper" ] && count "$helper"
	PSS_ALL=$(awk -v k=$ps 'BEGIN { printf "%.1f", k / 1024 }')
	USS_ALL=$(awk -v k=$pu 'BEGIN { printf "%.1f", k / 1024 }')
	FDS_ALL=$fds PROCS_ALL=$procs
	for p in $list; do
		for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do kill "$c" 2>/dev/null; done
		kill "$p" 2>/dev/null
	done
	sleep 1
	B_SERVERS=
}
# count PID: add its PSS, USS (KiB), descriptors and itself to the sums.
count() {
	v=$(awk '/^Pss:/ { print $2 }' /proc/"$1"/smaps_rollup 2>/dev/null)
	ps=$((ps + ${v:-0}))
	v=$(awk '/^Private_(Clean|Dirty):/ { s += $2 } END { print s + 0 }' /proc/"$1"/smaps_rollup 2>/dev/null)
	pu=$((pu + ${v:-0}))
	fds=$((fds + $(ls /proc/"$1"/fd 2>/dev/null | wc -l)))
	procs=$((procs + 1))
}
many ours; o_uss=$USS_ALL o_pss=$PSS_ALL o_n=$N_OK o_fds=$FDS_ALL o_procs=$PROCS_ALL
many stock; s_uss=$USS_ALL s_pss=$PSS_ALL s_n=$N_OK s_fds=$FDS_ALL s_procs=$PROCS_ALL
per() { awk -v a="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.3f", a / n; else print "-" }'; }
r=$(ratio "$o_uss" "$s_uss")
echo "| $MANY idle sessions, no client: sum of private memory (USS, MiB) of all their processes | $o_uss | | $s_uss | $r | $(goal "$r" 1.0) |"
r=$(ratio "$o_pss" "$s_pss")
echo "| $MANY idle sessions, no client: sum of PSS (MiB; $o_n/$s_n up; server, held shell child, ours' shared utmp helper) | $o_pss | | $s_pss | $r | $(goal "$r" 1.0) |"
# Three decimals: the shared helper's own descriptors are a few hundredths.
a=$(per "$o_fds" "$o_n") b=$(per "$s_fds" "$s_n")
r=$(awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "%.3fx", a / b; else print "n/a" }')
echo "| $MANY idle sessions: descriptors a session (all processes; $o_procs/$s_procs processes in all) | $a | | $b | $r | $(goal "$r" 1.0) |"
