#!/usr/bin/env bash
# make bench: build the bench kernels of the base and of the series (kconfig/
# bench.config: trace events) for every architecture the targets need, boot
# each target's bench guest on both, run the KUnit cost case on both sides,
# and write the report (bench-report.sh) to bench/results.md and stdout.
# Any step that fails stops the run: a table with a missing side is not a
# result.
# Usage: bench.sh [TARGET...]   (every file in targets/ when none)
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
S=$TOP/scripts
targets=$(targets_or_all "$@")
require_tree
start=$SECONDS

"$S/lib/extract-tree.sh" base "$BASE_TREE"
arches=$(for target in $targets; do target_arch "$target"; done | sort -u)
for arch in $arches; do
	VARIANT=bench "$S/kernel.sh" "$arch"
	VARIANT=bench "$S/kernel.sh" "$arch" base
	VARIANT=bench "$S/guest.sh" "$arch"
done
for target in $targets; do
	"$S/lib/bench-boot.sh" "$target" base
	"$S/lib/bench-boot.sh" "$target"
done
"$S/lib/bench-kunit.sh" base
"$S/lib/bench-kunit.sh"

# shellcheck disable=SC2086 # one target per word
"$S/lib/bench-report.sh" $targets >"$BUILD/bench/results.md"
mkdir -p "$TOP/bench"
cp "$BUILD/bench/results.md" "$TOP/bench/results.md"
cat "$TOP/bench/results.md"
info "bench: $TOP/bench/results.md ($((SECONDS - start)) s)"
