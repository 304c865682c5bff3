#!/usr/bin/env bash
# Print the failures, how many results the verdict cache gave, and the
# closing "N passed, N failed, N skipped" line of everything recorded in
# build/results/results.txt; exit 1 if anything failed or nothing passed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

results=$RESULTS/results.txt
[ -f "$results" ] || die "no results recorded in $results"
passed=$(grep -c '^PASS ' "$results" || true)
failed=$(grep -c '^FAIL ' "$results" || true)
skipped=$(grep -c '^SKIP ' "$results" || true)
if [ "$failed" -gt 0 ]; then
	echo "Failed:"
	sed -n 's/^FAIL /  /p' "$results"
fi
reused=$(grep -c -E '(# |; )cached$' "$results" || true)
[ "$reused" -eq 0 ] ||
	echo "$reused of these results are verdicts reused from $VERDICTS (marked \"cached\")"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
