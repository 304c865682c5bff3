#!/usr/bin/env bash
# kbuild's checker for check-drivers.sh (make C=1 CHECK=this): sparse, run
# on the source file kbuild names last with the arguments it passes, its
# report written to OBJECT.sparse in the build directory instead of the
# build's log, which holds the compiler's W=1 warnings alone.
# A report is kept in SPARSE_CACHE under a key made of sparse's version,
# the arguments and the contents of every file the object's compile read
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
	printf '%s\n' "$@" "${inputs[@]}" | unplace
	cat -- include/generated/autoconf.h "${inputs[@]}"
} | sha256sum | cut -d' ' -f1)
entry=$SPARSE_CACHE/${key:0:2}/$key

# The entry: the report, then sparse's exit status on a line of its own.
if [ ! -f "$entry" ]; then
	mkdir -p "${entry%/*}"
	status=0
	sparse "$@" 2>"$entry.$$.raw" >/dev/null || status=$?
	{ unplace <"$entry.$$.raw" && echo "$status"; } >"$entry.$$"
	rm -f "$entry.$$.raw"
	mv -f "$entry.$$" "$entry"
fi
sed '$d' "$entry" | unplace -r >"$object.sparse"
exit "$(tail -n 1 "$entry")"
