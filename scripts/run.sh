#!/usr/bin/env bash
# make run: the work tree from series/ if there is none yet, the patched
# kernel booted on emulated VT-d, translated and with iommu.passthrough=1,
# and what the device's DMA did in each state.
# Usage: run.sh
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
export VARIANT=
# The DMA table is read from this run's boot logs: boot, reuse nothing.
export REUSE_VERDICTS=0
S=$TOP/scripts

[ -d "$TREE/.git" ] || "$S/tree.sh"
rm -rf "$RESULTS"
status=0
"$S/boot.sh" translated,passthrough vtd || status=1
"$S/lib/summary.sh" || status=1
echo
"$S/lib/dma-table.sh" vtd
exit "$status"
