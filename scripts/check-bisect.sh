#!/usr/bin/env bash
# Build the kernel of each given architecture at every commit of the series,
# oldest first, so that a patch that only builds with a later one is caught.
# "kunit" stands for the UML kernel with the KUnit suites, which builds the
# test code that no guest kernel has. Builds are incremental (build/kernel-ARCH,
# build/kunit/uml-*); the tree is left at the tip. A commit that changes
# nothing a kernel's last passing build read (build_changes) passes without
# a make: it builds the same kernel.
# Usage: check-bisect.sh [ARCH|kunit...]   (default: every architecture in
#        arches/ that boots, and kunit)
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
if [ $# -eq 0 ]; then
	# shellcheck disable=SC2046 # one architecture per word
	set -- $(list_arches boot) kunit
fi
require_tree
[ -z "$(git -C "$TREE" status --porcelain)" ] ||
	die "$TREE has uncommitted changes: commit or stash them first"

# Build the kernel of ARCH, or for "kunit" the UML kernel of each
# .kunitconfig of KUNIT_DIRS that the commit has.
# Usage: build ARCH|kunit
build() {
	if [ "$1" != kunit ]; then
		"$TOP/scripts/kernel.sh" "$1"
		return
	fi
	local dir uml log
	for dir in "${KUNIT_DIRS[@]}"; do
		[ -f "$TREE/$dir/.kunitconfig" ] || continue
		uml=$(kunit_build_dir "$dir")
		log=$uml/build.log
		if ! kunit_py build "$TREE" "$dir" "$uml" >"$log" 2>&1; then
			log_tail "$log"
			return 1
		fi
	done
}

# What a verdict at a commit depends on besides its tree, per architecture:
# the scripts that build it and its kconfig fragments (the tools are in
# every key: verdicts.sh).
declare -A inputs
for arch in "$@"; do
	files=(scripts/check-bisect.sh)
	if [ "$arch" != kunit ]; then
		mapfile -t files < <(kernel_fragments "$arch" "${VARIANT:-}")
		files+=(scripts/check-bisect.sh scripts/kernel.sh "arches/$arch.conf")
	fi
	inputs[$arch]="${VARIANT:-} $(files_id "${files[@]}")"
done

# The build directory of ARCH's kernel, and where check-bisect lists what
# its last passing build read.
declare -A out reads
for arch in "$@"; do
	[ "$arch" != kunit ] || continue
	out[$arch]=$(kernel_build_dir "$arch" "${VARIANT:-}")
	reads[$arch]=$BUILD/check-bisect/${out[$arch]##*/}.reads
done

tip=$(git -C "$TREE" rev-parse HEAD)
branch=$(git -C "$TREE" rev-parse --abbrev-ref HEAD)
trap 'git -C "$TREE" checkout -q "$branch"' EXIT

# The commit whose passing build the build directory of ARCH holds: a
# later commit that changes nothing this build read (build_changes, from
# the list in build/check-bisect/) builds the same kernel, and
# passes without a make. The UML kernels are always built: kunit.py reads
# the .kunitconfig too.
declare -A held
mkdir -p "$BUILD/check-bisect"
failed=0
n=0
for commit in $(git -C "$TREE" rev-list --reverse base.."$tip"); do
	n=$((n + 1))
	subject=$(git -C "$TREE" log -1 --format=%s "$commit")
	tree=$(git -C "$TREE" rev-parse "$commit^{tree}")
	for arch in "$@"; do
		name=$(printf 'build:%s:%04d %s' "$arch" "$n" "$subject")
		key=$(verdict_key bisect "$arch" "$tree" "${inputs[$arch]}")
		! verdict_replay "$key" "$name" || continue
		verdict_begin
		if [ -n "${held[$arch]:-}" ] &&
			! build_changes "${reads[$arch]}" "$TREE" "${held[$arch]}" "$commit"; then
			record PASS "$name" "not built: it changes nothing the last build that passed read"
			verdict_keep "$key"
			continue
		fi
		# Checked out only for a build: a commit whose verdicts are all
		# reused leaves the tree's files, and their times, alone.
		[ "$(git -C "$TREE" rev-parse HEAD)" = "$commit" ] ||
			git -C "$TREE" checkout -q "$commit"
		passed=
		if [ "$arch" = kunit ] && [ ! -f "$TREE/drivers/iommu/.kunitconfig" ]; then
			record SKIP "$name" "no KUnit suite at this commit"
		elif build "$arch"; then
			record PASS "$name"
			passed=1
		else
			record FAIL "$name"
			failed=1
		fi
		held[$arch]=
		if work_tree_is "$tree"; then
			verdict_keep "$key"
			if [ -n "$passed" ] && [ "$arch" != kunit ]; then
				held[$arch]=$commit
				build_reads "${out[$arch]}" "$TREE" >"${reads[$arch]}"
			fi
		fi
	done
done
exit "$failed"
