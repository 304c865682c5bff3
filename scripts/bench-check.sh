#!/usr/bin/env bash
# make bench-check: time 'make check' on a clean clone of the project's
# last commit (uncommitted changes are not in it), three times:
#   fresh:   an empty build/ and an empty compiler cache, as on a new machine;
#   message: the same clone after one patch got one more line in its
#            commit message, as when a series is respun for its wording
#            (that commit and every later one get new ids, no code changes);
#   code:    the same clone after that patch's first C file got one more
#            line of code (a string the object file keeps), the later
#            patches rebased over it: every commit from it on has a new tree.
# The clone builds in its own build/ (not this project's BUILD), with a
# compiler cache and a cache of sparse's and coccicheck's reports of its
# own (build/bench/ccache, build/bench/checkers), emptied first. Each run
# must end with the same "N passed, N failed, N skipped" line as the fresh
# one, which judged everything; writes the times to bench/check-time.md.
# Usage: bench-check.sh [PATCH]   (PATCH: a number in series/; the
#        middle patch by default)
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
clone=$BUILD/bench/check-clone
out=$TOP/bench/check-time.md
export CCACHE_DIR=$BUILD/bench/ccache CHECKER_CACHE=$BUILD/bench/checkers

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
# check-NAME.log; print "seconds|summary line|reused|cache hits|cache
# misses". A failing check is a result like any other, but the time of a
# run that printed no summary is not one.
time_check() {
	local log=$BUILD/bench/check-$1.log start status=0 summary reused before after
	info "make check, $1, in $clone (log: $log)"
	before=$(ccache_counts)
	start=$SECONDS
	BUILD=$clone/build REUSE_VERDICTS=1 make -C "$clone" check >"$log" 2>&1 || status=$?
	after=$(ccache_counts)
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
	if [ -z "$summary" ]; then
		log_tail "$log"
		die "make check ($1) printed no summary line (exit $status): no time to report"
	fi
	reused=$(sed -n 's/^\([0-9]*\) of these results are verdicts reused.*/\1/p' "$log")
	echo "$((SECONDS - start))|$summary|${reused:-0}|$((${after% *} - ${before% *}))|$((${after#* } - ${before#* }))"
}

# row NAME RESULT: a table row from time_check's output.
row() {
	local secs summary reused hits misses
	IFS='|' read -r secs summary reused hits misses <<<"$2"
	printf '| %s | %d min %02d s | %s | %s | %s / %s |\n' "$1" $((secs / 60)) $((secs % 60)) \
		"$summary" "$reused" "$hits" "$misses"
}

# The wall time of each step of make check in the run NAME's log (the
# "==> [N s] step" lines of check.sh), as "step|seconds" lines.
# Usage: step_times NAME
step_times() {
	awk '/^==> \[[0-9]+ s\] / {
			t = substr($2, 2) + 0
			sub(/^==> \[[0-9]+ s\] /, "")
			if (name != "") print name "|" t - last
			name = $0
			last = t
		}' "$BUILD/bench/check-$1.log"
}

# A table of the steps' wall times in the runs fresh, message and code.
steps_table() {
	echo "| step | fresh | message | code |"
	echo "|---|---|---|---|"
	awk -F'|' 'FNR == 1 { run++ }
		run == 1 { step[++n] = $1 }
		{ secs[run, $1] = $2 }
		function t(s) { return s == "" ? "-" : sprintf("%d min %02d s", s / 60, s % 60) }
		END {
			for (i = 1; i <= n; i++)
				printf "| %s | %s | %s | %s |\n", step[i], t(secs[1, step[i]]),
					t(secs[2, step[i]]), t(secs[3, step[i]])
		}' <(step_times fresh) <(step_times message) <(step_times code)
}

# Add a line to the message of series/$patch in the clone.
respin_message() {
	local file=$clone/series/$patch
	awk '!done && /^Signed-off-by: / {
			print "This line was added to time make check after a respin."
			print ""
			done = 1
		}
		{ print }' "$file" >"$file.new"
	mv "$file.new" "$file"
	grep -q '^This line was added to time' "$file" ||
		die "series/$patch has no Signed-off-by line to add a line before"
}

# Add a line of code to the first C file of drivers/ that patch $n
# changes (code_file), after its last
# #include, in the clone's work tree; rebase the later patches over it and
# export the series again.
respin_code() {
	local tree=$clone/build/linux id file
	id=$(git -C "$tree" rev-list --reverse base..series | sed -n "${n}p")
	file=$(git -C "$tree" diff-tree --no-commit-id --name-only --diff-filter=AM -r "$id" \
		-- 'drivers/*.c' | sed -n 1p)
	[ -n "$file" ] || die "patch $n changes no C file of drivers/: give bench-check another patch"
	git -C "$tree" checkout -q "$id"
	awk -v line='static const char bench_check_respin[] __used = "code changed by make bench-check";' '
		{ text[NR] = $0 } /^#include / { last = NR }
		END {
			if (!last) exit 1
			for (i = 1; i <= NR; i++) {
				print text[i]
				if (i == last) print "\n" line
			}
		}' "$tree/$file" >"$tree/$file.new" || die "$file has no #include to add a line after"
	mv "$tree/$file.new" "$tree/$file"
	git -C "$tree" commit -q -a --amend --no-edit
	if ! git -C "$tree" rebase -q --onto HEAD "$id" series >/dev/null 2>&1; then
		git -C "$tree" rebase --abort || true
		die "the patches after $n do not apply over the line added to $file: give bench-check another patch"
	fi
	BUILD=$clone/build make -C "$clone" export >/dev/null
	info "added a line of code to $file in patch $n"
	code_file=$file
}

# Which guest kernels of the fresh run compiled FILE: the code run can
# reuse the boots of those that did not.
guest_builds() {
	local dir kernels=
	for dir in "$clone"/build/kernel-*/; do
		[ -f "$dir/${1%.c}.o" ] && kernels+="${kernels:+, }$(basename "$dir")"
	done
	echo "built into: ${kernels:-no guest kernel}"
}

mkdir -p "$BUILD/bench"
rm -rf "$clone" "$CCACHE_DIR" "$CHECKER_CACHE"
git clone -q "$TOP" "$clone"
fresh=$(time_check fresh)

info "adding a line to the message of series/$patch"
respin_message
message=$(time_check message)

respin_code
code=$(time_check code)

same=yes
for result in "$message" "$code"; do
	[ "$(cut -d'|' -f2 <<<"$result")" = "$(cut -d'|' -f2 <<<"$fresh")" ] || same=no
done

{
	cat <<EOF2
## make check wall time

Measured by make bench-check (scripts/bench-check.sh) on a clean
clone of the project at $commit, with a compiler cache of its own,
empty at the start; "reused" counts the results that the verdict cache
(build/verdicts/) gave instead of a build or a boot.

- date: $(date -u '+%Y-%m-%d %H:%M UTC')
- machine: $(machine_description)
- the respun patch: $n, $patch; the code run added a line to $code_file
  ($(guest_builds "$code_file"))
- the three runs end with the same summary line: $same

| run | wall time | result | reused | ccache hits / misses |
|---|---|---|---|---|
EOF2
	row "fresh: clean clone, empty build/, compiler and checker caches" "$fresh"
	row "message: one line added to the message of patch $n" "$message"
	row "code: one line of code added to patch $n" "$code"
	printf '\nEach step of make check (scripts/check.sh):\n\n'
	steps_table
} >"$out"
cat "$out"
[ "$same" = yes ] || die "the runs did not end with the same summary line"
