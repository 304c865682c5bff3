#!/usr/bin/env bash
# Write the patches of series/ as one mbox that git am applies; the cover
# letter, which has no diff, stays apart as series/0000-cover-letter.patch.
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
mbox=$BUILD/series.mbox
mkdir -p "$BUILD"
find "$TOP/series" -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' | sort | xargs cat >"$mbox"
info "wrote $mbox ($(grep -c '^From 0\{40\} ' "$mbox") messages); apply with: git am $mbox"
