#!/usr/bin/env bash
# Write one commit of build/linux (REV: "base", or any revision) to DIR as
# a plain source tree, for the benchmarks' side-by-side builds: kernels of
# the base next to the series', KUnit at the patch that adds the suite.
# DIR is rewritten only when REV names another commit than last time.
# Usage: extract-tree.sh REV DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"
rev=${1:?usage: extract-tree.sh REV DIR}
dir=${2:?usage: extract-tree.sh REV DIR}
require_tree

commit=$(git -C "$TREE" rev-parse --verify -q "$rev^{commit}") ||
	die "no commit '$rev' in $TREE"
stamp=$dir/.commit
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$commit" ]; then
	exit 0
fi
info "writing $rev ($commit) to $dir"
rm -rf "$dir"
mkdir -p "$dir"
git -C "$TREE" archive "$commit" | tar -x -C "$dir"
echo "$commit" >"$stamp"
