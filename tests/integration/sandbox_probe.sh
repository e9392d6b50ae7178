#!/bin/sh
# The policies themselves: sandbox_probe enters the real server and client
# sandboxes (sandbox_enter) in forked children and tries execve, open,
# sockets (AF_UNIX, netlink other than ROUTE, TCP), connect, ptrace, fork,
# kill, ioctls, executable memory: each refused (killed with SIGSYS and a
# log line naming the syscall, or EACCES where the table says so); and the
# calls the programs need still work. In log mode seccomp lets execve,
# creat and mkdir through, so their EACCES comes from the Landlock domain;
# open is shown refused by the Landlock domain alone.
. "$(dirname "$0")/../lib/common.sh"
PROBE=$BUILD/tests/tools/sandbox_probe
"$PROBE"
st=$?
t_check "sandbox_probe exits 0" [ "$st" -eq 0 ]
t_check "sandbox_probe created no file" [ ! -e /tmp/sandbox-probe-should-not-exist ]

# The violation line also reaches syslog (a stand-in daemon), with the
# facility given and severity crit: <LOG_AUTHPRIV|LOG_CRIT> = <82>.
SINK=$BUILD/tests/tools/syslog_sink
if [ -x "$SINK" ]; then
	"$SINK" "$T_TMP/log.sock" "$T_TMP/auth.log" "$T_TMP/raw.log" &
	t_track $!
	t_until 50 [ -S "$T_TMP/log.sock" ]
	"$PROBE" violate "$T_TMP/log.sock" >"$T_TMP/v.out" 2>"$T_TMP/v.err"
	st=$?
	vp=$(sed -n 's/^pid //p' "$T_TMP/v.out")
	sleep 0.3
	t_check "a violation kills with SIGSYS (status $st)" [ "$st" -eq $((128 + 31)) ]
	t_check "the violation line on stderr names execve" \
	    grep -q "^mosh-server\[$vp\]: sandbox violation: syscall execve (nr [0-9]*)$" "$T_TMP/v.err"
	if grep -q "^<82>mosh-server\[$vp\]: sandbox violation: syscall execve (nr [0-9]*)$" "$T_TMP/raw.log"; then
		t_ok "the violation line reaches syslog (crit, the facility given)"
	else
		sed 's/^/# /' "$T_TMP/raw.log"
		t_fail "the violation line reaches syslog (crit, the facility given)"
	fi
else
	t_skip "violation to syslog: no syslog_sink tool"
fi
