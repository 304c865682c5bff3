# Count the IOMMU's work per bench phase from a QEMU trace (-D file of the
# log backend): the guest writes the phase number to the Interrupt Line
# register (0x3c) of 0000:00:00.0 as each phase starts, and every other
# traced event is counted under the phase it falls in, labelled by its
# kind: the descriptor type for vtd_inv_desc, the opcode for
# smmuv3_cmdq_opcode, the event's name for the rest.
# QEMU 7.2 traces no VT-d descriptor it ignores (PASID-cache ones among
# them), so the VT-d invalidation queue's tail (vtd_inv_qi_tail, in
# descriptors, wrapping at the size vtd_inv_qi_setup gives) counts every
# descriptor, and those without a trace of their own are labelled
# "other".
# Prints "hw PHASE LABEL COUNT" lines; PHASE 0 is everything before the
# first marker (boot), and is not printed.
# Usage: awk -f bench-hardware.awk QEMU-TRACE
function hex(s,  n, i) {
	s = tolower(s)
	sub(/^0x/, "", s)
	for (i = 1; i <= length(s); i++)
		n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return n
}
$1 == "pci_cfg_write" && $3 == "00:00.0" && $4 == "@0x3c" {
	phase = hex($6)
	markers++
	next
}
$1 == "pci_cfg_write" { next }
$1 == "vtd_inv_qi_setup" { qsize = $NF; next }
$1 == "vtd_inv_qi_tail" {
	if (tail != "" && phase > 0) {
		n = $NF - tail
		queued[phase] += n < 0 ? n + qsize : n
	}
	tail = $NF
	next
}
phase == 0 { next }
$1 == "vtd_inv_desc" { count[phase, $5]++; typed[phase]++; next }
$1 == "smmuv3_cmdq_opcode" { count[phase, $3]++; next }
{ count[phase, $1]++ }
END {
	if (markers == 0) {
		print "bench-hardware.awk: no phase marker in the QEMU trace" > "/dev/stderr"
		exit 1
	}
	for (p in queued)
		if (queued[p] > typed[p])
			count[p, "other"] = queued[p] - typed[p]
	for (key in count) {
		split(key, k, SUBSEP)
		print "hw", k[1], k[2], count[key]
	}
}
