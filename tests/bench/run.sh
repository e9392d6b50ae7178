#!/bin/sh
# Runs every benchmark in tests/bench/ (each prints Markdown table rows;
# lib.sh is their shared helpers). Ratios are ours / stock, measured in the
# same run; "goal" is the target where it has one.
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
export BENCH_OUT=${BENCH_OUT:-$PWD/$BUILD/bench}
mkdir -p "$BENCH_OUT"
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "make bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -n): $(nproc) CPUs ($cpu), $(uname -sr), stock $(mosh-server --version 2>/dev/null | head -n 1)"
echo
echo "| benchmark | tsmosh | other | stock | ratio | goal |"
echo "|---|---|---|---|---|---|"
for b in tests/bench/*.sh; do
	case $b in tests/bench/run.sh | tests/bench/lib.sh) continue ;; esac
	case $(head -n 1 "$b") in
	*bash*) bash "$b" ;;
	*) sh "$b" ;;
	esac || echo "| $b failed | | | | | |"
done
echo
[ -s "$BENCH_OUT/latency.png" ] && echo "latency plot: $BENCH_OUT/latency.png (samples: $BENCH_OUT/lat-*.txt)"
exit 0
