#!/usr/bin/env bash
# shellcheck disable=SC2154 # kernel_image: arches/*.conf
# shellcheck disable=SC2153 # FILE: distro.conf
# Build the guest kernel of one architecture out of tree, from tinyconfig
# plus kconfig/common.config and kconfig/ARCH.config, with ccache. A
# VARIANT adds kconfig/VARIANT.config and builds in kernel-ARCH-VARIANT;
# "base" as third argument builds the pinned base (extract-tree.sh)
# instead of the series, in kernel-ARCH-VARIANT-base. The distro variant
# starts from Debian's config (distro.conf, fetch-pinned.sh) instead, with
# Debian's modules turned off, then adds kconfig/distro.config alone. A
# kernel with modules installs them in its build directory's modules/.
# Usage: [VARIANT=...] kernel.sh ARCH [base]   (ARCH: a file in arches/;
#        VARIANT: debug, bench, distro)
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
arch=${1:?usage: [VARIANT=...] kernel.sh ARCH [base]}
variant=${VARIANT:-}
side=${2:-}
load_conf "$TOP/arches/$arch.conf"
require_tree
tree=$TREE
case $side in
'') ;;
base)
	tree=$BASE_TREE
	[ -f "$tree/Makefile" ] || die "no base tree in $tree: run extract-tree.sh base $tree"
	;;
*) die "unknown side '$side': only 'base' (the series when absent)" ;;
esac

name=$arch${variant:+-$variant}${side:+-$side}
out=$(kernel_build_dir "$arch" "$variant${side:+-$side}")
# Paths under the checkout are hashed relative to it, so another clone of
# the project reuses the compiler cache.
export CCACHE_BASEDIR=$TOP
mkdir -p "$out"
log=$out/build.log
kmake=(kernel_make "$tree" "$out" "$arch")
if [ "$variant" = distro ]; then
	[ "$arch" = x86_64 ] || die "the distro variant is Debian's amd64 config: x86_64 only, not $arch"
	load_conf "$TOP/distro.conf"
	[ -f "$FILE" ] || die "no Debian config $FILE: run fetch-pinned.sh distro.conf"
fi
mapfile -t fragments < <(kernel_fragments "$arch" "$variant" | sed "s#^#$TOP/#")
for fragment in "${fragments[@]}"; do
	[ -f "$fragment" ] || die "no kconfig fragment $fragment"
done

run_logged() {
	if ! "$@" >>"$log" 2>&1; then
		log_tail "$log"
		die "$name kernel: '$*' failed (full log: $log)"
	fi
}

: >"$log"
if [ "$variant" = distro ]; then
	info "configuring the $name kernel (${FILE##*/} without its modules + ${fragments[*]##*/})"
	xz -dc "$FILE" | sed -E 's/^(CONFIG_[A-Za-z0-9_]+)=m$/# \1 is not set/' >"$out/.config"
else
	info "configuring the $name kernel (tinyconfig + ${fragments[*]##*/})"
	run_logged "${kmake[@]}" tinyconfig
fi
run_logged "$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${fragments[@]}"
run_logged "${kmake[@]}" olddefconfig

# merge_config.sh only warns about options that did not survive: refuse.
lost=$(config_lost "$out/.config" "${fragments[@]}")
[ -z "$lost" ] || die "$name kernel: these options from kconfig/ did not make it into .config
(a missing dependency?):
$lost"

info "building the $name kernel (log: $log)"
run_logged "${kmake[@]}" "${KERNEL_TARGETS:-all}"
run_logged "${kmake[@]}" headers
rm -rf "$out/modules"
if grep -q '^CONFIG_MODULES=y' "$out/.config"; then
	run_logged "${kmake[@]}" INSTALL_MOD_PATH="$out/modules" modules_install
fi
info "$name kernel: $out/$kernel_image"
