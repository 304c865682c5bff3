#!/usr/bin/env bash
# Boot each given target (every file in targets/ when none is given) in
# each given mode, building the kernel and the guest of each architecture
# they need once, first. A build that fails fails the boots that needed it.
# Usage: [VARIANT=...] boot.sh MODES [TARGET...]
#   MODES: translated, passthrough or stress (boot-target.sh), or several
#   separated by commas, each target booted in each in turn;
#   VARIANT: the kernel variant (debug, faults), from the environment;
#   none when unset or empty.
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
S=$TOP/scripts
variant=${VARIANT:-}
modes=${1:?usage: [VARIANT=...] boot.sh MODES [TARGET...]}
shift
targets=$(targets_or_all "$@")

failed=0
built=" "
broken=" "
for target in $targets; do
	arch=$(target_arch "$target")
	kernel=$arch${variant:+-$variant}
	if [[ $built$broken != *" $kernel "* ]]; then
		if "$S/kernel.sh" "$arch" && "$S/guest.sh" "$arch"; then
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
		"$S/lib/boot-target.sh" "$target" "$mode" || failed=1
	done
done
exit "$failed"
