// SPDX-License-Identifier: GPL-2.0
/*
 * The guest half of 'make bench': take every edu device's group through
 * the VFIO transitions the benchmark weighs, one phase at a time, and
 * leave two records for the host to count:
 *
 * - the kernel's memory events (kmalloc, kmem_cache_alloc, page
 *   allocations, with the stack that asked for them, and their frees),
 *   with a trace_marker line at every phase boundary, dumped to the
 *   console at the end;
 * - a write of the phase number to the Interrupt Line register (a
 *   scratch byte) of the host bridge at 0000:00:00.0, which QEMU's
 *   pci_cfg_write trace event puts in its trace in order with the
 *   IOMMU's invalidation descriptors or commands.
 *
 * Every group gets a container of its own, so each claim and release is
 * a group's own. The phases, each over all groups in turn:
 *   1 claim         VFIO_GROUP_SET_CONTAINER: DMA ownership, DMA blocked
 *   2 attach        VFIO_SET_IOMMU(TYPE1v2): a user domain
 *   3 map           VFIO_IOMMU_MAP_DMA of one page
 *   4 unmap         VFIO_IOMMU_UNMAP_DMA of it
 *   5 release       VFIO_GROUP_UNSET_CONTAINER: back to the default domain
 *   6 claim-again   VFIO_GROUP_SET_CONTAINER a second time
 *   7 release-again VFIO_GROUP_UNSET_CONTAINER
 * and marker 8 closes the last phase.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/vfio.h>

#define PCI_DEVICES "/sys/bus/pci/devices"
#define MARKER_DEVICE PCI_DEVICES "/0000:00:00.0/config"
#define MARKER_REG 0x3c /* PCI_INTERRUPT_LINE */
#define TRACEFS "/sys/kernel/tracing"
#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define MAX_GROUPS 32
#define MAP_IOVA 0x100000
#define PAGE 4096

static const char *const alloc_events[] = {
	"kmem/kmalloc", "kmem/kmem_cache_alloc", "kmem/mm_page_alloc",
};

static const char *const free_events[] = {
	"kmem/kfree", "kmem/kmem_cache_free", "kmem/mm_page_free",
	"kmem/mm_page_free_batched",
};

static const char *const phases[] = {
	"claim", "attach", "map", "unmap", "release", "claim-again",
	"release-again",
};

struct group {
	char bdf[16];
	int id;
	int fd;
	int container;
};

static struct group groups[MAX_GROUPS];
static int nr_groups;
static int marker_fd = -1;
static int trace_marker_fd = -1;

static void fail(const char *fmt, ...)
{
	va_list ap;

	printf("bench: error: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

static void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t len = strlen(val);

	if (fd < 0 || write(fd, val, len) != len)
		fail("cannot write '%s' to %s: %s", val, path, strerror(errno));
	close(fd);
}

static unsigned long read_hex(const char *bdf, const char *file)
{
	char path[PATH_MAX], buf[32] = "";
	int fd;

	snprintf(path, sizeof(path), "%s/%s/%s", PCI_DEVICES, bdf, file);
	fd = open(path, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		fail("cannot read %s: %s", path, strerror(errno));
	close(fd);
	return strtoul(buf, NULL, 16);
}

static int is_edu(const struct dirent *d)
{
	return d->d_name[0] != '.' &&
	       read_hex(d->d_name, "vendor") == EDU_VENDOR &&
	       read_hex(d->d_name, "device") == EDU_DEVICE;
}

/* Hand every edu device to vfio-pci and note its IOMMU group. */
static void find_groups(void)
{
	char path[PATH_MAX], link[PATH_MAX];
	struct dirent **edus;
	ssize_t len;
	int n, i;

	n = scandir(PCI_DEVICES, &edus, is_edu, alphasort);
	if (n <= 0)
		fail("no edu device (PCI %04x:%04x)", EDU_VENDOR, EDU_DEVICE);
	if (n > MAX_GROUPS)
		fail("%d edu devices, at most %d", n, MAX_GROUPS);
	for (i = 0; i < n; i++) {
		struct group *g = &groups[i];

		if (strlen(edus[i]->d_name) >= sizeof(g->bdf))
			fail("unexpected PCI device name %s", edus[i]->d_name);
		strcpy(g->bdf, edus[i]->d_name);
		snprintf(path, sizeof(path), "%s/%s/driver_override",
			 PCI_DEVICES, g->bdf);
		write_file(path, "vfio-pci");
		write_file("/sys/bus/pci/drivers_probe", g->bdf);
		snprintf(path, sizeof(path), "%s/%s/iommu_group", PCI_DEVICES,
			 g->bdf);
		len = readlink(path, link, sizeof(link) - 1);
		if (len < 0)
			fail("%s has no IOMMU group: %s", g->bdf, strerror(errno));
		link[len] = '\0';
		g->id = atoi(strrchr(link, '/') + 1);
		if (i && groups[i - 1].id == g->id)
			fail("%s shares group %d: every edu needs a group of its own",
			     g->bdf, g->id);
		free(edus[i]);
	}
	free(edus);
	nr_groups = n;
}

static void open_groups(void)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	int i;

	for (i = 0; i < nr_groups; i++) {
		struct group *g = &groups[i];

		snprintf(path, sizeof(path), "/dev/vfio/%d", g->id);
		g->fd = open(path, O_RDWR);
		g->container = open("/dev/vfio/vfio", O_RDWR);
		if (g->fd < 0 || g->container < 0)
			fail("cannot open %s or its container: %s", path,
			     strerror(errno));
		if (ioctl(g->fd, VFIO_GROUP_GET_STATUS, &status) ||
		    !(status.flags & VFIO_GROUP_FLAGS_VIABLE))
			fail("group %d is not viable", g->id);
	}
}

static void trace_event(const char *event, const char *file, const char *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/events/%s/%s", TRACEFS, event, file);
	write_file(path, val);
}

static void start_tracing(void)
{
	unsigned int i;

	mkdir(TRACEFS, 0755);
	if (mount("tracefs", TRACEFS, "tracefs", 0, NULL) && errno != EBUSY)
		fail("cannot mount tracefs: %s (CONFIG_FTRACE?)", strerror(errno));
	write_file(TRACEFS "/tracing_on", "0");
	write_file(TRACEFS "/buffer_size_kb", "8192");
	write_file(TRACEFS "/trace", "");
	for (i = 0; i < sizeof(alloc_events) / sizeof(*alloc_events); i++) {
		trace_event(alloc_events[i], "enable", "1");
		trace_event(alloc_events[i], "trigger", "stacktrace");
	}
	for (i = 0; i < sizeof(free_events) / sizeof(*free_events); i++)
		trace_event(free_events[i], "enable", "1");
	trace_marker_fd = open(TRACEFS "/trace_marker", O_WRONLY);
	marker_fd = open(MARKER_DEVICE, O_WRONLY);
	if (trace_marker_fd < 0 || marker_fd < 0)
		fail("cannot open the trace marker or %s: %s", MARKER_DEVICE,
		     strerror(errno));
	write_file(TRACEFS "/tracing_on", "1");
}

/* Start phase @n (1-based), or end the last one with n past the end. */
static void mark(unsigned char n)
{
	char line[64];
	int len;

	len = snprintf(line, sizeof(line), "bench: marker %u\n", n);
	if (write(trace_marker_fd, line, len) != len ||
	    pwrite(marker_fd, &n, 1, MARKER_REG) != 1)
		fail("cannot write marker %u: %s", n, strerror(errno));
}

static void for_each_group(unsigned long request, const char *what,
			   void *(*arg)(struct group *g), int on_container)
{
	int i;

	for (i = 0; i < nr_groups; i++) {
		struct group *g = &groups[i];
		int fd = on_container ? g->container : g->fd;

		if (ioctl(fd, request, arg ? arg(g) : NULL))
			fail("%s on group %d: %s", what, g->id, strerror(errno));
	}
}

static void *container_of_group(struct group *g)
{
	return &g->container;
}

static void *type1v2(struct group *g)
{
	return (void *)(long)VFIO_TYPE1v2_IOMMU;
}

static struct vfio_iommu_type1_dma_map map = {
	.argsz = sizeof(map),
	.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
	.iova = MAP_IOVA,
	.size = PAGE,
};

static struct vfio_iommu_type1_dma_unmap unmap = {
	.argsz = sizeof(unmap),
	.iova = MAP_IOVA,
	.size = PAGE,
};

static void *map_arg(struct group *g)
{
	return &map;
}

static void *unmap_arg(struct group *g)
{
	return &unmap;
}

static void run_phases(void)
{
	mark(1);
	for_each_group(VFIO_GROUP_SET_CONTAINER, "SET_CONTAINER",
		       container_of_group, 0);
	mark(2);
	for_each_group(VFIO_SET_IOMMU, "SET_IOMMU", type1v2, 1);
	mark(3);
	for_each_group(VFIO_IOMMU_MAP_DMA, "MAP_DMA", map_arg, 1);
	mark(4);
	for_each_group(VFIO_IOMMU_UNMAP_DMA, "UNMAP_DMA", unmap_arg, 1);
	mark(5);
	for_each_group(VFIO_GROUP_UNSET_CONTAINER, "UNSET_CONTAINER", NULL, 0);
	mark(6);
	for_each_group(VFIO_GROUP_SET_CONTAINER, "SET_CONTAINER again",
		       container_of_group, 0);
	mark(7);
	for_each_group(VFIO_GROUP_UNSET_CONTAINER, "UNSET_CONTAINER again",
		       NULL, 0);
	mark(8);
}

/* A lost event would make the counts wrong: refuse an overrun buffer. */
static void check_overrun(void)
{
	char path[PATH_MAX], line[128];
	unsigned long overrun, total = 0;
	int cpu;

	for (cpu = 0;; cpu++) {
		FILE *stats;

		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/stats", TRACEFS,
			 cpu);
		stats = fopen(path, "r");
		if (!stats)
			break;
		while (fgets(line, sizeof(line), stats))
			if (sscanf(line, "overrun: %lu", &overrun) == 1)
				total += overrun;
		fclose(stats);
	}
	if (!cpu)
		fail("no per-CPU trace statistics in %s", TRACEFS);
	if (total)
		fail("the trace buffer lost %lu events", total);
}

static void dump_trace(void)
{
	char line[1024];
	FILE *trace;

	trace = fopen(TRACEFS "/trace", "r");
	if (!trace)
		fail("cannot read the trace: %s", strerror(errno));
	printf("bench: trace begins\n");
	while (fgets(line, sizeof(line), trace))
		fputs(line, stdout);
	printf("bench: trace ends\n");
	fclose(trace);
}

int main(void)
{
	unsigned int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* The program's own page faults must not land in the phases. */
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		fail("mlockall: %s", strerror(errno));
	map.vaddr = (unsigned long)mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map.vaddr == (unsigned long)MAP_FAILED)
		fail("mmap: %s", strerror(errno));

	find_groups();
	open_groups();
	printf("bench: groups %d\n", nr_groups);
	for (i = 0; i < sizeof(phases) / sizeof(*phases); i++)
		printf("bench: phase %u %s\n", i + 1, phases[i]);

	start_tracing();
	run_phases();
	write_file(TRACEFS "/tracing_on", "0");
	check_overrun();
	dump_trace();
	printf("bench: done\n");
	return 0;
}
