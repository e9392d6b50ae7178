#!/bin/sh
# A hostile server (it holds the key) against our mosh-client's memory:
# one state paints the screen, then hundreds of states built on it each
# repaint it, so each holds a whole screen of its own. What the client
# keeps of received states is capped (SSP_RECV_BUDGET_BYTES, 16 MiB): its peak
# RSS stays bounded, it keeps running, and once the server lets it throw
# the old states away (as an honest one does) the session goes on.
. "$(dirname "$0")/../lib/common.sh"
C=$TOP/$BUILD/mosh-client
STATES=300		# at 200 x 60, about 280 KiB each: 84 MiB without a cap
PEAK_MAX_MIB=48		# the 16 MiB budget, two states past it, the rest
ROW=$(printf '%200s' '' | tr ' ' b)
# Under ASan freed blocks wait in a quarantine (256 MiB by default) and
# would count as held; a small one keeps the bound about the client.
if [ "${SAN:-0}" = 1 ]; then
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8"
	export ASAN_OPTIONS
	# Shadow memory and redzones: twice the room (84 MiB of states
	# without the cap still shows).
	PEAK_MAX_MIB=$((PEAK_MAX_MIB * 2))
fi

t_start_hostile_server \
    -e "state 60*\"\\r\\n$(printf '%200s' '' | tr ' ' a)\"" -e 'wait-ack' \
    -e "repeat $STATES state @1 \"\\e[H\" 60*\"$ROW\"" \
    -e 'sleep 1500' -e 'print flooded' -e 'sleep 1000' \
    -e 'throwaway 18446744073709551615' \
    -e 'state @acked "\e[2J\e[Hclient-still-works"' -e 'wait-ack' \
    -e 'sleep 500' -e 'shutdown' -e 'print done' ||
    { t_fail "hostile server starts"; exit 1; }
KEY=$HP_KEY PORT=$HP_PORT

tm_new a 200 60 "MOSH_KEY=$KEY '$C' 127.0.0.1 $PORT 2>'$T_TMP/client.err'; echo CLIENT-EXIT-\$?; sleep 60"
t_until 200 grep -q flooded "$T_TMP/hp.out"
CPID=$(tm_pid a "^$C 127.0.0.1 $PORT\$")
hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$CPID/status" 2>/dev/null)
echo "# client VmHWM after $STATES full-screen states: ${hwm:-?} KiB"
t_check "the client's peak RSS stays under $PEAK_MAX_MIB MiB (${hwm:-?} KiB)" \
    sh -c "[ -n '$hwm' ] && [ '$hwm' -lt $((PEAK_MAX_MIB * 1024)) ]"
t_check "the client is still running" sh -c "[ -n '$CPID' ] && kill -0 '$CPID'"
if tm_wait a 'client-still-works' 100; then
	t_ok "after the old states are thrown away, new ones are shown"
else
	tm_screen a | tail -n 3 | sed 's/^/# /'; sed 's/^/# /' "$T_TMP/hp.err"
	t_fail "after the old states are thrown away, new ones are shown"
fi
t_check "the client exits 0 at the server's shutdown" tm_wait a 'CLIENT-EXIT-0' 100
