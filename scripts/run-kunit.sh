#!/usr/bin/env bash
# Run the IOMMU KUnit suites of the work tree with the kernel's kunit.py on
# UML (drivers/iommu/.kunitconfig) and record one result per test case.
# The debug variant adds kconfig/debug.config, but not all of it: kmemleak
# only reports when it scans, and the UML run is over before anything asks
# it to (the guests of the debug variant do), and UML has no preemption,
# hence no preempt count for DEBUG_ATOMIC_SLEEP to check (the guests have).
# Usage: run-kunit.sh [debug]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
variant=${1:-}
require_tree

kunitconfig=drivers/iommu/.kunitconfig
name=kunit${variant:+-$variant}
out=$BUILD/$name
log=$out/kunit.log
json=$out/results.json
[ -f "$TREE/$kunitconfig" ] || die "$kunitconfig is missing from the series"
args=(--kunitconfig="$kunitconfig")
case $variant in
"") ;;
debug) args+=(--kunitconfig="$TOP/kconfig/debug.config"
	--kconfig_add=CONFIG_DEBUG_KMEMLEAK=n --kconfig_add=CONFIG_DEBUG_ATOMIC_SLEEP=n) ;;
*) die "unknown KUnit variant '$variant': debug or none" ;;
esac
mkdir -p "$out"
rm -f "$json"

info "building the KUnit kernel for UML: kunit.py build ${args[*]} (log: $log)"
if ! (cd "$TREE" && ./tools/testing/kunit/kunit.py build "${args[@]}" \
	--build_dir="$out/uml" --jobs="$(nproc)" --make_options=CC="ccache gcc") >"$log" 2>&1; then
	log_tail "$log"
	record FAIL "$name:build" "kunit.py build failed"
	exit 1
fi

# Not "kunit.py run": it reads UML's console through a pipe, and UML drops
# what does not fit into a full pipe (generic_write() in
# arch/um/drivers/chan_user.c returns on EAGAIN), so result lines were lost
# whenever the WARNs the suites provoke came faster than kunit.py read them.
# A regular file is never full. The command line is kunit.py's own.
kernel_log=$out/uml/test.log
timeout=600
info "running it (log: $kernel_log)"
status=0
timeout "$timeout" "$out/uml/linux" mem=1G console=tty kunit_shutdown=halt \
	kunit.enable=1 </dev/null >"$kernel_log" 2>&1 || status=$?
if [ "$status" -eq 124 ]; then
	log_tail "$kernel_log"
	record FAIL "$name:run" "the UML kernel did not halt within $timeout s"
	exit 1
fi
(cd "$TREE" && ./tools/testing/kunit/kunit.py parse --json="$json" "$kernel_log") \
	>>"$log" 2>&1 || status=$?

if [ ! -s "$json" ]; then
	log_tail "$log"
	record FAIL "$name:run" "kunit.py parse exited with $status and wrote no results"
	exit 1
fi
python3 - "$json" >"$out/results.txt" <<'PY'
import json, sys

def walk(group, prefix):
    for case in group["test_cases"]:
        print(case["status"], prefix + case["name"])
    for sub in group["sub_groups"]:
        walk(sub, prefix + sub["name"] + ".")

# The top level is kunit.py's own "KUnit Test Group"; suites are below it.
walk(json.load(open(sys.argv[1])), "")
PY
[ -s "$out/results.txt" ] || { log_tail "$log"; record FAIL "$name:run" "no test case ran"; exit 1; }

failed=0
while read -r verdict test; do
	case $verdict in
	PASS) record PASS "$name:$test" ;;
	SKIP) record SKIP "$name:$test" ;;
	*) record FAIL "$name:$test" "$verdict"; failed=1 ;;
	esac
done <"$out/results.txt"
# The suites make the core WARN on purpose ("WARNING: CPU: ..."); any other
# report of the kernel's debugging checks (lockdep, sleep in atomic, debug
# objects, list debugging, KASAN) fails the run.
report=$(grep -n -E 'BUG: |ODEBUG|corruption|WARNING: [^C]|INFO: |Kernel panic' \
	"$kernel_log" | head -n 5 || true)
if [ ! -s "$kernel_log" ]; then
	record FAIL "$name:reports" "no kernel log in $kernel_log"
	failed=1
elif [ -n "$report" ]; then
	record FAIL "$name:reports" "the kernel reported a problem: $(echo "$report" | head -n 1)"
	failed=1
else
	record PASS "$name:reports"
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
	log_tail "$log"
	record FAIL "$name:run" "the UML kernel or kunit.py parse exited with $status"
	failed=1
fi
[ "$failed" -eq 0 ] || log_tail "$log"
exit "$failed"
