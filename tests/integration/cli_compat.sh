#!/bin/sh
# Every spelling of the command line that mosh 1.4's own programs accept
# (getopt for mosh-server and mosh-client, Getopt::Long for the wrapper),
# fed to ours and to the stock program: each table row must do the same
# in both. Compared: whether it starts (exit 0) or is refused, and what
# the session gets. Server: the port and address it binds, whether -v
# kept stderr, and the TERM, LANG and LC_ALL its command is started with
# (a scripted client connects so that the command is run). Client: the
# colour count, or how far it got (usage, port, key). Wrapper: the
# server command sent through a fake ssh, ssh's -tt, and the client's
# arguments and MOSH_ environment (a fake client records them).
. "$(dirname "$0")/../lib/common.sh"
S=$TOP/$BUILD/mosh-server
C=$TOP/$BUILD/mosh-client
W=$TOP/$BUILD/mosh
HP=$TOP/$BUILD/tests/tools/hostile_peer

# as_stock NAME DETAIL [COMMAND...]: "ok - NAME" and DETAIL when $stock
# and $ours (what each program did) are the same; else both, what COMMAND
# prints, and "not ok - NAME".
as_stock() {
	name=$1 detail=$2; shift 2
	if [ "$stock" = "$ours" ]; then
		t_ok "$name$detail"
	else
		echo "# stock: $stock"; echo "# ours:  $ours"
		"$@"
		t_fail "$name"
	fi
}

# ---- mosh-server new ------------------------------------------------------

# Ours binds as mosh does (any interface) and answers loopback, from a
# user config, so both programs get exactly the same argv. -s reads the
# address from SSH_CONNECTION: 127.0.0.2 tells it apart from -i 127.0.0.1.
mkdir -p "$T_TMP/xdg/tsmosh"
printf 'interface = any\nallow_sources = 127.0.0.0/8\n' \
    >"$T_TMP/xdg/tsmosh/tsmosh.conf"
export SSH_CONNECTION="127.0.0.2 40000 127.0.0.2 22"

# started_cmd PID: once the client is acknowledged, CMD is the server's
# child running sleep (the session's command); true once there is one.
started_cmd() {
	grep -q acked "$T_TMP/hp.out" || return 1
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		case $(readlink "/proc/$c/exe") in
		*/sleep) cmd=$c ;;
		esac
	done
	[ -n "$cmd" ]
}

# srv_run BIN LOCALE ARGS...: start `BIN new ARGS -- sleep`, connect, and
# print one line of what it did; stop everything it started.
srv_run() {
	bin=$1 loc=$2; shift 2
	if [ "$loc" = C ]; then
		env -u LC_ALL LANG=C XDG_CONFIG_HOME="$T_TMP/xdg" \
		    "$bin" new "$@" -- /bin/sleep 60 \
		    >"$T_TMP/s.out" 2>"$T_TMP/s.err" </dev/null
	else
		XDG_CONFIG_HOME="$T_TMP/xdg" "$bin" new "$@" -- /bin/sleep 60 \
		    >"$T_TMP/s.out" 2>"$T_TMP/s.err" </dev/null
	fi
	rc=$?
	t_connect_line "$T_TMP/s.out"
	port=$CONN_PORT key=$CONN_KEY
	t_detached "$T_TMP/s.err"
	pid=$SRV_PID
	if [ "$rc" -ne 0 ] || [ -z "$pid" ] || [ -z "$port" ]; then
		[ -n "$pid" ] && kill "$pid"
		echo "refused"
		return
	fi
	addr=$(ss -Huln "sport = :$port" | awk '{ print $4 }' | sed -n 1p)
	addr=${addr%:*}
	case $addr in 0.0.0.0 | '*' | '[::]') addr=any ;; esac
	dial=$addr; [ "$dial" = any ] && dial=127.0.0.1
	verbose=-
	[ "$(readlink "/proc/$pid/fd/2")" = "$T_TMP/s.err" ] && verbose=v
	# The command is started when the first client arrives; the client
	# stays to acknowledge the shutdown, so the server ends at once.
	: >"$T_TMP/hp.out"
	MOSH_KEY=$key "$HP" --client -e 'resize 80 24' -e 'wait-ack 3000' \
	    -e 'print acked' -e 'wait-shutdown 5000' "$dial" "$port" \
	    >"$T_TMP/hp.out" 2>/dev/null &
	hp=$!
	t_track "$hp"
	cmd=
	t_until 30 started_cmd "$pid"
	envs=-
	if [ -n "$cmd" ]; then
		t_track "$cmd"
		envs=$(tr '\0' '\n' <"/proc/$cmd/environ" |
		    grep -E '^(TERM|LANG|LC_ALL)=' | sort | tr '\n' ' ')
	fi
	kill "$pid"
	t_wait_gone "$pid" 60
	kill "$hp" 2>/dev/null
	wait "$hp" 2>/dev/null
	[ -n "$cmd" ] && kill "$cmd" 2>/dev/null && t_wait_gone "$cmd" 50
	echo "port=$port addr=$addr verbose=$verbose $envs"
}

# The last lines our server wrote to stderr, but the usage's.
ours_stderr() { grep -v "^ " "$T_TMP/s.err" | sed "s/^/# ours: /" | tail -n 4; }

# Rows: LOCALE (U: C.UTF-8; C: LANG=C, for -l) and the words after new.
# Ports differ per row so a slow exit cannot make the next one move.
while read -r loc args; do
	case $loc in '#'* | '') continue ;; esac
	# shellcheck disable=SC2086 # the row's words
	stock=$(srv_run /usr/bin/mosh-server "$loc" $args)
	# shellcheck disable=SC2086
	ours=$(srv_run "$S" "$loc" $args)
	as_stock "mosh-server new $args: as mosh" " ($ours)" ours_stderr
done <<'EOF'
U -i 127.0.0.1 -p 60301
U -i127.0.0.1 -p60302
U -vv -i 127.0.0.1 -p 60303
U -v -v -i 127.0.0.1 -p 60304
U -sv -p 60305
U -vs -p60306
U -i 127.0.0.1 -s -p 60307
U -s -i 127.0.0.1 -p 60308
U -i 127.0.0.1 -c256 -p60309
U -i 127.0.0.1 -c 256 -p 60310
U -i 127.0.0.1 -c 8 -p 60311
U -i 127.0.0.1 -c -5 -p 60312
U -v -@ new -c 256 -i 127.0.0.1 -p 60313
U -@new -c256 -i 127.0.0.1 -p 60314
U -i 127.0.0.1 stray -c256 -p 60315
U -i 127.0.0.1 -Z -p 60316
U -i 127.0.0.1 -vZc256 -p 60317
U -i 127.0.0.1 -p 60318 -c
C -i 127.0.0.1 -p 60319 -lLANG=C.UTF-8
C -i 127.0.0.1 -p 60320 -l LC_ALL=C.UTF-8
C -i 127.0.0.1 -p 60321 -sl LANG=C.UTF-8
U -i 127.0.0.1 -p 70000
U -i 127.0.0.1 -p 60330:60320
U -i 127.0.0.1 -p 60322 -c lots
EOF

# ---- mosh-client ------------------------------------------------------------

# cli_run BIN ARGS...: the colour count it prints, or where it stopped.
cli_run() {
	bin=$1; shift
	TERM=xterm-256color "$bin" "$@" >"$T_TMP/c.out" 2>"$T_TMP/c.err" \
	    </dev/null
	rc=$?
	if grep -q 'MOSH_KEY environment variable not found' "$T_TMP/c.err"; then
		what=parsed	# options and operands taken; the key is next
	elif grep -qi 'bad udp port' "$T_TMP/c.err"; then
		what=bad-port
	elif grep -q '^[0-9]*$' "$T_TMP/c.out" && [ -s "$T_TMP/c.out" ]; then
		what="colors=$(cat "$T_TMP/c.out")"
	else
		what=usage
	fi
	echo "rc=$rc $what"
}
unset MOSH_KEY
while read -r args; do
	case $args in '#'* | '') continue ;; esac
	# shellcheck disable=SC2086
	stock=$(cli_run /usr/bin/mosh-client $args)
	# shellcheck disable=SC2086
	ours=$(cli_run "$C" $args)
	as_stock "mosh-client $args: as mosh" " ($ours)"
done <<'EOF'
-c
-vc
-cv
-#x -c
-# x -c
127.0.0.1 60001 -c
-vv 127.0.0.1 60001
127.0.0.1 60001 -v
-#a 127.0.0.1 -v 60001
-v -- 127.0.0.1 60001
-v 127.0.0.1 6000x
-Z 127.0.0.1 60001
-vZ 127.0.0.1 60001
--bogus 127.0.0.1 60001
-#
-- -c
127.0.0.1 60001 extra
EOF

# ---- the mosh wrapper -------------------------------------------------------

if ! command -v perl >/dev/null 2>&1 || [ ! -x /usr/bin/mosh ]; then
	t_skip "wrapper spellings: the stock mosh wrapper is not installed"
	exit 0
fi
# The fake ssh prints a MOSH CONNECT line; the fake client records.
cat >"$T_TMP/fakessh" <<'EOF'
#!/bin/sh
for a in "$@"; do printf '%s\n' "$a"; done >"$FAKE_OUT.ssh"
printf 'MOSH CONNECT 60123 AbCdEfGhIjKlMnOpQrStU+\n'
EOF
cat >"$T_TMP/fakeclient" <<'EOF'
#!/bin/sh
[ "${1:-}" = -c ] && { echo 256; exit 0; }
shift	# -# and the wrapper's command line
for a in "$@"; do printf '%s\n' "$a"; done >"$FAKE_OUT.cli"
env | grep '^MOSH_' | grep -v -e '^MOSH_KEY=' -e '^MOSH_CLIENT_PID=' | sort \
    >>"$FAKE_OUT.cli"
EOF
chmod +x "$T_TMP/fakessh" "$T_TMP/fakeclient"
unset MOSH_PREDICTION_DISPLAY MOSH_CLIENT POSIXLY_CORRECT
unset LANGUAGE LC_CTYPE LC_NUMERIC LC_TIME LC_COLLATE LC_MONETARY LC_MESSAGES \
    LC_PAPER LC_NAME LC_ADDRESS LC_TELEPHONE LC_MEASUREMENT LC_IDENTIFICATION

# wr_run WRAPPER ARGS...: started or refused; ssh -tt; server command;
# the client's arguments and environment.
wr_run() {
	bin=$1; shift
	rm -f "$T_TMP/w.ssh" "$T_TMP/w.cli"
	FAKE_OUT=$T_TMP/w "$bin" --ssh="$T_TMP/fakessh" \
	    --client="$T_TMP/fakeclient" --experimental-remote-ip=local "$@" \
	    </dev/null >/dev/null 2>&1
	if [ $? -ne 0 ]; then
		echo refused
		return
	fi
	tt=$(grep -c -- '^-tt$' "$T_TMP/w.ssh" 2>/dev/null)
	srv=$(sed -n 's/.*\(mosh-server .*\)/\1/p' "$T_TMP/w.ssh" 2>/dev/null)
	cli=$(tr '\n' ' ' <"$T_TMP/w.cli" 2>/dev/null)
	echo "tt=$tt [$srv] [$cli]"
}
while read -r args; do
	case $args in '#'* | '') continue ;; esac
	# shellcheck disable=SC2086
	stock=$(wr_run /usr/bin/mosh $args)
	# shellcheck disable=SC2086
	ours=$(wr_run "$W" $args)
	as_stock "mosh $args: as the stock wrapper" ""
done <<'EOF'
-p 60010 127.0.0.1
-p=60010 127.0.0.1
--p 60010 127.0.0.1
--port 60010 127.0.0.1
--port=60010 127.0.0.1
-port 60010 127.0.0.1
-port=60010 127.0.0.1
--po=60010 127.0.0.1
--PORT 60010 127.0.0.1
127.0.0.1 --port 60010
-a 127.0.0.1
-A 127.0.0.1
-n 127.0.0.1
--predict=never 127.0.0.1
--predict experimental 127.0.0.1
-o 127.0.0.1
--predict-o 127.0.0.1
-o --no-o 127.0.0.1
-o --noo 127.0.0.1
--no-init 127.0.0.1
--noinit 127.0.0.1
--no-INIT 127.0.0.1
--no-init --i 127.0.0.1
--no-ssh-pty 127.0.0.1
--nossh-pty 127.0.0.1
--no-ssh 127.0.0.1
--se=mosh-server 127.0.0.1
-4 127.0.0.1
--fam inet 127.0.0.1
--family=INET 127.0.0.1
--bind any 127.0.0.1
--bind-server=127.0.0.1 127.0.0.1
-b 127.0.0.1 127.0.0.1
127.0.0.1 -- ls -l
127.0.0.1 ls -a
# refused by both
-an 127.0.0.1
-46 127.0.0.1
--pre never 127.0.0.1
--no 127.0.0.1
--s=x 127.0.0.1
--f inet 127.0.0.1
--port= 127.0.0.1
--client= 127.0.0.1
--local=1 127.0.0.1
--bogus 127.0.0.1
---port 1 127.0.0.1
127.0.0.1 -p
EOF
