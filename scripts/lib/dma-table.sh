#!/usr/bin/env bash
# Print what the DMA-isolation tests observed on one target, from the
# "# observed:" lines of its boot logs (nested by the guest's init as
# "# # observed:"), as a table, and what DMA did in
# each VFIO state, from the "# vfio:" lines, with how often it was seen.
# Usage: dma-table.sh TARGET
set -euo pipefail
. "$(dirname "$0")/lib.sh"
target=${1:?usage: dma-table.sh TARGET}
head -n 1 "$TOP/targets/$target.conf" | sed 's/^# /DMA isolation on: /'
printf '%-12s %-10s %-14s %-7s %s\n' boot state direction landed fault
for mode in translated passthrough; do
	log=$BUILD/logs/$target-$mode.log
	[ -f "$log" ] || continue
	sed -n 's/^# # observed: state=\([^ ]*\) dir=\([^ ]*\) landed=\([^ ]*\) fault=\([^ \r]*\).*/\1 \2 \3 \4/p' "$log" |
		while read -r state dir landed fault; do
			printf '%-12s %-10s %-14s %-7s %s\n' "$mode" "$state" "$dir" "$landed" "$fault"
		done
done

echo
echo "VFIO states (vfio_states, and qemu_vfio after each QEMU exit: every device, every test):"
printf '%-12s %-14s %-14s %-7s %s\n' boot state address landed times
for mode in translated passthrough; do
	log=$BUILD/logs/$target-$mode.log
	[ -f "$log" ] || continue
	sed -n 's/^# # vfio: state=\([^ ]*\) addr=\([^ ]*\) landed=\([^ \r]*\).*/\1 \2 \3/p' "$log" |
		sort | uniq -c |
		while read -r times state addr landed; do
			printf '%-12s %-14s %-14s %-7s %s\n' "$mode" "$state" "$addr" "$landed" "$times"
		done
done
