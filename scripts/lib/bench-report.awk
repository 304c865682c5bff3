# The tables of make bench (bench-report.sh): reads bench/minimum.conf,
# bench/above-minimum.conf, then the .counts files of the base and the
# series, and prints one table per group of figures with each figure's
# verdict against its minimum; exits 1, after printing, on any figure the
# verdicts do not accept.
# Usage: awk -v targets="TARGET..." -f bench-report.awk MINIMUM ABOVE COUNTS...
function ratio(b, s) { return b == 0 ? "-" : sprintf("%.2f", s / b) }
function per(v, n) { v = v / n; return v == int(v) ? v : sprintf("%.2f", v) }
FILENAME ~ /\/minimum.conf$/ {
	if ($0 ~ /^#/ || NF < 3)
		next
	min[$1, $2] = $3
	why = $0
	sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", why)
	reason[$1, $2] = why
	next
}
FILENAME ~ /above-minimum.conf$/ {
	if ($0 ~ /^#/ || NF < 3)
		next
	why = $0
	sub(/^[^ ]+ [^ ]+ /, "", why)
	above[$1, $2] = why
	next
}
{
	file = FILENAME
	sub(/.*\//, "", file)
	sub(/\.counts$/, "", file)
	side = file ~ /-base$/ ? "base" : "series"
	name = file
	sub(/-(base|series)$/, "", name)
}
$1 == "groups" { groups[name, side] = $2 }
$1 == "kunit" { kunit[$2, side, $3] = $4 }
$1 == "mem" { mem[name, side, $2, $3] = $4 }
$1 == "hw" {
	total[name, side, $2] += $4
	detail[name, side, $2] = detail[name, side, $2] (detail[name, side, $2] == "" ? "" : ", ") $3 " " $4
}
$1 == "site" { sites[name, side] = sites[name, side] (sites[name, side] == "" ? "" : ", ") $4 " " $3 }
END {
	nphase = split("claim attach map unmap release claim-again release-again", phase, " ")
	n = split(targets, target, " ")

	print "\n## Memory per VFIO-owned group, in the guest\n"
	print "Kernel allocations (kmalloc, kmem_cache_alloc, pages) made on behalf of VFIO"
	print "or the IOMMU layer, from the guest kernel's kmem trace events, paired with"
	print "their frees. \"held\" counts what the claim allocated that is still live at"
	print "that point. The minimum is 0 wherever the driver has a static blocked domain.\n"
	print "| target | figure | base | series | series / base | minimum | series at the minimum |"
	print "|---|---|---|---|---|---|---|"
	for (i = 1; i <= n; i++) {
		t = target[i]
		gb = groups[t, "base"]; gs = groups[t, "series"]
		row(t, "claim-allocs", "allocations at the claim", mem[t, "base", 1, "allocs"], gb, mem[t, "series", 1, "allocs"], gs)
		row(t, "claim-held", "bytes held while claimed", mem[t, "base", 1, "held"], gb, mem[t, "series", 1, "held"], gs)
		row(t, "release-held", "bytes held after the release", mem[t, "base", 5, "held"], gb, mem[t, "series", 5, "held"], gs)
		row(t, "claim-again-allocs", "allocations at a second claim", mem[t, "base", 6, "allocs"], gb, mem[t, "series", 6, "allocs"], gs)
	}
	print "\nWhat holds the memory while claimed (bytes over all groups):\n"
	for (i = 1; i <= n; i++) {
		t = target[i]
		printf "- %s: base: %s; series: %s\n", t, \
			sites[t, "base"] == "" ? "nothing" : sites[t, "base"], \
			sites[t, "series"] == "" ? "nothing" : sites[t, "series"]
	}

	print "\n## Hardware work per group and transition, from QEMU's trace events\n"
	print "| target | transition | base | series | series / base | minimum | series at the minimum | base: by kind | series: by kind |"
	print "|---|---|---|---|---|---|---|---|---|"
	for (i = 1; i <= n; i++) {
		t = target[i]
		for (p = 1; p <= nphase; p++) {
			b = total[t, "base", p] + 0; s = total[t, "series", p] + 0
			m = (t SUBSEP phase[p]) in min ? min[t, phase[p]] : "n/a"
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", t, phase[p], \
				per(b, groups[t, "base"]), per(s, groups[t, "series"]), ratio(b, s), m, \
				verdict(t, phase[p], s / groups[t, "series"], m), \
				detail[t, "base", p], detail[t, "series", p]
		}
	}
	print "\n\"other\" counts VT-d descriptors QEMU 7.2 does not trace (the PASID-cache"
	print "invalidations of scalable mode), from the invalidation queue's tail. No"
	print "minimum is stated for attach: VFIO maps two pages of its own there and"
	print "unmaps them one at a time, to learn whether the IOMMU splits large pages"
	print "(vfio_test_domain_fgsp())."
	print "\nThe minimum, per target and transition (bench/minimum.conf):\n"
	for (i = 1; i <= n; i++)
		for (p = 1; p <= nphase; p++)
			if ((target[i] SUBSEP phase[p]) in reason)
				printf "- %s %s: %s\n", target[i], phase[p], reason[target[i], phase[p]]
	print "\nWhere the series is above the minimum, why (bench/above-minimum.conf):\n"
	for (i = 1; i <= n; i++)
		for (k in above) {
			split(k, key, SUBSEP)
			if (key[1] != target[i])
				continue
			if (k in explained)
				printf "- %s %s: %s\n", key[1], key[2], above[k]
			else
				bad = bad sprintf("\n  %s %s is at its minimum: remove its line from bench/above-minimum.conf", key[1], key[2])
		}

	print "\n## The core on the mock driver (KUnit on UML)\n"
	print "iommu_test_claim_release_cost: base is the patch that adds the suite (the 6.1"
	print "core, a driver without static domains, like every 6.1 driver); series is the"
	print "top of the series with a driver that has static domains (iommu_core_static)"
	print "and, for reference, one that has none (iommu_core).\n"
	print "| figure | base | series | series / base | series, no static domains |"
	print "|---|---|---|---|---|"
	kb = kunit["iommu_core", "base", "groups"]
	ks = kunit["iommu_core_static", "series", "groups"]
	kd = kunit["iommu_core", "series", "groups"]
	krow("domain allocations at the claim", "claim_allocs", kb, ks, kd)
	krow("domains held while claimed", "held_domains", kb, ks, kd)
	krow("bytes of domains held while claimed", "held_bytes", kb, ks, kd)
	krow("domains held after the release", "held_after_release", kb, ks, kd)
	krow("claim and release cycle, median ns", "cycle_median_ns", 1, 1, 1)
	if (bad != "") {
		print "bench-report.sh: the series and the minimum disagree:" bad > "/dev/stderr"
		exit 1
	}
}
# Whether the series figure v (per group) is at the minimum m; records
# in "bad" what nothing explains.
function verdict(t, fig, v, m) {
	if (m == "n/a")
		return "n/a"
	if (v + 0 == m + 0)
		return "yes"
	if (v + 0 < m + 0) {
		bad = bad sprintf("\n  %s %s: %s is below the minimum %s: the count or the minimum is wrong", t, fig, v, m)
		return "BELOW"
	}
	if ((t SUBSEP fig) in above) {
		explained[t, fig] = 1
		return "no, see below"
	}
	bad = bad sprintf("\n  %s %s: %s is above the minimum %s, and bench/above-minimum.conf says nothing of it", t, fig, v, m)
	return "UNEXPLAINED"
}
function row(t, fig, what, b, gb, s, gs) {
	printf "| %s | %s | %s | %s | %s | 0 | %s |\n", t, what, per(b, gb), per(s, gs), \
		ratio(b / gb, s / gs), verdict(t, fig, s / gs, 0)
}
function krow(what, key, nb, ns, nd,  b, s, d) {
	b = kunit["iommu_core", "base", key] / nb
	s = kunit["iommu_core_static", "series", key] / ns
	d = kunit["iommu_core", "series", key] / nd
	printf "| %s | %s | %s | %s | %s |\n", what, per(b, 1), per(s, 1), ratio(b, s), per(d, 1)
}
