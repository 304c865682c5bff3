#!/usr/bin/env bash
# The debug variant: the KUnit suites, then each given target (every file
# in targets/ when none is given) booted translated, on kernels built with
# kconfig/debug.config. A report of KASAN, kmemleak, lockdep, debug objects
# or list debugging fails the run it appears in.
# Usage: check-debug.sh [TARGET...]
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"

failed=0
export VARIANT=debug
"$TOP/scripts/kunit.sh" || failed=1
"$TOP/scripts/boot.sh" translated "$@" || failed=1
exit "$failed"
