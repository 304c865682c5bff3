#!/usr/bin/env bash
# Boot each given target (every file in targets/ when none is given) in
# each given mode, building the kernel and the guest of each architecture
# they need once, first. A build that fails fails the boots that needed it.
#
# Each boot's results are kept twice in the verdict cache (verdicts.sh):
# under the work tree's tree and the project files the build and the boot
# read, which lets a run on the same tree skip the builds too, and under
# the kernel image and the guest's files that booted, which lets a new tree
# that builds the same kernel and guest skip the boot.
# Usage: [VARIANT=...] boot.sh MODES [TARGET...]
#   MODES: translated, passthrough or stress (boot-target.sh), or several
#   separated by commas, each target booted in each in turn;
#   VARIANT: the kernel variant (debug, faults), from the environment;
#   none when unset or empty.
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
S=$TOP/scripts
variant=${VARIANT:-}
modes=${1:?usage: [VARIANT=...] boot.sh MODES [TARGET...]}
shift
# Each target and mode once: two boots of one write the same log.
targets=$(targets_or_all "$@" | awk '!seen[$0]++')
modes=$(tr ',' '\n' <<<"$modes" | awk 'NF && !seen[$0]++' | paste -sd,)
require_tree
tip=$(work_tree_id)

# What builds the kernel and the guest of ARCH: the tree and the
# project's files (the tools are in every key: verdicts.sh), and where the
# guest's VFIO client comes from Debian's packages of another architecture
# (client.sh), apt's lists of those, which say what it downloads.
build_inputs() {
	local files foreign
	mapfile -t files < <(kernel_fragments "$1" "$variant")
	printf '%s\n' "$tip" "$variant" "$(files_id "${files[@]}" scripts/kernel.sh \
		scripts/guest.sh scripts/client.sh guest/init.c guest/bench.c guest/qemu_vfio.c \
		distro.conf "arches/$1.conf")"
	foreign=$(arch_field "$1" client_debian_arch)
	[ -z "$foreign" ] && return
	compgen -G "/var/lib/apt/lists/*_binary-${foreign}_Packages*" >/dev/null ||
		die "apt has no lists of $foreign packages: run 'make deps' as root"
	cat /var/lib/apt/lists/*_binary-"$foreign"_Packages* | sha256sum
}

# What judges a boot of TARGET: the project's files.
boot_inputs() {
	files_id scripts/boot.sh scripts/lib/boot-target.sh "targets/$1.conf" \
		"arches/$(target_arch "$1").conf"
}

# The key of booting TARGET in MODE on the tree: all of the above.
tree_key() {
	verdict_key boot "$1" "$2" "$(build_inputs "$(target_arch "$1")")" "$(boot_inputs "$1")"
}

# The key of booting TARGET in MODE with the kernel and guest just built:
# the image, its .config, the guest's files, and what judges the boot.
binary_key() {
	local arch kernel guest
	arch=$(target_arch "$1")
	kernel=$(kernel_build_dir "$arch" "$variant")
	guest=$(guest_build_dir "$arch" "$variant")/initramfs.list
	verdict_key boot-binary "$1" "$2" "$variant" "$(boot_inputs "$1")" \
		"$(cat "$kernel/$(arch_field "$arch" kernel_image)" "$kernel/.config" | sha256sum)" \
		"$({ cat "$guest"; awk '$1 == "file" { print $3 }' "$guest" | xargs -r sha256sum; } | sha256sum)"
}

# Which kernels a boot needs built: those of the boots that no verdict
# answers under the tree.
needed=" "
for target in $targets; do
	for mode in ${modes//,/ }; do
		verdict_cached "$(tree_key "$target" "$mode")" ||
			needed+="$(target_arch "$target") "
	done
done

# Build the kernel and guest of ARCH and record it. Results are kept under
# the tree only while the work tree holds it.
failed=0
broken=" "
built=" "
same_tree=1
build_arch() {
	local arch=$1 key
	key=$(verdict_key build "$(build_inputs "$arch")")
	verdict_begin
	if "$S/kernel.sh" "$arch" && "$S/guest.sh" "$arch"; then
		record PASS "build:$arch${variant:+-$variant}"
		built+="$arch "
		if work_tree_is "$tip"; then
			verdict_keep "$key"
		else
			same_tree=0
		fi
	else
		record FAIL "build:$arch${variant:+-$variant}"
		broken+="$arch "
		failed=1
	fi
}

# Each kernel is built if a boot needs it; if none does, its build's
# verdict is reused with theirs.
reused=" "
for target in $targets; do
	arch=$(target_arch "$target")
	[[ $built$broken$reused != *" $arch "* ]] || continue
	if [[ $needed != *" $arch "* ]] && verdict_replay "$(verdict_key build "$(build_inputs "$arch")")"; then
		reused+="$arch "
	else
		build_arch "$arch"
	fi
done

# The boots run side by side, BOOT_JOBS at a time (default: two per CPU:
# a guest spends most of its time waiting for the edu device's DMA, which
# QEMU completes on a 100 ms timer; four boots take 69 s on two CPUs where
# one takes 53). Each runs in a session of its own and writes its exit
# status, output and results aside; they are shown and recorded once the
# boots started before it are in, in the order the boots started. Leaving
# (an error, Ctrl-C) stops the boots still running.
jobs=${BOOT_JOBS:-$(($(nproc) * 2))}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "BOOT_JOBS=$jobs: the number of boots to run at once, 1 or more"
aside=$(mktemp -d "$BUILD/boots.XXXXXX")
pids=()
names=()
keys=()
recorded=0

# shellcheck disable=SC2317 # run by the EXIT trap
stop_boots() {
	local i
	for ((i = recorded; i < ${#pids[@]}; i++)); do
		ended "$i" || kill -TERM -- "-${pids[$i]}" 2>/dev/null ||
			kill -TERM "${pids[$i]}" 2>/dev/null || true
	done
	wait || true
	rm -rf "$aside"
}
trap stop_boots EXIT

# Boot TARGET in MODE in the background, as boot number I
# (${#pids[@]}); its results go under the keys BINARY-KEY and TREE-KEY.
# Usage: start_boot TARGET MODE BINARY-KEY TREE-KEY
start_boot() {
	local i=${#pids[@]}
	mkdir -p "$aside/$i"
	# shellcheck disable=SC2016 # expanded by the inner bash
	SERIES_RESULTS=$aside/$i setsid bash -c '"$@"; echo $? >"$0"' "$aside/$i/status" \
		"$S/lib/boot-target.sh" "$1" "$2" >"$aside/$i/output" 2>&1 &
	pids+=("$!")
	names+=("$1${variant:+-$variant}:$2:boot")
	keys+=("$3 $4")
}

# Succeed if boot I has ended (it wrote its exit status).
ended() {
	[ -s "$aside/$1/status" ]
}

# The number of boots started and not ended.
running() {
	local i n=0
	for ((i = recorded; i < ${#pids[@]}; i++)); do
		ended "$i" || n=$((n + 1))
	done
	echo "$n"
}

# Wait until a boot ends. bash forgets a background job that ended while
# it ran other commands, so "wait -n" only wakes this up: the status files
# say which boots ended, and a boot gone without one is marked so.
await_end() {
	local i
	wait -n 2>/dev/null && return
	for ((i = recorded; i < ${#pids[@]}; i++)); do
		ended "$i" || kill -0 "${pids[$i]}" 2>/dev/null ||
			echo unknown >"$aside/$i/status"
	done
}

# Record the boots that ended, in the order they started, up to the first
# one still running: show each one's output, record its results and keep
# them under its keys. A boot that failed without recording a failure
# (boot-target.sh died) fails with its exit status.
record_ended() {
	local status binary key
	while [ "$recorded" -lt ${#pids[@]} ] && ended "$recorded"; do
		status=$(cat "$aside/$recorded/status")
		cat "$aside/$recorded/output" >&2
		read -r binary key <<<"${keys[$recorded]}"
		verdict_begin
		[ ! -f "$aside/$recorded/results.txt" ] ||
			cat "$aside/$recorded/results.txt" >>"$RESULTS/results.txt"
		if [ "$status" != 0 ]; then
			grep -q '^FAIL ' "$aside/$recorded/results.txt" 2>/dev/null ||
				record FAIL "${names[$recorded]}" "boot-target.sh ended with status $status, recording no failure"
			failed=1
		elif [ "$same_tree" = 1 ] && work_tree_is "$tip"; then
			verdict_keep "$binary" "$key"
		else
			verdict_keep "$binary"
		fi
		recorded=$((recorded + 1))
	done
}

for target in $targets; do
	arch=$(target_arch "$target")
	for mode in ${modes//,/ }; do
		key=$(tree_key "$target" "$mode")
		if [[ $broken != *" $arch "* ]] && verdict_replay "$key"; then
			continue
		fi
		# A verdict gone since the builds: the kernel in the build
		# directory may be another tree's. Built once the boots running
		# are in, not under them.
		if [[ $built$broken != *" $arch "* ]]; then
			while [ "$recorded" -lt ${#pids[@]} ]; do
				ended "$recorded" || await_end
				record_ended
			done
			build_arch "$arch"
		fi
		if [[ $broken == *" $arch "* ]]; then
			record FAIL "$target${variant:+-$variant}:$mode:boot" "no $arch${variant:+-$variant} kernel to boot"
			failed=1
			continue
		fi
		binary=$(binary_key "$target" "$mode")
		if verdict_replay "$binary"; then
			[ "$same_tree" = 0 ] || ! work_tree_is "$tip" || verdict_alias "$binary" "$key"
			continue
		fi
		while [ "$(running)" -ge "$jobs" ]; do
			await_end
			record_ended
		done
		start_boot "$target" "$mode" "$binary" "$key"
		record_ended
	done
done
while [ "$recorded" -lt ${#pids[@]} ]; do
	ended "$recorded" || await_end
	record_ended
done
exit "$failed"
