#!/usr/bin/env bash
# make distro: the series in a distribution kernel. Build the distro
# variant of the x86_64 kernel (Debian's own amd64 config, distro.conf,
# with only the VFIO host's modules: kconfig/distro.config) and its guest,
# boot it on the targets a distribution runs on, translated and
# passthrough, with the selftests, and compare the W=1 warnings of
# drivers/iommu/ and drivers/vfio/ under that config with the base's.
# Usage: distro.sh [TARGET...]   (default: vtd-sm amd-vi)
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
S=$TOP/scripts
[ $# -gt 0 ] || set -- vtd-sm amd-vi

for target in "$@"; do
	[ "$(target_arch "$target")" = x86_64 ] ||
		die "$target is not an x86_64 target: the distro config is Debian's amd64 one"
done

start=$SECONDS
"$S/lib/fetch-pinned.sh" distro.conf >/dev/null
failed=0
export VARIANT=distro
if "$S/kernel.sh" x86_64 && "$S/guest.sh" x86_64; then
	record PASS "build:x86_64-distro" "in $(((SECONDS - start) / 60)) min"
	for target in "$@"; do
		for mode in translated passthrough; do
			"$S/lib/boot-target.sh" "$target" "$mode" || failed=1
		done
	done
	"$S/lib/distro-warnings.sh" || failed=1
else
	record FAIL "build:x86_64-distro"
	failed=1
fi
info "make distro: $(((SECONDS - start) / 60)) min"
exit "$failed"
