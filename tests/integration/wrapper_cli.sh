#!/bin/sh
# Our mosh wrapper's command line, the bootstrap it performs and its
# errors, through openssh on 127.0.0.1 with a fake server (prints a fixed
# MOSH CONNECT line and records its arguments) and a fake client (records
# its arguments and environment). No UDP session is started here.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/sshd.sh"
W=$TOP/$BUILD/mosh
[ -x "$W" ] || { t_fail "wrapper: $W is built"; exit 1; }
KEY='AbCdEfGhIjKlMnOpQrStU+'
# Only LANG and LC_ALL (from common.sh) are set, so -l arguments are known.
unset LANGUAGE LC_CTYPE LC_NUMERIC LC_TIME LC_COLLATE LC_MONETARY LC_MESSAGES \
    LC_PAPER LC_NAME LC_ADDRESS LC_TELEPHONE LC_MEASUREMENT LC_IDENTIFICATION
unset MOSH_CLIENT MOSH_PREDICTION_DISPLAY
# okif NAME: ok/not ok from the status of the command just run.
okif() { if [ "$2" -eq 0 ]; then t_ok "$1"; else t_fail "$1"; fi; }

# 8: --help and --version.
"$W" --help >"$T_TMP/help" 2>&1 && grep -q -- '--bind-server' "$T_TMP/help"
okif "--help exits 0 and prints the usage" $?
"$W" --version >"$T_TMP/version" 2>&1 && grep -q tsmosh "$T_TMP/version"
okif "--version exits 0 and names tsmosh" $?

# 7c: bad options are usage errors (exit 2), before any ssh.
bad_usage() {	# NAME PATTERN ARGS...
	name=$1 pat=$2; shift 2
	"$W" "$@" >"$T_TMP/out" 2>&1
	rc=$?
	if [ "$rc" -eq 2 ] && grep -q -- "$pat" "$T_TMP/out"; then
		t_ok "$name"
	else
		sed 's/^/# /' "$T_TMP/out"
		t_fail "$name (status $rc)"
	fi
}
bad_usage "--bogus: unknown option, exit 2" 'unknown option: --bogus' --bogus host
bad_usage "no host: usage error" 'no host given'
bad_usage "-p 70000: port out of range" 'must be within valid range' -p 70000 host
bad_usage "-p 5:3: low port above high" 'low port greater' -p 5:3 host
bad_usage "--predict=sometimes: unknown mode" 'unknown prediction mode' --predict=sometimes host
bad_usage "--family=ipx: unknown family" 'unknown family' --family=ipx host
bad_usage "--bind-server=x y: refused" 'bind-server wants' '--bind-server=x y' host
bad_usage "--client needs an argument" 'requires an argument' host --client

if ! t_start_sshd; then
	t_skip "wrapper bootstrap: openssh-server could not start"
	exit 0
fi

# expect NAME STATUS PATTERN...: the last run's status and output lines.
expect() {
	name=$1 want=$2; shift 2
	good=1
	case $want in
	nonzero) [ "$rc" -ne 0 ] || good=0 ;;
	*) [ "$rc" -eq "$want" ] || good=0 ;;
	esac
	for pat in "$@"; do grep -q -- "$pat" "$T_TMP/out" || good=0; done
	if [ "$good" -eq 1 ]; then
		t_ok "$name"
	else
		sed 's/^/# /' "$T_TMP/out"; t_fail "$name (status $rc)"
	fi
}
# Fakes. The server records its arguments one per line and prints what a
# mosh-server prints; the client records argv and environment.
cat >"$T_TMP/fakesrv" <<EOF
#!/bin/sh
for a in "\$@"; do printf '%s\n' "\$a"; done >"$T_TMP/srv-args"
printf '\r\nMOSH CONNECT 60999 $KEY  \r\n'
echo '[mosh-server detached, pid = 1]' >&2
EOF
cat >"$T_TMP/fakeclient" <<EOF
#!/bin/sh
if [ "\$1" = -c ]; then echo 256; exit 0; fi
for a in "\$@"; do printf '%s\n' "\$a"; done >"$T_TMP/cli-args"
env | grep '^MOSH_' | sort >"$T_TMP/cli-env"
exit 7
EOF
cat >"$T_TMP/badsrv" <<EOF
#!/bin/sh
echo 'MOSH CONNECT 60999 short'
EOF
chmod +x "$T_TMP/fakesrv" "$T_TMP/fakeclient" "$T_TMP/badsrv"
FSSH="--ssh=$SSH_CMD" FCLI="--client=$T_TMP/fakeclient"

# Arguments through ssh and the remote shell, IP from $SSH_CONNECTION, key
# and modes in the environment; the client's status is the wrapper's.
for sh in dash bash; do
	command -v "$sh" >/dev/null || { t_skip "bootstrap under $sh: not installed"; continue; }
	rm -f "$T_TMP/srv-args" "$T_TMP/cli-args" "$T_TMP/cli-env"
	LC_PAPER=C.UTF-8 "$sh" "$W" "$FSSH" "$FCLI" "--server=sh $T_TMP/fakesrv" -n -o --no-init --no-scrollback \
	    -p 61000:61010 127.0.0.1 -- printf '%s\n' "it's a test" \
	    >"$T_TMP/out" 2>&1
	rc=$?
	t_check "$sh: the client's exit status is the wrapper's" [ "$rc" -eq 7 ]
	printf '%s\n' new -c 256 -s -p 61000:61010 -l LANG=C.UTF-8 -l LC_PAPER=C.UTF-8 \
	    -l LC_ALL=C.UTF-8 -- printf '%s\n' "it's a test" >"$T_TMP/want-srv"
	t_check "$sh: server args: new -c COLORS -s -p -l... -- command, quoting kept" \
	    cmp -s "$T_TMP/want-srv" "$T_TMP/srv-args"
	t_check "$sh: client args: -# 'ARGS |' IP PORT (IP from SSH_CONNECTION)" \
	    [ "$(sed -n '1s/^-# .* |$/ok/p; 2p; 3p' "$T_TMP/cli-args" 2>/dev/null | tr '\n' ' ')" = "ok 127.0.0.1 60999 " ]
	printf '%s\n' MOSH_CLIENT_PID=N "MOSH_KEY=$KEY" MOSH_NO_TERM_INIT=1 \
	    MOSH_PREDICTION_DISPLAY=never MOSH_PREDICTION_OVERWRITE=yes \
	    MOSH_SCROLLBACK=no >"$T_TMP/want-env"
	sed 's/^MOSH_CLIENT_PID=[0-9][0-9]*$/MOSH_CLIENT_PID=N/' "$T_TMP/cli-env" 2>/dev/null |
	    cmp -s "$T_TMP/want-env" -
	okif "$sh: client env: MOSH_KEY, prediction, overwrite, no-init, no-scrollback" $?
	! grep -qF -- "$KEY" "$T_TMP/cli-args"
	okif "$sh: the key is not in the client's argv" $?
	[ -s "$T_TMP/cli-args" ] && ! grep -q 'detached' "$T_TMP/out"
	okif "$sh: the server's banner after MOSH CONNECT is not shown" $?
done

# --bind-server, --remote-ip=local, -4 (-4 goes to ssh only with remote).
"$W" "$FSSH" "$FCLI" "--server=$T_TMP/fakesrv" --bind-server=any --remote-ip=local -4 localhost \
    >"$T_TMP/out" 2>&1
[ "$(sed -n 2p "$T_TMP/cli-args")" = 127.0.0.1 ] && ! grep -qx -- -s "$T_TMP/srv-args"
okif "--remote-ip=local -4: host resolved here, no -s with --bind-server=any" $?
"$W" "$FSSH" "$FCLI" "--server=$T_TMP/fakesrv" --bind-server=127.0.0.1 127.0.0.1 >"$T_TMP/out" 2>&1
t_check "--bind-server=IP: the server gets -i IP" \
    [ "$(grep -x -A1 -- -i "$T_TMP/srv-args" | tr '\n' ' ')" = "-i 127.0.0.1 " ]
rm -f "$T_TMP/cli-args"
"$W" "$FSSH" "$FCLI" "--server=$T_TMP/fakesrv" --no-ssh-pty -6 --remote-ip=remote 127.0.0.1 \
    >"$T_TMP/out" 2>&1
rc=$?
expect "--no-ssh-pty -6: ssh without a pty (and -6 to ssh: 127.0.0.1 is unreachable)" 255 \
    '^mosh: ssh to 127.0.0.1 failed'
"$W" "$FSSH" "$FCLI" "--server=$T_TMP/fakesrv" --no-ssh-pty 127.0.0.1 >"$T_TMP/out" 2>&1
[ "$(sed -n 2,3p "$T_TMP/cli-args" | tr '\n' ' ')" = "127.0.0.1 60999 " ]
okif "--no-ssh-pty: the bootstrap works without a remote pty" $?
"$W" --local "--client=$T_TMP/fakeclient" "--server=$T_TMP/fakesrv" -- echo x >"$T_TMP/out" 2>&1
t_check "--local: server run here with -i 127.0.0.1 and the command" \
    [ "$(tr '\n' ' ' <"$T_TMP/srv-args")" = "new -c 256 -i 127.0.0.1 -l LANG=C.UTF-8 -l LC_ALL=C.UTF-8 -- echo x " ]

# A server that stays attached after MOSH CONNECT (as mosh-server -v):
# a line before it, which the user must see, then a child that keeps its
# stdout and stderr open and logs a line a second later. The wrapper
# stops reading at MOSH CONNECT (as the stock one does) and starts the
# client at once; reading to end-of-file would wait out the child.
cat >"$T_TMP/vsrv" <<EOF
#!/bin/sh
echo 'verbose-server: before MOSH CONNECT' >&2
printf '\r\nMOSH CONNECT 60999 $KEY\r\n'
( sleep 1; echo 'verbose-server: after MOSH CONNECT' >&2; exec sleep 30 ) &
echo \$! >>"$T_TMP/vsrv.pids"
EOF
chmod +x "$T_TMP/vsrv"
: >"$T_TMP/vsrv.pids"
# attached NAME WRAPPER-ARGS...: the client starts within 5 s, with the
# port from MOSH CONNECT, and the line before MOSH CONNECT was shown.
attached() {
	name=$1; shift
	rm -f "$T_TMP/cli-args"
	t0=$(date +%s)
	timeout 60 "$W" "$FCLI" "--server=sh $T_TMP/vsrv" "$@" >"$T_TMP/out" 2>&1
	rc=$? took=$(( $(date +%s) - t0 ))
	for p in $(cat "$T_TMP/vsrv.pids"); do t_track "$p"; done
	if [ "$took" -le 5 ] && [ "$rc" -eq 7 ] &&
	    [ "$(sed -n 3p "$T_TMP/cli-args" 2>/dev/null)" = 60999 ] &&
	    grep -q '^verbose-server: before MOSH CONNECT' "$T_TMP/out" &&
	    ! grep -q 'after MOSH CONNECT' "$T_TMP/out"; then
		t_ok "$name: the client starts at MOSH CONNECT (${took}s), earlier lines shown"
	else
		sed 's/^/# /' "$T_TMP/out"
		t_fail "$name: the client starts at MOSH CONNECT (took ${took}s, status $rc)"
	fi
}
attached "a server that keeps stderr open, --local" --local
# Through ssh with a pty, sshd ends the session when the remote shell
# exits. (Without one, ssh lasts as long as the server's stderr, and the
# wrapper waits for ssh, as the stock wrapper does.)
attached "a server that keeps stderr open, ssh" "$FSSH" 127.0.0.1

# 7a: ssh cannot connect (nothing listens on port 1).
"$W" "--ssh=ssh -p 1 -o BatchMode=yes -o ConnectTimeout=5" "--client=$T_TMP/fakeclient" 127.0.0.1 \
    >"$T_TMP/out" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && grep -q '^mosh: ssh to 127.0.0.1 failed' "$T_TMP/out"; then
	t_ok "unreachable ssh port: 'ssh ... failed', status $rc"
else
	sed 's/^/# /' "$T_TMP/out"; t_fail "unreachable ssh port: 'ssh ... failed' (status $rc)"
fi

# 7b: the server prints no MOSH CONNECT; its own output is shown.
"$W" "$FSSH" "$FCLI" --server=/bin/false 127.0.0.1 >"$T_TMP/out" 2>&1
rc=$?
expect "--server=/bin/false: 'the server did not start', non-zero" nonzero \
    '^mosh: the server did not start'
"$W" "$FSSH" "$FCLI" --server=no-such-mosh-server 127.0.0.1 >"$T_TMP/out" 2>&1
rc=$?
expect "missing server: the remote shell's 'not found' is shown, non-zero" nonzero \
    'no-such-mosh-server.*not found' '^mosh: the server did not start'
"$W" "$FSSH" "$FCLI" "--server=$T_TMP/badsrv" 127.0.0.1 >"$T_TMP/out" 2>&1
rc=$?
expect "a malformed MOSH CONNECT line is refused" 1 'bad MOSH CONNECT string'
"$W" "--client=$T_TMP/no-such-client" 127.0.0.1 >"$T_TMP/out" 2>&1
rc=$?
expect "missing mosh-client: clear error before ssh" 1 'mosh-client not found'
"$W" --remote-ip=local "$FSSH" "$FCLI" no-such-host.invalid >"$T_TMP/out" 2>&1
rc=$?
expect "--remote-ip=local with an unknown name: clear error" 1 'could not resolve host'
