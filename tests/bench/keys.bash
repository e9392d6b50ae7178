# Keystroke timing for the bash benchmarks (tests/bench/latency.sh,
# tests/soak/run.sh; sourced after lib.sh). bash for $EPOCHREALTIME:
# polling forks only tmux.

now_us() { local t=${EPOCHREALTIME/./}; echo "$t"; }

# key_ms WINDOW KEY LINE LIMIT_US: type KEY into WINDOW, then print the
# milliseconds until a line of its pane is exactly LINE (or LIMIT_US
# microseconds went by without one).
key_ms() {
	local t0 t1 scr
	t0=$(now_us)
	bt send-keys -t "$1" -l "$2"
	while :; do
		scr=$'\n'$(bt capture-pane -p -t "$1")$'\n'
		t1=$(now_us)
		[[ $scr == *$'\n'"$3"$'\n'* ]] && break
		[ $((t1 - t0)) -gt "$4" ] && break
	done
	echo $(((t1 - t0) / 1000))
}
