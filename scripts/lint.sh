#!/usr/bin/env bash
# Run shellcheck on every script of the project, one result per script; any
# report, of any severity, fails it.
# Usage: lint.sh
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"

failed=0
for script in "$TOP"/scripts/*.sh "$TOP"/scripts/lib/*.sh; do
	name=lint:${script#"$TOP"/scripts/}
	if out=$(cd "$(dirname "$script")" && shellcheck "$(basename "$script")" 2>&1); then
		record PASS "$name"
	else
		printf '%s\n' "$out" >&2
		record FAIL "$name" "$(printf '%s\n' "$out" | grep -c '^In ') reports"
		failed=1
	fi
done
exit "$failed"
