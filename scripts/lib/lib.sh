# shellcheck shell=bash
# Shared definitions for the project's scripts; sourced, never run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
TREE=$BUILD/linux
# The pinned base alone, for the benchmarks' side-by-side builds.
# shellcheck disable=SC2034 # used by the scripts that source this
BASE_TREE=$BUILD/linux-base
# Where record() writes: a script may give a child its own in
# SERIES_RESULTS (boot.sh, to run boots side by side).
RESULTS=${SERIES_RESULTS:-$BUILD/results}
# Where sparse's and coccicheck's reports are kept, under keys of what they
# were made from: outside build/ like the compiler cache, so that a fresh
# clone finds them (bench-check.sh gives its fresh run an empty one).
CHECKER_CACHE=${CHECKER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iommu-series-checkers}

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

# Print one field of arches/ARCH.conf, the one registry of architectures:
# kernel_arch, cross_compile, cross_packages, and for the architectures
# that boot, kernel_image, qemu, qemu_package, console.
# Usage: arch_field ARCH FIELD
arch_field() {
	(
		load_conf "$TOP/arches/$1.conf"
		eval "printf '%s\\n' \"\${$2:-}\""
	)
}

# Print, one per line, the architectures in arches/ that QEMU boots (those
# with a qemu=), or every one of them with "all".
# Usage: list_arches boot|all
list_arches() {
	local conf arch
	for conf in "$TOP"/arches/*.conf; do
		arch=$(basename "$conf" .conf)
		[ "$1" = all ] || [ -n "$(arch_field "$arch" qemu)" ] || continue
		echo "$arch"
	done
}

# Print, one per line, the Debian packages the project needs (deps.sh):
# tools, and each architecture's compilers, C library and QEMU.
project_packages() {
	local arch
	printf '%s\n' bc bison flex cpio xz-utils ccache make kmod openssl \
		libelf-dev libssl-dev python3 python3-ply python3-git git perl \
		python3-sphinx graphviz shellcheck sparse coccinelle ocaml-nox
	for arch in $(list_arches all); do
		# shellcheck disable=SC2046 # one package per word
		printf '%s\n' $(arch_field "$arch" cross_packages) $(arch_field "$arch" qemu_package)
	done
}

# Print the architecture TARGET boots (the arch= of targets/TARGET.conf);
# an unknown target is an error.
# Usage: target_arch TARGET
target_arch() {
	local conf=$TOP/targets/$1.conf
	[ -f "$conf" ] || die "no such target: $1 (a file in targets/)"
	sed -n 's/^arch=//p' "$conf"
}

# Print the targets named, or every file in targets/ when none is, one per
# line, each checked to exist. Usage: targets_or_all [TARGET...]
targets_or_all() {
	local conf target
	if [ $# -eq 0 ]; then
		for conf in "$TOP"/targets/*.conf; do
			basename "$conf" .conf
		done
		return
	fi
	for target in "$@"; do
		target_arch "$target" >/dev/null
		echo "$target"
	done
}

# Run QEMU ($qemu with qemu_args, see target_qemu_args) for at most
# TIMEOUT seconds, the guest's serial console into LOG (without its "\r"),
# QEMU's own messages into QEMU_LOG, and set boot_failure to why the boot
# went wrong: a timeout, a report of the kernel (kernel_reports), or QEMU's
# exit status; empty if it did not.
# Usage: run_qemu LOG QEMU_LOG TIMEOUT
# shellcheck disable=SC2034 # boot_failure: for the caller
run_qemu() {
	local log=$1 qemu_log=$2 timeout=$3 status=0 start=$SECONDS bad
	# --foreground: QEMU stays in the caller's process group, so that
	# stopping the group (boot.sh leaving, Ctrl-C on a script that runs
	# QEMU in the terminal's group) stops QEMU too.
	# shellcheck disable=SC2154 # qemu: arches/*.conf
	timeout --foreground --kill-after=10 "$timeout" "$qemu" "${qemu_args[@]}" </dev/null \
		>"$log" 2>"$qemu_log" || status=$?
	info "QEMU exited with $status after $((SECONDS - start)) s"
	sed -i 's/\r$//' "$log"
	bad=$(kernel_reports "$log")
	boot_failure=
	if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
		boot_failure="timed out after $timeout s"
	elif [ -n "$bad" ]; then
		boot_failure="the kernel reported a problem: $(echo "$bad" | head -n 1)"
	elif [ "$status" -ne 0 ]; then
		boot_failure="QEMU exited with status $status"
	fi
}

# Print the build directory of the guest kernel, or of the guest (its
# initramfs), of ARCH and VARIANT (none, debug, faults, bench, distro;
# kernel.sh adds "-base" for the pinned base).
# Usage: kernel_build_dir ARCH [VARIANT]; guest_build_dir ARCH [VARIANT]
kernel_build_dir() {
	printf '%s/kernel-%s%s\n' "$BUILD" "$1" "${2:+-$2}"
}
guest_build_dir() {
	printf '%s/guest-%s%s\n' "$BUILD" "$1" "${2:+-$2}"
}

# Print the first lines of the kernel log LOG (with their line numbers)
# that report a problem: a panic, Oops, WARN, BUG (KASAN's "BUG: KASAN:"
# too), lockdep (INFO:, WARNING:), UBSAN, debug objects, list or other
# corruption, or a kmemleak report. A WARN() at one of the SITEs named is
# expected, not a report ("WARNING: CPU: 0 PID: 1 at FILE:LINE
# FUNCTION+0x...", under a "cut here" line): a SITE is a FUNCTION, or a
# FILE (one with a "/") for code whose symbols the kernel may not print,
# as __init code. Lockdep's WARNINGs are still reports.
# Usage: kernel_reports LOG [SITE...]
kernel_reports() {
	local log=$1 reports='Kernel panic|Oops|WARNING:|BUG:|INFO: |cut here|UBSAN|ODEBUG|corruption|unreferenced object|suspected memory leak'
	local site funcs='^$' files='^$'
	shift
	for site in "$@"; do
		if [[ $site == */* ]]; then
			files+="|$site"
		else
			funcs+="|$site"
		fi
	done
	grep -n -E "$reports" "$log" |
		if [ $# -gt 0 ]; then
			grep -v -E "cut here|WARNING: CPU: [0-9]+ PID: [0-9]+ at ((${files}):[0-9]+ |[^ ]+ (${funcs})\+)"
		else
			cat
		fi | head -n 5 || true
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

# Print a failed build's compiler errors from its LOG, else the log's tail.
# Usage: show_errors LOG
show_errors() {
	local errors
	errors=$(grep -E ': (fatal )?error: ' "$1" | head -n 20 || true)
	if [ -n "$errors" ]; then
		printf '%s\n' "$errors" | sed 's/^/    /' >&2
	else
		log_tail "$1"
	fi
}

# Print the compiler warnings of a kernel build log that come after the
# line MARKER, one per line as "file: warning: text [-Wflag]"
# (normalize_reports), so that a warning matches itself across commits.
# RAW receives the same warnings as printed, line for line.
# Usage: build_warnings LOG MARKER SRC OUT RAW
build_warnings() {
	awk -v m="$2" 'on && /: warning: /; $0 == m { on = 1 }' "$1" >"$5"
	normalize_reports "$3" "$4" <"$5"
}

# Print the sparse reports of the objects under the DIRs of the build
# directory OUT (the OBJECT.sparse files of scripts/lib/sparse-cached.sh),
# in the objects' order, one per line as normalize_reports prints them: the
# lines sparse continues a report with (the two types of a mismatch) are
# joined to it, and its "in included file (through ...)" notes, which
# locate the report that follows (whose path is the header's), are left
# out. RAW receives them as printed, joined the same way.
# Usage: sparse_reports SRC OUT RAW DIR...
sparse_reports() {
	local src=$1 out=$2 raw=$3
	shift 3
	(cd "$out" && find "$@" -name '*.o.sparse' | LC_ALL=C sort | xargs -r cat) |
		awk '/^[^ :]+(:[0-9]+:[0-9]+)?: note: in included file/ { next }
			/^[^ :]+:[0-9]+:[0-9]+:    / && n {
				sub(/^[^ :]+:[0-9]+:[0-9]+: +/, "")
				last = last " | " $0
				next
			}
			n { print last }
			{ last = $0; n = 1 }
			END { if (n) print last }' >"$raw"
	normalize_reports "$src" "$out" <"$raw"
}

# Normalize reports on standard input (the compiler's, sparse's,
# coccicheck's) so that a report matches itself across commits: paths made
# relative to the source tree SRC when given (tools print them relative to
# the build directory OUT, or absolute), the position after the path
# ("file:LINE:COLUMN:", coccicheck's "file:LINE:COLUMN-COLUMN:"), the
# line numbers that messages cite ("on line 123") and symbol offsets
# dropped.
# Usage: normalize_reports [SRC OUT]
normalize_reports() {
	local src=${1:-} rel=
	[ -z "$src" ] || rel=$(realpath -m --relative-to="$2" "$src")
	awk -v a="${src:+$src/}" -v b="${rel:+$rel/}" '
		a != "" && index($0, a) == 1 { $0 = substr($0, length(a) + 1) }
		b != "" && index($0, b) == 1 { $0 = substr($0, length(b) + 1) }
		{ print }' |
		sed -E -e 's#^([^: ]+):[0-9]+(:[0-9]+(-[0-9]+)?)?: #\1: #' \
			-e 's#[+]0x[0-9a-f]+(/0x[0-9a-f]+)?##g' \
			-e 's#\<(lines?) [0-9]+(( and |, ?|-)[0-9]+)*#\1 N#g'
}

# Succeed if a build made from the source tree SRC at commit FROM may come
# out different at commit TO, READS being what it read (build_reads): if
# a path that changed between them is one of those, or one kbuild reads
# without a .cmd file naming it: a Makefile, Kbuild or Kconfig file,
# scripts/, tools/ (objtool) but tools/testing/, a configs/ directory
# (tinyconfig's fragments), a localversion file, or a file the commit adds
# (a wildcard may pick it up). tools/testing/ and Documentation/ are
# never read by a kernel build, but for their Kconfig and Kbuild files. Succeeds too when
# READS is empty or missing: what was read is not known.
# Usage: build_changes READS SRC FROM TO
build_changes() {
	local reads=$1 src=$2 from=$3 to=$4 changed
	[ -s "$reads" ] || return 0
	changed=$(git -C "$src" -c core.quotePath=false diff --no-renames \
		--name-status "$from" "$to" |
		awk -F '\t' '$2 !~ /^(tools\/testing|Documentation)\// ||
			$2 ~ /(^|\/)K(build|config)[^\/]*$/')
	[ -n "$changed" ] || return 1
	awk -F '\t' '$1 == "A" || $2 ~ /(^|\/)(Makefile|Kbuild|Kconfig)[^\/]*$/ ||
		$2 ~ /^(scripts|tools)\/|(^|\/)configs\/|^(localversion|\.scmversion)/ {
			found = 1 } END { exit !found }' <<<"$changed" && return 0
	awk -F '\t' 'NR == FNR { read[$0] = 1; next }
		($2 in read) { found = 1 } END { exit !found }' \
		"$reads" <(printf '%s\n' "$changed")
}

# Print the paths of the source tree SRC that the .cmd files of the build
# directory OUT name, relative to SRC (build-reads.awk), once each.
# Usage: build_reads OUT SRC
build_reads() {
	local out src
	out=$(realpath -m "$1")
	src=$(realpath "$2")
	find "$out" -name '*.cmd' -print0 | xargs -0 -r cat |
		awk -v abs="$src/" -v rel="$(realpath -m --relative-to="$out" "$src")/" \
			-f "$TOP/scripts/lib/build-reads.awk" | LC_ALL=C sort -u
}

# Print the warnings of the file NEW (build_warnings) that the file OLD does
# not have, both taken as multisets: a warning that occurs once more counts.
# Usage: warnings_added OLD NEW
warnings_added() {
	LC_ALL=C comm -13 <(LC_ALL=C sort "$1") <(LC_ALL=C sort "$2")
}

# Print the lines of RAW (as printed) of the warnings listed in WANTED, for
# WARNINGS, RAW a pair from build_warnings.
# Usage: show_warnings WANTED WARNINGS RAW
show_warnings() {
	awk -F '\t' 'NR == FNR { want[$0]++; next }
		want[$1] > 0 { want[$1]--; print "    " $2 }' "$1" <(paste "$2" "$3")
}

# One line on the machine a measurement ran on: CPUs, memory, system.
machine_description() {
	printf '%s CPUs (%s), %s, %s\n' "$(nproc)" \
		"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
		"$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)" \
		"$(. /etc/os-release && echo "$PRETTY_NAME")"
}

# The directories whose .kunitconfig the KUnit runs build and run, each in
# a UML kernel of its own: the mock IOMMU drivers of their suites cannot
# share one (the IOMMU core takes one driver per system).
# shellcheck disable=SC2034 # used by the scripts that source this
KUNIT_DIRS=(drivers/iommu drivers/vfio)

# The UML build directory of the KUnit suites of DIR, for VARIANT (or none).
# Usage: kunit_build_dir DIR [VARIANT]
kunit_build_dir() {
	printf '%s/kunit%s/uml-%s\n' "$BUILD" "${2:+-$2}" "$(basename "$1")"
}

# Say why the work tree holds work that series/ does not have: changes not
# committed, or commits after "applied", the last one tree.sh applied
# from series/ or export.sh exported. Prints nothing if it has none.
tree_unexported() {
	if [ -n "$(git -C "$TREE" status --porcelain)" ]; then
		echo "$TREE has uncommitted changes"
	elif [ "$(git -C "$TREE" rev-parse HEAD)" != \
		"$(git -C "$TREE" rev-parse -q --verify applied || true)" ]; then
		echo "$TREE holds commits not exported to series/"
	fi
}

# The kernel's build stamps (date, user, host, build number) fixed: the
# same source and configuration build the same image, which the verdict
# cache takes as the key of a boot.
export KBUILD_BUILD_TIMESTAMP="2000-01-01 00:00:00 UTC"
export KBUILD_BUILD_USER=iommu-series KBUILD_BUILD_HOST=tooling
export KBUILD_BUILD_VERSION=1

# Print the project's files that configure the guest kernel of ARCH and
# VARIANT, one per line, relative to the project (kernel.sh).
# Usage: kernel_fragments ARCH [VARIANT]
kernel_fragments() {
	if [ "${2:-}" = distro ]; then
		echo kconfig/distro.config
		return
	fi
	printf '%s\n' kconfig/common.config "kconfig/$1.config" ${2:+"kconfig/$2.config"}
}

# Run the kernel's make in the source tree SRC for ARCH (arches/ARCH.conf:
# its kernel ARCH and compiler), out of tree in OUT, with ccache and every
# CPU, and MAKE-ARGS.
# Usage: kernel_make SRC OUT ARCH [MAKE-ARGS...]
kernel_make() {
	local src=$1 out=$2 arch=$3 cross
	shift 3
	cross=$(arch_field "$arch" cross_compile)
	make -C "$src" O="$out" ARCH="$(arch_field "$arch" kernel_arch)" \
		CROSS_COMPILE="$cross" CC="ccache ${cross}gcc" HOSTCC="ccache gcc" \
		-j"$(nproc)" "$@"
}

# Run kunit.py COMMAND (build, run) in the tree TREE_DIR on the suites of
# DIR (a directory with a .kunitconfig), in the UML build directory UML_DIR,
# with the project's options (every CPU, ccache) and ARGS.
# Usage: kunit_py COMMAND TREE_DIR DIR UML_DIR [ARGS...]
kunit_py() {
	local command=$1 tree=$2 dir=$3 uml=$4
	shift 4
	mkdir -p "$uml"
	(cd "$tree" && ./tools/testing/kunit/kunit.py "$command" \
		--kunitconfig="$dir/.kunitconfig" --build_dir="$uml" \
		--jobs="$(nproc)" --make_options=CC="ccache gcc" "$@")
}

# Make DIR a detached git worktree of the work tree, at base, unless it is
# one already; a stale one is pruned and made again.
# Usage: own_worktree DIR
own_worktree() {
	local dir=$1
	if ! [ -f "$dir/.git" ] ||
		! git -C "$TREE" worktree list --porcelain | grep -qxF "worktree $dir"; then
		rm -rf "$dir"
		git -C "$TREE" worktree prune
		info "checking out base into a worktree of $TREE: $dir"
		git -C "$TREE" worktree add -q --detach "$dir" base
	fi
}

require_tree() {
	git -C "$TREE" rev-parse --verify -q refs/tags/base >/dev/null ||
		die "no work tree at $TREE: run 'make tree' first"
}

# shellcheck source=verdicts.sh
. "$TOP/scripts/lib/verdicts.sh"
