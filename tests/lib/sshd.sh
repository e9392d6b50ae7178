# A throwaway sshd on 127.0.0.1 for tests that go through ssh, as the mosh
# wrapper does. Sets SSHD_PORT and SSH_CMD (an ssh command line that logs
# in as the current user with a test key). Needs common.sh first.
t_start_sshd() {
	command -v /usr/sbin/sshd >/dev/null || return 1
	d=$T_TMP/sshd
	mkdir -p "$d" /run/sshd
	chmod 700 "$d"
	ssh-keygen -q -t ed25519 -N '' -f "$d/host_key" </dev/null || return 1
	ssh-keygen -q -t ed25519 -N '' -f "$d/user_key" </dev/null || return 1
	cp "$d/user_key.pub" "$d/authorized_keys"
	chmod 600 "$d/authorized_keys"
	SSHD_PORT=$(( 22000 + $$ % 2000 ))
	cat >"$d/sshd_config" <<EOC
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $d/host_key
AuthorizedKeysFile $d/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
PidFile $d/sshd.pid
AcceptEnv LANG LC_*
Subsystem sftp internal-sftp
EOC
	/usr/sbin/sshd -f "$d/sshd_config" -E "$d/sshd.log" || return 1
	t_until 50 [ -s "$d/sshd.pid" ]
	t_track "$(cat "$d/sshd.pid")"
	SSH_CMD="ssh -p $SSHD_PORT -i $d/user_key -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR"
}
