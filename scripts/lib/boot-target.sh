#!/usr/bin/env bash
# shellcheck disable=SC2154 # arch, machine, ...: targets/*.conf, arches/*.conf
# Boot one QEMU target (TCG) with its guest, keep the serial log, and record
# one result per TAP test line plus one for the boot itself. The boot fails
# on a timeout, a panic, Oops, WARN, BUG (KASAN's "BUG: KASAN:" too),
# lockdep (INFO:, WARNING:), debug objects or list corruption report, on
# fewer results than the tests planned, on a test program that failed
# without reporting a failed test (it crashed or could not start), or on a
# module the guest could not load. A kernel with kmemleak must have scanned
# after the tests and found nothing.
# Usage: [VARIANT=...] boot-target.sh TARGET [translated|passthrough|stress]
#   passthrough adds iommu.passthrough=1: the control run, in which an
#   unclaimed device's DMA must land. stress is translated with the long
#   form of the selftests' stress counts. VARIANT boots the kernel and the
#   guest that kernel.sh and guest.sh ARCH VARIANT built
#   (debug, faults, distro).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
target=${1:?usage: [VARIANT=...] boot-target.sh TARGET [translated|passthrough|stress]}
mode=${2:-translated}
variant=${VARIANT:-}
load_conf "$TOP/targets/$target.conf"
load_conf "$TOP/arches/$arch.conf"

kernel_dir=$(kernel_build_dir "$arch" "$variant")
kernel=$kernel_dir/$kernel_image
initrd=$(guest_build_dir "$arch" "$variant")/initramfs.cpio
[ -f "$kernel" ] || die "no $arch kernel: run VARIANT=$variant kernel.sh $arch"
[ -f "$initrd" ] || die "no $arch guest: run VARIANT=$variant guest.sh $arch"
command -v "$qemu" >/dev/null || die "$qemu not found: install $qemu_package"

# A boot takes about 100 s with four side by side on two CPUs.
timeout=${BOOT_TIMEOUT:-300}
# The stress counts are those the issue asks of every target: 1,000
# claim and release cycles and 100 vfio-pci rebindings per process.
case $mode in
translated) mode_cmdline= ;;
passthrough) mode_cmdline=iommu.passthrough=1 ;;
stress)
	mode_cmdline="IOMMU_STRESS_CYCLES=1000 IOMMU_STRESS_REBINDS=100"
	timeout=${BOOT_TIMEOUT:-1800}
	;;
*) die "unknown mode '$mode': translated, passthrough or stress" ;;
esac

name=$target${variant:+-$variant}:$mode
log=$BUILD/logs/$target${variant:+-$variant}-$mode.log
qemu_log=${log%.log}.qemu.log
# KASAN and kmemleak make a TCG guest several times slower, and KASAN's
# quarantine holds freed memory back: the tests must not weigh memory.
if grep -q '^CONFIG_KASAN=y' "$kernel_dir/.config"; then
	[ -n "${BOOT_TIMEOUT:-}" ] || timeout=$((timeout * 5))
	mode_cmdline+=" IOMMU_TEST_KASAN=1"
fi
# vfio_fail_nth runs VFIO's steps again for each allocation they make.
if grep -q '^CONFIG_FAULT_INJECTION=y' "$kernel_dir/.config"; then
	[ -n "${BOOT_TIMEOUT:-}" ] || timeout=$((timeout * 5))
fi
mkdir -p "$BUILD/logs"

target_qemu_args "$kernel" "$initrd" \
	"$mode_cmdline IOMMU_FAULT_IRQ=$fault_irq IOMMU_BLOCKED_FAULT=\"$blocked_fault\""
# Four edu devices: two alone in their groups, and two functions of one
# multi-function slot, which the kernel groups together since they have
# no ACS to isolate them from each other. Not two devices behind a
# PCIe-to-PCI bridge, which share the bridge's requester ID: SMMUv3 in 6.1
# refuses the second device with that stream ID, and with QEMU 7.2 the
# devices behind the bridge got no IOMMU group under virtio-iommu and
# their mapped DMA did not land under AMD-Vi.
edu=edu,dma_mask=0xffffffffffffffff
qemu_args+=(-device "$edu,addr=10.0" -device "$edu,addr=11.0"
	-device "$edu,addr=12.0,multifunction=on" -device "$edu,addr=12.1")

# Why the guest's run went wrong, printed; nothing if it did not.
guest_failure() {
	if grep -q '^init: cannot load module' "$log"; then
		grep -m 1 '^init: cannot load module' "$log"
	elif ! grep -q '^init: all tests done' "$log"; then
		echo "the guest did not finish its tests"
	elif grep -q '^CONFIG_DEBUG_KMEMLEAK=y' "$kernel_dir/.config" &&
		! grep -q '^init: kmemleak: scanned, 0 suspected leaks$' "$log"; then
		echo "kmemleak did not scan after the tests, or found leaks"
	fi
}

info "booting $name (serial log: $log)"
run_qemu "$log" "$qemu_log" "$timeout"
failure=${boot_failure:-$(guest_failure)}

# The guest's log is one TAP document (guest/init.c): one test per program,
# "ok N selftests: iommu: PROGRAM", and nested in it as "# " comments, each
# program's own TAP: "ok N name", "not ok N name", "ok N name # SKIP why";
# the 6.1 harness leaves the name out of a SKIP line, so take it from the
# harness's "#  RUN name ..." line before it. Each program and each of its
# tests is a result; the plans of both levels must be met.
planned=$(sed -n 's/^\(# \)\?1\.\.\([0-9]*\)$/\2/p' "$log" | awk '{ n += $1 } END { print n + 0 }')
seen=0
while read -r verdict test why; do
	seen=$((seen + 1))
	record "$verdict" "$name:$test" "$why"
done < <(awk '
	function result(line, prefix,  verdict, why) {
		verdict = line ~ /^not ok/ ? "FAIL" : line ~ / # SKIP/ ? "SKIP" : "PASS"
		sub(/^(not )?ok [0-9]+ ?/, "", line)
		why = ""
		if (match(line, / ?# (SKIP|exit=) ?/)) {
			why = substr(line, RSTART + RLENGTH)
			if (substr(line, RSTART, RLENGTH) ~ /exit=/)
				why = "exit=" why
			line = substr(line, 1, RSTART - 1)
		}
		print verdict, prefix (line == "" ? current : line), why
	}
	/^# #  RUN / { current = $4; next }
	/^# (not )?ok [0-9]+/ { result(substr($0, 3), ""); next }
	/^(not )?ok [0-9]+ selftests: / {
		sub(/selftests: iommu: /, "")
		result($0, "program:")
	}' "$log")
if [ -z "$failure" ] && [ "$seen" -ne "$planned" ]; then
	failure="$seen results for $planned planned tests"
fi
if [ -z "$failure" ] && [ "$planned" -eq 0 ]; then
	failure="no test ran"
fi
# A program that failed without reporting a failed test of its own died,
# or could not start: the boot fails with it.
died=$(awk '
	/^# selftests: / { failed = 0; next }
	/^# not ok [0-9]+/ { failed = 1; next }
	/^not ok [0-9]+ selftests: / && !failed {
		sub(/^not ok [0-9]+ selftests: iommu: /, "")
		sub(/ # exit=/, " exited with ")
		print; exit
	}' "$log")
if [ -z "$failure" ] && [ -n "$died" ]; then
	failure="a test program failed without reporting a failed test: $died"
fi

if [ -n "$failure" ]; then
	log_tail "$log" 30
	[ ! -s "$qemu_log" ] || log_tail "$qemu_log" 10
	record FAIL "$name:boot" "$failure"
	exit 1
fi
# The boot's result names the guest's VFIO client, if it has one.
client=$(cat "${initrd%/*}/client.version" 2>/dev/null || true)
record PASS "$name:boot" ${client:+"VFIO client: $client"}
