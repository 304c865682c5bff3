# shellcheck shell=bash
# Shared definitions for the project's scripts; sourced, never run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
TREE=$BUILD/linux
RESULTS=$BUILD/results

# The identity that import, git am and format-patch use, so that the same
# series always yields the same commits and the same exported files.
export GIT_COMMITTER_NAME="IOMMU series tooling"
export GIT_COMMITTER_EMAIL="tooling@iommu-series.invalid"

info() { printf '==> %s\n' "$*" >&2; }
warn() { printf '!!! %s\n' "$*" >&2; }
die() {
	printf 'ERROR: %s\n' "$*" >&2
	exit 1
}

# Print the last lines of a log file, so a failure shows its cause.
log_tail() {
	local log=$1 lines=${2:-40}
	printf -- '---- last %s lines of %s ----\n' "$lines" "$log" >&2
	tail -n "$lines" "$log" >&2
	printf -- '---- end of %s ----\n' "$log" >&2
}

# Load a declarative description (arches/*.conf, targets/*.conf).
load_conf() {
	local file=$1
	[ -f "$file" ] || die "no such description: $file"
	# shellcheck disable=SC1090
	. "$file"
}

# Record one test result for the summary: result PASS|FAIL|SKIP name [why].
record() {
	local verdict=$1 name=$2
	shift 2
	mkdir -p "$RESULTS"
	printf '%s %s%s\n' "$verdict" "$name" "${*:+ # $*}" >>"$RESULTS/results.txt"
	printf '%-4s %s%s\n' "$verdict" "$name" "${*:+ ($*)}" >&2
}

require_tree() {
	git -C "$TREE" rev-parse --verify -q refs/tags/base >/dev/null ||
		die "no work tree at $TREE: run 'make tree' first"
}
