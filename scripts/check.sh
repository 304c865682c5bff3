#!/usr/bin/env bash
# Everything 'make check' runs: the tree from series/, shellcheck on the
# scripts, the tests of lib.sh's build_changes, checkpatch, the
# documentation, every IOMMU driver compiled and checked with sparse at
# every patch (check-drivers.sh, which compiles the KUnit suite, VFIO on
# x86_64 and s390's PCI code too), coccicheck on the files each patch
# changes (check-cocci.sh), a build of every patch for x86_64, the arm64
# kernel, every QEMU target booted twice (translated and
# iommu.passthrough=1), KUnit, KUnit and the vtd target on the debug
# kernels (check-debug.sh), and vtd and smmuv3 with fault injection
# (check-faults.sh), where vfio_fail_nth fails each allocation of VFIO's
# steps in turn. A failing step does not stop the others; the summary's
# last line counts every result.
# A result whose inputs were judged before is taken from the verdict cache
# (scripts/lib/verdicts.sh) unless REUSE_VERDICTS=0.
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
# The kernels of the plain variant, whatever the caller's VARIANT is; the
# debug step sets its own.
export VARIANT=
export REUSE_VERDICTS=${REUSE_VERDICTS:-1}
S=$TOP/scripts

rm -rf "$RESULTS"
start=$SECONDS
step() { info "[$((SECONDS - start)) s] $*"; }

# How many failures are recorded so far.
failures_recorded() {
	if [ -f "$RESULTS/results.txt" ]; then
		grep -c '^FAIL ' "$RESULTS/results.txt" || true
	else
		echo 0
	fi
}

# Run scripts/NAME.sh with ARGs as a step: one that fails without having
# recorded a failure (it stopped on an error before judging anything) is
# recorded as a failure of its own, so that it cannot pass unseen.
# Usage: run NAME [ARG...]
run() {
	local name=$1 before status=0
	shift
	before=$(failures_recorded)
	"$S/$name.sh" "$@" || status=$?
	if [ "$status" -ne 0 ] && [ "$(failures_recorded)" -eq "$before" ]; then
		record FAIL "$name" "stopped with status $status before judging: see its error above"
	fi
}

"$S/deps.sh"
# The packages are part of every verdict's key: again, after deps.sh.
verdict_context
step "work tree"
if ! "$S/tree.sh"; then
	record FAIL "tree" "no work tree: see the error above"
	exec "$S/lib/summary.sh"
fi

step "shellcheck on every script"
run lint

step "tests of build_changes, which decides the builds make check skips"
run test-lib

step "checkpatch --strict on every patch"
run checkpatch

step "documentation: Documentation/iommu/ and kernel-doc"
run docs

step "every IOMMU driver (and VFIO, s390 PCI), W=1 and sparse, at every patch, on five architectures"
run check-drivers

step "coccicheck on the C files each patch changes"
run check-cocci

step "x86_64 build of every patch"
run check-bisect x86_64

step "every target in targets/ booted translated and passthrough, at the tip"
run boot translated,passthrough

step "KUnit"
run kunit

step "debug kernels: KUnit and vtd with KASAN, kmemleak, lockdep, ..."
run check-debug vtd

step "fault injection: every allocation of VFIO's steps failed in turn, on vtd and smmuv3"
run check-faults vtd smmuv3

step "done"
exec "$S/lib/summary.sh"
