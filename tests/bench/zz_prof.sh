. "$(dirname "$0")/lib.sh"
seq 1 4000000 > $B_TMP/big
for m in on off; do
b_server ours "p-$m" env PS1='$ ' sh
env=; [ $m = off ] && env=MOSH_SCROLLBACK=no
b_client ours "p-$m" "$SRV_PORT" $env
b_wait "p-$m" '^\$ ?$' 100
perf record -g -o /tmp/perf-$m.data -p $SRV_PID 2>/dev/null & PP=$!
sleep 0.5
bt send-keys -t "=p-$m:" "cat $B_TMP/big; echo CAT-DONE" Enter
b_wait "p-$m" '^CAT-DONE' 1200
sleep 0.5
kill -INT $PP; wait $PP
b_end_session "p-$m" "$SRV_PID"
done
