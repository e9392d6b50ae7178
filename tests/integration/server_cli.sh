#!/bin/sh
# mosh-server's command line: help, version, bad flags, ports, idle -i.
. "$(dirname "$0")/../lib/common.sh"
S=$BUILD/mosh-server

"$S" --help >"$T_TMP/o" 2>&1
t_check "--help exits 0 with usage" sh -c "[ $? -eq 0 ] && grep -q 'usage: mosh-server new' '$T_TMP/o'"
"$S" --version >"$T_TMP/o" 2>&1
t_check "--version exits 0" sh -c "[ $? -eq 0 ] && grep -q 'tsmosh' '$T_TMP/o'"

t_bad_args "unknown command 'old'" old
t_bad_args "bad UDP port range '70000'" new -p 70000
t_bad_args "bad UDP port range '61000:60000'" new -p 61000:60000
t_bad_args "bad UDP port range 'x'" new -p x
t_bad_args "bad number of colors 'lots'" new -c lots
t_bad_args "bad -l 'LANG'" new -l LANG
t_bad_args "bad idle timeout '-5'" new --idle-timeout -5
# Our own subcommands, which mosh never had, keep unknown options errors:
# rules printed for a mistyped --allow-source would not be the ones asked.
t_bad_args "unknown option '--allow-sourc'" firewall ufw --allow-sourc 10.0.0.0/8
t_bad_args "unknown option '--bogus'" config --bogus
"$S" doctor --iface >"$T_TMP/o" 2>"$T_TMP/e"
t_check "mosh-server doctor --iface: a FAIL line, exit 1, 'a value is needed'" \
    sh -c "[ $? -eq 1 ] && grep -q \"a value is needed for '--iface'\" '$T_TMP/e' &&
        grep -q '^FAIL config' '$T_TMP/o'"
# As mosh's getopt: an unknown option or a missing value is reported,
# with the usage, and the session starts anyway.
carry_on() {	# expected-message, args after new...
	msg=$1; shift
	if t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 "$@" &&
	    grep -q -- "$msg" "$T_TMP/srv.err" &&
	    grep -q 'usage: mosh-server new' "$T_TMP/srv.err"; then
		t_ok "mosh-server new $*: '$msg', and it starts"
	else
		sed 's/^/# /' "$T_TMP/srv.err"; t_fail "mosh-server new $*: '$msg', and it starts"
	fi
	[ -n "$SRV_PID" ] && kill "$SRV_PID"
}
carry_on "unknown option '--bogus' (ignored)" --bogus -- /bin/sh
carry_on "unknown option '-Z' (ignored)" -vZv -- /bin/sh
carry_on "a value is needed for '-p' (ignored)" -p
carry_on "a value is needed for '--iface' (ignored)" --iface
MOSH_UDP_PORT=61000:61010 "$S" new -p 60001 >"$T_TMP/o" 2>"$T_TMP/e"
t_check "-p outside MOSH_UDP_PORT is refused (exit 2)" \
    sh -c "[ $? -eq 2 ] && grep -q 'outside MOSH_UDP_PORT' '$T_TMP/e'"

# Ports: -p picks exactly that port; MOSH_UDP_PORT restricts the default.
if t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -p 60777 -- /bin/sh; then
	t_check "-p 60777 binds exactly 60777" [ "$SRV_PORT" = 60777 ]
	kill "$SRV_PID"
else
	t_fail "-p 60777 binds exactly 60777"
fi
MOSH_UDP_PORT=61500:61510 t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- /bin/sh
t_check "MOSH_UDP_PORT=61500:61510 picks a port in that range" \
    sh -c "[ '$SRV_PORT' -ge 61500 ] && [ '$SRV_PORT' -le 61510 ]"
[ -n "$SRV_PID" ] && kill "$SRV_PID"
# -i with a plain number is an idle timeout, not the address 0.0.14.16.
# (--iface any: mosh's binding, so "any address" is what it means.)
t_start_mosh_server "$S" --iface any --allow-source 127.0.0.0/8 -i 3600 -p 60778 -- /bin/sh
t_check "-i 3600 is an idle timeout: it binds, on any address" \
    sh -c "[ '$SRV_PORT' = 60778 ] && ss -uln | grep -Eq '(\\*|0\\.0\\.0\\.0|\\[::\\]):60778 '"
[ -n "$SRV_PID" ] && kill "$SRV_PID"
# A non-UTF-8 locale with no usable -l is refused.
LANG=C LC_ALL=C "$S" new -l LANG=C -- /bin/sh >"$T_TMP/o" 2>"$T_TMP/e"
t_check "a non-UTF-8 locale is refused with advice (exit 1)" \
    sh -c "[ $? -eq 1 ] && grep -q 'needs a UTF-8 native locale' '$T_TMP/e' && ! grep -q 'MOSH CONNECT' '$T_TMP/o'"
LANG=C LC_ALL= LC_CTYPE= t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -l LANG=C.UTF-8 -- /bin/sh
t_check "a -l LANG=C.UTF-8 from the client rescues a C locale" [ -n "$SRV_PORT" ]
[ -n "$SRV_PID" ] && kill "$SRV_PID"
# Without tsmosh-utmp-helper beside it or in LIBEXECDIR, the server runs
# the shared utmp helper as a fresh copy of itself (mosh-server
# --utmp-helper), here in a control directory of its own.
mkdir -p "$T_TMP/alone" "$T_TMP/alone-run" && cp "$S" "$T_TMP/alone/mosh-server"
chmod 700 "$T_TMP/alone-run"
env XDG_RUNTIME_DIR="$T_TMP/alone-run" "$T_TMP/alone/mosh-server" new $OURS_LO -i 127.0.0.1 \
    -- /bin/sh >"$T_TMP/srv.out" 2>"$T_TMP/srv.err" </dev/null
t_server_started "$T_TMP/srv.out" "$T_TMP/srv.err"
fallback=$(t_listener_pid "$T_TMP/alone-run/tsmosh/utmp-helper")
t_check "no helper program: mosh-server itself is the utmp helper" \
    sh -c "[ -n '$fallback' ] && [ \"\$(readlink /proc/$fallback/exe)\" = '$T_TMP/alone/mosh-server' ] &&
        tr '\\0' ' ' </proc/$fallback/cmdline | grep -q -- '--utmp-helper'"
[ -n "$SRV_PID" ] && kill "$SRV_PID"
[ -n "$fallback" ] && t_wait_gone "$fallback" 30
# The shell's process, held until a client comes (maybe for days), holds
# its terminal and nothing else: none of the server's sockets, and no
# descriptor the server was started with (this one gets fd 9 open).
: >"$T_TMP/inherited"
t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- /bin/sh 9<"$T_TMP/inherited"
t_check "the server keeps no descriptor it was started with (fd 9)" \
    sh -c "[ -n '$SRV_PID' ] && ! ls -l /proc/$SRV_PID/fd | grep -q '$T_TMP/inherited'"
held=
for c in $(cat /proc/"$SRV_PID"/task/*/children 2>/dev/null); do
	[ "$(readlink /proc/"$c"/exe)" = "$(readlink -f "$S")" ] && held=$c
done
# Only fd 0: stdout and stderr, the same terminal, come back before exec
# (server_stock_client.sh checks the shell's).
t_check "the held shell process has only fd 0, its terminal (had: $(ls /proc/"$held"/fd 2>/dev/null | tr '\n' ' '))" \
    sh -c "[ -n '$held' ] && [ \"\$(ls /proc/$held/fd | tr '\n' ' ')\" = '0 ' ] &&
        readlink /proc/$held/fd/0 | grep -q '^/dev/pts/'"
[ -n "$SRV_PID" ] && kill "$SRV_PID"
