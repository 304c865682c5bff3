#!/usr/bin/env bash
# make bench-check: time 'make check' on a clean clone of the project's
# last commit (uncommitted changes are not in it), twice: fresh, with an
# empty build/ and the compiler cache as this machine has it; then warm, in
# the same clone after one patch of the series got one more line in its
# commit message, as when a series is respun for review (that commit and
# every later one get new ids, their code stays the same). Writes both
# times and the summary line of each run to bench/check-time.md, which
# make bench's report includes.
# Usage: bench-check.sh [PATCH]   (PATCH: a number in series/; the
#        middle patch by default)
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
clone=$BUILD/bench/check-clone
out=$TOP/bench/check-time.md

mapfile -t patches < <(find "$TOP/series" -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' | sort)
[ ${#patches[@]} -gt 0 ] || die "no patches in $TOP/series"
n=${1:-$(((${#patches[@]} + 1) / 2))}
if ! [[ $n =~ ^[0-9]+$ ]] || [ "$n" -lt 1 ] || [ "$n" -gt ${#patches[@]} ]; then
	die "no patch $n: series/ has patches 1 to ${#patches[@]}"
fi
patch=${patches[n - 1]##*/}
commit=$(git -C "$TOP" log -1 --format='%h ("%s")')

# The compiler cache's hits and misses so far, as "HITS MISSES".
ccache_counts() {
	ccache --print-stats | awk '$1 ~ /^(direct|preprocessed)_cache_hit$/ { h += $2 }
		$1 == "cache_miss" { m += $2 } END { print h + 0, m + 0 }'
}

# time_check NAME: run make check in the clone, keep its output in
# check-NAME.log; print "seconds|summary line|cache hits|cache misses".
# A failing check is a result like any other, but the time of a run that
# printed no summary is not one.
time_check() {
	local log=$BUILD/bench/check-$1.log start status=0 summary before after
	info "make check, $1, in $clone (log: $log)"
	before=$(ccache_counts)
	start=$SECONDS
	make -C "$clone" check >"$log" 2>&1 || status=$?
	after=$(ccache_counts)
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
	if [ -z "$summary" ]; then
		log_tail "$log"
		die "make check ($1) printed no summary line (exit $status): no time to report"
	fi
	echo "$((SECONDS - start))|$summary|$((${after% *} - ${before% *}))|$((${after#* } - ${before#* }))"
}

# row NAME RESULT: a table row from time_check's output.
row() {
	local secs summary hits misses
	IFS='|' read -r secs summary hits misses <<<"$2"
	printf '| %s | %d min %02d s | %s | %s / %s |\n' "$1" $((secs / 60)) $((secs % 60)) \
		"$summary" "$hits" "$misses"
}

mkdir -p "$BUILD/bench"
rm -rf "$clone"
git clone -q "$TOP" "$clone"
fresh=$(time_check fresh)

info "adding a line to the message of series/$patch"
awk '!done && /^Signed-off-by: / {
		print "This line was added to time make check after a respin."
		print ""
		done = 1
	}
	{ print }' "$clone/series/$patch" >"$clone/series/$patch.new"
mv "$clone/series/$patch.new" "$clone/series/$patch"
grep -q '^This line was added to time' "$clone/series/$patch" ||
	die "series/$patch has no Signed-off-by line to add a line before"
warm=$(time_check warm)

{
	cat <<EOF2
## make check wall time

Measured by make bench-check (scripts/bench-check.sh) on a clean
clone of the project at $commit.
The compiler cache (ccache) is the machine's: its hits and misses during
each run are in the last column; a build running beside the check would
count in them too.

- date: $(date -u '+%Y-%m-%d %H:%M UTC')
- machine: $(machine_description)

| run | wall time | result | ccache hits / misses |
|---|---|---|---|
EOF2
	row "fresh: clean clone, empty build/" "$fresh"
	row "warm: the same clone, one line added to the message of patch $n" "$warm"
} >"$out"
cat "$out"
