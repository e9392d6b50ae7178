#!/bin/sh
# Where the control socket goes without XDG_RUNTIME_DIR, when another
# user has made /tmp/tsmosh-UID first (root makes it for a test user,
# owned by nobody): the server falls back to a private directory in the
# home, and list, attach and new --reattach look there too. With no
# usable directory at all, the server says so before MOSH CONNECT (the
# mosh wrapper shows only what comes before it).
. "$(dirname "$0")/../lib/common.sh"
S=$TOP/$BUILD/mosh-server
command -v mosh-client >/dev/null || { t_skip "control dir: no stock mosh-client"; exit 0; }
[ "$(id -u)" = 0 ] || { t_skip "control dir: needs root (a second user)"; exit 0; }
U=tsmosh-ctldir
if ! id "$U" >/dev/null 2>&1 && ! useradd -M -s /bin/sh "$U" 2>/dev/null; then
	t_skip "control dir: cannot create a test user"; exit 0
fi
UID_T=$(id -u "$U")
HIJACK=/tmp/tsmosh-$UID_T
trap 't_tmux_cleanup; rm -rf "$HIJACK"; userdel "$U" 2>/dev/null' EXIT INT TERM
rm -rf "$HIJACK"
mkdir -m 700 "$HIJACK" && chown 65534:65534 "$HIJACK"
chmod 711 "$T_TMP"
H=$T_TMP/home
mkdir -m 700 "$H" && chown "$U" "$H"
CMD="echo dir-ready; cat"

# as_user HOME ARGS...: mosh-server as the test user, no XDG variables.
as_user() {
	h=$1; shift
	runuser -u "$U" -- env -u XDG_RUNTIME_DIR -u XDG_CACHE_HOME \
	    -u XDG_CONFIG_HOME HOME="$h" LANG=C.UTF-8 "$S" "$@"
}

as_user "$H" new $OURS_LO -i 127.0.0.1 -- sh -c "$CMD" \
    >"$T_TMP/a.out" 2>"$T_TMP/a.err" </dev/null
t_detached "$T_TMP/a.err" || { cat "$T_TMP/a.err"; t_fail "server as $U"; exit 1; }
A_PID=$SRV_PID
sleep 0.3
if as_user "$H" list | grep -Eq "^$A_PID +detached"; then
	t_ok "with /tmp/tsmosh-UID taken by another user, list finds the session"
else
	sed 's/^/# /' "$T_TMP/a.err"
	t_fail "with /tmp/tsmosh-UID taken by another user, list finds the session"
fi
t_check "nothing of ours went into the other user's directory" \
    sh -c "[ -z \"\$(ls -A '$HIJACK')\" ]"
D=$H/.cache/tsmosh-$(uname -n)
t_check "the fallback is ~/.cache/tsmosh-HOST, ours, 0700, holding the socket" \
    sh -c "[ \"\$(stat -c %a:%U '$D')\" = '700:$U' ] && [ -S '$D/$A_PID.sock' ]"

as_user "$H" attach "$A_PID" >"$T_TMP/att.out" 2>&1
K1=$(sed -n 's/^MOSH CONNECT [0-9]* \([A-Za-z0-9/+]\{22\}\)$/\1/p' "$T_TMP/att.out")
t_check "attach ID re-keys it" [ -n "$K1" ]

as_user "$H" new --reattach $OURS_LO -i 127.0.0.1 -- sh -c "$CMD" \
    >"$T_TMP/re.out" 2>"$T_TMP/re.err" </dev/null
t_connect_line "$T_TMP/re.out"
PORT=$CONN_PORT
K2=$(sed -n 's/^MOSH CONNECT [0-9]* \([A-Za-z0-9/+]\{22\}\)$/\1/p' "$T_TMP/re.out")
t_detached "$T_TMP/re.err"
if [ -z "$SRV_PID" ] && grep -q "attached to session $A_PID" "$T_TMP/re.err" &&
    [ -n "$K2" ] && [ "$K2" != "$K1" ]; then
	t_ok "new --reattach resumes it instead of starting another"
else
	sed 's/^/# /' "$T_TMP/re.err"
	t_fail "new --reattach resumes it instead of starting another"
fi
if [ -n "$K2" ]; then
	tm_new a 80 24 "MOSH_PREDICTION_DISPLAY=never MOSH_KEY=$K2 mosh-client 127.0.0.1 $PORT; sleep 60"
	tm send-keys -t a 'typed-here' Enter
	typed_twice() { [ "$(tm_screen a | grep -c '^typed-here$')" -ge 2 ]; }
	if t_until 100 typed_twice && tm_screen a | grep -q '^dir-ready' &&
	    as_user "$H" list | grep -Eq "^$A_PID +attached"; then
		t_ok "a stock client with the new key gets that same session"
	else
		tm_screen a | sed 's/^/# /'
		t_fail "a stock client with the new key gets that same session"
	fi
else
	t_fail "a stock client with the new key gets that same session"
fi

# No usable directory anywhere: the home does not exist either.
as_user /nonexistent new $OURS_LO -i 127.0.0.1 -- sh -c "$CMD" \
    >"$T_TMP/b.out" 2>&1 </dev/null
t_detached "$T_TMP/b.out"
B_PID=$SRV_PID
msg=$(grep -n 'no control socket' "$T_TMP/b.out" | head -n 1 | cut -d: -f1)
conn=$(grep -n '^MOSH CONNECT' "$T_TMP/b.out" | head -n 1 | cut -d: -f1)
if [ -n "$msg" ] && [ -n "$conn" ] && [ "$msg" -lt "$conn" ] &&
    grep -q "$HIJACK" "$T_TMP/b.out"; then
	t_ok "no usable directory: said before MOSH CONNECT, naming why"
else
	sed 's/^/# /' "$T_TMP/b.out"
	t_fail "no usable directory: said before MOSH CONNECT, naming why"
fi
t_check "... and the session still starts" sh -c "[ -n '$B_PID' ] && kill -0 '$B_PID'"
as_user "$H" kill "$A_PID" >/dev/null
t_check "kill ID ends the session in the fallback directory" t_wait_gone "$A_PID" 50
