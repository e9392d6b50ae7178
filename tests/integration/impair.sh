#!/bin/sh
# Tests for the impairment proxy (tests/tools/impair) with the udp_echo
# helper: client -> impair -> echo server -> impair -> client, all on
# loopback. Every case prints one "ok"/"not ok" line; a failing case also
# prints "# why" lines and the tools' outputs.
set -u
BUILD=${BUILD:-build}
impair=$BUILD/tests/tools/impair
echo=$BUILD/tests/tools/udp_echo
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tsmosh-impair.XXXXXX")
pids=

cleanup() {
	for p in $pids; do kill -TERM "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

for t in "$impair" "$echo"; do
	if [ ! -x "$t" ]; then
		echo "not ok - impair: $t not built"
		exit 1
	fi
done

forget() {	# pid: drop it from the cleanup list once reaped
	pids=$(echo " $pids " | sed "s/ $1 / /")
}

stop() {	# pid: SIGTERM it and reap it; $? is its exit status
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	st=$?
	forget "$1"
	return "$st"
}

wait_file() {	# path: wait up to 5 s for it to exist and be non-empty
	n=0
	while [ ! -s "$1" ]; do
		n=$((n + 1))
		[ "$n" -gt 100 ] && return 1
		sleep 0.05
	done
	return 0
}

field() {	# file key: the value of "key=value" in a stats line
	tr ' ' '\n' <"$1" | sed -n "s/^$2=//p" | head -n 1
}

# Each case collects failures in $why and ends with result().
why=
expect() {	# description, test command...
	d=$1; shift
	"$@" 2>/dev/null || why="$why
# expected $d"
}
ge() { [ "${1:-x}" -ge "$2" ]; }	# numeric, empty never passes
le() { [ "${1:-x}" -le "$2" ]; }
eq() { [ "${1:-x}" -eq "$2" ]; }
add() { awk -v a="${1:-x}" -v b="${2:-x}" 'BEGIN { if (a != "x" && b != "x") print a + b }'; }
fle() { awk -v a="${1:-x}" -v b="$2" 'BEGIN { exit !(a != "x" && a + 0 <= b + 0) }'; }
flt() { awk -v a="${1:-x}" -v b="$2" 'BEGIN { exit !(a != "x" && a + 0 < b + 0) }'; }

result() {	# name, case directory
	if [ -z "$why" ]; then
		echo "ok - impair: $1"
	else
		echo "$why" | sed '/^$/d'
		for f in "$2"/*; do
			[ -f "$f" ] || continue
			sed "s|^|# $(basename "$f"): |" "$f"
		done
		echo "not ok - impair: $1"
	fi
	why=
}

# setup NAME [impair options...]: start an echo server and a proxy in
# front of it; sets $dir, $echo_pid, $impair_pid, $port (the proxy's).
# ECHO_HOST / LISTEN_HOST select the address family (default IPv4).
setup() {
	name=$1; shift
	dir=$tmp/$name
	mkdir -p "$dir"
	eh=${ECHO_HOST:-127.0.0.1}
	lh=${LISTEN_HOST:-127.0.0.1}
	"$echo" server --listen "$eh:0" --port-file "$dir/echo.port" \
	    --peers-file "$dir/peers" --stats-file "$dir/echo.stats" \
	    >/dev/null 2>"$dir/echo.err" &
	echo_pid=$!
	pids="$pids $echo_pid"
	wait_file "$dir/echo.port" || { why="$why
# echo server did not start"; return 1; }
	"$impair" --listen "$lh:0" --to "$eh:$(cat "$dir/echo.port")" \
	    --port-file "$dir/impair.port" --pid-file "$dir/impair.pid" \
	    --stats-file "$dir/impair.stats" "$@" 2>"$dir/impair.err" &
	impair_pid=$!
	pids="$pids $impair_pid"
	wait_file "$dir/impair.port" || { why="$why
# impair did not start"; return 1; }
	port=$(cat "$dir/impair.port")
	return 0
}

teardown() {	# a clean exit is part of every case (and of SAN=1 runs)
	stop "$impair_pid"
	rc=$?
	expect "impair exits 0 on SIGTERM (got $rc)" eq "$rc" 0
	stop "$echo_pid"
	rc=$?
	expect "udp_echo server exits 0 on SIGTERM (got $rc)" eq "$rc" 0
}

client() {	# client options...: run udp_echo client at the proxy
	"$echo" client --to "${LISTEN_HOST:-127.0.0.1}:$port" "$@" \
	    >"$dir/client.out" 2>"$dir/client.err"
	rc=$?
	expect "udp_echo client exits 0 (got $rc)" eq "$rc" 0
	return 0
}

# client_signalled "SIG..." client options...: the client in the
# background; each SIG goes to the proxy 0.3 s after the one before (the
# first 0.3 s in); then the client is waited for.
client_signalled() {
	sigs=$1; shift
	client "$@" &
	cpid=$!
	pids="$pids $cpid"
	for sig in $sigs; do
		sleep 0.3
		kill -"$sig" "$impair_pid"
	done
	wait "$cpid"
	forget "$cpid"
}

# Shorthands for the three stats lines.
c() { field "$dir/client.out" "$1"; }
i() { field "$dir/impair.stats" "$1"; }
e() { field "$dir/echo.stats" "$1"; }

# 1. No impairment: all 200 arrive once, in order, byte-identical (the
# client checks every byte); stats, pid file and SIGHUP work.
if setup plain; then
	client --count 200 --interval 1 --idle 300
	expect "pid file holds the proxy's pid" \
	    [ "$(cat "$dir/impair.pid")" = "$impair_pid" ]
	kill -HUP "$impair_pid"
	expect "stats file after SIGHUP" wait_file "$dir/impair.stats"
	teardown
	expect "recv=200" eq "$(c recv)" 200
	expect "unique=200" eq "$(c unique)" 200
	expect "no reordering" eq "$(c ooo)" 0
	expect "no corruption" eq "$(c corrupt)" 0
	expect "no duplicates" eq "$(c dup)" 0
	expect "echo saw 200 from one peer" eq "$(e rx)" 200
	expect "echo peers=1" eq "$(e peers)" 1
	expect "up.fwd=200" eq "$(i up.fwd)" 200
	expect "down.fwd=200" eq "$(i down.fwd)" 200
	expect "up bytes = echo bytes" eq "$(i up.fwd_bytes)" "$(e rx_bytes)"
	expect "stats line on stderr" grep -q '^impair: seed=.* up.rx=200 ' \
	    "$dir/impair.err"
fi
result "no impairment: 200 datagrams, in order, byte-identical" "$dir"

# 1b. The same over IPv6, if this machine has ::1.
if "$echo" client --to "[::1]:9" --count 1 --idle 1 >/dev/null 2>&1; then
	if ECHO_HOST="[::1]" LISTEN_HOST="[::1]" setup ipv6; then
		LISTEN_HOST="[::1]" client --count 50 --interval 1 --idle 300
		teardown
		expect "unique=50" eq "$(c unique)" 50
		expect "no corruption" eq "$(c corrupt)" 0
		expect "peer is ::1" grep -q '^::1 ' "$dir/peers"
	fi
	result "IPv6 [::1]: 50 datagrams through" "$dir"
else
	echo "skip - impair: IPv6: no ::1 here"
fi

# 2. 30% loss each way: about 0.7 of 400 pass up (sd ~9; band is +-4.3 sd),
# about 0.49 make the round trip; and every count agrees hop by hop.
if setup loss --loss 30 --seed 7; then
	client --count 400 --interval 1 --idle 300
	teardown
	expect "up.rx = sent" eq "$(i up.rx)" "$(c sent)"
	expect "up.fwd in 240..320" ge "$(i up.fwd)" 240
	expect "up.fwd in 240..320" le "$(i up.fwd)" 320
	expect "round trip in 140..252" ge "$(c unique)" 140
	expect "round trip in 140..252" le "$(c unique)" 252
	expect "up.rx = up.fwd + up.lost" \
	    eq "$(i up.rx)" "$(add "$(i up.fwd)" "$(i up.lost)")"
	expect "down.rx = down.fwd + down.lost" \
	    eq "$(i down.rx)" "$(add "$(i down.fwd)" "$(i down.lost)")"
	expect "echo rx = up.fwd" eq "$(e rx)" "$(i up.fwd)"
	expect "down.rx = echo tx" eq "$(i down.rx)" "$(e tx)"
	expect "client recv = down.fwd" eq "$(c recv)" "$(i down.fwd)"
	expect "no corruption" eq "$(c corrupt)" 0
fi
result "loss 30% each way: fraction in band, counts agree" "$dir"

# 3. 100 ms each way: every round trip in [200, 400) ms.
if setup delay --delay 100; then
	client --count 20 --interval 10 --idle 500
	teardown
	expect "all 20 back" eq "$(c unique)" 20
	expect "rtt_min >= 200" fle 200 "$(c rtt_min_ms)"
	expect "rtt_max < 400" flt "$(c rtt_max_ms)" 400
fi
result "delay 100 ms each way: rtt in [200, 400) ms" "$dir"

# 3b. Per-direction delay and jitter: up 60 +-40 ms, down 0.
if setup jitter --delay-up 60 --jitter-up 40 --seed 5; then
	client --count 60 --interval 2 --idle 400
	teardown
	expect "all 60 back" eq "$(c unique)" 60
	expect "rtt_min >= 20" fle 20 "$(c rtt_min_ms)"
	expect "rtt_max < 150" flt "$(c rtt_max_ms)" 150
	expect "jitter spreads rtt over 40 ms" \
	    fle 40 "$(awk -v a="$(c rtt_max_ms)" -v b="$(c rtt_min_ms)" \
	    'BEGIN { print a - b }')"
fi
result "delay-up 60 jitter-up 40: rtt in [20, 150) ms and spread" "$dir"

# 4. Duplication upstream: the echo server gets every packet twice, and
# so does the client.
if setup dup --dup-up 100; then
	client --count 100 --interval 1 --idle 300
	teardown
	expect "echo rx=200" eq "$(e rx)" 200
	expect "recv=200" eq "$(c recv)" 200
	expect "unique=100" eq "$(c unique)" 100
	expect "dup=100" eq "$(c dup)" 100
	expect "up.dup=100" eq "$(i up.dup)" 100
fi
result "dup-up 100%: every packet arrives twice" "$dir"

# 4b. Reordering: some arrive out of order, none lost.
if setup reorder --reorder 50 --seed 3; then
	client --count 200 --interval 2 --idle 300
	teardown
	expect "unique=200 (none lost)" eq "$(c unique)" 200
	expect "no duplicates" eq "$(c dup)" 0
	expect "some out of order" ge "$(c ooo)" 10
	expect "up.reordered > 0" ge "$(i up.reordered)" 1
	expect "down.reordered > 0" ge "$(i down.reordered)" 1
fi
result "reorder 50%: some out of order, none lost" "$dir"

# 4c. A full queue drops and counts instead of growing.
if setup full --queue 4 --delay-up 200; then
	client --count 50 --interval 0 --idle 500
	teardown
	expect "up.full > 0" ge "$(i up.full)" 1
	expect "up.rx = up.fwd + up.dropped" \
	    eq "$(i up.rx)" "$(add "$(i up.fwd)" "$(i up.dropped)")"
	expect "at most 4 through" le "$(c unique)" 4
fi
result "queue of 4 slots: overflow dropped and counted" "$dir"

# 5. Roaming: after SIGUSR1 the server sees a new source port and traffic
# continues to the end.
if setup roam; then
	client_signalled USR1 --count 60 --interval 10 --idle 300
	teardown
	expect "two peers seen" eq "$(wc -l <"$dir/peers")" 2
	expect "new source port" [ "$(sed -n 1p "$dir/peers")" != \
	    "$(sed -n 2p "$dir/peers")" ]
	expect "roams=1" eq "$(i roams)" 1
	expect "traffic continued to the last packet" eq "$(c last)" 59
	expect "at most 2 lost around the roam" ge "$(c unique)" 58
fi
result "SIGUSR1 roam: new source port, traffic continues" "$dir"

# 5b. Scripted roaming every 0.2 s.
if setup roam_every --roam-every 0.2; then
	client --count 60 --interval 10 --idle 300
	teardown
	expect "at least 3 peers seen" ge "$(wc -l <"$dir/peers")" 3
	expect "roams >= 2" ge "$(i roams)" 2
	expect "traffic continued to the last packet" eq "$(c last)" 59
fi
result "--roam-every 0.2: several source ports, traffic continues" "$dir"

# 5c. The client roams: replies follow it to its new source port.
if setup client_roam; then
	client --count 60 --interval 5 --idle 300 --roam-at 30
	teardown
	expect "one peer at the server" eq "$(e peers)" 1
	expect "replies reach the new port to the end" eq "$(c last)" 59
	expect "at most 2 lost around the roam" ge "$(c unique)" 58
fi
result "client roams: replies follow its new source port" "$dir"

# 6. Blackout: SIGUSR2 stops traffic, a second SIGUSR2 restores it: one
# gap of roughly 30 packets (0.3 s at 10 ms), first and last get through.
if setup blackout; then
	client_signalled "USR2 USR2" --count 100 --interval 10 --idle 300
	teardown
	expect "first got through" eq "$(c first)" 0
	expect "last got through" eq "$(c last)" 99
	expect "exactly one gap" eq "$(c gaps)" 1
	expect "gap of 10..70 packets" ge "$(c longest_gap)" 10
	expect "gap of 10..70 packets" le "$(c longest_gap)" 70
	expect "blackout drops counted" ge "$(i up.blackout)" 10
	expect "blackout off at exit" eq "$(i blackout)" 0
fi
result "SIGUSR2 blackout: traffic stops, then resumes" "$dir"

# 6b. Scripted blackout.
if setup blackout_script --blackout-after 0.3 --blackout-for 0.3; then
	client --count 100 --interval 10 --idle 300
	teardown
	expect "last got through" eq "$(c last)" 99
	expect "exactly one gap" eq "$(c gaps)" 1
	expect "gap of 10..70 packets" ge "$(c longest_gap)" 10
	expect "gap of 10..70 packets" le "$(c longest_gap)" 70
fi
result "--blackout-after 0.3 --blackout-for 0.3" "$dir"

# 7. Bad flags: exit 2 with a message on stderr; --help exits 0.
dir=$tmp/flags
mkdir -p "$dir"
badflag() {	# expected stderr text, arguments...
	want=$1; shift
	"$impair" "$@" >"$dir/out" 2>"$dir/err"
	rc=$?
	expect "'$*' exits 2 (got $rc)" eq "$rc" 2
	expect "'$*' says '$want'" grep -q "$want" "$dir/err"
}
badflag "unknown option '--bogus'" --listen 0 --to 127.0.0.1:9 --bogus
badflag "missing argument for '--loss'" --listen 0 --to 127.0.0.1:9 --loss
badflag "percentage" --listen 0 --to 127.0.0.1:9 --loss 150
badflag "percentage" --listen 0 --to 127.0.0.1:9 --dup-down -1
badflag "milliseconds" --listen 0 --to 127.0.0.1:9 --delay abc
badflag "required" --listen 0
badflag "want ADDR:PORT" --listen 0 --to localhost:9
badflag "want ADDR:PORT" --listen 0 --to 127.0.0.1:0
badflag "want ADDR:PORT" --listen 0 --to ::1:9
badflag "want \[ADDR:\]PORT" --listen 70000 --to 127.0.0.1:9
badflag "go together" --listen 0 --to 127.0.0.1:9 --blackout-after 1
badflag "unexpected argument" --listen 0 --to 127.0.0.1:9 extra
"$impair" --help >"$dir/out" 2>&1
expect "--help exits 0" eq "$?" 0
expect "--help prints usage" grep -q '^usage: impair' "$dir/out"
result "bad flags exit 2 with a message" "$dir"
