#!/usr/bin/env bash
# Carry the cover letter between series/ and the work tree.
#   load: series/0000-cover-letter.patch -> description of branch "series"
#   show: print the description as it would be loaded
# format-patch --cover-from-description=subject writes it back (export).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cover=$TOP/series/0000-cover-letter.patch

# Subject (unfolded, without the [PATCH 0/N] tag), a blank line, then the
# body up to the shortlog that format-patch appends ("Name (N):").
description() {
	awk '
	!body && /^$/ { body = 1; print subject; print ""; next }
	!body && /^Subject: / { subject = substr($0, 10); insub = 1; next }
	!body && insub && /^[ \t]/ { sub(/^[ \t]+/, " "); subject = subject $0; next }
	!body { insub = 0; next }
	/^[^ ].* \([0-9]+\):$/ { exit }
	{ lines[++n] = $0 }
	END { while (n > 0 && lines[n] == "") n--; for (i = 1; i <= n; i++) print lines[i] }
	' "$cover" | sed '1s/^\[[^]]*\] //'
}

case ${1:-} in
load)
	require_tree
	[ -f "$cover" ] || die "series/0000-cover-letter.patch is missing"
	git -C "$TREE" config branch.series.description "$(description)"
	;;
show) description ;;
*) die "usage: $0 load|show" ;;
esac
