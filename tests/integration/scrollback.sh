#!/bin/sh
# Native scrollback, our client with our server, in real terminals (tmux
# panes: a pane's history is the user's scrollback). Every line that
# leaves the remote main screen reaches the pane's history once and in
# order, also through loss, reordering and a roam; a server that holds
# few lines (scrollback_lines) leaves one skip marker and the newest
# lines, for seq and for cat of a 20 MB file; full-screen programs (vim,
# one of our own) run in the pane's alternate screen and leave nothing in
# its history; a client that attaches or joins (share) first gets the
# newest attach_history lines; stock peers and MOSH_SCROLLBACK=no run in
# the alternate screen, as mosh does, and leave nothing in the history.
#
# SB_ONLY="1 4" runs only those parts (when working on this test).
. "$(dirname "$0")/../lib/common.sh"
S=$TOP/$BUILD/mosh-server
C=$TOP/$BUILD/mosh-client
COLS=80 ROWS=24
export XDG_CONFIG_HOME="$T_TMP/xdg" XDG_RUNTIME_DIR="$T_TMP/run"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

# history-limit (default 2000) applies to panes made after it is set and
# is a global option: a throwaway session first, then the limit.
tm new-session -d -s boot -x "$COLS" -y "$ROWS" "sleep 600"
tm set-option -g history-limit 200000

T_START=$(date +%s)
took() { echo "# $1: $(($(date +%s) - T_START)) s so far"; }
part() {
	[ -z "${SB_ONLY:-}" ] && return 0
	case " $SB_ONLY " in *" $1 "*) return 0 ;; esac
	return 1
}

# serve [server args...]: our server (SRV_PORT, SRV_KEY, SRV_PID) running
# a plain sh whose prompt is "$ ".
serve() {
	t_start_mosh_server "$S" "$@" $OURS_LO -i 127.0.0.1 -- env 'PS1=$ ' sh
}
# client NAME KEY PORT [ENV]: our client in a fresh 80x24 pane.
client() {
	tm_new "$1" "$COLS" "$ROWS" "env $4 MOSH_KEY=$2 '$C' 127.0.0.1 $3; echo CLIENT-EXIT-\$?; sleep 60"
}
end_session() {	# tmux session, server pid
	tm kill-session -t "=$1" 2>/dev/null
	kill "$2" 2>/dev/null
}

# The pane's history and screen (plain text, trailing blanks trimmed by
# tmux); the number of history lines; the history alone.
cap() { tm capture-pane -p -S - -t "=$1:"; }
hsize() { tm display -p -t "=$1:" '#{history_size}'; }
hist() {
	h_n=$(hsize "$1")
	[ "${h_n:-0}" -gt 0 ] && cap "$1" | head -n "$h_n"
	true
}
hist_at_least() { [ "$(hsize "$1")" -ge "$2" ]; }
# alt_on NAME: the pane is in its alternate screen.
alt_on() { [ "$(tm display -p -t "=$1:" '#{alternate_on}')" = 1 ]; }
# settle NAME TENTHS STABLE: until the pane (history and screen) has not
# changed for STABLE tenths in a row, for up to TENTHS tenths.
settle() {
	st_prev= st_same=0 st_left=$2
	while [ "$st_left" -gt 0 ]; do
		st_cur=$(cap "$1" | cksum)
		if [ "$st_cur" = "$st_prev" ]; then
			st_same=$((st_same + 1))
			[ "$st_same" -ge "$3" ] && return 0
		else
			st_same=0 st_prev=$st_cur
		fi
		sleep 0.1
		st_left=$((st_left - 1))
	done
	return 1
}
# say FILE: the start of FILE as diagnostics.
say() { head -n 40 "$1" | sed 's/^/# /'; }

# nums_exact FILE LO HI: the lines of FILE that are a number alone are
# LO..HI, each once, in order; else it says the first thing wrong.
nums_exact() {
	awk -v lo="$2" -v hi="$3" '
	/^[0-9]+$/ {
		v = $1 + 0; n++
		if (n == 1 && v != lo && err == "")
			err = sprintf("the first number is %d (want %d), line %d", v, lo, NR)
		if (n > 1 && v != p + 1 && err == "")
			err = sprintf("line %d: %d after %d (%s)", NR, v, p,
			    v <= p ? "a duplicate or out of order" : (v - p - 1) " missing")
		p = v
	}
	END {
		if (n == 0) err = "no numbers at all"
		else if (p != hi && err == "") err = sprintf("the last number is %d (want %d)", p, hi)
		if (err != "") {
			printf "# %s; %d numbers (want %d)\n", err, n, hi - lo + 1
			exit 1
		}
	}' "$1"
}
# done_after FILE HI: the line after the number HI is DONE, and a prompt
# comes after that.
done_after() {
	awk -v hi="$2" '
	$0 == hi { at = NR; next }
	at && NR == at + 1 { d = ($0 == "DONE"); next }
	at && d && /^\$/ { ok = 1 }
	END { if (!ok) { print "# no DONE line and prompt right after " hi; exit 1 } }' "$1"
}
# first_num FILE: the first line that is a number alone (0: none).
first_num() { n_f=$(grep -Em1 '^[0-9]+$' "$1"); echo "${n_f:-0}"; }
count_nums() { grep -Ec '^[0-9]+$' "$1"; }
# ordered FILE PATTERN WANT: the lines matching PATTERN (grep -E), in
# order, are exactly the lines of the file WANT.
ordered() {
	grep -E -- "$2" "$1" >"$1.got"
	cmp -s "$1.got" "$3" && return 0
	echo "# $(wc -l <"$1.got") lines match, want $(wc -l <"$3"); first difference (diff want got):"
	diff "$3" "$1.got" | head -n 6 | sed 's/^/#   /'
	return 1
}
# none FILE PATTERN WHAT: no line of FILE matches PATTERN.
none() {
	grep -Eq -- "$2" "$1" || return 0
	echo "# $(grep -Ec -- "$2" "$1") lines of $3, e.g.:"
	grep -En -- "$2" "$1" | head -n 3 | sed 's/^/#   /'
	return 1
}

# Skip markers are lines "[tsmosh: N lines skipped]".
MARK='^\[tsmosh: [0-9]+ lines skipped\]$'
markers() { grep -Ec -- "$MARK" "$1"; }
# after_marker FILE: the lines after its last marker.
after_marker() {
	awk -v m="$MARK" '$0 ~ m { n = 0; next } { l[++n] = $0 }
	END { for (i = 1; i <= n; i++) print l[i] }' "$1"
}
# marker_counts FILE: one marker per gap in the numbers, saying how many
# are missing there; a marker before the first number says that number
# less one, or up to a screen more (the lines above the command).
marker_counts() {
	awk -v m="$MARK" -v rows="$ROWS" '
	$0 ~ m { s = $0; gsub(/[^0-9]/, "", s); want[++k] = s + 0; next }
	/^[0-9]+$/ {
		v = $1 + 0
		wrong = 0
		if (k > 1)
			wrong = sprintf("%d markers in a row before %d", k, v)
		else if (k == 1 && seen && want[1] != v - p - 1)
			wrong = sprintf("the marker says %d skipped, %d are missing (%d to %d)", want[1], v - p - 1, p, v)
		else if (k == 1 && !seen && (want[1] < v - 1 || want[1] > v - 1 + rows))
			wrong = sprintf("the first marker says %d skipped before %d", want[1], v)
		if (wrong) { bad++; if (err == "") err = sprintf("line %d: %s", NR, wrong) }
		total += k; k = 0; p = v; seen = 1
	}
	END {
		if (err != "") { printf "# %s (%d of %d gaps wrong)\n", err, bad, total; exit 1 }
	}' "$1"
}

# --- 1. seq 1 5000 --------------------------------------------------------
# complete NAME LO HI: the pane holds LO..HI, then DONE and a prompt.
complete() {
	cap "$1" >"$T_TMP/$1.cap" &&
	    nums_exact "$T_TMP/$1.cap" "$2" "$3" >/dev/null &&
	    done_after "$T_TMP/$1.cap" "$3" >/dev/null
}
part_1() {
	serve || { t_fail "our server starts"; exit 1; }
	client a "$SRV_KEY" "$SRV_PORT"
	tm_wait =a: '^\$' 100 ||
	    { tm_screen =a: | sed 's/^/# /'; t_fail "the prompt shows"; exit 1; }
	t_check "our client and server: the pane leaves its alternate screen" \
	    t_until 50 t_not alt_on a
	tm send-keys -t =a: 'seq 1 5000; echo DONE' Enter
	t_until 300 complete a 1 5000
	settle a 100 10
	cap a >"$T_TMP/a.cap"; hist a >"$T_TMP/a.hist"
	echo "# a history of $(hsize a) lines"
	t_check "seq 1 5000: history and screen hold 1..5000 once each, in order" \
	    nums_exact "$T_TMP/a.cap" 1 5000
	t_check "seq 1 5000: DONE and the prompt right after 5000" \
	    done_after "$T_TMP/a.cap" 5000
	t_check "seq 1 5000: no skip marker" \
	    none "$T_TMP/a.hist" "$MARK" "skip markers"
	end_session a "$SRV_PID"
	took "seq 1 5000"
}

# --- 2. the same through 20% loss, reordering and a roam ------------------
part_2() {
	serve || { t_fail "our server starts (impaired)"; exit 1; }
	# The output comes in chunks 50 ms apart, and a held packet waits up
	# to 250 ms: the history then crosses many frames and datagrams, and
	# some datagram is sure to overtake a held one.  One burst of seq
	# compresses into a dozen datagrams, too few to be sure of either.
	t_start_impair "$SRV_PORT" --loss 20 --reorder 20 --reorder-hold 250 \
	    --delay 20 --jitter 10 --seed 11 --stats-file "$T_TMP/stats" ||
	    { t_fail "the impairment proxy starts"; exit 1; }
	client i "$SRV_KEY" "$IMP_PORT"
	tm_wait =i: '^\$' 300
	tm send-keys -t =i: 'c() { for i in $(seq $1 $2); do seq $((i*100+1)) $((i*100+100)); sleep 0.05; done; }; c 0 29; echo MID; sleep 3; c 30 49; echo DONE' Enter
	# Roam in the sleep: the client's source port changes.
	if tm_wait =i: '^MID' 300; then
		kill -USR1 "$IMP_PID"
	else
		tm_screen =i: | sed 's/^/# /'; echo "# MID never showed"
	fi
	t_until 600 complete i 1 5000
	settle i 100 20
	cap i >"$T_TMP/i.cap"
	t_check "20% loss, reordering, a roam mid-output: 1..5000 once each, in order" \
	    nums_exact "$T_TMP/i.cap" 1 5000
	t_check "20% loss, reordering, a roam: DONE and the prompt right after 5000" \
	    done_after "$T_TMP/i.cap" 5000
	t_check "20% loss, reordering, a roam: MID between 3000 and 3001" \
	    sh -c "grep -A1 -x 3000 '$T_TMP/i.cap' | grep -qx MID &&
	        grep -B1 -x 3001 '$T_TMP/i.cap' | grep -qx MID"
	kill -HUP "$IMP_PID"; sleep 0.2
	say "$T_TMP/stats"
	if grep -q 'roams=1' "$T_TMP/stats" &&
	    grep -Eq 'lost=[1-9]' "$T_TMP/stats" &&
	    grep -Eq 'reordered=[1-9]' "$T_TMP/stats"; then
		t_ok "the proxy did lose, reorder and roam once"
	else
		t_fail "the proxy did lose, reorder and roam once"
	fi
	end_session i "$SRV_PID"; kill "$IMP_PID" 2>/dev/null
	took "impaired"
}

# --- 3. skip markers: scrollback_lines = 500 ------------------------------
# flood NAME WHAT LAST: after a flood ending in the number LAST, then
# DONE, with a server that keeps 500 lines: one marker; after it the
# newest lines, consecutive through LAST, at most 500 + ROWS of them; the
# history holds at least the 500 the server still had after the marker;
# every marker's count is right.
flood() {
	cap "$1" >"$T_TMP/$1.cap"; hist "$1" >"$T_TMP/$1.hist"
	after_marker "$T_TMP/$1.cap" >"$T_TMP/$1.after"
	after_marker "$T_TMP/$1.hist" >"$T_TMP/$1.hafter"
	f_n=$(markers "$T_TMP/$1.cap")
	echo "# $f_n markers, e.g. $(grep -E -- "$MARK" "$T_TMP/$1.cap" | head -n 4 | tr '\n' ' ')"
	echo "# $(count_nums "$T_TMP/$1.hist") numbers in a history of $(hsize "$1") lines"
	t_check "$2: exactly one skip marker" [ "$f_n" -eq 1 ]
	f_first=$(first_num "$T_TMP/$1.after")
	f_after=$(count_nums "$T_TMP/$1.after")
	f_hafter=$(count_nums "$T_TMP/$1.hafter")
	echo "# after the last marker: $f_first..., $f_after numbers, $f_hafter of them in the history"
	if nums_exact "$T_TMP/$1.after" "$f_first" "$3" &&
	    done_after "$T_TMP/$1.after" "$3"; then
		t_ok "$2: after the last marker, the newest lines, consecutive through $3, then DONE"
	else
		t_fail "$2: after the last marker, the newest lines, consecutive through $3, then DONE"
	fi
	t_check "$2: at most 500 + $ROWS numbers after the last marker" \
	    [ "$f_after" -le $((500 + ROWS)) ]
	# The 500 the server held when the client caught up, and what
	# scrolled after (the DONE line may come in a later read).
	t_check "$2: the history holds the last 500 lines or a few more after the marker" \
	    [ "$f_hafter" -ge 500 -a "$f_hafter" -le $((500 + ROWS)) ]
	t_check "$2: each marker's count is the lines it stands for" \
	    marker_counts "$T_TMP/$1.cap"
}
part_3() {
	printf 'scrollback_lines = 500\n' >"$T_TMP/sb500.conf"
	serve --config "$T_TMP/sb500.conf" ||
	    { t_fail "our server starts (scrollback_lines = 500)"; exit 1; }
	client k "$SRV_KEY" "$SRV_PORT"
	tm_wait =k: '^\$' 100
	tm send-keys -t =k: 'seq 1 20000; echo DONE' Enter
	tm_wait =k: '^DONE' 300
	settle k 100 10
	flood k "seq 1 20000, scrollback_lines 500" 20000
	end_session k "$SRV_PID"
	took "seq 1 20000"

	# The issue's case: cat of a 20 MB file (20.4 MB: 1..2700000).
	big_n=2700000
	seq 1 "$big_n" >"$T_TMP/big"
	echo "# the file: $(wc -c <"$T_TMP/big") bytes, $big_n lines"
	serve --config "$T_TMP/sb500.conf" ||
	    { t_fail "our server starts (scrollback_lines = 500, big)"; exit 1; }
	client K "$SRV_KEY" "$SRV_PORT"
	tm_wait =K: '^\$' 100
	t0=$(date +%s)
	tm send-keys -t =K: "cat $T_TMP/big; echo DONE" Enter
	tm_wait =K: '^DONE' 600
	echo "# cat: DONE on the screen after $(($(date +%s) - t0)) s"
	settle K 100 10
	flood K "cat of a 20 MB file, scrollback_lines 500" "$big_n"
	end_session K "$SRV_PID"
	rm -f "$T_TMP/big"
	took "cat of a 20 MB file"
}

# --- 4. full-screen programs stay out of the history ----------------------
part_4() {
	serve || { t_fail "our server starts (full screen)"; exit 1; }
	client v "$SRV_KEY" "$SRV_PORT"
	tm_wait =v: '^\$' 100
	seq -f 'frametext-%g' 1 60 >"$T_TMP/frame.txt"
	seq -f 'before-%g' 1 200 >"$T_TMP/want.v"
	seq -f 'after-%g' 1 200 >>"$T_TMP/want.v"
	tm send-keys -t =v: 'seq -f before-%g 1 200' Enter
	tm_wait =v: '^before-200$' 100
	have_vim=false
	if command -v vim >/dev/null; then
		have_vim=true
		tm send-keys -t =v: "vim -u NONE -N -i NONE -n $T_TMP/frame.txt" Enter
		tm_wait =v: '^frametext-1$' 100
		t_check "while vim runs, the pane is in its alternate screen" \
		    t_until 20 alt_on v
		# Redraws: jumps, pages (scrolls), a new empty buffer (~),
		# full repaints, typing.
		for k in G gg C-f C-f C-b ':set number' ':redraw!' ':enew' \
		    ':redraw!'; do
			case "$k" in
			:*) tm send-keys -t =v: "$k" Enter ;;
			*) tm send-keys -t =v: "$k" ;;
			esac
			sleep 0.3
		done
		tm send-keys -t =v: 'iinserted-text' Escape
		tm_wait =v: 'inserted-text' 50
		tm_wait =v: '^~' 50
		tm send-keys -t =v: ':q!' Enter
		tm_wait_gone =v: '^~' 50
	else
		t_skip "vim: not installed"
	fi
	# One of our own in the alternate screen: frames that scroll there a
	# line at a time (a display diff may well draw them by scrolling).
	tm send-keys -t =v: "printf '\\033[?1049h'; for i in \$(seq 1 60); do echo altframe-\$i; sleep 0.03; done; sleep 1; printf '\\033[?1049l'" Enter
	tm_wait =v: '^altframe-1$' 100
	t_check "while a program is in the alternate screen, so is the pane" \
	    t_until 20 alt_on v
	tm_wait =v: '^altframe-60$' 100
	tm_wait_gone =v: '^altframe-60$' 100
	t_check "when it leaves it, the pane is back in its main screen" \
	    t_until 20 t_not alt_on v
	tm send-keys -t =v: 'seq -f after-%g 1 200; echo DONE' Enter
	tm_wait =v: '^DONE' 100
	settle v 100 10
	cap v >"$T_TMP/v.cap"
	echo "# a history of $(hsize v) lines"
	t_check "before-1..200 then after-1..200, once each, in order, around full-screen programs" \
	    ordered "$T_TMP/v.cap" '^(before|after)-[0-9]+$' "$T_TMP/want.v"
	$have_vim && t_check "no line of vim's frames (frametext, ~, inserted-text) in the history" \
	    none "$T_TMP/v.cap" '^(~|.*frametext-[0-9]|.*inserted-text)' "vim's frames"
	t_check "no line of an alternate-screen program's frames in the history" \
	    none "$T_TMP/v.cap" 'altframe-[0-9]' "the alternate screen"
	end_session v "$SRV_PID"
	took "full screen"
}

# --- 5. attach after a SIGKILLed client, and share ------------------------
# joined NAME WHAT: a client that came in after 3000 lines (then DONE, a
# prompt) has the newest 1000 (attach_history) in its pane's history,
# then the screen: consecutive numbers through 3000, the first no older
# than 3000 - 1000 - ROWS + 1 and no newer than 2001; no marker.
joined() {
	tm_wait "=$1:" '^DONE' 100
	t_until 100 hist_at_least "$1" 1000
	settle "$1" 50 10
	cap "$1" >"$T_TMP/$1.cap"; hist "$1" >"$T_TMP/$1.hist"
	j_first=$(first_num "$T_TMP/$1.cap")
	j_hn=$(count_nums "$T_TMP/$1.hist")
	echo "# $2: a history of $(hsize "$1") lines, $j_hn numbers; the first number is $j_first"
	if [ "$j_first" -gt 0 ] && nums_exact "$T_TMP/$1.cap" "$j_first" 3000 &&
	    done_after "$T_TMP/$1.cap" 3000; then
		t_ok "$2: history and screen hold consecutive numbers through 3000, then DONE"
	else
		t_fail "$2: history and screen hold consecutive numbers through 3000, then DONE"
	fi
	t_check "$2: the last 1000 lines (2001..3000) are there" \
	    [ "$j_first" -ge 1 -a "$j_first" -le 2001 ]
	t_check "$2: nothing older than line $((3000 - 1000 - ROWS + 1))" \
	    [ "$j_first" -ge $((3000 - 1000 - ROWS + 1)) ]
	t_check "$2: the pane's history holds exactly attach_history (1000) lines" \
	    [ "$j_hn" -eq 1000 -a "$(hsize "$1")" -eq 1000 ]
	t_check "$2: no skip marker" none "$T_TMP/$1.cap" "$MARK" "skip markers"
}
part_5() {
	# A runtime directory of its own: attach and share with no ID take
	# the only session there.
	export XDG_RUNTIME_DIR="$T_TMP/run5"
	mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
	serve || { t_fail "our server starts (attach)"; exit 1; }
	a_port=$SRV_PORT a_pid=$SRV_PID
	client p "$SRV_KEY" "$a_port"
	tm_wait =p: '^\$' 100
	tm send-keys -t =p: 'seq 1 3000; echo DONE' Enter
	tm_wait =p: '^DONE' 100
	settle p 50 5
	# The client is the only child of the pane's shell.
	pane=$(tm display -p -t =p: '#{pane_pid}')
	cpid=$(pgrep -P "$pane" | head -n 1)
	if [ -n "$cpid" ]; then
		t_track "$cpid"
		kill -KILL "$cpid"
	else
		echo "# no client under the pane's shell $pane"
	fi
	key=$("$S" attach new -c 256 -s -l LANG=C.UTF-8 2>"$T_TMP/attach.err" |
	    sed -n "s/^MOSH CONNECT $a_port \([A-Za-z0-9/+]\{22\}\)$/\1/p")
	if [ -n "$key" ]; then
		client q "$key" "$a_port"
		joined q "attach after a SIGKILLed client"
	else
		say "$T_TMP/attach.err"; t_fail "attach with no ID gives a key"
	fi
	"$S" share >"$T_TMP/share.out" 2>"$T_TMP/share.err" </dev/null
	if t_connect_line "$T_TMP/share.out" && [ "$CONN_PORT" = "$a_port" ]; then
		client r "$CONN_KEY" "$a_port"
		joined r "share: the joining client"
	else
		say "$T_TMP/share.err"; t_fail "share with no ID gives a key"
	fi
	tm kill-session -t =r 2>/dev/null
	tm kill-session -t =q 2>/dev/null
	end_session p "$a_pid"
	export XDG_RUNTIME_DIR="$T_TMP/run"
	took "attach and share"
}

# --- 6. stock peers, and 7. MOSH_SCROLLBACK=no: as mosh -------------------
# as_mosh NAME WHAT: after seq 1 300 and DONE: 300 on the screen, the pane
# in its alternate screen, no number in its history.
as_mosh() {
	tm_wait "=$1:" '^DONE' 100
	settle "$1" 50 5
	hist "$1" >"$T_TMP/$1.hist"
	if tm_shows "=$1:" '^300$'; then
		t_ok "$2: the screen shows 300"
	else
		tm_screen "=$1:" | sed 's/^/# /'; t_fail "$2: the screen shows 300"
	fi
	t_check "$2: the pane is in its alternate screen" alt_on "$1"
	echo "# $2: a history of $(hsize "$1") lines"
	t_check "$2: no number in the pane's history" \
	    none "$T_TMP/$1.hist" '^[0-9]+$' "numbers in the history"
}
part_6() {
	if command -v mosh-client >/dev/null; then
		serve || { t_fail "our server starts (stock client)"; exit 1; }
		tm_new s "$COLS" "$ROWS" "MOSH_KEY=$SRV_KEY mosh-client 127.0.0.1 $SRV_PORT; echo CLIENT-EXIT-\$?; sleep 60"
		tm_wait =s: '^\$' 100
		tm send-keys -t =s: 'seq 1 300; echo DONE' Enter
		as_mosh s "stock client, our server"
		end_session s "$SRV_PID"
	else
		t_skip "stock client, our server: no stock mosh-client"
	fi
	if command -v mosh-server >/dev/null; then
		t_start_mosh_server mosh-server -i 127.0.0.1 -c 256 -- \
		    env 'PS1=$ ' sh || { t_fail "the stock server starts"; exit 1; }
		client o "$SRV_KEY" "$SRV_PORT"
		tm_wait =o: '^\$' 100
		tm send-keys -t =o: 'seq 1 300; echo DONE' Enter
		as_mosh o "our client, stock server"
		end_session o "$SRV_PID"
	else
		t_skip "our client, stock server: no stock mosh-server"
	fi
	took "stock peers"
}
part_7() {
	serve || { t_fail "our server starts (MOSH_SCROLLBACK=no)"; exit 1; }
	client n "$SRV_KEY" "$SRV_PORT" MOSH_SCROLLBACK=no
	tm_wait =n: '^\$' 100
	tm send-keys -t =n: 'seq 1 300; echo DONE' Enter
	as_mosh n "MOSH_SCROLLBACK=no"
	end_session n "$SRV_PID"
}

for p in 1 2 3 4 5 6 7; do
	part "$p" && "part_$p"
done
took "all"
