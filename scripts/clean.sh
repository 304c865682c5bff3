#!/usr/bin/env bash
# Remove build/ (BUILD), unless the work tree in it holds commits or
# changes that were not exported to series/: FORCE=1 discards them.
# Usage: clean.sh
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"

if [ "${FORCE:-0}" != 1 ] && [ -d "$TREE/.git" ]; then
	reason=$(tree_unexported)
	[ -z "$reason" ] || die "$reason; 'make export' it, or FORCE=1 make clean to discard it"
fi
info "removing $BUILD"
rm -rf "$BUILD"
