#!/usr/bin/env bash
# Write the commits base..series of the work tree back to series/ as
# git format-patch output, cover letter first. Running it right after
# tree.sh changes no byte.
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
require_tree

[ -z "$(git -C "$TREE" status --porcelain)" ] ||
	die "$TREE has uncommitted changes: commit them first (git -C $TREE status)"
[ "$(git -C "$TREE" rev-parse --abbrev-ref HEAD)" = series ] ||
	die "$TREE is not on branch series"
[ -n "$(git -C "$TREE" config branch.series.description || true)" ] ||
	die "branch series has no description (the cover letter): run 'make tree'"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# The posting is v2 (--subject-prefix): bump it with each respin.
# The cover letter takes its sender and date from the committer: use the
# last patch's author so that the output depends on the series alone.
GIT_COMMITTER_NAME=$(git -C "$TREE" log -1 --format=%an series) \
GIT_COMMITTER_EMAIL=$(git -C "$TREE" log -1 --format=%ae series) \
GIT_COMMITTER_DATE=$(git -C "$TREE" log -1 --format=%ad --date=raw series) \
	git -C "$TREE" -c core.abbrev=12 -c diff.noprefix=false -c diff.mnemonicPrefix=false \
	-c diff.renames=true -c format.signature= \
	format-patch -q --zero-commit --numbered --subject-prefix="PATCH v2" --cover-letter \
	--cover-from-description=subject --no-signature \
	-o "$out" base..series >/dev/null

find "$TOP/series" -name '*.patch' -delete
cp "$out"/*.patch "$TOP/series/"
git -C "$TREE" tag -f applied >/dev/null
info "exported $(find "$TOP/series" -name '*.patch' ! -name '0000-*' | wc -l) patches and the cover letter to series/"
