#!/bin/sh
# Run one libFuzzer target for N seconds from its committed seed corpus.
# Regression inputs are replayed on their own (replay.sh), not used as
# seeds: some are slow on purpose (fuzz_ssp's out-of-memory one runs 1.4 s
# and took the target from about 1300 to 25 inputs a second, as mutants
# of it ran as slowly). New inputs go to a scratch dir so the committed
# corpus only grows on purpose. Prints one "ok"/"not ok" line for
# tests/run, with the coverage reached (libFuzzer's cov: edges, ft:
# features).
set -u
bin=$1 secs=${2:-30}
name=$(basename "$bin")
seeds=$(dirname "$0")/corpus/${name#fuzz_}
[ -d "$seeds" ] || seeds=
work=$(mktemp -d "${TMPDIR:-/tmp}/tsmosh-fuzz.XXXXXX")
art=$work/artifacts/
mkdir -p "$art" "$work/corpus"
# detect_leaks: a parser that leaks on bad input fails here, not in production.
ASAN_OPTIONS=detect_leaks=1 "$bin" -max_total_time="$secs" -print_final_stats=1 \
    -artifact_prefix="$art" -rss_limit_mb=2048 "$work/corpus" ${seeds:+"$seeds"} \
    >"$work/log" 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
# The last status line ("#N DONE cov: C ft: F corp: ...") has the totals.
last=$(grep ' cov: [0-9]* ft: [0-9]*' "$work/log" | tail -n 1)
cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\).*/cov \1, ft \2/p')
if [ "$rc" -eq 0 ]; then
	echo "ok - $name ran ${secs}s, ${runs:-?} inputs, ${cov:-cov ?}, no crash or leak"
else
	tail -n 40 "$work/log"
	ls "$art" 2>/dev/null | sed 's/^/# artifact: /'
	echo "not ok - $name (exit $rc)"
fi
rm -rf "$work"
[ "$rc" -eq 0 ]
