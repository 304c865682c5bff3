#!/usr/bin/env bash
# Run the KUnit suites of the work tree with the kernel's kunit.py on UML,
# one kernel per .kunitconfig of KUNIT_DIRS (lib.sh), and record one result
# per test case.
# The debug variant adds kconfig/debug.config, but not all of it: kmemleak
# only reports when it scans, and the UML run is over before anything asks
# it to (the guests of the debug variant do), and UML has no preemption,
# hence no preempt count for DEBUG_ATOMIC_SLEEP to check (the guests have).
# Usage: [VARIANT=debug] kunit.sh
set -euo pipefail
. "$(dirname "$0")/lib/lib.sh"
variant=${VARIANT:-}
require_tree

name=kunit${variant:+-$variant}
args=()
case $variant in
"") ;;
debug) args+=(--kunitconfig="$TOP/kconfig/debug.config"
	--kconfig_add=CONFIG_DEBUG_KMEMLEAK=n --kconfig_add=CONFIG_DEBUG_ATOMIC_SLEEP=n) ;;
*) die "unknown KUnit variant '$variant': debug or none" ;;
esac

# Build and run the suites of DIR, record their results as kunit:SUITE.CASE
# and the kernel's verdict as kunit:DIR_NAME:STEP. Returns 1 if any failed.
# Usage: run_suites DIR
run_suites() {
	local dir=$1 kunitconfig=$1/.kunitconfig uml suite failed=0 status=0
	local log json kernel_log report timeout=600 key binary
	uml=$(kunit_build_dir "$dir" "$variant")
	suite=$name:$(basename "$dir")
	log=$uml/kunit.log
	json=$uml/results.json
	kernel_log=$uml/test.log
	[ -f "$TREE/$kunitconfig" ] || die "$kunitconfig is missing from the series"
	mkdir -p "$uml"
	rm -f "$json"

	key=$(verdict_key kunit "$dir" "$tip" "$inputs")
	! verdict_replay "$key" || return 0
	info "building $kunitconfig for UML: kunit.py build ${args[*]} (log: $log)"
	if ! kunit_py build "$TREE" "$dir" "$uml" "${args[@]}" >"$log" 2>&1; then
		log_tail "$log"
		record FAIL "$suite:build" "kunit.py build failed"
		return 1
	fi
	# A new tree that builds the same UML kernel gets the same results.
	binary=$(verdict_key kunit-binary "$dir" "$inputs" \
		"$(cat "$uml/linux" "$uml/.config" | sha256sum)" \
		"$(git -C "$TREE" rev-parse "$tip:tools/testing/kunit")")
	if verdict_replay "$binary"; then
		! work_tree_is "$tip" || verdict_alias "$binary" "$key"
		return 0
	fi
	verdict_begin

	# Not "kunit.py run": it reads UML's console through a pipe, and UML
	# drops what does not fit into a full pipe (generic_write() in
	# arch/um/drivers/chan_user.c returns on EAGAIN), so result lines were
	# lost whenever the WARNs the suites provoke came faster than kunit.py
	# read them. A regular file is never full. The command line is
	# kunit.py's own.
	info "running it (log: $kernel_log)"
	timeout "$timeout" "$uml/linux" mem=1G console=tty kunit_shutdown=halt \
		kunit.enable=1 </dev/null >"$kernel_log" 2>&1 || status=$?
	if [ "$status" -eq 124 ]; then
		log_tail "$kernel_log"
		record FAIL "$suite:run" "the UML kernel did not halt within $timeout s"
		return 1
	fi
	(cd "$TREE" && ./tools/testing/kunit/kunit.py parse --json="$json" "$kernel_log") \
		>>"$log" 2>&1 || status=$?

	if [ ! -s "$json" ]; then
		log_tail "$log"
		record FAIL "$suite:run" "kunit.py parse exited with $status and wrote no results"
		return 1
	fi
	python3 - "$json" >"$uml/results.txt" <<'PY'
import json, sys

def walk(group, prefix):
    for case in group["test_cases"]:
        print(case["status"], prefix + case["name"])
    for sub in group["sub_groups"]:
        walk(sub, prefix + sub["name"] + ".")

# The top level is kunit.py's own "KUnit Test Group"; suites are below it.
walk(json.load(open(sys.argv[1])), "")
PY
	if [ ! -s "$uml/results.txt" ]; then
		log_tail "$log"
		record FAIL "$suite:run" "no test case ran"
		return 1
	fi

	while read -r verdict test; do
		case $verdict in
		PASS) record PASS "$name:$test" ;;
		SKIP) record SKIP "$name:$test" ;;
		*) record FAIL "$name:$test" "$verdict"; failed=1 ;;
		esac
	done <"$uml/results.txt"
	# The suites make the core WARN on purpose where a driver refuses to
	# take a device back or to block it, or to take a PASID off its
	# domain; UML's virt-pci WARNs that no virtio PCI device is
	# configured. Any other WARN, and any other report of the kernel's
	# debugging checks (lockdep, sleep in atomic, debug objects, list
	# debugging, KASAN), fails the run.
	report=$(kernel_reports "$kernel_log" __iommu_group_revert \
		__iommu_group_block iommu_detach_device_pasid \
		arch/um/drivers/virt-pci.c)
	if [ ! -s "$kernel_log" ]; then
		record FAIL "$suite:reports" "no kernel log in $kernel_log"
		failed=1
	elif [ -n "$report" ]; then
		record FAIL "$suite:reports" "the kernel reported a problem: $(echo "$report" | head -n 1)"
		failed=1
	else
		record PASS "$suite:reports"
	fi
	if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
		record FAIL "$suite:run" "the UML kernel or kunit.py parse exited with $status"
		failed=1
	fi
	[ "$failed" -eq 0 ] || log_tail "$log"
	! work_tree_is "$tip" || verdict_keep "$binary" "$key"
	return "$failed"
}

# A suite's results are kept under the work tree's tree (or the UML kernel
# built from it), the variant and this script.
tip=$(work_tree_id)
inputs="$variant $(files_id scripts/kunit.sh kconfig/debug.config)"
failed=0
for dir in "${KUNIT_DIRS[@]}"; do
	run_suites "$dir" || failed=1
done
exit "$failed"
