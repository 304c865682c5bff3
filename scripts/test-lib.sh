#!/usr/bin/env bash
# Tests of the lib.sh function that lets make check skip a build:
# build_changes, on a small git tree and a build directory whose .cmd
# files name its sources the ways kbuild and ccache write them. One result
# per case: a case fails when build_changes says "no change" where a build
# would differ, or "change" where it would not.
# Usage: test-lib.sh
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"

export GIT_AUTHOR_NAME=$GIT_COMMITTER_NAME GIT_AUTHOR_EMAIL=$GIT_COMMITTER_EMAIL
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$work/src
out=$work/out
mkdir -p "$src/inc" "$src/sub" "$src/tools/testing" "$src/Documentation" \
	"$src/kernel/configs" "$out/drv"
git -C "$src" init -q
for file in Makefile a.c b.c inc/x.h sub/y.h tools/testing/t.c Documentation/d.rst \
	kernel/configs/tiny.config; do
	echo "/* $file */" >"$src/$file"
done
git -C "$src" add -A
git -C "$src" commit -q -m base
base=$(git -C "$src" rev-parse HEAD)
# A.c built: named absolute, its headers relative to the build directory,
# one of them through "..", as fixdep and ccache write them; b.c is not.
cat >"$out/drv/.a.o.cmd" <<CMD
cmd_drv/a.o := gcc -I$src/inc -I../src/sub -c -o drv/a.o $src/a.c
source_drv/a.o := $src/a.c
deps_drv/a.o := \\
  ../src/inc/x.h \\
  \$(wildcard include/config/FOO) \\
  ../src/inc/../sub/y.h \\
CMD
build_reads "$out" "$src" >"$work/reads"

# check_case NAME EXPECTED COMMAND...: make one commit with COMMAND run in the
# tree, and check that build_changes says EXPECTED ("change" or "same")
# of it, from the base.
check_case() {
	local name=$1 expected=$2 said=same
	shift 2
	git -C "$src" checkout -q --detach "$base"
	(cd "$src" && "$@")
	git -C "$src" add -A
	git -C "$src" commit -q --allow-empty -m "$name"
	if build_changes "$work/reads" "$src" "$base" HEAD; then
		said=change
	fi
	if [ "$said" = "$expected" ]; then
		record PASS "test-lib:build_changes:$name"
	else
		record FAIL "test-lib:build_changes:$name" "said $said, expected $expected"
		failed=1
	fi
}
# shellcheck disable=SC2317 # run by check_case
edit() { echo "/* edited */" >>"$1"; }

failed=0
check_case source_built change edit a.c
check_case header_relative change edit inc/x.h
check_case header_through_dotdot change edit sub/y.h
check_case source_not_built same edit b.c
check_case selftest same edit tools/testing/t.c
check_case documentation same edit Documentation/d.rst
check_case makefile change edit Makefile
check_case tinyconfig_fragment change edit kernel/configs/tiny.config
check_case file_added change touch c.c
check_case file_deleted_built change git rm -q inc/x.h
check_case nothing same true
: >"$work/reads"
check_case reads_unknown change edit b.c
exit "$failed"
