#!/usr/bin/env bash
# coccicheck in report mode, with the base's semantic patches, on the C
# files of the kernel that each commit of the series adds or changes
# (tools/ is user space: the semantic patches are about the kernel's own
# API). Every version of such a file that a commit makes, and the base's
# version, is written to build/check-cocci/todo/BLOB/PATH, and coccicheck
# runs once over those whose reports are not kept yet; they are kept per
# version in CHECKER_CACHE. A report on a file at a commit that neither
# the base's version of the file nor the one before the commit has
# (compared as multisets, line numbers dropped: normalize_reports) fails
# that commit; a commit that changes no such file is skipped.
# Usage: check-cocci.sh
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
require_tree
git -C "$TREE" rev-parse --verify -q refs/heads/series >/dev/null ||
	die "no branch 'series' in $TREE: run 'make tree' first"
command -v spatch >/dev/null || die "no spatch (Debian's coccinelle): run 'make deps' as root"

start=$SECONDS
work=$BUILD/check-cocci
todo=$work/todo
log=$work/coccicheck.log
# What a report depends on besides its file: spatch, coccicheck and the
# semantic patches.
setup=$({
	spatch --version
	git -C "$TREE" rev-parse base:scripts/coccicheck base:scripts/coccinelle
} | sha256sum | cut -c1-16)
kept=$CHECKER_CACHE/cocci/$setup

# The file that keeps the reports on the version BLOB of PATH.
# Usage: kept_reports BLOB PATH
kept_reports() {
	printf '%s/%s\n' "$kept" "$(printf '%s %s' "$1" "$2" | sha256sum | cut -c1-40)"
}

# The C files of the kernel that COMMIT adds or changes.
# Usage: changed_files COMMIT
changed_files() {
	git -C "$TREE" diff --no-renames --diff-filter=AM --name-only "$1^" "$1" \
		-- '*.c' '*.h' ':!tools/'
}

# The blob of PATH at REV, nothing if it has none.
# Usage: blob_at REV PATH
blob_at() {
	git -C "$TREE" rev-parse -q --verify "$1:$2" || true
}

# The reports on the version BLOB of PATH, normalized (normalize_reports);
# none for no BLOB.
# Usage: normalized_reports BLOB PATH
normalized_reports() {
	[ -z "$1" ] || normalize_reports <"$(kept_reports "$1" "$2")"
}

# The reports on PATH at COMMIT that the base's version does not have.
# Usage: reports_beyond_base COMMIT PATH
reports_beyond_base() {
	warnings_added <(normalized_reports "$(blob_at base "$2")" "$2") \
		<(normalized_reports "$(blob_at "$1" "$2")" "$2")
}

mapfile -t commits < <(git -C "$TREE" rev-list --reverse base..series)
rm -rf "$todo"
mkdir -p "$todo" "$kept"
versions=0
# Every version judged below, as "BLOB PATH": each must have its reports.
needed=()
for commit in "${commits[@]}"; do
	while read -r path; do
		for rev in "$commit" base; do
			blob=$(blob_at "$rev" "$path")
			[ -z "$blob" ] || needed+=("$blob $path")
			if [ -z "$blob" ] || [ -f "$(kept_reports "$blob" "$path")" ] ||
				[ -f "$todo/$blob/$path" ]; then
				continue
			fi
			mkdir -p "$(dirname "$todo/$blob/$path")"
			git -C "$TREE" cat-file blob "$blob" >"$todo/$blob/$path"
			versions=$((versions + 1))
		done
	done < <(changed_files "$commit")
done

if [ "$versions" -gt 0 ]; then
	# A work tree of our own at the base, for its coccicheck and semantic
	# patches; no configuration: coccicheck needs none.
	own_worktree "$work/src"
	git -C "$work/src" checkout -q -f --detach base
	info "coccicheck on $versions versions of files not checked before (log: $log)"
	if ! make -C "$work/src" O="$work/obj" coccicheck MODE=report \
		M="$todo" J="$(nproc)" >"$log" 2>&1; then
		log_tail "$log"
		die "coccicheck failed (full log: $log)"
	fi
	# coccicheck prints each spatch command it runs: one per semantic patch.
	scripts=$(find "$work/src/scripts/coccinelle" -name '*.cocci' | wc -l)
	ran=$(grep -c '^[^ ]*spatch -D report ' "$log" || true)
	[ "$ran" -eq "$scripts" ] ||
		die "coccicheck ran $ran of the $scripts semantic patches (log: $log)"
	# Keep each version's reports, paths relative to the kernel's tree.
	(cd "$todo" && find . -type f | sed 's#^\./##') | while read -r file; do
		blob=${file%%/*}
		path=${file#*/}
		kept_file=$(kept_reports "$blob" "$path")
		status=0
		grep -F "$todo/$file:" "$log" >"$kept_file.tmp" || status=$?
		[ "$status" -le 1 ] || die "cannot read $log"
		sed -i "s#^$todo/$blob/##" "$kept_file.tmp"
		mv -f "$kept_file.tmp" "$kept_file"
	done
fi

for version in "${needed[@]}"; do
	[ -f "$(kept_reports "${version%% *}" "${version#* }")" ] ||
		die "no reports kept for the version ${version%% *} of ${version#* }"
done

failed=0
n=0
for commit in "${commits[@]}"; do
	n=$((n + 1))
	name=$(printf 'cocci:%04d %s' "$n" "$(git -C "$TREE" log -1 --format=%s "$commit")")
	mapfile -t paths < <(changed_files "$commit")
	if [ ${#paths[@]} -eq 0 ]; then
		record SKIP "$name" "changes no C file of the kernel"
		continue
	fi
	# What the commit adds beyond the base, less what the file had before
	# it (an earlier commit added those).
	new=$(for path in "${paths[@]}"; do
		warnings_added <(reports_beyond_base "$commit^" "$path") \
			<(reports_beyond_base "$commit" "$path")
	done)
	carried=$(for path in "${paths[@]}"; do reports_beyond_base "$commit" "$path"; done |
		grep -c . || true)
	if [ -z "$new" ]; then
		note="${#paths[@]} files"
		[ "$carried" -eq 0 ] || note+=", carrying $carried reports an earlier commit added"
		record PASS "$name" "$note"
		continue
	fi
	record FAIL "$name" "$(wc -l <<<"$new") new coccicheck reports"
	for path in "${paths[@]}"; do
		sed 's/^/    /' "$(kept_reports "$(blob_at "$commit" "$path")" "$path")"
	done | grep -F -f <(cut -d' ' -f2- <<<"$new") >&2 || true
	failed=1
done

elapsed=$((SECONDS - start))
info "check-cocci: $n commits in $((elapsed / 60)) min $((elapsed % 60)) s," \
	"$versions file versions checked"
exit "$failed"
