#!/usr/bin/env bash
# shellcheck disable=SC2153 # PACKAGE, FILE: base.conf
# Create the kernel work tree build/linux: the base as one tagged import
# commit ("base"), then the series applied on branch "series" with git am.
# A tree holding commits or changes that were not exported is left alone
# unless FORCE=1.
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
load_conf "$TOP/base.conf"

version=$("$TOP/scripts/lib/fetch-pinned.sh" base.conf)
sum=$(sha256sum "$FILE" | cut -d' ' -f1)
base_id="$PACKAGE $version sha256:$sum"

# Fixed metadata: the same tarball always gives the same import commit, so
# the series applied on it always gives the same commit ids.
import_env=(
	GIT_AUTHOR_NAME="$GIT_COMMITTER_NAME" GIT_AUTHOR_EMAIL="$GIT_COMMITTER_EMAIL"
	GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z"
)

import_base() {
	info "unpacking $FILE into $TREE"
	rm -rf "$TREE"
	mkdir -p "$TREE"
	tar -xf "$FILE" -C "$TREE" --strip-components=1
	# Debian's packaging appends a stanza that ignores every top-level
	# entry, which would hide new files from git status and git add.
	sed -i '/^# Debian packaging: ignore everything/,$d' "$TREE/.gitignore"
	sed -i -e :a -e '/^[#[:space:]]*$/{$d;N;ba' -e '}' "$TREE/.gitignore"
	info "importing the base into git (about a minute)"
	git -C "$TREE" init -q -b series
	git -C "$TREE" add -A -f
	env "${import_env[@]}" git -C "$TREE" commit -q -m "Import $PACKAGE $version

Unpacked from $FILE (sha256 $sum).
The Debian packaging stanza at the end of .gitignore, which ignores every
top-level entry, is dropped so that new files show up in git status."
	env "${import_env[@]}" git -C "$TREE" tag -a -m "$base_id" base
}

tree_base_id() {
	git -C "$TREE" for-each-ref --format='%(contents:subject)' refs/tags/base 2>/dev/null
}

if [ "$(tree_base_id)" = "$base_id" ]; then
	if [ "${FORCE:-0}" != 1 ]; then
		reason=$(tree_unexported)
		[ -z "$reason" ] || die "$reason; commit and 'make export' it, or FORCE=1 to discard it"
	fi
else
	import_base
fi

# The patches are applied in a worktree of their own, and the work tree
# then switched to the result: git rewrites only the files that differ, so
# a respin that changes one patch leaves every other file, and its time,
# as it was, and make rebuilds only what the change touched.
apply=$BUILD/apply
own_worktree "$apply"
git -C "$apply" am --abort >/dev/null 2>&1 || true
git -C "$apply" checkout -q -f --detach base
git -C "$apply" clean -q -fd

# Switch the work tree to what the worktree holds, on branch "series";
# "applied" marks its last commit, the last one that came from series/:
# anything beyond it is a developer's work that tree.sh must not throw
# away.
switch_tree() {
	git -C "$TREE" am --abort >/dev/null 2>&1 || true
	git -C "$TREE" checkout -q -f -B series "$(git -C "$apply" rev-parse HEAD)"
	git -C "$TREE" clean -q -fd
	git -C "$TREE" tag -f applied >/dev/null
}

mapfile -t patches < <(find "$TOP/series" -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' | sort)
info "applying ${#patches[@]} patches from series/"
for patch in "${patches[@]}"; do
	log=$(mktemp)
	if ! git -C "$apply" am -q --committer-date-is-author-date "$patch" >"$log" 2>&1; then
		git -C "$apply" am --abort >/dev/null 2>&1 || true
		switch_tree
		grep -v -E '^(hint:|When you have|If you prefer|To restore)' "$log" >&2
		files=$(sed -n 's/^error: patch failed: \(.*\):[0-9]*$/\1/p; s/^error: \(.*\): does not exist in index$/\1/p' "$log" | sort -u | tr '\n' ' ')
		die "series/$(basename "$patch") does not apply to $base_id${files:+ (in: $files)}"
	fi
	rm -f "$log"
done
switch_tree

"$TOP/scripts/lib/cover-letter.sh" load
info "tree ready: $TREE, branch series, $(git -C "$TREE" rev-list --count base..HEAD) patches on $base_id"
