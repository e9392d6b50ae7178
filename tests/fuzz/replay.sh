#!/bin/sh
# Run one libFuzzer target once over each of its committed regression
# inputs (tests/fuzz/regress/NAME/: every crash a fuzzer found), without
# fuzzing. Prints one "ok"/"not ok" line for tests/run.
set -u
bin=$1
name=$(basename "$bin")
dir=$(dirname "$0")/regress/${name#fuzz_}
set -- "$dir"/*
if [ ! -f "$1" ]; then
	echo "skip - $name: no regression inputs in $dir"
	exit 0
fi
log=$(mktemp "${TMPDIR:-/tmp}/tsmosh-replay.XXXXXX")
# libFuzzer runs files given as arguments once each and stops at the
# first crash or leak.
ASAN_OPTIONS=detect_leaks=1 "$bin" -rss_limit_mb=2048 "$@" >"$log" 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then
	echo "ok - $name replays $# regression inputs"
else
	tail -n 40 "$log"
	echo "not ok - $name regression input failed (exit $rc)"
fi
rm -f "$log"
[ "$rc" -eq 0 ]
