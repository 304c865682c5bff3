#!/usr/bin/env bash
# Run the KUnit suite's claim and release cost case (iommu_test_claim_
# release_cost) on UML, timing 101 batches of cycles (a plain run of the
# suite does not time them), on the base side (the patch that adds the suite:
# the 6.1 core with a driver that has no static domains, like every 6.1
# driver) or the series side (the tip: the same driver, and one with
# static domains), and write its figures to build/bench/kunit-SIDE.counts
# as "kunit SUITE KEY VALUE" lines.
# Usage: bench-kunit.sh [base]   (the series when absent, as kernel.sh
#        and bench-boot.sh take it)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
side=${1:-series}
require_tree

kunitconfig=drivers/iommu/.kunitconfig
case $side in
base)
	rev=$(git -C "$TREE" log --diff-filter=A --format=%H base..HEAD -- "$kunitconfig" | tail -n 1)
	[ -n "$rev" ] || die "no patch of the series adds $kunitconfig"
	tree=$BUILD/linux-kunit-base
	"$TOP/scripts/lib/extract-tree.sh" "$rev" "$tree"
	uml=$BUILD/bench/kunit-base
	;;
series)
	tree=$TREE
	# make kunit's build: the same configuration, nothing to rebuild.
	uml=$(kunit_build_dir drivers/iommu)
	;;
*) die "unknown side '$side': only 'base' (the series when absent)" ;;
esac

mkdir -p "$BUILD/bench" "$uml"
log=$BUILD/bench/kunit-$side.log
export CCACHE_BASEDIR=$tree
info "bench: KUnit cost case, $side side (log: $log)"
if ! kunit_py run "$tree" "${kunitconfig%/.kunitconfig}" "$uml" \
	--kernel_args=iommu_test.cost_samples=101 \
	'iommu_core*.iommu_test_claim_release_cost' >"$log" 2>&1; then
	log_tail "$log"
	die "bench: the KUnit cost case failed on the $side side"
fi
# "# Subtest: SUITE" opens a suite; the case reports "cost: KEY VALUE ...".
awk '
	/# Subtest: / { suite = $NF; next }
	/ cost: / {
		sub(/.* cost: /, "")
		for (i = 1; i < NF; i += 2)
			print "kunit", suite, $i, $(i + 1)
		found = 1
	}
	END { exit !found }' "$uml/test.log" >"$BUILD/bench/kunit-$side.counts" ||
	die "bench: no cost figures in $uml/test.log"
info "bench: $BUILD/bench/kunit-$side.counts"
