#!/usr/bin/env bash
# Boot each given target (every file in targets/ when none is given) in
# each given mode, building the kernel and the guest of each architecture
# they need once, first. A build that fails fails the boots that needed it.
# Usage: boot.sh [-v VARIANT] MODES [TARGET...]
#   MODES: translated, passthrough or stress (boot-target.sh), or several
#   separated by commas, each target booted in each in turn;
#   VARIANT: the kernel variant (debug); none when absent or empty.
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
S=$TOP/scripts
variant=
if [ "${1:-}" = -v ]; then
	[ $# -ge 2 ] || die "usage: boot.sh [-v VARIANT] MODES [TARGET...]"
	variant=$2
	shift 2
fi
modes=${1:?usage: boot.sh [-v VARIANT] MODES [TARGET...]}
shift
targets=$(targets_or_all "$@")

failed=0
built=" "
broken=" "
for target in $targets; do
	arch=$(target_arch "$target")
	kernel=$arch${variant:+-$variant}
	if [[ $built$broken != *" $kernel "* ]]; then
		if "$S/kernel.sh" "$arch" "$variant" && "$S/guest.sh" "$arch" "$variant"; then
			record PASS "build:$kernel"
			built+="$kernel "
		else
			record FAIL "build:$kernel"
			broken+="$kernel "
		fi
	fi
	for mode in ${modes//,/ }; do
		if [[ $broken == *" $kernel "* ]]; then
			record FAIL "$target${variant:+-$variant}:$mode:boot" "no $kernel kernel to boot"
			failed=1
			continue
		fi
		"$S/lib/boot-target.sh" "$target" "$mode" "$variant" || failed=1
	done
done
exit "$failed"
