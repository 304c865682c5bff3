#!/usr/bin/env bash
# kbuild's checker for check-drivers.sh (make C=1 CHECK=this): sparse, run
# on the source file kbuild names last with the arguments it passes, its
# report written to OBJECT.sparse in the build directory instead of the
# build's log, which holds the compiler's W=1 warnings alone.
# A report is kept in SPARSE_CACHE under a key made of sparse's version,
# this script, the arguments and the contents of every file the object's compile read
# (its .cmd file: kbuild runs the checker after fixdep wrote it), so an
# object whose inputs a patch did not change gets its report again without
# sparse running. The source tree's path is written as @SRCTREE@ in the
# key and the kept report, so another checkout of the same sources (a
# fresh clone of the project) finds it too.
set -euo pipefail
: "${SPARSE_CACHE:?the directory of sparse reports kept}" "${srctree:?set by kbuild}"

source=${!#}
object=${source#"$srctree"/}
object=${object%.c}.o
cmd_file=$(dirname "$object")/.$(basename "$object").cmd
[ -f "$cmd_file" ] || { echo "sparse-cached.sh: no $cmd_file for $source" >&2; exit 1; }

# The files the compile read: the source and the deps_ list, less the
# $(wildcard ...) entries of CONFIG options, which autoconf.h stands for.
mapfile -t inputs < <(awk -v o="$object" '
	$1 == "source_" o { print $3 }
	$1 == "deps_" o { on = 1; next }
	on && NF && $1 != "\\" && $1 !~ /^\$\(wildcard/ { print $1 }
	on && !/\\$/ { on = 0 }' "$cmd_file")
# A .cmd file read wrong would key every report on the arguments alone.
# (Its paths may be relative to the build directory: ccache's base
# directory makes them so.)
if [ ${#inputs[@]} -lt 2 ] ||
	[ "$(realpath -m -- "${inputs[0]}")" != "$(realpath -m -- "$source")" ]; then
	echo "sparse-cached.sh: $cmd_file names no source $source and its dependencies" >&2
	exit 1
fi

# Print standard input with the source tree's path, when it is absolute,
# written as @SRCTREE@ (or back again, with -r).
# Usage: unplace [-r]
unplace() {
	local tree=${srctree//#/\\#}
	if [[ $srctree != /* ]]; then
		cat
	elif [ "${1:-}" = -r ]; then
		sed "s#@SRCTREE@#$tree#g"
	else
		sed "s#$tree#@SRCTREE@#g"
	fi
}

key=$({
	sparse --version
	sha256sum "$0" | cut -d' ' -f1
	printf '%s\n' "$@" | unplace
	sha256sum -- include/generated/autoconf.h "${inputs[@]}" | unplace
} | sha256sum | cut -d' ' -f1)
entry=$SPARSE_CACHE/${key:0:2}/$key

# Every warning: sparse prints only the first 100 of a file by default,
# and a new one past those would go unseen. A run that fails (sparse
# crashed, or was killed) is not kept.
if [ ! -f "$entry" ]; then
	mkdir -p "${entry%/*}"
	if ! sparse -fmax-warnings=unlimited "$@" 2>"$object.sparse" >/dev/null; then
		cat "$object.sparse" >&2
		exit 1
	fi
	unplace <"$object.sparse" >"$entry.$$"
	mv -f "$entry.$$" "$entry"
else
	unplace -r <"$entry" >"$object.sparse"
fi
