#!/usr/bin/env bash
# shellcheck disable=SC2154 # arch, bench_events, ...: targets/*.conf, arches/*.conf
# Boot one target's bench guest on the series' or the base's bench kernel
# with sixteen edu devices, each in a group of its own, trace the IOMMU's
# work in QEMU, and write what bench-hardware.awk and bench-memory.awk
# count to build/bench/TARGET-SIDE.counts (SIDE: series or base).
# Usage: bench-boot.sh TARGET [base]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
target=${1:?usage: bench-boot.sh TARGET [base]}
side=${2:-}
case $side in
'' | base) ;;
*) die "unknown side '$side': only 'base' (the series when absent)" ;;
esac
load_conf "$TOP/targets/$target.conf"
load_conf "$TOP/arches/$arch.conf"
[ -n "${bench_events:-}" ] || die "targets/$target.conf names no bench_events"

kernel=$(kernel_build_dir "$arch" "bench${side:+-$side}")/$kernel_image
initrd=$(guest_build_dir "$arch" bench)/initramfs.cpio
[ -f "$kernel" ] || die "no kernel $kernel: run VARIANT=bench kernel.sh $arch $side"
[ -f "$initrd" ] || die "no bench guest $initrd: run VARIANT=bench guest.sh $arch"
command -v "$qemu" >/dev/null || die "$qemu not found: install $qemu_package"

name=$target-${side:-series}
out=$BUILD/bench
log=$out/$name.log
trace=$out/$name.qemu-trace
mkdir -p "$out"
rm -f "$trace" "$out/$name.counts"

# Sixteen groups: the per-group figures are averages over them.
edus=16
# no_hash_pointers: the trace pairs allocations and frees by address,
# and hashed pointers print as "(____ptrval____)" until the hashing key
# is ready.
target_qemu_args "$kernel" "$initrd" no_hash_pointers
for slot in $(seq 8 $((8 + edus - 1))); do
	qemu_args+=(-device "edu,dma_mask=0xffffffffffffffff,addr=$(printf '%x' "$slot").0")
done
qemu_args+=(-trace pci_cfg_write -D "$trace")
for event in $bench_events; do
	qemu_args+=(-trace "$event")
done

timeout=${BOOT_TIMEOUT:-300}
# Why the bench program's run went wrong, printed; nothing if it did not.
bench_failure() {
	if grep -q '^bench: error:' "$log"; then
		grep -m 1 '^bench: error:' "$log"
	elif ! grep -q '^bench: done$' "$log"; then
		echo "the bench program did not finish"
	elif ! grep -q "^bench: groups $edus\$" "$log"; then
		echo "the guest did not find $edus groups: $(grep -m 1 '^bench: groups' "$log" || echo none)"
	fi
}

info "bench: booting $name (serial log: $log)"
run_qemu "$log" "$out/$name.qemu.log" "$timeout"
# The guest's init nests the bench program's output in its TAP as "# "
# comments (guest/init.c): take that off again.
sed -i 's/^# //' "$log"

failure=${boot_failure:-$(bench_failure)}
if [ -n "$failure" ]; then
	log_tail "$log" 30
	die "bench $name: $failure"
fi

{
	echo "groups $edus"
	awk -f "$TOP/scripts/lib/bench-hardware.awk" "$trace"
	awk -f "$TOP/scripts/lib/bench-memory.awk" "$log"
} >"$out/$name.counts.new" || die "bench $name: cannot count $trace and $log"
mv "$out/$name.counts.new" "$out/$name.counts"
info "bench $name: $out/$name.counts"
