#!/bin/sh
# The policies themselves: sandbox_probe enters the real server and client
# sandboxes (sandbox_enter) in forked children and tries execve, open,
# sockets (AF_UNIX, netlink other than ROUTE, TCP), connect, ptrace, fork,
# kill, ioctls, executable memory: each refused (killed with SIGSYS and a
# log line naming the syscall, or EACCES where the table says so); and the
# calls the programs need still work. In log mode seccomp lets open
# through, so the EACCES there comes from the Landlock domain.
. "$(dirname "$0")/../lib/common.sh"
PROBE=$BUILD/tests/tools/sandbox_probe
"$PROBE"
st=$?
t_check "sandbox_probe exits 0" [ "$st" -eq 0 ]
t_check "sandbox_probe created no file" [ ! -e /tmp/sandbox-probe-should-not-exist ]
