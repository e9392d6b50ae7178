. "$(dirname "$0")/lib.sh"
seq 1 3000000 > $B_TMP/big
for i in 1 2 3 4 5; do for m in on off; do
b_server ours "e-$m" env PS1='$ ' sh
env=; [ $m = off ] && env=MOSH_SCROLLBACK=no
b_client ours "e-$m" "$SRV_PORT" $env
b_wait "e-$m" '^\$ ?$' 100
rm -f $B_TMP/end
t0=$(date +%s%3N)
bt send-keys -t "=e-$m:" "cat $B_TMP/big; date +%s%3N > $B_TMP/end; echo CAT-DONE" Enter
n=0; while ! bt capture-pane -p -t "=e-$m:" | grep -q '^CAT-DONE'; do n=$((n+1)); [ $n -ge 20000 ] && break; sleep 0.01; done
t1=$(date +%s%3N)
echo "$m total=$((t1-t0)) cat=$(( $(cat $B_TMP/end) - t0)) tail=$((t1 - $(cat $B_TMP/end)))"
b_end_session "e-$m" "$SRV_PID"
done; done
