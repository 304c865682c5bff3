// SPDX-License-Identifier: GPL-2.0
/*
 * init for the test guests: mount the pseudo file systems, load the
 * kernel modules in /modules (a kernel built with modules puts them there,
 * named so that name order is load order), run every program in /tests
 * with the console to itself, have kmemleak scan if the kernel has it, dump
 * the kernel log, and reboot (QEMU runs with -no-reboot, so this ends the
 * run).
 *
 * Kernel messages are held back from the console while the tests run so
 * that they cannot split a TAP line; the whole log follows the tests.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_DIR "/tests"
#define MODULE_DIR "/modules"
#define DEBUGFS "/sys/kernel/debug"
#define KMEMLEAK DEBUGFS "/kmemleak"
/* kmemleak does not report objects younger than this (MSECS_MIN_AGE). */
#define KMEMLEAK_MIN_AGE_S 5
#define SYSLOG_ACTION_READ_ALL 3
#define SYSLOG_ACTION_CONSOLE_LEVEL 8
#define SYSLOG_ACTION_SIZE_BUFFER 10

static void mount_or_warn(const char *fs, const char *where)
{
	mkdir(where, 0755);
	if (mount(fs, where, fs, 0, NULL) && errno != EBUSY)
		printf("init: cannot mount %s on %s: %s\n", fs, where,
		       strerror(errno));
}

static int run(const char *path)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execl(path, path, (char *)NULL);
		printf("init: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int filter_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/*
 * Load every module in MODULE_DIR, in name order. The boot runner fails
 * the boot on a "cannot load module" line: a test of a driver that is
 * missing would fail too, but for a reason less plain.
 */
static void load_modules(void)
{
	struct dirent **modules;
	char path[512];
	int n, i, fd;

	n = scandir(MODULE_DIR, &modules, filter_hidden, alphasort);
	if (n < 0)
		return;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", MODULE_DIR,
			 modules[i]->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0))
			printf("init: cannot load module %s: %s\n", path,
			       strerror(errno));
		else
			printf("init: loaded module %s\n", path);
		if (fd >= 0)
			close(fd);
		free(modules[i]);
	}
	free(modules);
}

/*
 * Ask kmemleak for a scan once every test has run, and print what it
 * reports and a closing count: the boot runner fails a kmemleak kernel's
 * boot on any report, and when the count is missing.
 */
static void scan_for_leaks(void)
{
	char line[512];
	int fd, leaks = 0;
	FILE *report;

	if (access(KMEMLEAK, F_OK))
		return;

	sleep(KMEMLEAK_MIN_AGE_S + 1);
	fd = open(KMEMLEAK, O_WRONLY);
	if (fd < 0 || write(fd, "scan", 4) != 4) {
		printf("init: kmemleak: cannot scan: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	report = fopen(KMEMLEAK, "r");
	if (!report) {
		printf("init: kmemleak: cannot read the report: %s\n",
		       strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), report)) {
		if (!strncmp(line, "unreferenced object", 19))
			leaks++;
		fputs(line, stdout);
	}
	fclose(report);
	printf("init: kmemleak: scanned, %d suspected leaks\n", leaks);
}

static void dump_kernel_log(void)
{
	int size = klogctl(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0);
	char *buf = size > 0 ? malloc(size) : NULL;
	int len;

	if (!buf) {
		printf("init: cannot read the kernel log\n");
		return;
	}
	len = klogctl(SYSLOG_ACTION_READ_ALL, buf, size);
	printf("init: kernel log follows\n");
	fflush(stdout);
	if (len > 0)
		write(STDOUT_FILENO, buf, len);
	printf("init: kernel log ends\n");
	free(buf);
}

int main(void)
{
	struct dirent **tests;
	char path[512];
	int n, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	mount_or_warn("proc", "/proc");
	mount_or_warn("sysfs", "/sys");
	mount_or_warn("devtmpfs", "/dev");
	/* The tests read the IOMMU's debugfs; kmemleak is there too */
	if (!access(DEBUGFS, F_OK))
		mount_or_warn("debugfs", DEBUGFS);

	load_modules();

	n = scandir(TEST_DIR, &tests, filter_hidden, alphasort);
	if (n < 0)
		printf("init: cannot list %s: %s\n", TEST_DIR, strerror(errno));

	klogctl(SYSLOG_ACTION_CONSOLE_LEVEL, NULL, 1);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", TEST_DIR, tests[i]->d_name);
		printf("init: running %s\n", path);
		printf("init: %s exited with %d\n", path, run(path));
	}
	klogctl(SYSLOG_ACTION_CONSOLE_LEVEL, NULL, 7);

	scan_for_leaks();
	dump_kernel_log();
	printf("init: all tests done\n");
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}
