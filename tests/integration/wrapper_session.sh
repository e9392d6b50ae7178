#!/bin/sh
# Our mosh wrapper ($BUILD/mosh, from client/mosh.sh) opens real sessions:
# through openssh on 127.0.0.1 against the stock and our mosh-server, with
# a command, and with --local (no ssh). Checks that the locale reaches the
# server as -l and that the session key is in no process's argv.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/sshd.sh"
W=$TOP/$BUILD/mosh
S=$TOP/$BUILD/mosh-server
STOCK_CLIENT=/usr/bin/mosh-client
[ -x "$W" ] || { t_fail "wrapper: $W is built"; exit 1; }
if [ ! -x "$STOCK_CLIENT" ] || ! command -v mosh-server >/dev/null; then
	t_skip "wrapper sessions: the stock mosh is not installed"
	exit 0
fi
if ! t_start_sshd; then
	t_skip "wrapper sessions: openssh-server could not start"
	exit 0
fi
# Session shells write their parent (the server) here; cleanup kills them.
PIDS=$T_TMP/server-pids
: >"$PIDS"
track_servers() { for p in $(cat "$PIDS"); do t_track "$p"; done; : >"$PIDS"; }

PROMPT='^(\$|#) ?$|[$#] $'

# session NAME WHAT COMMAND: run COMMAND (a wrapper invocation ending in
# `-- sh`) in a tmux window; wait for the prompt, type a command, check its
# output, quit with Ctrl-^ . and check the wrapper's exit status.
session() {
	name=$1 what=$2 cmd=$3
	tm_new "$name" 100 30 "$cmd; echo WRAPPER-EXIT-\$?; sleep 60"
	if ! tm_wait "$name" "$PROMPT" 150; then
		tm_screen "$name" | sed 's/^/# /'
		t_fail "$what: a session opens"
		return 1
	fi
	t_ok "$what: a session opens"
	tm send-keys -t "$name" "echo \$PPID >>$PIDS; echo typed-\$((6*7))" Enter
	t_check "$what: a typed command's output shows" tm_wait "$name" '^typed-42' 100
}
quit() {	# NAME WHAT
	tm send-keys -t "$1" C-^ .
	if tm_wait "$1" 'WRAPPER-EXIT-' 100; then
		t_check "$2: Ctrl-^ . quits, the wrapper exits 0" tm_wait "$1" 'WRAPPER-EXIT-0' 1
	else
		tm_screen "$1" | sed 's/^/# /'
		t_fail "$2: Ctrl-^ . quits, the wrapper exits 0"
	fi
	track_servers
}

# 1 + 5: the stock server and client through ssh; a locale variable set only
# here must reach the server's command line as -l.
session stock "wrapper + stock server over ssh" \
    "LC_MEASUREMENT=C.UTF-8 $W --ssh='$SSH_CMD' --server=mosh-server --client=$STOCK_CLIENT 127.0.0.1 -- sh"
tm send-keys -t stock "ps -o args= -p \$PPID | tr ' ' '\\n' | grep -x 'LC_[A-Z]*=C.UTF-8' | sed 's/^/locale-arg: /'" Enter
t_check "locale variables reach the server as -l NAME=VALUE" \
    tm_wait stock '^locale-arg: LC_MEASUREMENT=C.UTF-8' 50
quit stock "wrapper + stock server over ssh"

# 2: our server. If it binds to tailscale0 by default, --server carries the
# loopback flags (as a user would put them there).
srv=$S
if "$S" --help 2>&1 | grep -q -- --iface; then
	srv="$S --iface lo --allow-source 127.0.0.0/8"
fi
session ours "wrapper + our server over ssh" \
    "$W --ssh='$SSH_CMD' --server='$srv' --client=$STOCK_CLIENT 127.0.0.1 -- sh"
quit ours "wrapper + our server over ssh"

# 3 + 6: the command after the host runs; meanwhile the key (recorded by a
# --client shim that then runs the stock client) is in no process's argv.
cat >"$T_TMP/keyspy" <<EOF
#!/bin/sh
[ "\$1" = -c ] || printf '%s\n' "\$MOSH_KEY" >"$T_TMP/key"
exec $STOCK_CLIENT "\$@"
EOF
chmod +x "$T_TMP/keyspy"
tm_new cmd 100 30 "$W --ssh='$SSH_CMD' --server=mosh-server --client=$T_TMP/keyspy 127.0.0.1 -- sh -c 'echo \$PPID >>$PIDS; echo cmd-ok-\$((2+3)); sleep 30'; echo WRAPPER-EXIT-\$?; sleep 60"
if tm_wait cmd '^cmd-ok-5' 150; then
	t_ok "the command after the host runs in the session"
else
	tm_screen cmd | sed 's/^/# /'
	t_fail "the command after the host runs in the session"
fi
key=$(cat "$T_TMP/key" 2>/dev/null)
if [ "${#key}" -ne 22 ]; then
	t_fail "the client got a 22-character MOSH_KEY (got '${key}')"
else
	t_ok "the client got a 22-character MOSH_KEY"
	# argv_with KEY: the pids whose command line contains KEY.
	argv_with() {
		for f in /proc/[0-9]*/cmdline; do
			if { tr '\0' ' ' <"$f"; } 2>/dev/null | grep -qF -- "$1"; then
				p=${f#/proc/}; printf ' %s' "${p%/cmdline}"
			fi
		done
	}
	# The scan must see a key that is on a command line (a control).
	sh -c 'sleep 5' "$key" &
	ctl=$!
	found=$(argv_with "$key")
	kill "$ctl" 2>/dev/null; wait "$ctl" 2>/dev/null
	case " $found " in
	*" $ctl "*)
		found=$(argv_with "$key")
		if [ -z "$found" ]; then
			t_ok "the session key is in no process's argv"
		else
			t_fail "the session key is in no process's argv (found in:$found)"
		fi
		;;
	*) t_fail "the argv scan finds a key on a command line (control pid $ctl; got$found)" ;;
	esac
fi
quit cmd "wrapper with a command"

# 4: --local starts the server here, no ssh (a failing --ssh proves it).
session local "wrapper --local" \
    "$W --local --ssh=/bin/false --server=mosh-server --client=$STOCK_CLIENT -- sh"
quit local "wrapper --local"

# --local with a verbose server (-v keeps its stderr, the wrapper's pipe,
# open after it detaches): the wrapper stops reading at MOSH CONNECT and
# the client starts at once, not when the server gives up for want of a
# client (60 s). Our server, as --server with its own words, as a user
# would write it; --iface lo because it binds tailscale0 by default.
tm_new verbose 100 30 "$W --local --server='$S new -v $OURS_LO' --client=$STOCK_CLIENT -- sh; echo WRAPPER-EXIT-\$?; sleep 60"
if tm_wait verbose "$PROMPT" 30; then
	t_ok "--local, server -v: the session opens within 3 s"
	tm send-keys -t verbose "echo \$PPID >>$PIDS; echo typed-\$((6*7))" Enter
	t_check "--local, server -v: a typed command's output shows" \
	    tm_wait verbose '^typed-42' 100
	quit verbose "--local, server -v"
else
	tm_screen verbose | sed 's/^/# /'
	t_fail "--local, server -v: the session opens within 3 s"
	# The server, still waiting for a client: ours is on lo only.
	for p in $(pgrep -f -- "$S new -v" 2>/dev/null); do t_track "$p"; done
fi

# With our own mosh-client built, the wrapper picks it (it sits next to
# $BUILD/mosh) with no --client.
if [ -x "$TOP/$BUILD/mosh-client" ]; then
	session own "wrapper + our client (found next to it) + our server" \
	    "$W --ssh='$SSH_CMD' --server='$srv' 127.0.0.1 -- sh"
	quit own "wrapper + our client (found next to it) + our server"
else
	t_skip "wrapper + our client: $BUILD/mosh-client not built yet"
fi
