// SPDX-License-Identifier: GPL-2.0
/*
 * init for the test guests: mount the pseudo file systems, load the
 * kernel modules in /modules (a kernel built with modules puts them there,
 * named so that name order is load order), run every program in /tests
 * with the console to itself, have kmemleak scan if the kernel has it, dump
 * the kernel log, and reboot (QEMU runs with -no-reboot, so this ends the
 * run).
 *
 * The programs run as kselftest's runner runs them: one TAP document with
 * a test per program, judged by its exit status, and each program's own
 * output, its TAP included, nested in it as comments ("# " in front of
 * every line). A program that crashes, or cannot start, is a failed test
 * even if it never printed a plan.
 *
 * Kernel messages are held back from the console while the tests run so
 * that they cannot split a TAP line; the whole log follows the tests.
 */
#define _GNU_SOURCE
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
#include <termios.h>
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
/* The exit status of a kselftest whose tests were all skipped */
#define KSFT_SKIP 4

static void mount_or_warn(const char *fs, const char *where)
{
	mkdir(where, 0755);
	if (mount(fs, where, fs, 0, NULL) && errno != EBUSY)
		printf("init: cannot mount %s on %s: %s\n", fs, where,
		       strerror(errno));
}

/*
 * Copy what @fd delivers to the console, "# " in front of every line, until
 * every process that writes to it is gone (a pseudo-terminal's master then
 * reads EIO)
 */
static void copy_nested(int fd)
{
	FILE *in = fdopen(fd, "r");
	char line[1024];
	int bol = 1;

	if (!in) {
		printf("# init: cannot read the program's output: %s\n",
		       strerror(errno));
		close(fd);
		return;
	}
	while (fgets(line, sizeof(line), in)) {
		printf("%s%s", bol ? "# " : "", line);
		bol = line[strlen(line) - 1] == '\n';
	}
	if (!bol)
		putchar('\n');
	fclose(in);
}

/*
 * A pseudo-terminal for a program's output: on a terminal its stdout is
 * line-buffered, as on the console, so that what a kselftest harness test
 * prints reaches init before the test's process _exit()s (kselftest's
 * runner uses stdbuf for that, which static programs ignore). Raw, so
 * that lines keep their "\n". Returns the master, -1 on failure.
 */
static int open_pty(int *slave)
{
	struct termios raw;
	int master;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return -1;
	if (grantpt(master) || unlockpt(master))
		goto err_master;
	*slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (*slave < 0)
		goto err_master;
	if (tcgetattr(*slave, &raw) == 0) {
		cfmakeraw(&raw);
		tcsetattr(*slave, TCSANOW, &raw);
	}
	return master;

err_master:
	close(master);
	return -1;
}

/*
 * Run @path with its standard output and error on a pseudo-terminal whose
 * output init copies to the console as comments; return its exit status,
 * 128 + the signal that killed it, or 127 if it could not be started.
 */
static int run(const char *path)
{
	int master, slave, status;
	pid_t pid;

	fflush(stdout);
	master = open_pty(&slave);
	if (master < 0) {
		printf("# init: cannot open a pseudo-terminal: %s\n",
		       strerror(errno));
		return 127;
	}
	pid = fork();
	if (pid < 0) {
		printf("# init: cannot fork: %s\n", strerror(errno));
		close(master);
		close(slave);
		return 127;
	}
	if (pid == 0) {
		dup2(slave, STDOUT_FILENO);
		dup2(slave, STDERR_FILENO);
		close(slave);
		execl(path, path, (char *)NULL);
		printf("init: cannot run %s: %s\n", path, strerror(errno));
		fflush(stdout);
		_exit(127);
	}
	close(slave);
	copy_nested(master);
	if (waitpid(pid, &status, 0) < 0)
		return 127;
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
	const char *name;
	char path[512];
	int n, i, status;

	setvbuf(stdout, NULL, _IOLBF, 0);
	mount_or_warn("proc", "/proc");
	mount_or_warn("sysfs", "/sys");
	mount_or_warn("devtmpfs", "/dev");
	mount_or_warn("devpts", "/dev/pts");
	/* The tests read the IOMMU's debugfs; kmemleak is there too */
	if (!access(DEBUGFS, F_OK))
		mount_or_warn("debugfs", DEBUGFS);

	load_modules();

	n = scandir(TEST_DIR, &tests, filter_hidden, alphasort);
	if (n < 0)
		printf("init: cannot list %s: %s\n", TEST_DIR, strerror(errno));

	klogctl(SYSLOG_ACTION_CONSOLE_LEVEL, NULL, 1);
	printf("TAP version 13\n1..%d\n", n > 0 ? n : 0);
	for (i = 0; i < n; i++) {
		name = tests[i]->d_name;
		snprintf(path, sizeof(path), "%s/%s", TEST_DIR, name);
		printf("# selftests: iommu: %s\n", name);
		status = run(path);
		if (!status)
			printf("ok %d selftests: iommu: %s\n", i + 1, name);
		else if (status == KSFT_SKIP)
			printf("ok %d selftests: iommu: %s # SKIP\n", i + 1, name);
		else
			printf("not ok %d selftests: iommu: %s # exit=%d\n",
			       i + 1, name, status);
	}
	klogctl(SYSLOG_ACTION_CONSOLE_LEVEL, NULL, 7);

	scan_for_leaks();
	dump_kernel_log();
	printf("init: all tests done\n");
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}
