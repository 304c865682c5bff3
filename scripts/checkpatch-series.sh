#!/usr/bin/env bash
# Run the base's scripts/checkpatch.pl --strict on every patch in series/
# and record one result per patch.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_tree

# checkpatch runs scripts/spdxcheck.py, which needs the ply and git modules
# of Debian's python3 (python3-ply, python3-git), not another python3.
failed=0
for patch in "$TOP"/series/[0-9][0-9][0-9][0-9]-*.patch; do
	name=$(basename "$patch")
	[ "$name" != 0000-cover-letter.patch ] || continue
	if out=$(cd "$TREE" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --terse --no-summary \
		--show-types "$patch" 2>&1); then
		record PASS "checkpatch:$name"
	else
		printf '%s\n' "$out" >&2
		record FAIL "checkpatch:$name" "$(printf '%s\n' "$out" | grep -c -E 'ERROR|WARNING|CHECK') reports"
		failed=1
	fi
done
exit "$failed"
