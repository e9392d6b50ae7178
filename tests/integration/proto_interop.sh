#!/bin/sh
# proto/ against the stock mosh-server (Debian `mosh`): a peer built only
# on proto/ receives the first state, types, sees the output, resizes,
# shuts down cleanly, and the stock server exits.
. "$(dirname "$0")/../lib/common.sh"
PEER=$BUILD/tests/tools/proto_peer

if ! command -v mosh-server >/dev/null 2>&1; then
	t_skip "proto interop: stock mosh-server not installed"
	exit 0
fi

# 1. Keystrokes and output.
if ! t_start_mosh_server mosh-server -i 127.0.0.1 -- /bin/sh; then
	cat "$T_TMP/srv.out" "$T_TMP/srv.err"
	t_fail "stock mosh-server printed MOSH CONNECT"
	exit 1
fi
t_ok "stock mosh-server printed MOSH CONNECT $SRV_PORT <key>"
MOSH_KEY=$SRV_KEY "$PEER" -w 20 -t 'echo proto-ok\r' \
    -t 'echo sum-$((6*7))-end\r' -e proto-ok -n 1 -e sum-42-end \
    -d "$T_TMP/host.bin" 127.0.0.1 "$SRV_PORT" 2>"$T_TMP/peer.err"
rc=$?
cat "$T_TMP/peer.err" | sed 's/^/# /'
if [ "$rc" -eq 0 ] && grep -q 'first frame' "$T_TMP/peer.err"; then
	t_ok "proto peer received the stock server's initial state"
else
	t_fail "proto peer received the stock server's initial state"
fi
# The typed line is echoed once and printed once: two occurrences.
n=$(grep -o 'proto-ok' "$T_TMP/host.bin" | wc -l)
if [ "$n" -ge 2 ] && grep -q 'sum-42-end' "$T_TMP/host.bin"; then
	t_ok "keystrokes 'echo proto-ok' reached the shell; output came back"
else
	cat -v "$T_TMP/host.bin" | sed 's/^/# /'
	t_fail "keystrokes 'echo proto-ok' reached the shell; output came back"
fi
if [ "$rc" -eq 0 ] && grep -q 'shutdown acknowledged' "$T_TMP/peer.err" &&
    t_wait_gone "$SRV_PID" 50; then
	t_ok "clean shutdown: acknowledged, stock mosh-server exited"
else
	t_fail "clean shutdown: acknowledged, stock mosh-server exited"
fi

# 2. The window size from the first Resize reaches the pty.
if t_start_mosh_server mosh-server -i 127.0.0.1 -- /bin/sh; then
	MOSH_KEY=$SRV_KEY "$PEER" -w 20 -c 101 -r 33 -t 'stty size\r' \
	    -e '33 101' -d "$T_TMP/host2.bin" 127.0.0.1 "$SRV_PORT" \
	    2>"$T_TMP/peer2.err"
	if [ $? -eq 0 ] && t_wait_gone "$SRV_PID" 50; then
		t_ok "resize 101x33 reached the stock server's pty (stty size)"
	else
		sed 's/^/# /' "$T_TMP/peer2.err"
		t_fail "resize 101x33 reached the stock server's pty (stty size)"
	fi
else
	t_fail "second stock mosh-server started"
fi

# 3. A wrong key gets nothing back and the peer times out.
if t_start_mosh_server mosh-server -i 127.0.0.1 -- /bin/sh; then
	MOSH_KEY=AAAAAAAAAAAAAAAAAAAAAA "$PEER" -w 3 -e never \
	    127.0.0.1 "$SRV_PORT" 2>"$T_TMP/peer3.err"
	if [ $? -ne 0 ] && ! grep -q 'first frame' "$T_TMP/peer3.err"; then
		t_ok "a wrong key gets no state from the stock server"
	else
		t_fail "a wrong key gets no state from the stock server"
	fi
	kill "$SRV_PID" 2>/dev/null
fi

# 4. Through the impairment proxy: 20% loss each way, 50 ms delay.
if t_start_mosh_server mosh-server -i 127.0.0.1 -- /bin/sh; then
	t_start_impair "$SRV_PORT" --loss 20 --delay 50 --seed 42
	MOSH_KEY=$SRV_KEY "$PEER" -w 40 -t 'seq 1 200 | tail -n 3\r' \
	    -e '198' -e '199' -e '200' -d "$T_TMP/host4.bin" 127.0.0.1 \
	    "$IMP_PORT" 2>"$T_TMP/peer4.err"
	rc=$?
	if grep -q 'saw everything' "$T_TMP/peer4.err"; then
		t_ok "20% loss, 50 ms delay: the output still arrives"
	else
		sed 's/^/# /' "$T_TMP/peer4.err"
		t_fail "20% loss, 50 ms delay: the output still arrives"
	fi
	kill "$SRV_PID" 2>/dev/null
fi
