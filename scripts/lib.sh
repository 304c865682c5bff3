# shellcheck shell=bash
# Shared definitions for the project's scripts; sourced, never run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
TREE=$BUILD/linux
# The pinned base alone, for the benchmarks' side-by-side builds.
# shellcheck disable=SC2034 # used by the scripts that source this
BASE_TREE=$BUILD/linux-base
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

# Print, one per line, the options of the kconfig fragments that .config
# does not honour: a "CONFIG_X=..." line must be in it as it is, a
# "# CONFIG_X is not set" line must not be set there. merge_config.sh and
# olddefconfig only warn about (or silently drop) an option whose
# dependencies are missing. Usage: config_lost .config FRAGMENT...
config_lost() {
	local config=$1 line sym
	shift
	{ grep -hE '^(CONFIG_|# CONFIG_[A-Za-z0-9_]+ is not set$)' "$@" || true; } |
		while IFS= read -r line; do
			if [ "${line:0:1}" = "#" ]; then
				sym=${line#\# }
				sym=${sym%% *}
				grep -q "^$sym=" "$config" || continue
			else
				sym=${line%%=*}
				! grep -qxF "$line" "$config" || continue
			fi
			printf '  %s (got: %s)\n' "$line" \
				"$(grep -E "^(# )?${sym}[= ]" "$config" || echo unset)"
		done
}

# Set qemu_args to boot a target: its machine and IOMMU, KERNEL with
# INITRD and the target's command line plus EXTRA. Needs the target's and
# its architecture's descriptions loaded (load_conf).
# Usage: target_qemu_args KERNEL INITRD EXTRA
target_qemu_args() {
	local append
	# shellcheck disable=SC2154 # console, cmdline, ...: the descriptions
	append="console=$console panic=-1 $cmdline $3"
	# shellcheck disable=SC2034 # used by the caller
	qemu_args=(-accel tcg -machine "$machine" -cpu "$cpu" -smp 2 -m 512M
		-nographic -no-reboot -kernel "$1" -initrd "$2" -append "$append")
	[ -z "$iommu_device" ] || qemu_args+=(-device "$iommu_device")
}

require_tree() {
	git -C "$TREE" rev-parse --verify -q refs/tags/base >/dev/null ||
		die "no work tree at $TREE: run 'make tree' first"
}
