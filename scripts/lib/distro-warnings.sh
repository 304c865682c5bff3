#!/usr/bin/env bash
# Compile drivers/iommu/ and drivers/vfio/ with W=1 under the distro
# kernel's configuration (kernel.sh x86_64 distro), at the base and
# with the series, each in its own build directory, and compare their
# warnings as check-drivers.sh does: a warning the series adds fails.
# Usage: distro-warnings.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_tree
config=$(kernel_build_dir x86_64 distro)/.config
[ -f "$config" ] || die "no distro kernel configuration: run VARIANT=distro kernel.sh x86_64"
"$TOP/scripts/lib/extract-tree.sh" base "$BASE_TREE"

dirs=(drivers/iommu drivers/vfio)
# Written to the log between "make prepare" and the compile of the
# directories: only the warnings after it are compared.
marker="#### distro-warnings: ${dirs[*]}"
export CCACHE_BASEDIR=$TOP

# compile SIDE SRC: configure and compile the directories; the warnings go
# to distro-w1-SIDE/w1.warnings (normalized) and w1.raw (as printed).
compile() {
	local side=$1 src=$2 out=$BUILD/distro-w1-$1 dir
	local kmake=(kernel_make "$src" "$out" x86_64)
	mkdir -p "$out"
	cp "$config" "$out/.config"
	# ccache replays the warnings of what it compiled before, but make
	# would not compile an object it finds up to date.
	for dir in "${dirs[@]}"; do
		[ ! -d "$out/$dir" ] || find "$out/$dir" -name '*.o' -delete
	done
	info "distro config, $side: compiling ${dirs[*]} with W=1 (log: $out/w1.log)"
	if ! { "${kmake[@]}" olddefconfig && "${kmake[@]}" W=1 prepare && echo "$marker" &&
		"${kmake[@]}" W=1 "${dirs[@]/%//}"; } >"$out/w1.log" 2>&1; then
		show_errors "$out/w1.log"
		return 1
	fi
	# No warning is a result only if W=1 reached the compiler (it adds
	# -Wextra to every object's command line).
	if ! grep -q -e '-Wextra' "$out/drivers/iommu/.iommu.o.cmd"; then
		warn "distro config, $side: drivers/iommu/iommu.o was not compiled with W=1"
		return 1
	fi
	build_warnings "$out/w1.log" "$marker" "$src" "$out" "$out/w1.raw" >"$out/w1.warnings"
}

if ! compile base "$BASE_TREE"; then
	record FAIL "distro:w1:base" "${dirs[*]} do not compile at the base"
	exit 1
fi
base=$BUILD/distro-w1-base/w1.warnings
record PASS "distro:w1:base" "$(wc -l <"$base") W=1 warnings, the reference"

if ! compile series "$TREE"; then
	record FAIL "distro:w1:series" "${dirs[*]} do not compile with the series"
	exit 1
fi
series=$BUILD/distro-w1-series/w1.warnings
new=$(warnings_added "$base" "$series")
if [ -n "$new" ]; then
	record FAIL "distro:w1:series" "$(wc -l <<<"$new") new W=1 warnings"
	show_warnings <(printf '%s\n' "$new") "$series" "${series%.warnings}.raw" >&2
	exit 1
fi
record PASS "distro:w1:series" "$(wc -l <"$series") W=1 warnings, none new"
