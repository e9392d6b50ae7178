#!/bin/sh
# Downstream pacing: full-screen redraws of random colours on a 400x120
# screen (each frame about 100 datagrams compressed) from our server, to
# our client and to the stock one, through tests/tools/impair (which
# records every datagram with its millisecond): every frame arrives, and
# no more than SSP_BURST_DATAGRAMS (32) datagrams leave in any ms; a
# socket buffer takes about 90. (Unpaced, a frame went as one burst of
# some 100.)
. "$(dirname "$0")/../lib/common.sh"
C=$TOP/$BUILD/mosh-client
S=$TOP/$BUILD/mosh-server

# FRAMES full screens, each drawn row by row (CUP, no scrolling) in
# random 256-colour backgrounds and letters, a second apart, then DONE.
python3 - >"$T_TMP/frames.py" <<'EOF'
print('''import random, sys, time
r = random.Random(5)
out = sys.stdout
for f in range(4):
    rows = []
    for y in range(120):
        cells = ''.join('\\033[48;5;%dm%c' % (r.randrange(256), 97 + r.randrange(26)) for _ in range(399))
        rows.append('\\033[%d;1H%s' % (y + 1, cells))
    out.write('\\033[0m' + ''.join(rows) + '\\033[0m')
    out.flush()
    time.sleep(1)
out.write('\\033[H\\033[2J\\033[0mDONE-%s\\n' % 'FRAMES')
out.flush()''')
EOF

# burst DUMP: most datagrams server to client in any one ms of the dump.
burst() {
	python3 - "$1" <<'EOF'
import sys, collections
d = open(sys.argv[1], 'rb').read()
per, i = collections.Counter(), 0
while i + 7 <= len(d):
    n = int.from_bytes(d[i + 5:i + 7], 'big')
    if d[i] == 1:
        per[int.from_bytes(d[i + 1:i + 5], 'big')] += 1
    i += 7 + n
print(max(per.values()) if per else 0)
EOF
}

# run NAME CLIENT: one session; sets BURST.
run() {
	t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- env PS1='$ ' /bin/sh ||
	    return 1
	t_start_impair "$SRV_PORT" --dump "$T_TMP/$1.dump" || return 1
	tm_new "$1" 400 120 "MOSH_KEY=$SRV_KEY '$2' 127.0.0.1 $IMP_PORT; sleep 60"
	tm_wait "$1" '^\$' 100 || return 1
	tm send-keys -t "$1" "python3 '$T_TMP/frames.py'" Enter
	tm_wait "$1" '^DONE-FRAMES' 300 || return 1
	sleep 0.5
	kill "$IMP_PID"
	BURST=$(burst "$T_TMP/$1.dump")
}

for who in ours stock; do
	c=$C
	[ "$who" = stock ] && c=mosh-client
	if [ "$who" = stock ] && ! command -v mosh-client >/dev/null; then
		t_skip "burst_down: stock mosh-client not installed"
		continue
	fi
	if run "$who" "$c"; then
		t_ok "to the $who client: every frame arrives"
		# 32 in a window, windows 2 ms apart (impair dates each
		# datagram by the kernel's receive time); a few more allowed
		# for the timestamps' edges.
		t_check "to the $who client: at most 40 datagrams in any ms of the wire (saw $BURST)" \
		    [ "$BURST" -le 40 ]
	else
		tm_screen "$who" | tail -5 | sed 's/^/# /'
		t_fail "to the $who client: every frame arrives"
	fi
done
