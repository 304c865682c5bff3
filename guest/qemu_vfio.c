// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO as its users drive it: Debian's own QEMU, run inside the test guest
 * (scripts/client.sh puts it there), takes the guest's edu devices with
 * vfio-pci for a machine of its own. QEMU opens the group, claims its DMA,
 * maps its machine's RAM into a type1 container and lets go when it exits;
 * the tests only watch the DMA that follows.
 *
 * The inner machine never runs a CPU: it is created paused (-S) and driven
 * through QEMU's gdbstub on QEMU's stdin and stdout, in physical-memory
 * mode, where QEMU carries out a memory access as the inner CPU would: to
 * the machine's RAM, or to the passed-through BAR, which QEMU maps from
 * VFIO. PCI configuration cycles go through the gdbstub's monitor (port
 * I/O on the "pc" machine). The inner machine's physical addresses are
 * the IOVAs QEMU mapped, so an edu transfer to them must land in its RAM;
 * one to an address QEMU did not map must not land anywhere.
 *
 * After each QEMU has gone, by a clean exit or SIGKILL, the group must be
 * back on the default domain the kernel reports for it
 * (/sys/kernel/iommu_groups/N/type), as the other tests' DMA checks see it
 * (vfio_util.h): DMA by physical address lands on identity only.
 *
 * Built by scripts/guest.sh with the tree's edu.c, vfio_util.h and
 * kselftest_harness.h; skips where the guest has no QEMU.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vfio_util.h"

/*
 * The inner machine, 16 MiB of RAM and nothing but the devices passed
 * through: x86_64's "pc", whose configuration space is reached through
 * ports 0xcf8/0xcfc, or arm64's "virt" with its ECAM below 4 GiB.
 */
#if defined(__x86_64__)
#define QEMU			"/usr/bin/qemu-system-x86_64"
#define INNER_MACHINE		"pc"
#define INNER_RAM		0x0ULL
#define INNER_BAR		0xe0000000ULL	/* in the PCI hole */
#elif defined(__aarch64__)
#define QEMU			"/usr/bin/qemu-system-aarch64"
#define INNER_MACHINE		"virt,highmem=off"
#define INNER_RAM		0x40000000ULL
#define INNER_BAR		0x10000000ULL	/* the PCI MMIO window */
#define INNER_ECAM		0x3f000000ULL
#else
#error "no inner machine for this architecture"
#endif
#define INNER_RAM_SIZE		0x1000000
#define INNER_SRC		(INNER_RAM + 0x200000)
#define INNER_DST		(INNER_RAM + 0x300000)
#define INNER_BAR_SIZE		0x100000
#define INNER_SLOT		4	/* the first passed-through device's slot */

#define EDU_ID			0x00
#define EDU_ID_1_0		0x010000ed
#define EDU_LIVENESS		0x04	/* reads back the inverse of a write */
#define EDU_DMA_SRC		0x80
#define EDU_DMA_DST		0x88
#define EDU_DMA_CNT		0x90
#define EDU_DMA_CMD		0x98
#define  EDU_CMD_START		0x1
#define  EDU_CMD_TO_RAM		0x2
#define EDU_VENDOR_DEVICE	0x11e81234

#define PCI_VENDOR_ID		0x00
#define PCI_COMMAND		0x04
#define  PCI_COMMAND_MEMORY	0x2
#define  PCI_COMMAND_MASTER	0x4
#define PCI_BAR0		0x10

/* QEMU under TCG, in a guest under TCG: seconds, not milliseconds */
#define REPLY_TIMEOUT_MS	20000
#define EXIT_TIMEOUT_MS		20000
#define DMA_TIMEOUT_MS		5000
#define TEST_TIMEOUT		600

/*
 * What QEMU may print on its standard error without failing a test, one
 * line each; anything else it prints does.
 */
static const char *const expected_complaints[] = {
	/* edu has neither FLR nor PM reset, and no bus to reset alone */
	"no available reset mechanism",
	NULL
};

/* One inner QEMU and the gdbstub connection to it */
struct inner {
	pid_t pid;		/* 0 once it is gone */
	int to, from;		/* the pipes to QEMU's stdin, from its stdout */
	char in[4096];		/* what QEMU sent and no packet took yet */
	size_t len;
	char errfile[64];	/* QEMU's standard error */
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next byte from QEMU's stdout, or -1 on a timeout or its end */
static int inner_getc(struct inner *q)
{
	struct pollfd pfd = { .fd = q->from, .events = POLLIN };
	long deadline = now_ms() + REPLY_TIMEOUT_MS;
	ssize_t n;
	int c;

	while (!q->len) {
		if (poll(&pfd, 1, deadline - now_ms()) <= 0)
			return -1;
		n = read(q->from, q->in, sizeof(q->in));
		if (n <= 0)
			return -1;
		q->len = n;
	}
	c = (unsigned char)q->in[0];
	memmove(q->in, q->in + 1, --q->len);
	return c;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Send one packet of the gdb remote protocol and wait for QEMU's ack */
static int gdb_send(struct inner *q, const char *data)
{
	char *pkt;
	unsigned int sum = 0;
	size_t i, len = strlen(data);
	int c, ret;

	for (i = 0; i < len; i++)
		sum += (unsigned char)data[i];
	if (asprintf(&pkt, "$%s#%02x", data, sum & 0xff) < 0)
		return -1;
	ret = write_all(q->to, pkt, strlen(pkt));
	free(pkt);
	if (ret)
		return -1;
	do {
		c = inner_getc(q);
	} while (c >= 0 && c != '+' && c != '-');
	return c == '+' ? 0 : -1;
}

/* Receive one packet into @buf of @size bytes and ack it: 0 or -1 */
static int gdb_recv(struct inner *q, char *buf, size_t size)
{
	unsigned int sum = 0, want;
	char cs[3] = "";
	size_t len = 0;
	int c, i;

	do {
		c = inner_getc(q);
	} while (c >= 0 && c != '$');
	while ((c = inner_getc(q)) >= 0 && c != '#') {
		if (len + 1 >= size)
			return -1;
		buf[len++] = c;
		sum += c;
	}
	buf[len] = '\0';
	if (c < 0)
		return -1;
	for (i = 0; i < 2; i++) {
		c = inner_getc(q);
		if (c < 0)
			return -1;
		cs[i] = c;
	}
	want = strtoul(cs, NULL, 16);
	if (want != (sum & 0xff) || write_all(q->to, "+", 1))
		return -1;
	return 0;
}

/* Send @cmd and take its reply into @reply: 0, or -1 if none came */
static int gdb(struct inner *q, const char *cmd, char *reply, size_t size)
{
	return gdb_send(q, cmd) ?: gdb_recv(q, reply, size);
}

static void to_hex(char *out, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static int from_hex(void *buf, const char *hex, size_t len)
{
	uint8_t *p = buf;
	unsigned int byte;
	size_t i;

	if (strlen(hex) != 2 * len)
		return -1;
	for (i = 0; i < len; i++) {
		if (sscanf(hex + 2 * i, "%2x", &byte) != 1)
			return -1;
		p[i] = byte;
	}
	return 0;
}

/*
 * The gdbstub takes packets of up to 4 KiB, hex digits and all: memory
 * goes in pieces.
 */
#define GDB_CHUNK		1024

/* Write @len bytes at the inner machine's physical address @addr */
static int phys_write(struct inner *q, uint64_t addr, const void *buf,
		      size_t len)
{
	char cmd[64 + 2 * GDB_CHUNK], reply[16];
	size_t done, n;
	int head;

	for (done = 0; done < len; done += n) {
		n = len - done < GDB_CHUNK ? len - done : GDB_CHUNK;
		head = snprintf(cmd, sizeof(cmd), "M%llx,%zx:",
				(unsigned long long)(addr + done), n);
		to_hex(cmd + head, (const uint8_t *)buf + done, n);
		if (gdb(q, cmd, reply, sizeof(reply)) || strcmp(reply, "OK"))
			return -1;
	}
	return 0;
}

/* Read @len bytes at the inner machine's physical address @addr */
static int phys_read(struct inner *q, uint64_t addr, void *buf, size_t len)
{
	char cmd[64], reply[2 * GDB_CHUNK + 1];
	size_t done, n;

	for (done = 0; done < len; done += n) {
		n = len - done < GDB_CHUNK ? len - done : GDB_CHUNK;
		snprintf(cmd, sizeof(cmd), "m%llx,%zx",
			 (unsigned long long)(addr + done), n);
		if (gdb(q, cmd, reply, sizeof(reply)) ||
		    from_hex((uint8_t *)buf + done, reply, n))
			return -1;
	}
	return 0;
}

static int phys_write32(struct inner *q, uint64_t addr, uint32_t val)
{
	return phys_write(q, addr, &val, sizeof(val));
}

static int phys_write64(struct inner *q, uint64_t addr, uint64_t val)
{
	return phys_write(q, addr, &val, sizeof(val));
}

static int phys_read32(struct inner *q, uint64_t addr, uint32_t *val)
{
	return phys_read(q, addr, val, sizeof(*val));
}

/*
 * Run the monitor command @cmd through the gdbstub ("monitor" in gdb) and
 * leave what it printed in @out: QEMU sends it as "O" packets, then "OK".
 */
static int monitor(struct inner *q, const char *cmd, char *out, size_t size)
{
	char pkt[256], reply[512];
	size_t len = 0, n;

	n = snprintf(pkt, sizeof(pkt), "qRcmd,");
	to_hex(pkt + n, cmd, strlen(cmd));
	if (gdb_send(q, pkt))
		return -1;
	out[0] = '\0';
	for (;;) {
		if (gdb_recv(q, reply, sizeof(reply)))
			return -1;
		if (!strcmp(reply, "OK"))
			return 0;
		if (reply[0] != 'O')
			return -1;
		n = strlen(reply + 1) / 2;
		if (len + n + 1 > size || from_hex(out + len, reply + 1, n))
			return -1;
		len += n;
		out[len] = '\0';
	}
}

#if defined(__x86_64__)
/* A configuration cycle to the inner machine's bus 0, through 0xcf8/0xcfc */
static int config_select(struct inner *q, int slot, int reg)
{
	char cmd[64], out[256];

	snprintf(cmd, sizeof(cmd), "o /w 0xcf8 0x%x",
		 0x80000000 | slot << 11 | reg);
	/* "o" prints nothing, but the reason it did nothing */
	return monitor(q, cmd, out, sizeof(out)) || out[0] ? -1 : 0;
}

static int config_write(struct inner *q, int slot, int reg, uint32_t val)
{
	char cmd[64], out[256];

	snprintf(cmd, sizeof(cmd), "o /w 0xcfc 0x%x", val);
	if (config_select(q, slot, reg))
		return -1;
	return monitor(q, cmd, out, sizeof(out)) || out[0] ? -1 : 0;
}

static int config_read(struct inner *q, int slot, int reg, uint32_t *val)
{
	char out[256], *eq;

	if (config_select(q, slot, reg) ||
	    monitor(q, "i /w 0xcfc", out, sizeof(out)))
		return -1;
	/* "port[0x0cfc] = 0x11e81234" */
	eq = strstr(out, "= ");
	if (!eq)
		return -1;
	*val = strtoul(eq + 2, NULL, 16);
	return 0;
}
#else
/* A configuration access to the inner machine's bus 0, through its ECAM */
static int config_write(struct inner *q, int slot, int reg, uint32_t val)
{
	return phys_write32(q, INNER_ECAM + (slot << 15) + reg, val);
}

static int config_read(struct inner *q, int slot, int reg, uint32_t *val)
{
	return phys_read32(q, INNER_ECAM + (slot << 15) + reg, val);
}
#endif

/*
 * Start QEMU with the @n devices of @edus passed through, at slots
 * INNER_SLOT on, paused, and switch its gdbstub to physical addresses.
 */
static int inner_start(struct inner *q, const struct edu *edus, int n)
{
	static int runs;
	char dev[2][64], reply[16];
	const char *argv[16 + 2 * 2];
	int to[2], from[2], argc = 0, i, fd;
	pid_t parent;

	memset(q, 0, sizeof(*q));
	snprintf(q->errfile, sizeof(q->errfile), "/tmp/qemu-%d.err", ++runs);
	argv[argc++] = QEMU;
	argv[argc++] = "-M";
	argv[argc++] = INNER_MACHINE;
	argv[argc++] = "-accel";
	argv[argc++] = "tcg,tb-size=16";
	argv[argc++] = "-m";
	argv[argc++] = "16M";
	argv[argc++] = "-nodefaults";
	argv[argc++] = "-display";
	argv[argc++] = "none";
	argv[argc++] = "-S";
	argv[argc++] = "-gdb";
	argv[argc++] = "stdio";
	for (i = 0; i < n && i < 2; i++) {
		snprintf(dev[i], sizeof(dev[i]), "vfio-pci,host=%s,addr=%x.0",
			 edus[i].bdf, INNER_SLOT + i);
		argv[argc++] = "-device";
		argv[argc++] = dev[i];
	}
	argv[argc] = NULL;

	if (pipe2(to, O_CLOEXEC))
		return -1;
	if (pipe2(from, O_CLOEXEC)) {
		close(to[0]);
		close(to[1]);
		return -1;
	}
	fflush(stdout);
	parent = getpid();
	q->pid = fork();
	if (q->pid == 0) {
		/* A test that dies takes its QEMU with it, even before this. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(126);
		fd = open(q->errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			_exit(126);
		dup2(to[0], STDIN_FILENO);
		dup2(from[1], STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		execv(QEMU, (char **)argv);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	q->to = to[1];
	q->from = from[0];
	if (q->pid < 0) {
		q->pid = 0;
		return -1;
	}
	if (gdb(q, "Qqemu.PhyMemMode:1", reply, sizeof(reply)))
		return -1;
	return strcmp(reply, "OK") ? -1 : 0;
}

/* Wait for QEMU to end; its wait status, or -1 if it did not in time */
static int inner_wait(struct inner *q)
{
	long deadline = now_ms() + EXIT_TIMEOUT_MS;
	int status;

	while (now_ms() < deadline) {
		if (waitpid(q->pid, &status, WNOHANG) == q->pid) {
			q->pid = 0;
			close(q->to);
			close(q->from);
			return status;
		}
		sleep_ms(10);
	}
	return -1;
}

/* Kill QEMU, if it still runs, and reap it */
static void inner_kill(struct inner *q)
{
	if (!q->pid)
		return;
	kill(q->pid, SIGKILL);
	inner_wait(q);
}

/*
 * The lines of QEMU's standard error that expected_complaints does not
 * name, each reported; returns how many there were.
 */
static int unexpected_complaints(struct __test_metadata *_metadata,
				 struct inner *q)
{
	const char *const *e;
	char line[512];
	int bad = 0;
	FILE *f;

	f = fopen(q->errfile, "r");
	if (!f) {
		TH_LOG("cannot read QEMU's standard error in %s", q->errfile);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		for (e = expected_complaints; *e; e++)
			if (strstr(line, *e))
				break;
		if (!*e) {
			TH_LOG("QEMU: %s", line);
			bad++;
		}
	}
	fclose(f);
	unlink(q->errfile);
	return bad;
}

/*
 * Start QEMU for the @n devices of @edus (inner_start()); if it does not
 * answer, say what it printed and how it ended.
 */
static void start(struct __test_metadata *_metadata, struct inner *q,
		  const struct edu *edus, int n)
{
	int ret, status;

	ret = inner_start(q, edus, n);

	if (!ret)
		return;
	if (q->pid) {
		kill(q->pid, SIGKILL);
		status = inner_wait(q);
		TH_LOG("QEMU did not answer its gdbstub; wait status 0x%x", status);
	}
	unexpected_complaints(_metadata, q);
	ASSERT_EQ(0, ret);
}

/* Quit QEMU through its monitor: it must exit with status 0, saying nothing */
static void inner_quit(struct __test_metadata *_metadata, struct inner *q)
{
	char out[256];
	int status;

	/* QEMU may exit before it answers the command. */
	monitor(q, "quit", out, sizeof(out));
	status = inner_wait(q);
	ASSERT_NE(-1, status) {
		TH_LOG("QEMU did not exit within %d s of \"quit\"",
		       EXIT_TIMEOUT_MS / 1000);
	}
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status)) {
		TH_LOG("QEMU ended with wait status 0x%x", status);
	}
	EXPECT_EQ(0, unexpected_complaints(_metadata, q));
}

/* Make the @i-th passed-through device decode its BAR and master the bus */
static void inner_enable(struct __test_metadata *_metadata, struct inner *q,
			 int i)
{
	uint64_t bar = INNER_BAR + i * INNER_BAR_SIZE;
	int slot = INNER_SLOT + i;
	uint32_t val, probe;

	ASSERT_EQ(0, config_read(q, slot, PCI_VENDOR_ID, &val));
	ASSERT_EQ(EDU_VENDOR_DEVICE, val);
	ASSERT_EQ(0, config_write(q, slot, PCI_BAR0, bar));
	ASSERT_EQ(0, config_read(q, slot, PCI_BAR0, &val));
	ASSERT_EQ(bar, val & ~0xfU);
	ASSERT_EQ(0, config_write(q, slot, PCI_COMMAND,
				  PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER));
	ASSERT_EQ(0, config_read(q, slot, PCI_COMMAND, &val));
	ASSERT_EQ(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER,
		  val & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER));
	/*
	 * The gdbstub reads an address nothing decodes as zeroes: the
	 * device's own answer shows that its BAR is where the test put it.
	 */
	fill_random((uint8_t *)&probe, sizeof(probe));
	ASSERT_EQ(0, phys_write32(q, bar + EDU_LIVENESS, probe));
	ASSERT_EQ(0, phys_read32(q, bar + EDU_LIVENESS, &val));
	ASSERT_EQ(~probe, val);
}

/* Start an edu transfer of XFER_LEN bytes from @src to @dst */
static int inner_dma_start(struct inner *q, int i, uint64_t src, uint64_t dst,
			   enum dir dir)
{
	uint64_t bar = INNER_BAR + i * INNER_BAR_SIZE;

	return phys_write64(q, bar + EDU_DMA_SRC, src) ?:
	       phys_write64(q, bar + EDU_DMA_DST, dst) ?:
	       phys_write64(q, bar + EDU_DMA_CNT, XFER_LEN) ?:
	       phys_write32(q, bar + EDU_DMA_CMD, EDU_CMD_START |
			    (dir == TO_RAM ? EDU_CMD_TO_RAM : 0));
}

/* Run an edu transfer and wait for the device to finish it */
static void inner_dma(struct __test_metadata *_metadata, struct inner *q,
		      int i, uint64_t src, uint64_t dst, enum dir dir)
{
	uint64_t bar = INNER_BAR + i * INNER_BAR_SIZE;
	long deadline = now_ms() + DMA_TIMEOUT_MS;
	uint32_t cmd;

	ASSERT_EQ(0, inner_dma_start(q, i, src, dst, dir));
	do {
		ASSERT_EQ(0, phys_read32(q, bar + EDU_DMA_CMD, &cmd));
		if (!(cmd & EDU_CMD_START))
			return;
		sleep_ms(10);
	} while (now_ms() < deadline);
	ASSERT_TRUE(false) {
		TH_LOG("the edu device never finished a transfer to 0x%llx",
		       (unsigned long long)dst);
	}
}

/*
 * Random bytes from the inner machine's RAM to the @i-th device and back
 * to another place in that RAM: the device reaches both through the IOVAs
 * QEMU mapped.
 */
static void expect_inner_dma_lands(struct __test_metadata *_metadata,
				   struct inner *q, int i)
{
	uint8_t pattern[XFER_LEN], before[XFER_LEN], after[XFER_LEN];

	fill_random(pattern, sizeof(pattern));
	fill_random(before, sizeof(before));
	ASSERT_EQ(0, phys_write(q, INNER_SRC, pattern, sizeof(pattern)));
	ASSERT_EQ(0, phys_write(q, INNER_DST, before, sizeof(before)));
	inner_dma(_metadata, q, i, INNER_SRC, EDU_BUF, TO_DEVICE);
	inner_dma(_metadata, q, i, EDU_BUF, INNER_DST, TO_RAM);
	ASSERT_EQ(0, phys_read(q, INNER_DST, after, sizeof(after)));
	EXPECT_EQ(0, memcmp(pattern, after, sizeof(after))) {
		TH_LOG("DMA through the inner machine's RAM at 0x%llx and 0x%llx did not land",
		       INNER_SRC, INNER_DST);
	}
}

FIXTURE(qemu) {
	struct vgroup alone, pair;
	struct bufs bufs;
	struct page unmapped;	/* at no IOVA QEMU maps */
	struct inner q;
	bool identity;
};

/* Whether QEMU maps @addr as an IOVA: the inner machine's RAM and BARs */
static bool inner_iova(uint64_t addr)
{
	return (addr >= INNER_RAM && addr < INNER_RAM + INNER_RAM_SIZE) ||
	       (addr >= INNER_BAR && addr < INNER_BAR + 2 * INNER_BAR_SIZE);
}

/*
 * A locked page of the test's whose physical address is no IOVA QEMU
 * maps. The inner machine's RAM may cover the test's pages (arm64's
 * "virt" puts it where the outer guest's RAM starts), so take more pages
 * than that RAM holds, keep one outside it and give the others back.
 */
static int alloc_unmapped_page(struct page *p)
{
	long psize = sysconf(_SC_PAGESIZE);
	size_t n = INNER_RAM_SIZE / psize + 1, i;
	uint64_t *pfns, pfn_mask = (1ULL << 55) - 1;
	uint8_t *va;
	int fd, ret = -ENOSPC;

	va = mmap(NULL, n * psize, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED | MAP_POPULATE, -1, 0);
	if (va == MAP_FAILED)
		return -errno;
	pfns = calloc(n, sizeof(*pfns));
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (!pfns || fd < 0 ||
	    pread(fd, pfns, n * sizeof(*pfns), (uintptr_t)va / psize * sizeof(*pfns)) !=
	    (ssize_t)(n * sizeof(*pfns)))
		ret = -EIO;
	for (i = 0; ret == -ENOSPC && i < n; i++) {
		/* Bit 63: present; bits 0-54: the page frame number */
		if (!(pfns[i] >> 63) || !(pfns[i] & pfn_mask))
			ret = -EPERM;
		else if (!inner_iova((pfns[i] & pfn_mask) * psize))
			ret = 0;
	}
	if (fd >= 0)
		close(fd);
	if (ret) {
		free(pfns);
		munmap(va, n * psize);
		return ret;
	}
	i--;
	p->va = va + i * psize;
	p->pa = (pfns[i] & pfn_mask) * psize;
	free(pfns);
	if (i)
		munmap(va, i * psize);
	if (i + 1 < n)
		munmap(p->va + psize, (n - i - 1) * psize);
	return 0;
}

FIXTURE_SETUP(qemu)
{
	int i, ret;

	/* Built only into guests that carry QEMU (scripts/guest.sh) */
	ASSERT_EQ(0, access(QEMU, X_OK)) {
		TH_LOG("no QEMU at %s", QEMU);
	}
	/* A QEMU that died makes writes to its stdin fail, not the test. */
	signal(SIGPIPE, SIG_IGN);
	self->alone.nr = 1;
	self->alone.fd = -1;
	self->pair.nr = 2;
	self->pair.fd = -1;
	ret = edu_find_group(self->alone.edu, 1, 0) ?:
	      edu_find_group(self->pair.edu, 2, 0);
	if (ret == -ENODEV)
		SKIP(return, "needs an edu device alone in its group and a group of two");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, edu_map_bar(&self->alone.edu[0]));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, edu_map_bar(&self->pair.edu[i]));
	ASSERT_EQ(0, alloc_bufs(&self->bufs));
	ASSERT_EQ(0, alloc_unmapped_page(&self->unmapped));
	self->identity = default_identity(_metadata, &self->alone);
}

FIXTURE_TEARDOWN(qemu)
{
	inner_kill(&self->q);
	put_group(&self->alone);
	put_group(&self->pair);
	free_bufs(&self->bufs);
	free_page(&self->unmapped);
}

/* Whether @edu still runs a transfer, as its own BAR says */
static bool edu_busy(const struct edu *edu)
{
	return __atomic_load_n((uint32_t *)(edu->bar + EDU_DMA_CMD),
			       __ATOMIC_RELAXED) & EDU_CMD_START;
}

/* Wait for the transfer @edu may still run to end: 0, or -ETIMEDOUT */
static int edu_wait_idle(const struct edu *edu)
{
	long deadline = now_ms() + DMA_TIMEOUT_MS;

	while (edu_busy(edu)) {
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		sleep_ms(10);
	}
	return 0;
}

/*
 * QEMU gone, the group is back on its default domain: vfio-pci turned
 * the devices' bus mastering off when QEMU closed them, so turn it on, as
 * a driver would.
 */
static void expect_released(struct __test_metadata *_metadata,
			    FIXTURE_DATA(qemu) *self, struct vgroup *g,
			    const char *state)
{
	int i;

	for (i = 0; i < g->nr; i++)
		ASSERT_EQ(0, edu_enable(&g->edu[i]));
	expect_default(_metadata, g, state, &self->bufs, self->identity);
}

TEST_F_TIMEOUT(qemu, edu_id_through_the_vfio_bar, TEST_TIMEOUT)
{
	uint32_t id;

	start(_metadata, &self->q, self->alone.edu, 1);
	inner_enable(_metadata, &self->q, 0);
	ASSERT_EQ(0, phys_read32(&self->q, INNER_BAR + EDU_ID, &id));
	EXPECT_EQ(EDU_ID_1_0, id);
	inner_quit(_metadata, &self->q);
	expect_released(_metadata, self, &self->alone, "after-quit");
}

/*
 * One QEMU user of the device alone in its group, from start to exit:
 * DMA through its machine's RAM lands, and the group is released.
 */
static void run_once(struct __test_metadata *_metadata,
		     FIXTURE_DATA(qemu) *self)
{
	start(_metadata, &self->q, self->alone.edu, 1);
	inner_enable(_metadata, &self->q, 0);
	expect_inner_dma_lands(_metadata, &self->q, 0);
	inner_quit(_metadata, &self->q);
	expect_released(_metadata, self, &self->alone, "after-quit");
}

TEST_F_TIMEOUT(qemu, dma_through_inner_ram_lands, TEST_TIMEOUT)
{
	run_once(_metadata, self);
}

TEST_F_TIMEOUT(qemu, dma_to_unmapped_iova_does_not_land, TEST_TIMEOUT)
{
	uint8_t pattern[XFER_LEN], before[XFER_LEN];
	struct page *page = &self->unmapped;

	start(_metadata, &self->q, self->alone.edu, 1);
	inner_enable(_metadata, &self->q, 0);
	fill_random(pattern, sizeof(pattern));
	ASSERT_EQ(0, phys_write(&self->q, INNER_SRC, pattern, sizeof(pattern)));
	inner_dma(_metadata, &self->q, 0, INNER_SRC, EDU_BUF, TO_DEVICE);
	fill_random(page->va, XFER_LEN);
	memcpy(before, page->va, XFER_LEN);
	inner_dma(_metadata, &self->q, 0, EDU_BUF, page->pa, TO_RAM);
	EXPECT_EQ(0, memcmp(before, page->va, XFER_LEN)) {
		TH_LOG("DMA to the unmapped IOVA 0x%llx landed at that physical address",
		       (unsigned long long)page->pa);
	}
	inner_quit(_metadata, &self->q);
	expect_released(_metadata, self, &self->alone, "after-quit");
}

TEST_F_TIMEOUT(qemu, second_run_claims_again, TEST_TIMEOUT)
{
	run_once(_metadata, self);
	run_once(_metadata, self);
}

TEST_F_TIMEOUT(qemu, shared_group_passed_together, TEST_TIMEOUT)
{
	int i;

	start(_metadata, &self->q, self->pair.edu, 2);
	for (i = 0; i < 2; i++) {
		inner_enable(_metadata, &self->q, i);
		expect_inner_dma_lands(_metadata, &self->q, i);
	}
	inner_quit(_metadata, &self->q);
	expect_released(_metadata, self, &self->pair, "after-quit");
}

/* Tries at killing QEMU before the edu device starts the transfer */
#define KILL_TRIES		3

TEST_F_TIMEOUT(qemu, sigkill_with_dma_pending, TEST_TIMEOUT)
{
	struct page *page = &self->unmapped;
	uint8_t before[XFER_LEN];
	bool pending = false;
	int status, try;

	for (try = 0; try < KILL_TRIES && !pending; try++) {
		start(_metadata, &self->q, self->alone.edu, 1);
		inner_enable(_metadata, &self->q, 0);
		fill_random(page->va, XFER_LEN);
		memcpy(before, page->va, XFER_LEN);
		/*
		 * A transfer to the test's page, at no IOVA QEMU mapped: the
		 * edu device starts it 100 ms after the command.
		 */
		ASSERT_EQ(0, inner_dma_start(&self->q, 0, EDU_BUF, page->pa,
					     TO_RAM));
		ASSERT_EQ(0, kill(self->q.pid, SIGKILL));
		pending = edu_busy(&self->alone.edu[0]);
		status = inner_wait(&self->q);
		ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
			TH_LOG("QEMU ended with wait status 0x%x", status);
		}
		EXPECT_EQ(0, unexpected_complaints(_metadata, &self->q));
		ASSERT_EQ(0, edu_wait_idle(&self->alone.edu[0]));
		EXPECT_EQ(0, memcmp(before, page->va, XFER_LEN)) {
			TH_LOG("the transfer QEMU started landed at 0x%llx, after it was killed",
			       (unsigned long long)page->pa);
		}
		expect_released(_metadata, self, &self->alone, "after-sigkill");
	}
	ASSERT_TRUE(pending) {
		TH_LOG("%d times, the transfer was over before QEMU was killed",
		       KILL_TRIES);
	}
	run_once(_metadata, self);
}

TEST_HARNESS_MAIN
