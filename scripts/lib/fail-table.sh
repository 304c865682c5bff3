#!/usr/bin/env bash
# Print, per target booted on the faults kernel, what vfio_fail_nth found:
# for each step and type of default domain, how many allocations the step
# made that could fail, and how each failure ended: unchanged (the step
# failed, the groups stayed where they were), done (the step got over the
# failure), blocked (the core blocked a group and said so), unrecorded (a
# group was not where the kernel reports it: must be 0). From the step
# lines of the boot logs, nested by the guest's init as "# # fail_nth:".
# Usage: fail-table.sh TARGET...
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || die "usage: fail-table.sh TARGET..."

echo "Allocation failures injected by vfio_fail_nth (make check-faults):"
printf '%-14s %-24s %-9s %6s %9s %5s %7s %10s\n' \
	target step default points unchanged 'done' blocked unrecorded
for target in "$@"; do
	log=$BUILD/logs/$target-faults-translated.log
	[ -f "$log" ] || continue
	# A boot whose verdict was reused did not boot: its log may be of
	# another tree's boot.
	if grep -q -E "^PASS $target-faults:translated:boot # (.*; )?cached$" "$RESULTS/results.txt" 2>/dev/null; then
		printf '%-14s (verdict reused from the cache: no boot, no table)\n' "$target"
		continue
	fi
	sed -n 's/^# # fail_nth: step=\([^ ]*\) default=\([^ ]*\) points=\([0-9]*\) unchanged=\([0-9]*\) done=\([0-9]*\) blocked=\([0-9]*\) unrecorded=\([0-9]*\).*/\1 \2 \3 \4 \5 \6 \7/p' "$log" |
		while read -r step default points unchanged absorbed blocked unrecorded; do
			printf '%-14s %-24s %-9s %6s %9s %5s %7s %10s\n' "$target" "$step" \
				"$default" "$points" "$unchanged" "$absorbed" "$blocked" "$unrecorded"
		done
done
