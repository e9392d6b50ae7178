#!/bin/sh
# Whole sessions side by side with the stock mosh: the same 20 MB mixed
# output (coloured text, UTF-8, wide characters) through each pairing of
# server and client, on loopback, with the client in a tmux pane. For each
# side: CPU seconds (utime + stime) until the client shows the marker
# printed after the file, and peak RSS (VmHWM). Prints Markdown rows.
. "$(dirname "$0")/lib.sh"
b_have_stock ||
    { echo "| session bench | skipped: stock mosh not installed | | | |"; exit 0; }

file=$B_TMP/mixed.bin
"$TOP/$BUILD/tests/tools/term_gen" 20 >"$file" || exit 1

# run ours|stock ours|stock: the server, then the client; sets S_CPU
# S_RSS C_CPU C_RSS
run() {
	mark=TSMOSH-BENCH-DONE-$$
	b_server "$1" session sh -c "sleep 1; cat '$file'; echo; echo $mark; exec sleep 600"
	b_client "$2" session "$SRV_PORT"
	b_wait session "$mark" 900
	S_CPU=$(b_cpu "$SRV_PID"); S_RSS=$(b_hwm "$SRV_PID")
	C_CPU=$(b_cpu "$CLI_PID"); C_RSS=$(b_hwm "$CLI_PID")
	b_end_session session "$SRV_PID"
}

run stock stock
SS_CPU=$S_CPU SS_RSS=$S_RSS SC_CPU=$C_CPU SC_RSS=$C_RSS
run ours stock
OS_CPU=$S_CPU OS_RSS=$S_RSS
run stock ours
OC_CPU=$C_CPU OC_RSS=$C_RSS
r=$(ratio "$OS_CPU" "$SS_CPU")
echo "| server CPU, 20 MB output, client attached (s) | $OS_CPU | | $SS_CPU | $r | $(goal "$r" 0.2) |"
r=$(ratio "$OS_RSS" "$SS_RSS")
echo "| server peak RSS (MiB) | $OS_RSS | | $SS_RSS | $r | $(goal "$r" 0.5) |"
echo "| client CPU, same session (s) | $OC_CPU | | $SC_CPU | $(ratio "$OC_CPU" "$SC_CPU") | |"
r=$(ratio "$OC_RSS" "$SC_RSS")
echo "| client peak RSS (MiB) | $OC_RSS | | $SC_RSS | $r | $(goal "$r" 0.5) |"
