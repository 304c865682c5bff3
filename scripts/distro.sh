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
# distro-warnings.sh reads the build directory: build, reuse nothing.
export REUSE_VERDICTS=0
"$S/boot.sh" translated,passthrough "$@" || failed=1
"$S/lib/distro-warnings.sh" || failed=1
info "make distro: $(((SECONDS - start) / 60)) min"
exit "$failed"
