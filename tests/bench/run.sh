#!/bin/sh
# Runs every benchmark in tests/bench/ (each prints Markdown table rows).
cd "$(dirname "$0")/../.." || exit 1
echo "| benchmark | tsmosh | other | stock | ratio |"
echo "|---|---|---|---|---|"
for b in tests/bench/*.sh; do
	[ "$b" = tests/bench/run.sh ] && continue
	sh "$b" || echo "| $b failed | | | | |"
done
