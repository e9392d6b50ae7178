#!/bin/sh
# A hostile server (it holds the key) against our mosh-client: state 1
# opens a window title (ESC ] 0 ;) and state 2, built on it, carries
# 4000 x U+1F600 and then visible text. The client must keep running,
# show the text, cut the title to mosh's 256 code points (counting the
# "0;"), and after the server's shutdown exit with the terminal as it
# was (main screen, same stty settings).
# HOSTILE_CLIENT=path runs another client build (an older one, or
# build-san/mosh-client).
. "$(dirname "$0")/../lib/common.sh"
C=${HOSTILE_CLIENT:-$TOP/$BUILD/mosh-client}
EMOJI='\xf0\x9f\x98\x80'
# mosh keeps 256 code points of an OSC body; "0;" is two of them.
TITLE_KEPT=254

t_start_hostile_server \
    -e 'state "\e]0;"' -e 'wait-ack' \
    -e "state 4000*\"$EMOJI\" \"\\a\" \"hostile-text-shown\"" -e 'wait-ack' \
    -e 'print states-acked' -e 'sleep 1500' -e 'shutdown' -e 'print done' ||
    { t_fail "hostile server starts"; exit 1; }
KEY=$HP_KEY PORT=$HP_PORT

tm_new a 80 24 "stty -a >'$T_TMP/before'; MOSH_KEY=$KEY '$C' 127.0.0.1 $PORT 2>'$T_TMP/client.err'; rc=\$?; stty -a >'$T_TMP/after'; echo CLIENT-EXIT-\$rc; sleep 60"
if tm_wait a 'hostile-text-shown' 100; then
	t_ok "the client shows the text after 4000 x U+1F600 in an open title"
else
	tm_screen a | sed 's/^/# /'; sed 's/^/# /' "$T_TMP/hp.err" "$T_TMP/client.err"
	t_fail "the client shows the text after 4000 x U+1F600 in an open title"
fi
t_check "the client acknowledged both states" \
    t_until 50 grep -q states-acked "$T_TMP/hp.out"
CPID=$(tm_pid a "^$C 127.0.0.1 $PORT\$")
t_check "the client is still running" sh -c "[ -n '$CPID' ] && kill -0 '$CPID'"
t_check "it holds the alternate screen meanwhile" \
    [ "$(tm display -p -t a '#{alternate_on}')" = 1 ]
title=$(tm display -p -t a '#{pane_title}')
rest=${title#\[mosh\] }
count=$(printf '%s' "$rest" | sed "s/$(printf "$EMOJI")/x/g")
want=$(printf "%${TITLE_KEPT}s" '' | tr ' ' x)
if [ "$rest" != "$title" ] && [ "$count" = "$want" ]; then
	t_ok "the title is '[mosh] ' and $TITLE_KEPT x U+1F600 (cut at 256 code points)"
else
	echo "# title: ${#title} bytes: $(printf '%s' "$title" | head -c 80)"
	t_fail "the title is '[mosh] ' and $TITLE_KEPT x U+1F600 (cut at 256 code points)"
fi

# The server ends the session: the client exits, the terminal is back.
if tm_wait a 'CLIENT-EXIT-' 100 && grep -q done "$T_TMP/hp.out"; then
	t_ok "after the hostile server's shutdown the client exits"
else
	tm_screen a | sed 's/^/# /'; sed 's/^/# /' "$T_TMP/hp.err"
	t_fail "after the hostile server's shutdown the client exits"
fi
t_check "the client exited 0" tm_wait a 'CLIENT-EXIT-0' 10
t_check "the pane is back on the main screen" \
    [ "$(tm display -p -t a '#{alternate_on}')" = 0 ]
t_check "stty -a is the same before and after" cmp -s "$T_TMP/before" "$T_TMP/after"
t_check "the client wrote no sanitizer or error report" \
    sh -c "! grep -Eq 'ERROR: AddressSanitizer|runtime error' '$T_TMP/client.err'"
