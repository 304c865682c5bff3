#!/usr/bin/env bash
# shellcheck disable=SC2154 # cross_compile: arches/*.conf
# Build the guest of one architecture: guest/init.c and the tree's IOMMU
# selftests as static binaries, packed into an initramfs with the kernel's
# usr/gen_init_cpio. Needs build-kernel.sh ARCH [VARIANT] first (headers,
# tool); the guest is the same for every variant of the kernel but bench,
# whose guest (guest-ARCH-bench) runs guest/bench.c instead of the tests.
# Usage: build-guest.sh ARCH [VARIANT]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
arch=${1:?usage: build-guest.sh ARCH [VARIANT]}
variant=${2:-}
load_conf "$TOP/arches/$arch.conf"
require_tree

kernel=$BUILD/kernel-$arch${variant:+-$variant}
out=$BUILD/guest-$arch
tests=tools/testing/selftests/iommu
if [ "$variant" = bench ]; then
	out=$BUILD/guest-$arch-bench
	tests=guest/bench.c
fi
gen_init_cpio=$kernel/usr/gen_init_cpio
if [ ! -x "$gen_init_cpio" ] || [ ! -d "$kernel/usr/include" ]; then
	die "no $arch kernel build in $kernel: run build-kernel.sh $arch $variant first"
fi

rm -rf "$out"
mkdir -p "$out/tests" "$out/selftests"
log=$out/build.log
cc=${cross_compile}gcc

build_tests() {
	if [ "$variant" = bench ]; then
		"$cc" -static -O2 -Wall -Werror -isystem "$kernel/usr/include" \
			-o "$out/tests/bench" "$TOP/$tests"
	else
		make -C "$TREE/$tests" OUTPUT="$out/selftests" \
			CC="$cc" USERLDFLAGS=-static KHDR_INCLUDES="-isystem $kernel/usr/include" \
			install INSTALL_PATH="$out/tests"
	fi
}

info "building the $arch guest: init and $tests"
if ! "$cc" -static -O2 -Wall -Werror -o "$out/init" "$TOP/guest/init.c" >"$log" 2>&1 ||
	! build_tests >>"$log" 2>&1; then
	log_tail "$log"
	die "$arch guest: build failed (full log: $log)"
fi

{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "dir /proc 0755 0 0"
	echo "dir /sys 0755 0 0"
	echo "file /init $out/init 0755 0 0"
	echo "dir /tests 0755 0 0"
	find "$out/tests" -maxdepth 1 -type f -perm -u+x -printf 'file /tests/%f %p 0755 0 0\n' | sort
} >"$out/initramfs.list"
grep -q '^file /tests/' "$out/initramfs.list" ||
	die "$arch guest: the selftests installed no test program into $out/tests"
"$gen_init_cpio" "$out/initramfs.list" >"$out/initramfs.cpio"
info "$arch guest: $out/initramfs.cpio ($(grep -c '^file /tests/' "$out/initramfs.list") test programs)"
