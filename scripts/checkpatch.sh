#!/usr/bin/env bash
# Run the base's scripts/checkpatch.pl --strict on every patch in series/
# and record one result per patch.
#
# checkpatch asks of every patch that adds a file whether MAINTAINERS needs
# updating (FILE_PATH_CHANGES) unless the patch touches MAINTAINERS itself.
# The question is answered here instead: every file a patch adds must be
# covered by the entry of the subsystem that takes it, IOMMU SUBSYSTEM or
# VFIO DRIVER, at the tip of the series, as scripts/get_maintainer.pl sees
# it.
#
# checkpatch reads a commit message for its tags, not for what git's editor
# leaves in it when a reword goes wrong: its comment lines, even folded
# into a paragraph. Those fail the patch here.
#
# The tree is Debian's source package, without upstream history: checkpatch
# cannot look up the commit a Fixes: tag names (UNKNOWN_COMMIT_ID). It still
# checks the tag's form (GIT_COMMIT_ID).
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
require_tree

# The files @patch adds, one per line.
added_files() {
	awk '/^diff --git / { file = substr($4, 3) } /^new file mode / { print file }' "$1"
}

# The added files of @patch that neither subsystem's entry covers.
unmaintained() {
	local file
	added_files "$1" | while read -r file; do
		(cd "$TREE" && perl scripts/get_maintainer.pl --no-git --no-git-fallback -f "$file" 2>/dev/null) |
			grep -q -E '\(maintainer:(IOMMU SUBSYSTEM|VFIO DRIVER)\)' || echo "$file"
	done
}

# The lines of @patch's commit message that git's editor left there.
editor_leftovers() {
	awk '/^$/ && !body { body = 1; next } body && /^---$/ { exit } body' "$1" |
		grep -E '^#|interactive rebase in progress|will be ignored, and an empty message' || true
}

# A patch's verdict is kept under its text without its first line, the
# work tree's tree (checkpatch.pl, spdxcheck.py, MAINTAINERS and what else
# they read) and this script.
tip=$(work_tree_id)
script_id=$(files_id scripts/checkpatch.sh)

# checkpatch runs scripts/spdxcheck.py, which needs the ply and git modules
# of Debian's python3 (python3-ply, python3-git), not another python3.
failed=0
declare -A passed
for patch in "$TOP"/series/[0-9][0-9][0-9][0-9]-*.patch; do
	name=$(basename "$patch")
	[ "$name" != 0000-cover-letter.patch ] || continue
	key=$(verdict_key checkpatch "$(tail -n +2 "$patch" | sha256sum)" "$tip" "$script_id")
	! verdict_replay "$key" "checkpatch:$name" || continue
	orphans=$(unmaintained "$patch")
	leftovers=$(editor_leftovers "$patch")
	if out=$(cd "$TREE" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --terse --no-summary \
		--show-types --ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID "$patch" 2>&1) &&
		[ -z "$orphans" ] && [ -z "$leftovers" ]; then
		record PASS "checkpatch:$name"
		passed[$key]=$name
	else
		[ -z "$orphans" ] || out+=$'\n'"added files no IOMMU SUBSYSTEM or VFIO DRIVER entry in MAINTAINERS covers: $orphans"
		[ -z "$leftovers" ] || out+=$'\n'"commit message: git's editor left text in it: $(echo "$leftovers" | head -n 1)"
		printf '%s\n' "$out" >&2
		record FAIL "checkpatch:$name" "$(printf '%s\n' "$out" | grep -c -E 'ERROR|WARNING|CHECK|MAINTAINERS covers|editor left') reports"
		failed=1
	fi
done

# Kept if the tree checkpatch read did not change meanwhile.
if [ ${#passed[@]} -gt 0 ] && work_tree_is "$tip"; then
	for key in "${!passed[@]}"; do
		verdict_store "$key" "PASS checkpatch:${passed[$key]}"
	done
fi
exit "$failed"
