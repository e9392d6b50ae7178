#!/bin/sh
# Predictive echo through the impairment proxy at 300 ms RTT: typed
# characters appear long before the server's echo could, underlined while
# unconfirmed, and a wrong guess (a prompt that does not echo) never
# stays on screen.
. "$(dirname "$0")/../lib/common.sh"
C=$TOP/$BUILD/mosh-client
S=$TOP/$BUILD/mosh-server

ms() { date +%s%3N; }
# Milliseconds until the pane shows PATTERN (polling every few ms), or 9999.
time_to_show() {	# window pattern
	t0=$(ms)
	while ! tm_screen "$1" | grep -Eq -- "$2"; do
		[ $(( $(ms) - t0 )) -gt 3000 ] && { echo 9999; return; }
	done
	echo $(( $(ms) - t0 ))
}

t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- /bin/sh || { t_fail "server"; exit 1; }
t_start_impair "$SRV_PORT" --delay 150 --seed 1
P=$IMP_PORT
tm_new p 80 24 "MOSH_KEY=$SRV_KEY '$C' 127.0.0.1 $P; echo CLIENT-EXIT-\$?; sleep 60"
tm_wait p '#' 100
# Teach the epoch: type slowly so the first guesses get confirmed.
for k in e c h o Space; do tm send-keys -t p "$k"; sleep 0.4; done
sleep 0.5
tm send-keys -t p z
d=$(time_to_show p '# echo z')
if [ "$d" -lt 150 ]; then
	t_ok "at 300 ms RTT a typed character shows in ${d} ms (< half the RTT)"
else
	tm_screen p | sed 's/^/# /'
	t_fail "at 300 ms RTT a typed character shows in ${d} ms (< half the RTT)"
fi
# Unconfirmed at high RTT: underlined (SGR 4) until the echo arrives.
tm send-keys -t p y
sleep 0.05
# tmux writes the underline as SGR 4 before the predicted letters.
if tm capture-pane -p -e -t p | grep '# echo' | grep -Eq "$(printf '\033')\[4m(z|y)"; then
	t_ok "an unconfirmed prediction is underlined"
else
	tm capture-pane -p -e -t p | grep '# echo' | cat -v | sed 's/^/# /'
	t_fail "an unconfirmed prediction is underlined"
fi
sleep 1
line=$(tm capture-pane -p -e -t p | grep '# echo')
if tm_screen p | grep -q '# echo zy' &&
    ! printf '%s' "$line" | grep -q "$(printf '\033')\[4m"; then
	t_ok "once echoed, the underline goes away"
else
	printf '%s\n' "$line" | cat -v | sed 's/^/# /'
	t_fail "once echoed, the underline goes away"
fi
tm send-keys -t p Enter
t_check "the command still runs (output zy)" tm_wait p '^zy$' 50

# A prompt that does not echo: adaptive mode never shows the secret.
tm send-keys -t p 'clear; stty -echo; read x; stty echo; echo got-$x' Enter
sleep 1
tm send-keys -t p 'sekrit'
sleep 1.5
if tm_screen p | grep -q sekrit; then
	t_fail "adaptive: a no-echo prompt never shows the typed secret"
else
	t_ok "adaptive: a no-echo prompt never shows the typed secret"
fi
tm send-keys -t p Enter
t_check "the secret still reached the program (got-sekrit)" tm_wait p '^got-sekrit' 50

# experimental mode shows guesses at once: the wrong ones are rolled back.
tm_new x 80 24 "MOSH_PREDICTION_DISPLAY=experimental MOSH_KEY=$SRV_KEY '$C' 127.0.0.1 $P; sleep 60" 2>/dev/null
t_start_mosh_server "$S" $OURS_LO -i 127.0.0.1 -- /bin/sh
t_start_impair "$SRV_PORT" --delay 150 --seed 2
tm kill-session -t x
tm_new x 80 24 "MOSH_PREDICTION_DISPLAY=experimental MOSH_KEY=$SRV_KEY '$C' 127.0.0.1 $IMP_PORT; sleep 60"
tm_wait x '#' 100
tm send-keys -t x 'stty -echo; read x; stty echo; echo got-$x' Enter
sleep 1
tm send-keys -t x 'hidden'
d=$(time_to_show x 'hidden')
sleep 1.5
if [ "$d" -lt 300 ] && ! tm_screen x | grep -q hidden; then
	t_ok "experimental: a wrong guess showed (${d} ms) and was rolled back"
else
	tm_screen x | sed 's/^/# /'
	t_fail "experimental: a wrong guess showed (${d} ms) and was rolled back"
fi
