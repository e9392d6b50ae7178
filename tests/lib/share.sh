# Helpers for the shared-session tests (sessions_share*.sh; sourced after
# common.sh): stock clients in tmux sessions named by a letter, each with
# the key K_NAME that `mosh-server share` gave it.

# tmux targets: "=NAME:" is session NAME exactly. A bare "b" may name a
# window called "bash..." (or "sh") of the last session made instead.
tm_screen() { tm capture-pane -p -t "=$1:"; }
keys() { k_w=$1; shift; tm send-keys -t "=$k_w:" "$@"; }

# missing WINDOWS: the first of WINDOWS (names) with no key, if any.
missing() {
	for m_w in $1; do
		eval "m_k=\${K_$m_w:-}"
		[ -n "$m_k" ] || { echo "$m_w"; return; }
	done
}

# client_pid WINDOW: the pid of the mosh-client in WINDOW's pane.
client_pid() {
	cp_pane=$(tm display-message -p -t "=$1:" '#{pane_pid}' 2>/dev/null)
	[ -n "$cp_pane" ] && pgrep -P "$cp_pane" -x mosh-client
}

# start_client WINDOW PORT [COLS ROWS]: a stock client with K_WINDOW in a
# tmux window (80x24 unless given); P_WINDOW is its pid (tracked), or ""
# when it has no key or never ran. Its pane says CLIENT-EXIT-N when it
# ends.
start_client() {
	eval "sc_k=\${K_$1:-}"
	eval "P_$1="
	[ -n "$sc_k" ] || return 0
	tm_new "$1" "${3:-80}" "${4:-24}" "MOSH_KEY=$sc_k mosh-client 127.0.0.1 $2; echo CLIENT-EXIT-\$?; sleep 60"
	t_until 50 client_pid "$1" >/dev/null
	sc_p=$(client_pid "$1")
	eval "P_$1=\$sc_p"
	if [ -n "$sc_p" ]; then
		t_track "$sc_p"
	else
		tm_screen "$1" | sed 's/^/# /'; t_fail "stock client $1 starts"
	fi
}
