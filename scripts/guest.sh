#!/usr/bin/env bash
# shellcheck disable=SC2154 # cross_compile: arches/*.conf
# Build the guest of one architecture: guest/init.c and the tree's IOMMU
# selftests as static binaries, and where the architecture has a VFIO
# client (client.sh), that QEMU and guest/qemu_vfio.c, which drives it,
# packed into an initramfs with the kernel's usr/gen_init_cpio, in
# guest-ARCH[-VARIANT]. Needs kernel.sh ARCH [VARIANT] first (headers,
# tool). A kernel with modules (distro) gets them
# in the guest's /modules, named in load order; the bench guest runs
# guest/bench.c instead of the tests.
# Usage: [VARIANT=...] guest.sh ARCH
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
arch=${1:?usage: [VARIANT=...] guest.sh ARCH}
variant=${VARIANT:-}
load_conf "$TOP/arches/$arch.conf"
require_tree

kernel=$(kernel_build_dir "$arch" "$variant")
out=$(guest_build_dir "$arch" "$variant")
tests=tools/testing/selftests/iommu
[ "$variant" != bench ] || tests=guest/bench.c
gen_init_cpio=$kernel/usr/gen_init_cpio
if [ ! -x "$gen_init_cpio" ] || [ ! -d "$kernel/usr/include" ]; then
	die "no $arch kernel build in $kernel: run VARIANT=$variant kernel.sh $arch first"
fi

rm -rf "$out"
mkdir -p "$out/tests" "$out/selftests" "$out/modules"
log=$out/build.log
cc=${cross_compile}gcc

client=
[ "$variant" = bench ] || [ -z "${client_qemu:-}" ] || client=$BUILD/client-$arch

build_tests() {
	if [ "$variant" = bench ]; then
		"$cc" -static -O2 -Wall -Werror -isystem "$kernel/usr/include" \
			-o "$out/tests/bench" "$TOP/$tests"
		return
	fi
	make -C "$TREE/$tests" OUTPUT="$out/selftests" \
		CC="$cc" USERLDFLAGS=-static KHDR_INCLUDES="-isystem $kernel/usr/include" \
		install INSTALL_PATH="$out/tests"
	[ -z "$client" ] ||
		"$cc" -static -O2 -Wall -Werror -I"$TREE/$tests" -isystem "$kernel/usr/include" \
			-o "$out/tests/qemu_vfio" "$TOP/guest/qemu_vfio.c" "$TREE/$tests/edu.c"
}

info "building the $arch guest: init and $tests"
if ! "$cc" -static -O2 -Wall -Werror -o "$out/init" "$TOP/guest/init.c" >"$log" 2>&1 ||
	! build_tests >>"$log" 2>&1; then
	log_tail "$log"
	die "$arch guest: build failed (full log: $log)"
fi

if [ -n "$client" ]; then
	"$TOP/scripts/client.sh" "$arch"
	cp "$client/version" "$out/client.version"
fi

# The kernel's modules, each after those it needs: modules.dep lists all of
# a module's dependencies, in the reverse of the order to load them.
if [ -d "$kernel/modules" ]; then
	moddep=$(find "$kernel/modules/lib/modules" -name modules.dep)
	[ -f "$moddep" ] || die "$arch guest: no single modules.dep in $kernel/modules"
	n=0
	while read -r module; do
		n=$((n + 1))
		cp "${moddep%/*}/$module" "$(printf '%s/modules/%02d-%s' "$out" "$n" "${module##*/}")"
	done < <(awk -F ': ?' '{ n = split($2, dep, " ")
			for (i = n; i >= 1; i--) print dep[i]
			print $1 }' "$moddep" | awk '!seen[$0]++')
	info "$arch guest: $n modules"
fi

{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "dir /proc 0755 0 0"
	echo "dir /sys 0755 0 0"
	echo "dir /tmp 1777 0 0"
	echo "file /init $out/init 0755 0 0"
	echo "dir /modules 0755 0 0"
	find "$out/modules" -maxdepth 1 -type f -printf 'file /modules/%f %p 0644 0 0\n' | sort
	echo "dir /tests 0755 0 0"
	find "$out/tests" -maxdepth 1 -type f -perm -u+x -printf 'file /tests/%f %p 0755 0 0\n' | sort
	[ -z "$client" ] || cat "$client/initramfs.list"
} >"$out/initramfs.list"
grep -q '^file /tests/' "$out/initramfs.list" ||
	die "$arch guest: the selftests installed no test program into $out/tests"
"$gen_init_cpio" "$out/initramfs.list" >"$out/initramfs.cpio"
info "$arch guest: $out/initramfs.cpio ($(grep -c '^file /tests/' "$out/initramfs.list") test programs)"
