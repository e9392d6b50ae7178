#!/bin/sh
# A key holder against our mosh-server's memory. Our client role of
# hostile_peer sends one ~1 MiB keystroke state and then 30, and 300,
# small states each built on it (old_num = the big one), and a burst of
# fragment sets with fresh ids that never complete. The server's peak
# RSS must stay bounded, its RSS must come back after the burst, and the
# session must still work afterwards (typed text reaches the program).
. "$(dirname "$0")/../lib/common.sh"
S=$TOP/$BUILD/mosh-server
HP=$TOP/$BUILD/tests/tools/hostile_peer

# Received states may hold a few tens of MiB in all; with the server's
# own few MiB, a peak under 64 MiB means the cap holds.
PEAK_MAX_MIB=64
# After a fragment burst the server keeps at most this much more than
# before it (slot buffers it may reuse), not the burst itself.
BURST_LEFT_MIB=16
# hostile_peer stops (exit 3) past this, so a server without a cap does
# not take the machine's memory: 300 states of 1 MiB of keystrokes are
# gigabytes.
GUARD_MIB=1024
# The burst: ids x fragments x bytes (64 x 3000 x 1200 = 230 MB sent, each
# set 3.6 MB, under the 4 MiB an instruction may inflate to).
BURST_IDS=64 BURST_FRAGS=3000 BURST_SIZE=1200

# Under ASan freed blocks wait in a quarantine (256 MiB by default) and
# would count as held; a small one keeps the bound about the server.
if [ "${SAN:-0}" = 1 ]; then
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8"
	export ASAN_OPTIONS
fi

# The program prints READY, then PROBE-OK for a line ending in "probe";
# no echo, so a megabyte of keys is not drawn back.
PROG='stty -echo; echo READY; exec awk '\''/probe$/ { print "PROBE-OK"; fflush() }'\'''
LINE=$(printf '%01023d' 0 | tr 0 A)

start() {
	t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- sh -c "$PROG" ||
	    { sed 's/^/# /' "$T_TMP/srv.err"; t_fail "server starts"; exit 1; }
}
kib() {	# field (hwm_kib, rss_kib), tag: from the rss line after "print tag"
	sed -n "/^$2\$/{n;s/.*$1=\([0-9-]*\).*/\1/p;}" "$T_TMP/hp.out"
}
under() {	# KiB, MiB
	[ -n "$1" ] && [ "$1" -ge 0 ] && [ "$1" -lt $(($2 * 1024)) ]
}
# run_script FILE: our client role of hostile_peer runs FILE against the
# server (stopped past GUARD_MIB); rc is its status, its output shown.
run_script() {
	MOSH_KEY=$SRV_KEY "$HP" --client --max-rss "$SRV_PID:$GUARD_MIB" \
	    --script "$1" 127.0.0.1 "$SRV_PORT" \
	    >"$T_TMP/hp.out" 2>"$T_TMP/hp.err"
	rc=$?
	sed 's/^/# /' "$T_TMP/hp.out"
}
# still_works NAME: the script typed its probe, got to "works", and its
# shutdown ended the server.
still_works() {
	if [ "$rc" -eq 0 ] && grep -q '^works$' "$T_TMP/hp.out" &&
	    t_wait_gone "$SRV_PID" 50; then
		t_ok "$1"
	else
		tail -n 3 "$T_TMP/hp.err" | sed 's/^/# /'
		t_fail "$1"
	fi
}

# States built on a huge one. Numbers: 1 resize, 2 the big state, 3..32
# and 33..332 the small ones on it. The probe goes on the newest state
# the server acked, which it holds whatever it refused, and (as an honest
# client does once a state is acked) lets it throw away the older ones:
# the receive budget refuses new states until then.
start
cat >"$T_TMP/states" <<EOS
resize 80 24
expect "READY" 10000
print base
rss $SRV_PID
keys 1024*"$LINE\r"
try wait-ack 10000
repeat 30 keys @2 "x"
try wait-ack 10000
print after30
rss $SRV_PID
repeat 300 keys @2 "x"
try wait-ack 20000
print after300
rss $SRV_PID
throwaway 18446744073709551615
keys @acked "probe\r"
expect "PROBE-OK" 10000
print works
shutdown
EOS
run_script "$T_TMP/states"
# Stopped by the guard: give the memory back before the next part.
[ "$rc" -eq 3 ] && kill -9 "$SRV_PID"
h30=$(kib hwm_kib after30)
t_check "1 MiB keystroke state + 30 states on it: server peak RSS < $PEAK_MAX_MIB MiB (${h30:-?} KiB)" \
    under "$h30" "$PEAK_MAX_MIB"
h300=$(kib hwm_kib after300)
if [ "$rc" -eq 3 ]; then
	t_fail "... + 300 states on it: peak RSS < $PEAK_MAX_MIB MiB (stopped past $GUARD_MIB MiB)"
else
	t_check "... + 300 states on it: server peak RSS < $PEAK_MAX_MIB MiB (${h300:-?} KiB)" \
	    under "$h300" "$PEAK_MAX_MIB"
fi
still_works "the session still works: typed text reaches the program, shutdown ends it"

# Fragment sets with fresh ids that never complete.
start
cat >"$T_TMP/burst" <<EOS
resize 80 24
expect "READY" 10000
print base
rss $SRV_PID
burst $BURST_IDS $BURST_FRAGS $BURST_SIZE
sleep 1000
print after
rss $SRV_PID
keys "probe\r"
expect "PROBE-OK" 10000
print works
shutdown
EOS
run_script "$T_TMP/burst"
base=$(kib rss_kib base)
hb=$(kib hwm_kib after)
rb=$(kib rss_kib after)
t_check "a burst of $BURST_IDS never-complete fragment sets: peak RSS < $PEAK_MAX_MIB MiB (${hb:-?} KiB)" \
    under "$hb" "$PEAK_MAX_MIB"
# ASan's allocator keeps freed blocks (quarantine, per-size caches): what
# is given back only shows in the plain build.
if [ "${SAN:-0}" = 1 ]; then
	t_skip "RSS comes back after the burst: not measurable under ASan (${base:-?} -> ${rb:-?} KiB)"
else
	t_check "and RSS comes back to within $BURST_LEFT_MIB MiB of before (${base:-?} -> ${rb:-?} KiB)" \
	    under "$((${rb:-0} - ${base:-0}))" "$BURST_LEFT_MIB"
fi
still_works "the session still works after the burst; shutdown ends it"

# Several key holders at once: a session shared with SHARED clients, each
# sending the big state and 300 built on it at the same time. Together
# they get the receive budget one client would (it is divided among the
# max_clients a session may have): the peak stays near one client's
# (about 23 MiB here; 50 MiB when each had a whole budget).
SHARED=4
SHARED_PEAK_MIB=36
[ "${SAN:-0}" = 1 ] && SHARED_PEAK_MIB=54
start
i=1
while [ $i -le $SHARED ]; do
	k=$("$S" share "$SRV_PID" 2>/dev/null | sed -n 's/^MOSH CONNECT [0-9]* //p')
	[ -n "$k" ] || { t_fail "share $i"; break; }
	cat >"$T_TMP/shared$i" <<EOS
resize 80 24
expect "READY" 10000
keys 1024*"$LINE\r"
try wait-ack 10000
repeat 300 keys @2 "x"
try wait-ack 20000
print flooded
rss $SRV_PID
throwaway 18446744073709551615
keys @acked "probe\r"
expect "PROBE-OK" 10000
print works
EOS
	MOSH_KEY=$k "$HP" --client --max-rss "$SRV_PID:$GUARD_MIB" \
	    --script "$T_TMP/shared$i" 127.0.0.1 "$SRV_PORT" \
	    >"$T_TMP/shared$i.out" 2>"$T_TMP/shared$i.err" &
	eval "hp_$i=$!"
	t_track $!
	i=$((i + 1))
done
peak=0 works=0 i=1
while [ $i -le $SHARED ]; do
	eval "wait \$hp_$i"
	h=$(sed -n '/^flooded$/{n;s/.*hwm_kib=\([0-9-]*\).*/\1/p;}' "$T_TMP/shared$i.out")
	[ "${h:-0}" -gt "$peak" ] && peak=$h
	grep -q '^works$' "$T_TMP/shared$i.out" && works=$((works + 1))
	i=$((i + 1))
done
t_check "$SHARED shared clients, each 1 MiB + 300 states on it at once: server peak RSS < $SHARED_PEAK_MIB MiB ($peak KiB)" \
    under "$peak" "$SHARED_PEAK_MIB"
t_check "each of them still gets its typed text to the program ($works of $SHARED)" \
    [ "$works" -eq "$SHARED" ]
