# shellcheck shell=bash
# The verdict cache: the results of a check kept under a key made of all the
# check reads (git tree ids, the project's files, the tools), so that a
# later run with the same key records them again instead of building or
# booting. Sourced by lib.sh.
#
# Every check stores its results unless one of them failed; only a run with
# REUSE_VERDICTS=1 (make check's default) takes them back, each result
# marked "cached". A failure is never stored: it is judged again every
# time. An entry is written aside and renamed into place; one that is not
# whole (a result per line, then "end N" for its N results) is deleted and
# judged again.

VERDICTS=$BUILD/verdicts
verdict_mark=0

# What every key holds besides its own parts: every Debian package
# installed and its version (the compilers, binutils, C libraries, QEMU
# and its firmware, perl, python3, Sphinx, and what they use), the host's
# kernel (UML and QEMU run on it), and the code of lib.sh and of this
# file. Computed by the first script of a command (check.sh again once
# deps.sh has installed what was missing) and passed on to the scripts it
# runs, not to another project's.
verdict_context() {
	VERDICT_CONTEXT="$TOP $({
		dpkg-query -W -f='${Package}:${Architecture} ${Version}\n' | LC_ALL=C sort
		uname -r
		sha256sum "$TOP/scripts/lib/lib.sh" "$TOP/scripts/lib/verdicts.sh"
	} | sha256sum | cut -d' ' -f1)"
	export VERDICT_CONTEXT
}
[[ ${VERDICT_CONTEXT:-} == "$TOP "* ]] || verdict_context

# Print the key of the PARTs (tree ids, files_id, names), with the context
# above and the environment that changes a build or a boot: the
# variables kbuild, the selftests' makefiles and boot-target.sh read, and
# the variables given to make on its command line (C=1, W=2, ...: make
# passes them on to every make the scripts run), but for the project's
# own (BUILD, VARIANT, ...: the keys hold what they select; BOOT_JOBS
# changes no result).
# Usage: verdict_key PART...
verdict_key() {
	{
		printf '%s\n' "$VERDICT_CONTEXT" "$@"
		env | grep -E '^(K[A-Z]*FLAGS|KBUILD_[A-Z_]+|KCONFIG_[A-Z_]+|LLVM[A-Z_]*|(HOST|USER)?(C|CPP|LD)FLAGS|LOCALVERSION|INSTALL_[A-Z_]+|BOOT_TIMEOUT|KERNEL_TARGETS)=' |
			LC_ALL=C sort || true
		tr ' ' '\n' <<<"${MAKEFLAGS:-}" | grep '=' |
			grep -v -E '^(--jobserver-[a-z]+|BUILD|ARCH|VARIANT|TARGETS|REUSE_VERDICTS|FORCE|BOOT_JOBS)=' || true
	} | sha256sum | cut -d' ' -f1
}

# Print one id for the contents of FILEs, paths relative to the project
# (or absolute), for a key.
# Usage: files_id FILE...
files_id() {
	(cd "$TOP" && sha256sum -- "$@") | sha256sum | cut -d' ' -f1
}

# Print the id of the tree that the work tree (build/linux) holds: HEAD's,
# or with changes not committed (untracked files too), one written from
# them through a temporary index, so that no verdict is kept under a tree
# it did not judge.
work_tree_id() {
	local index id status=0
	if [ -z "$(git -C "$TREE" status --porcelain --untracked-files=all)" ]; then
		git -C "$TREE" rev-parse "HEAD^{tree}"
		return
	fi
	index=$(mktemp)
	cp "$(git -C "$TREE" rev-parse --absolute-git-dir)/index" "$index"
	id=$(GIT_INDEX_FILE=$index git -C "$TREE" add -A &&
		GIT_INDEX_FILE=$index git -C "$TREE" write-tree) || status=$?
	rm -f "$index"
	if [ "$status" -ne 0 ] || [ -z "$id" ]; then
		die "cannot write the tree of $TREE's changes"
	fi
	echo "$id"
}

# Succeed if the work tree still holds the tree TREE-ID: a verdict judged
# from the work tree is kept only then (nobody changed it meanwhile).
# Usage: work_tree_is TREE-ID
work_tree_is() {
	[ "$(work_tree_id)" = "$1" ] && return 0
	warn "$TREE changed while it was being judged: its results are not kept"
	return 1
}

verdict_entry() {
	printf '%s/%s/%s\n' "$VERDICTS" "${1:0:2}" "$1"
}

# Succeed if KEY has a whole entry; delete one that is not whole.
# Usage: verdict_valid KEY
verdict_valid() {
	local entry
	entry=$(verdict_entry "$1")
	[ -f "$entry" ] || return 1
	awk '!end && /^(PASS|SKIP) [^ ]/ { n++; next }
		!end && /^end [0-9]+$/ { end = 1; count = $2; next }
		{ bad = 1 }
		END { exit !(end && !bad && n > 0 && n == count) }' "$entry" && return 0
	warn "verdict cache: $entry is not whole: deleted, judged again"
	rm -f "$entry"
	return 1
}

# With REUSE_VERDICTS=1, record again the results stored under KEY, each
# marked "cached"; under NAME if given, for an entry of one result (the
# name of a patch's result has its subject, which a new message changes).
# Fails, recording nothing, if the cache is not to be used or KEY has no
# whole entry.
# Usage: verdict_replay KEY [NAME]
verdict_replay() {
	local key=$1 name=${2:-} line verdict test why
	verdict_cached "$key" || return 1
	while IFS= read -r line; do
		[ "${line%% *}" != end ] || break
		verdict=${line%% *}
		test=${line#* }
		why=
		if [[ $test == *" # "* ]]; then
			why=${test#* # }
			test=${test%% # *}
		fi
		record "$verdict" "${name:-$test}" "${why:+$why; }cached"
	done <"$(verdict_entry "$key")"
}

# Start a verdict: verdict_keep stores the results recorded after this.
verdict_begin() {
	verdict_mark=0
	[ ! -f "$RESULTS/results.txt" ] || verdict_mark=$(wc -l <"$RESULTS/results.txt")
}

# Store the results recorded since verdict_begin under each KEY, unless one
# of them failed or there are none.
# Usage: verdict_keep KEY...
verdict_keep() {
	local new key
	new=$(tail -n +"$((verdict_mark + 1))" "$RESULTS/results.txt" 2>/dev/null || true)
	[ -n "$new" ] && ! grep -q '^FAIL ' <<<"$new" || return 0
	for key in "$@"; do
		verdict_store "$key" "$new"
	done
}

# Store RESULTS (lines as results.txt has them, none failed) under KEY.
# Usage: verdict_store KEY RESULTS
verdict_store() {
	local entry
	entry=$(verdict_entry "$1")
	if ! { mkdir -p "${entry%/*}" &&
		{ printf '%s\n' "$2" && echo "end $(wc -l <<<"$2")"; } >"$entry.tmp.$$" &&
		mv -f "$entry.tmp.$$" "$entry"; } 2>/dev/null; then
		rm -f "$entry.tmp.$$"
		warn "verdict cache: could not write $entry: not kept"
	fi
}

# Succeed if make check is to reuse verdicts and KEY has one.
# Usage: verdict_cached KEY
verdict_cached() {
	[ "${REUSE_VERDICTS:-0}" = 1 ] && verdict_valid "$1"
}

# Store the entry of KEY under each NEW key too.
# Usage: verdict_alias KEY NEW...
verdict_alias() {
	local from key
	from=$(verdict_entry "$1")
	shift
	for key in "$@"; do
		verdict_store "$key" "$(sed '$d' "$from")"
	done
}
