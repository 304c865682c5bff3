#!/usr/bin/env bash
# Build the kernel of each given architecture at every commit of the series,
# oldest first, so that a patch that only builds with a later one is caught.
# Builds are incremental in build/kernel-ARCH; the tree is left at the tip.
# Usage: check-bisect.sh ARCH...
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || die "usage: check-bisect.sh ARCH..."
require_tree
[ -z "$(git -C "$TREE" status --porcelain)" ] ||
	die "$TREE has uncommitted changes: commit or stash them first"

tip=$(git -C "$TREE" rev-parse HEAD)
branch=$(git -C "$TREE" rev-parse --abbrev-ref HEAD)
trap 'git -C "$TREE" checkout -q "$branch"' EXIT

failed=0
n=0
for commit in $(git -C "$TREE" rev-list --reverse base.."$tip"); do
	n=$((n + 1))
	subject=$(git -C "$TREE" log -1 --format=%s "$commit")
	git -C "$TREE" checkout -q "$commit"
	for arch in "$@"; do
		name=$(printf 'build:%s:%04d %s' "$arch" "$n" "$subject")
		if "$TOP/scripts/build-kernel.sh" "$arch"; then
			record PASS "$name"
		else
			record FAIL "$name"
			failed=1
		fi
	done
done
exit "$failed"
