#!/usr/bin/env bash
# The series' documentation at the tip: Documentation/iommu/ built with
# Sphinx (make htmldocs SPHINXDIRS=iommu) and the kernel-doc comments of
# the files it pulls in, each one result, failed by any warning.
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
require_tree

out=$BUILD/docs
log=$out/htmldocs.log
kerneldoc_files=(include/linux/iommu.h drivers/iommu/iommu.c drivers/iommu/iommu-sva-lib.c)
mkdir -p "$out"
failed=0

# Both verdicts are kept under the work tree's tree and this script.
tip=$(work_tree_id)
key=$(verdict_key docs "$tip" "$(files_id scripts/docs.sh)")
verdict_begin
! verdict_replay "$key" || exit 0

info "building Documentation/iommu/ (log: $log)"
# Debian's sphinx-build, not one from another python3 on PATH
if ! (cd "$TREE" && PATH=/usr/bin:$PATH make -s O="$out" SPHINXDIRS=iommu \
	htmldocs) >"$log" 2>&1; then
	log_tail "$log"
	record FAIL "docs:htmldocs" "make htmldocs failed"
	failed=1
elif grep -q -E 'WARNING|ERROR' "$log"; then
	grep -E 'WARNING|ERROR' "$log" >&2
	record FAIL "docs:htmldocs" "$(grep -c -E 'WARNING|ERROR' "$log") warnings"
	failed=1
else
	record PASS "docs:htmldocs"
fi

warnings=$(cd "$TREE" && perl scripts/kernel-doc -none "${kerneldoc_files[@]}" 2>&1)
if [ -n "$warnings" ]; then
	printf '%s\n' "$warnings" >&2
	record FAIL "docs:kernel-doc" "$(printf '%s\n' "$warnings" | wc -l) warnings"
	failed=1
else
	record PASS "docs:kernel-doc"
fi
! work_tree_is "$tip" || verdict_keep "$key"
exit "$failed"
