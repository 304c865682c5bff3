#!/usr/bin/env bash
# Compile drivers/iommu/ with every IOMMU driver enabled, W=1, for each
# architecture with a kconfig/drivers-ARCH.config (allnoconfig plus
# kconfig/drivers.config and that file), with Debian's cross compilers, and
# the other directories the series touches that arches/ARCH.conf names
# (driver_dirs), with sparse checking every object (make C=1): first at the
# base, then at every commit of the series, oldest first. A compile error,
# or a warning or sparse report that the base does not have, fails the
# commit that adds it on that architecture (a later commit that carries it
# passes, and says so).
# How: a private worktree (build/check-drivers/src) is checked out commit by
# commit and every architecture keeps its build directory, so make rebuilds
# what a patch touched. The objects of those directories are deleted before
# each build: ccache answers for the files that did not change and replays
# their warnings, so every build lists all their warnings at that commit.
# These are compared with the base's as multisets of
# "file: warning: text [-Wflag]" lines (line and column numbers dropped).
# sparse writes each object's report to a file of its own
# (scripts/lib/sparse-cached.sh) and keeps it under a key of everything
# the object's compile read, so it runs again only on the objects whose
# inputs a patch changed; its reports are compared the same way.
# A commit that changes nothing an architecture's last passing build read
# (build_changes) passes there without a make: the same sources give the
# same objects and the same warnings.
# Usage: check-drivers.sh [ARCH...]   (default: every kconfig/drivers-*.config)
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
require_tree
git -C "$TREE" rev-parse --verify -q refs/heads/series >/dev/null ||
	die "no branch 'series' in $TREE: run 'make tree' first"
command -v ccache >/dev/null || die "no ccache: run 'make deps' as root"
command -v sparse >/dev/null || die "no sparse: run 'make deps' as root"

start=$SECONDS
work=$BUILD/check-drivers
src=$work/src
logs=$work/logs
# Paths under the checkout are hashed relative to it (see kernel.sh).
export CCACHE_BASEDIR=$TOP
# Where the checker keeps sparse's reports (scripts/lib/sparse-cached.sh).
export SPARSE_CACHE=$CHECKER_CACHE/sparse
# Written to a build's log between "make prepare" and the make of the
# directories: only the warnings after it are compared.
marker="#### check-drivers: the directories"

# kmake ARCH MAKE-ARGS...: make in ARCH's build directory, with the
# compiler arches/ARCH.conf names.
kmake() {
	local arch=$1
	shift
	kernel_make "$src" "$work/$arch" "$arch" LOCALVERSION= "$@"
}

# The options of ARCH's fragments that its .config lacks (see config_lost).
lost_options() {
	config_lost "$work/$1/.config" "$TOP/kconfig/drivers.config" \
		"$TOP/kconfig/drivers-$1.config"
}

# allnoconfig + the fragments; die if an option did not make it.
configure() {
	local arch=$1 log=$logs/$1-config.log lost
	local frags=("$TOP/kconfig/drivers.config" "$TOP/kconfig/drivers-$arch.config")
	mkdir -p "$work/$arch"
	if ! { kmake "$arch" allnoconfig &&
		"$src/scripts/kconfig/merge_config.sh" -m -O "$work/$arch" \
			"$work/$arch/.config" "${frags[@]}" &&
		kmake "$arch" olddefconfig; } >"$log" 2>&1; then
		log_tail "$log"
		die "$arch: configuring failed (full log: $log)"
	fi
	lost=$(lost_options "$arch")
	[ -z "$lost" ] || die "$arch: these options of ${frags[*]#"$TOP"/}
did not make it into $work/$arch/.config (a missing dependency?):
$lost"
}

# The directories compiled for ARCH.
driver_dirs() {
	local dirs
	dirs=$(arch_field "$1" driver_dirs)
	echo "${dirs:-drivers/iommu/}"
}

# build ARCH LOG: make prepare, then compile all of ARCH's directories
# again, sparse checking every object (ccache and the kept reports keep
# that cheap).
build() {
	local arch=$1 log=$2 dir dirs
	read -r -a dirs <<<"$(driver_dirs "$arch")"
	for dir in "${dirs[@]}"; do
		[ ! -d "$work/$arch/$dir" ] ||
			find "$work/$arch/$dir" \( -name '*.o' -o -name '*.o.sparse' \) -delete
	done
	{ kmake "$arch" W=1 prepare && echo "$marker" &&
		kmake "$arch" W=1 C=1 CHECK="$TOP/scripts/lib/sparse-cached.sh" \
			"${dirs[@]}"; } >"$log" 2>&1
}

# warnings ARCH LOG: the warnings of the directories' part of LOG and the
# objects' sparse reports as they were printed (.raw, .sparse-raw) and
# normalized (.warnings, .sparse), line for line.
warnings() {
	local dirs
	read -r -a dirs <<<"$(driver_dirs "$1")"
	build_warnings "$2" "$marker" "$src" "$work/$1" "${2%.log}.raw" >"${2%.log}.warnings"
	sparse_reports "$src" "$work/$1" "${2%.log}.sparse-raw" "${dirs[@]}" >"${2%.log}.sparse"
}

# The number of lines of TEXT, 0 when it is empty. Usage: count_of TEXT
count_of() {
	if [ -z "$1" ]; then echo 0; else wc -l <<<"$1"; fi
}

# The objects that a build produced, for the log.
objects() {
	local dirs
	read -r -a dirs <<<"$(driver_dirs "$1")"
	(cd "$work/$1" && find "${dirs[@]}" -name '*.o' ! -name '*.mod.o' | sort |
		sed 's#^drivers/iommu/##' | tr '\n' ' ')
}

arches=("$@")
if [ ${#arches[@]} -eq 0 ]; then
	for f in "$TOP"/kconfig/drivers-*.config; do
		f=${f##*/drivers-}
		arches+=("${f%.config}")
	done
fi
missing=()
for arch in "${arches[@]}"; do
	[ -f "$TOP/kconfig/drivers-$arch.config" ] ||
		die "no kconfig/drivers-$arch.config for '$arch'"
	[ -f "$TOP/arches/$arch.conf" ] || die "no arches/$arch.conf for '$arch'"
	cross=$(arch_field "$arch" cross_compile)
	if ! command -v "${cross}gcc" >/dev/null; then
		warn "$arch: no ${cross}gcc (Debian packages $(arch_field "$arch" cross_packages))"
		missing+=("$(arch_field "$arch" cross_packages)")
	fi
done
[ ${#missing[@]} -eq 0 ] || die "cross compilers missing: install them as root with
       apt-get install ${missing[*]}   (or: make deps)"

# A git worktree of $TREE of our own: the work tree is someone's desk.
own_worktree "$src"
checkout() { git -C "$src" checkout -q -f --detach "$1"; }

# The key of ARCH's verdict on the tree TREE-ID: that tree and the base's
# (its warnings are the reference), and the project's files that
# configure, build and judge it (the compilers are in every key).
drivers_key() {
	verdict_key drivers "$1" "$2" "$base_tree" "${inputs[$1]}"
}
base_tree=$(git -C "$TREE" rev-parse "base^{tree}")
declare -A inputs
for arch in "${arches[@]}"; do
	inputs[$arch]=$(files_id scripts/check-drivers.sh scripts/lib/sparse-cached.sh \
		kconfig/drivers.config \
		"kconfig/drivers-$arch.config" "arches/$arch.conf")
done
mapfile -t commits < <(git -C "$TREE" rev-list --reverse base..series)
mkdir -p "$logs"
rm -f "$logs"/*
failed=0
broken=" "
based=" "
checked_out=
# The commit whose passing build ARCH's build directory holds: a later
# commit that changes nothing this build read (build_changes) compiles the
# same objects with the same warnings, and passes without a make.
declare -A held

# The last build of each architecture that compiled in this run, as its
# log's path without .log: the warnings and reports a commit adds are
# those that neither the base nor this build has, so that each fails the
# commit that added it, not every commit after it too.
declare -A compiled

# The warnings (KIND warnings) or sparse reports (KIND sparse) of the build
# whose log is LOG that the base does not have, less those that ARCH's
# last compiled build had too (it added them, or carried them).
# Usage: reports_added ARCH KIND LOG
reports_added() {
	local base=$logs/$1-base.$2 new=${3%.log}.$2 last=${compiled[$1]:-}
	if [ -z "$last" ]; then
		warnings_added "$base" "$new"
	else
		warnings_added <(warnings_added "$base" "$last.$2") <(warnings_added "$base" "$new")
	fi
}

# Note that ARCH's build directory holds the passing build of COMMIT, and
# what that build read.
# Usage: hold ARCH COMMIT
hold() {
	held[$1]=$2
	build_reads "$work/$1" "$src" >"$work/$1.reads"
}

# Configure ARCH and build it at the base, the reference of its warnings:
# once per run, before the first commit it judges.
# Usage: build_base ARCH
build_base() {
	local arch=$1 log=$logs/$1-base.log key
	key=$(drivers_key "$arch" base)
	based+="$arch "
	checkout base
	checked_out=base
	info "configuring $arch (allnoconfig + kconfig/drivers.config + kconfig/drivers-$arch.config)"
	configure "$arch"
	info "$arch: building $(driver_dirs "$arch") at the base (log: $log)"
	verdict_begin
	if build "$arch" "$log"; then
		warnings "$arch" "$log"
		info "$arch: compiled $(objects "$arch")"
		record PASS "drivers:$arch:base" "$(wc -l <"$logs/$arch-base.warnings") W=1 warnings" \
			"and $(wc -l <"$logs/$arch-base.sparse") sparse reports, the reference"
		verdict_keep "$key"
		hold "$arch" "$(git -C "$TREE" rev-parse base)"
	else
		record FAIL "drivers:$arch:base" "the base does not build: full log $log"
		show_errors "$log"
		broken+="$arch "
		failed=1
	fi
}

n=0
reused=0
for commit in "${commits[@]}"; do
	n=$((n + 1))
	subject=$(git -C "$TREE" log -1 --format=%s "$commit")
	tree=$(git -C "$TREE" rev-parse "$commit^{tree}")
	for arch in "${arches[@]}"; do
		name=$(printf 'drivers:%s:%04d %s' "$arch" "$n" "$subject")
		log=$(printf '%s/%s-%04d.log' "$logs" "$arch" "$n")
		key=$(drivers_key "$arch" "$tree")
		if [[ $broken != *" $arch "* ]] && verdict_replay "$key" "$name"; then
			reused=$((reused + 1))
			continue
		fi
		[[ $based == *" $arch "* ]] || build_base "$arch"
		if [[ $broken == *" $arch "* ]]; then
			record SKIP "$name" "the base does not build for $arch"
			continue
		fi
		if [ -n "${held[$arch]:-}" ] &&
			! build_changes "$work/$arch.reads" "$src" "${held[$arch]}" "$commit"; then
			verdict_begin
			record PASS "$name" "not built: it changes nothing the last build that passed read"
			verdict_keep "$key"
			continue
		fi
		held[$arch]=
		if [ "$checked_out" != "$commit" ]; then
			checkout "$commit"
			checked_out=$commit
		fi
		info "$arch: building $(driver_dirs "$arch") at $(git -C "$TREE" log -1 --format=%h "$commit")"
		if ! build "$arch" "$log"; then
			record FAIL "$name" "does not build: full log $log"
			show_errors "$log"
			failed=1
			continue
		fi
		lost=$(lost_options "$arch")
		warnings "$arch" "$log"
		new=$(reports_added "$arch" warnings "$log")
		new_sparse=$(reports_added "$arch" sparse "$log")
		carried=$(($(count_of "$(warnings_added "$logs/$arch-base.warnings" \
			"${log%.log}.warnings")") + $(count_of "$(warnings_added \
			"$logs/$arch-base.sparse" "${log%.log}.sparse")")))
		compiled[$arch]=${log%.log}
		if [ -n "$lost" ]; then
			record FAIL "$name" "options of kconfig/drivers*.config lost after the patch"
			printf '%s\n' "$lost" | sed 's/^/  /' >&2
			failed=1
		elif [ -n "$new" ] || [ -n "$new_sparse" ]; then
			record FAIL "$name" "$(count_of "$new") new W=1 warnings," \
				"$(count_of "$new_sparse") new sparse reports: full log $log"
			# Show them as printed, with their line numbers.
			[ -z "$new" ] || show_warnings <(printf '%s\n' "$new") \
				"${log%.log}.warnings" "${log%.log}.raw" >&2
			[ -z "$new_sparse" ] || show_warnings <(printf '%s\n' "$new_sparse") \
				"${log%.log}.sparse" "${log%.log}.sparse-raw" >&2
			failed=1
		else
			verdict_begin
			note=
			[ "$carried" -eq 0 ] ||
				note="carries $carried warnings or sparse reports an earlier commit added"
			record PASS "$name" ${note:+"$note"}
			verdict_keep "$key"
			hold "$arch" "$commit"
		fi
	done
done

# An architecture whose every commit was reused reuses its base's verdict
# too, if it can.
for arch in "${arches[@]}"; do
	[[ $based == *" $arch "* ]] || verdict_replay "$(drivers_key "$arch" base)" ||
		build_base "$arch"
done

elapsed=$((SECONDS - start))
info "check-drivers: ${#arches[@]} architectures x $n commits" \
	"in $((elapsed / 60)) min $((elapsed % 60)) s, $reused verdicts reused"
exit "$failed"
