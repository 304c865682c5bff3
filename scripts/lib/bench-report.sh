#!/usr/bin/env bash
# Print the make bench results as Markdown: what build/bench/*.counts hold
# for the base and the series side by side, per group, with the ratio
# series / base, the minimum (bench/minimum.conf for the hardware, 0 for
# memory) and whether the series is at it, then make check's wall time
# from bench/check-time.md (make bench-check). Fails, after printing, if
# the series is above a minimum for no reason given in
# bench/above-minimum.conf, below one, or if that file explains a figure
# that is at its minimum.
# Usage: bench-report.sh TARGET...
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || die "usage: bench-report.sh TARGET..."
counts=$BUILD/bench

files=("$TOP/bench/minimum.conf" "$TOP/bench/above-minimum.conf")
for side in base series; do
	[ -f "$counts/kunit-$side.counts" ] || die "no $counts/kunit-$side.counts: run bench-kunit.sh ${side/series/}"
	files+=("$counts/kunit-$side.counts")
	for target in "$@"; do
		[ -f "$counts/$target-$side.counts" ] ||
			die "no $counts/$target-$side.counts: run bench-boot.sh $target ${side/series/}"
		files+=("$counts/$target-$side.counts")
	done
done

base_version=$(git -C "$TREE" tag -l --format='%(contents:subject)' base)
patches=$(git -C "$TREE" rev-list --count base..HEAD)
cat <<HEAD
# make bench

- date: $(date -u '+%Y-%m-%d %H:%M UTC')
- machine: $(machine_description)
- QEMU: $(qemu-system-x86_64 --version | head -n 1), TCG
- base: $base_version
- series: $patches patches, top $(git -C "$TREE" log -1 --format='%h ("%s")')

Every figure is per group: a total over the groups of the run divided by
their number. series / base is "-" where the base figure is 0.
HEAD

awk -v targets="$*" -f "$TOP/scripts/lib/bench-report.awk" "${files[@]}"

# make check's wall time comes from its own, longer run (make bench-check).
echo
if [ -f "$TOP/bench/check-time.md" ]; then
	cat "$TOP/bench/check-time.md"
else
	echo "## make check wall time"
	echo
	echo "Not measured yet: run make bench-check."
fi
