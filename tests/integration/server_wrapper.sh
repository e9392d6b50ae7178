#!/bin/sh
# The stock mosh wrapper (perl, Debian `mosh`) drives our server for real:
# through openssh on 127.0.0.1, `mosh --server=<our build>` gives a working
# session in a terminal. --server takes a command with spaces: our flags
# for loopback ride along, and the wrapper's -s must name an address of lo.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/sshd.sh"
command -v mosh >/dev/null || { t_skip "wrapper: stock mosh not installed"; exit 0; }
if ! t_start_sshd; then
	t_skip "wrapper: openssh-server could not start"
	exit 0
fi
$SSH_CMD 127.0.0.1 true </dev/null
t_check "test sshd accepts the test key" [ $? -eq 0 ]

tm_new w 80 24 "mosh --ssh='$SSH_CMD' --server='$TOP/$BUILD/mosh-server $OURS_LO' 127.0.0.1 -- sh; echo WRAPPER-EXIT-\$?; sleep 60"
tm_check "mosh --server=our mosh-server: the session's prompt appears" \
    w '^(\\$|#) ?$|[$#] $' 150
tm send-keys -t w 'echo via-wrapper-$((3*3)); ps -o args= -p $PPID' Enter
t_check "typed command runs in our server's session" tm_wait w '^via-wrapper-9' 100
t_check "the shell's parent is our mosh-server" tm_wait w '^mosh-server: attached' 50
tm send-keys -t w C-^ .
t_check "Ctrl-^ . ends the wrapper's session" tm_wait w 'WRAPPER-EXIT-0' 100
