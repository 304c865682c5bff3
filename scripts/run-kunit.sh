#!/usr/bin/env bash
# Run the IOMMU KUnit suites of the work tree with the kernel's kunit.py on
# UML (drivers/iommu/.kunitconfig) and record one result per test case.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
require_tree

kunitconfig=drivers/iommu/.kunitconfig
out=$BUILD/kunit
log=$out/kunit.log
json=$out/results.json
[ -f "$TREE/$kunitconfig" ] || die "$kunitconfig is missing from the series"
mkdir -p "$out"
rm -f "$json"

info "running KUnit on UML: kunit.py run --kunitconfig=$kunitconfig (log: $log)"
status=0
(cd "$TREE" && ./tools/testing/kunit/kunit.py run --kunitconfig="$kunitconfig" \
	--build_dir="$out/uml" --jobs="$(nproc)" --make_options=CC="ccache gcc" \
	--json="$json") >"$log" 2>&1 || status=$?

if [ ! -s "$json" ]; then
	log_tail "$log"
	record FAIL "kunit:run" "kunit.py exited with $status and wrote no results"
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
[ -s "$out/results.txt" ] || { log_tail "$log"; record FAIL "kunit:run" "no test case ran"; exit 1; }

failed=0
while read -r verdict name; do
	case $verdict in
	PASS) record PASS "kunit:$name" ;;
	SKIP) record SKIP "kunit:$name" ;;
	*) record FAIL "kunit:$name" "$verdict"; failed=1 ;;
	esac
done <"$out/results.txt"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
	log_tail "$log"
	record FAIL "kunit:run" "kunit.py exited with $status"
	failed=1
fi
[ "$failed" -eq 0 ] || log_tail "$log"
exit "$failed"
