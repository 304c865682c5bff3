#!/usr/bin/env bash
# The fault-injection variant: each given target (every file in targets/
# when none is given) booted translated on kernels built with
# kconfig/faults.config, where the guest's vfio_fail_nth fails each
# allocation of VFIO's steps in turn and checks with DMA where each failure
# left the groups; kmemleak scans once the tests are done. The table of
# what vfio_fail_nth found ends the run.
# Usage: check-faults.sh [TARGET...]
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"

failed=0
export VARIANT=faults
"$TOP/scripts/boot.sh" translated "$@" || failed=1
# shellcheck disable=SC2046 # the targets, one word each
"$TOP/scripts/lib/fail-table.sh" $(targets_or_all "$@")
exit "$failed"
