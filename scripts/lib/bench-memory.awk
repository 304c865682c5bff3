# Weigh the memory each bench phase allocates and holds, from the guest's
# dump of its kmem trace events (bench.c): allocations are paired with
# their frees by pointer (slab) or pfn (pages), and "bench: marker N"
# lines written to trace_marker start phase N.
# Only allocations made on behalf of VFIO or the IOMMU layer count: their
# stack trace has a frame whose name contains "vfio" or "iommu". Pages
# that back a slab (SLUB or SLOB) or a large kmalloc are left out, since the object
# that caused them is counted already.
# Prints, per phase: "mem PHASE allocs N", "mem PHASE bytes N" (allocated
# in the phase) and "mem PHASE held N" (bytes the claim, phase 1,
# allocated that are still live at the end of the phase); and one "site PHASE
# BYTES FUNCTION" line per function that holds memory at the end of
# phase 1: the call site of a slab object, the first caller outside the
# page allocator of a page.
# Usage: awk -f bench-memory.awk GUEST-LOG
function flush(  key, bytes) {
	if (pending == "")
		return
	if (counted && !slab_page) {
		key = pending
		bytes = pending_bytes
		live[key] = bytes
		live_site[key] = site
		live_phase[key] = phase
		allocs[phase]++
		allocated[phase] += bytes
	}
	pending = ""
}
function forget(key) {
	delete live[key]
	delete live_site[key]
	delete live_phase[key]
}
function field(name,  i) {
	for (i = 1; i <= NF; i++)
		if (index($i, name "=") == 1)
			return substr($i, length(name) + 2)
	return ""
}
function end_phase(p,  key, held) {
	held = 0
	for (key in live)
		if (live_phase[key] == 1)
			held += live[key]
	held_at[p] = held
	if (p == 1)
		for (key in live)
			sites[live_site[key]] += live[key]
}
/^bench: trace begins/ { in_trace = 1; next }
/^bench: trace ends/ { flush(); in_trace = 0; next }
!in_trace { next }
/^ => / {
	if (pending == "")
		next
	if ($2 ~ /vfio|iommu/)
		counted = 1
	if (site == "" && $2 !~ /^(trace_|__traceiter_|_*alloc_pages|_*get_free_pages|folio_alloc|_*dma_direct_alloc|dma_alloc_attrs)/) {
		site = $2
		sub(/\+.*/, "", site)
	}
	if ($2 ~ /allocate_slab|new_slab|slob_new_pages|slob_alloc|kmalloc_large|kmalloc_order/)
		slab_page = 1
	next
}
/<stack trace>/ { next }
/tracing_mark_write: bench: marker / {
	flush()
	if (phase > 0)
		end_phase(phase)
	phase = $NF + 0
	markers++
	next
}
/ (kmalloc|kmem_cache_alloc|kfree|kmem_cache_free): .*ptrval/ {
	print "bench-memory.awk: hashed pointers in the trace: boot with no_hash_pointers" > "/dev/stderr"
	exit 1
}
/ (kmalloc|kmem_cache_alloc): / {
	flush()
	if (phase == 0)
		next
	pending = "p" field("ptr")
	pending_bytes = field("bytes_alloc")
	site = field("call_site")
	sub(/\+.*/, "", site)
	counted = slab_page = 0
	next
}
/ mm_page_alloc: / {
	flush()
	if (phase == 0)
		next
	pending = "f" field("pfn")
	pending_bytes = 4096 * 2 ^ field("order")
	site = ""
	counted = slab_page = 0
	next
}
/ (kfree|kmem_cache_free): / {
	flush()
	forget("p" field("ptr"))
	next
}
/ mm_page_free(_batched)?: / {
	flush()
	forget("f" field("pfn"))
	next
}
{ flush() }
END {
	if (markers == 0) {
		print "bench-memory.awk: no phase marker in the guest's trace" > "/dev/stderr"
		exit 1
	}
	for (p = 1; p < markers; p++) {
		print "mem", p, "allocs", allocs[p] + 0
		print "mem", p, "bytes", allocated[p] + 0
		print "mem", p, "held", held_at[p] + 0
	}
	for (s in sites)
		print "site", 1, sites[s], s
}
