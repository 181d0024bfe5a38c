// SPDX-License-Identifier: GPL-2.0
/*
 * PID 1 of the CI guest: runs the tests listed in /tests.txt and reports
 * them as KTAP v1 on the console, watching /dev/kmsg for kernel splats.
 *
 * The lines a test prints are re-emitted as diagnostics ("# line") until
 * it prints a KTAP or TAP header; from there on they are indented by two
 * spaces, so a test that prints KTAP itself becomes a set of nested
 * subtests, and the console stays valid KTAP for any parser.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../common/compiler.h"
#include "../common/splat.h"
#include "../common/testlist.h"
#include "emit.h"

#define TESTS_FILE	"/tests.txt"
#define KMEMLEAK_FILE	"/sys/kernel/debug/kmemleak"
#define POST_ID		"pmu-ci.post-checks"
#define MAX_FILE	(1 << 20)
#define KILL_GRACE_MS	5000
#define STRAY_GRACE_MS	1000

static int kmsg_fd = -1;
static int splat_pending;

static void out_write(const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(STDOUT_FILENO, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

static void outf(const char *fmt, ...)
{
	char buf[LB_MAX + 64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	out_write(buf, n);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

static _Noreturn void fatal(const char *why)
{
	outf("# pmu-ci: error: %s\n", why);
	power_off();
	for (;;)
		pause();
}

static void do_mount(const char *src, const char *dir, const char *type)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, 0, NULL) && errno != EBUSY)
		outf("# pmu-ci: warning: mount %s: %s\n", dir, strerror(errno));
}

static void setup_console(void)
{
	int fd;

	if (fcntl(STDOUT_FILENO, F_GETFD) >= 0)
		return;
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

static char *read_file(const char *path)
{
	size_t len = 0;
	char *buf;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = malloc(MAX_FILE + 1);
	if (!buf) {
		close(fd);
		return NULL;
	}
	while (len < MAX_FILE) {
		n = read(fd, buf + len, MAX_FILE - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	close(fd);
	return buf;
}

static void report_splat(const char *text)
{
	outf("# SPLAT: %s\n", text);
	splat_pending = 1;
}

/* Read every pending /dev/kmsg record and report the splats. */
static void kmsg_drain(void)
{
	char rec[LB_MAX + 1];
	char *text;
	ssize_t n;

	if (kmsg_fd < 0)
		return;
	for (;;) {
		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && (errno == EINTR || errno == EPIPE))
			continue;
		if (n <= 0)
			return;
		text = kmsg_text(rec, n);
		if (text && splat_match(text) >= 0)
			report_splat(text);
	}
}

static void kmsg_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd < 0) {
		outf("# pmu-ci: warning: /dev/kmsg: %s\n", strerror(errno));
		return;
	}
	lseek(kmsg_fd, 0, SEEK_END);
}

static void emit_nested(void *ctx, const char *line, size_t len)
{
	char buf[LB_MAX + 8];
	size_t n;

	n = ktap_format_output(ctx, buf, sizeof(buf), line, len);
	out_write(buf, n);
}

static _Noreturn void child_exec(const struct tl_run *r, int wfd)
{
	int fd;

	setpgid(0, 0);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0 && fd != STDIN_FILENO) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	dup2(wfd, STDOUT_FILENO);
	dup2(wfd, STDERR_FILENO);
	if (wfd > STDERR_FILENO)
		close(wfd);
	if (strchr(r->argv[0], '/'))
		execv(r->argv[0], r->argv);
	else
		execvp(r->argv[0], r->argv);
	dprintf(STDERR_FILENO, "# exec %s: %s\n", r->argv[0], strerror(errno));
	_exit(127);
}

struct child {
	pid_t pid;
	int rfd;
	int eof;
	int reaped;
	int status;
	struct linebuf lb;
	struct ktap_out ko;
};

static void child_read(struct child *c)
{
	char buf[4096];
	ssize_t n;

	for (;;) {
		n = read(c->rfd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return;
		if (n == 0) {
			c->eof = 1;
			return;
		}
		lb_feed(&c->lb, buf, n, emit_nested, &c->ko);
	}
}

/* Run @r as test @n; poll its output and /dev/kmsg until the deadline. */
static void run_test(int n, const struct tl_run *r)
{
	long long deadline, t, reaped_at = 0, killed_at = 0;
	struct run_outcome o = { .timeout = r->timeout };
	char res[256];
	struct child c;
	int p[2], wait;

	memset(&c, 0, sizeof(c));
	if (pipe2(p, O_CLOEXEC)) {
		outf("# pipe: %s\n", strerror(errno));
		o.code = 127;
		goto report;
	}
	c.pid = fork();
	if (c.pid < 0) {
		outf("# fork: %s\n", strerror(errno));
		close(p[0]);
		close(p[1]);
		o.code = 127;
		goto report;
	}
	if (c.pid == 0)
		child_exec(r, p[1]);
	setpgid(c.pid, c.pid);
	close(p[1]);
	c.rfd = p[0];
	fcntl(c.rfd, F_SETFL, O_NONBLOCK);
	deadline = now_ms() + r->timeout * 1000LL;

	for (;;) {
		struct pollfd pfd[2];
		int nfd = 0;

		t = now_ms();
		if (!c.reaped && waitpid(c.pid, &c.status, WNOHANG) == c.pid) {
			c.reaped = 1;
			reaped_at = t;
		}
		if (c.reaped && c.eof)
			break;
		if (c.reaped && t - reaped_at > STRAY_GRACE_MS) {
			/* Its children still hold the pipe open. */
			kill(-c.pid, SIGKILL);
			if (t - reaped_at > 2 * STRAY_GRACE_MS)
				break;
		}
		if (!o.timed_out && !c.reaped && t >= deadline) {
			o.timed_out = 1;
			killed_at = t;
			kill(-c.pid, SIGKILL);
			kill(c.pid, SIGKILL);
		}
		if (o.timed_out && t - killed_at > KILL_GRACE_MS)
			break;

		wait = 100;
		if (!o.timed_out && !c.reaped && deadline - t < wait)
			wait = deadline - t > 0 ? (int)(deadline - t) : 0;
		if (c.eof && !c.reaped)
			wait = 10;
		if (!c.eof) {
			pfd[nfd].fd = c.rfd;
			pfd[nfd++].events = POLLIN;
		}
		if (kmsg_fd >= 0) {
			pfd[nfd].fd = kmsg_fd;
			pfd[nfd++].events = POLLIN;
		}
		poll(pfd, nfd, wait);
		if (!c.eof)
			child_read(&c);
		kmsg_drain();
	}
	if (!c.eof)
		child_read(&c);
	lb_flush(&c.lb, emit_nested, &c.ko);
	close(c.rfd);
	kmsg_drain();

	if (!c.reaped) {
		o.timed_out = 1;
		outf("# pmu-ci: pid %d could not be reaped\n", (int)c.pid);
	} else if (!o.timed_out) {
		if (WIFSIGNALED(c.status)) {
			o.signaled = 1;
			o.code = WTERMSIG(c.status);
		} else {
			o.code = WEXITSTATUS(c.status);
		}
	}
report:
	o.splat = splat_pending;
	splat_pending = 0;
	out_write(res, ktap_format_result(res, sizeof(res), n, r->id, &o));
}

/* Ask kmemleak for a scan and report what it found. */
static void kmemleak_scan(void)
{
	char *text, *line, *save = NULL;
	int fd;

	if (access(KMEMLEAK_FILE, F_OK))
		return;
	fd = open(KMEMLEAK_FILE, O_WRONLY);
	if (fd < 0 || write(fd, "scan", 4) != 4) {
		outf("# pmu-ci: warning: kmemleak scan: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	text = read_file(KMEMLEAK_FILE);
	if (!text)
		return;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "unreferenced object")) {
			while (*line == ' ')
				line++;
			outf("# SPLAT: kmemleak: %s\n", line);
			splat_pending = 1;
		}
	}
	free(text);
}

static void post_checks(int n)
{
	struct run_outcome o = { 0 };
	char res[256];

	usleep(200 * 1000);
	kmsg_drain();
	kmemleak_scan();
	kmsg_drain();
	o.splat = splat_pending;
	splat_pending = 0;
	out_write(res, ktap_format_result(res, sizeof(res), n, POST_ID, &o));
}

int main(void)
{
	char *text, *cmdline, only[1024], err[128];
	struct testlist tl;
	int i, n, total, has_only = 0;

	do_mount("proc", "/proc", "proc");
	do_mount("sysfs", "/sys", "sysfs");
	do_mount("devtmpfs", "/dev", "devtmpfs");
	setup_console();
	do_mount("debugfs", "/sys/kernel/debug", "debugfs");
	do_mount("tmpfs", "/tmp", "tmpfs");
	setenv("PATH", "/:/bin:/sbin:/usr/bin", 1);
	setenv("HOME", "/tmp", 1);
	if (chdir("/"))
		outf("# pmu-ci: warning: chdir /: %s\n", strerror(errno));

	kmsg_open();
	text = read_file(TESTS_FILE);
	if (!text)
		fatal("cannot read " TESTS_FILE);
	n = tl_parse(text, &tl, 0, err, sizeof(err));
	free(text);
	if (n < 0)
		fatal(err);
	if (n > 0)
		outf("# pmu-ci: warning: %s: %d bad lines, first %s\n",
		     TESTS_FILE, n, err);

	cmdline = read_file("/proc/cmdline");
	if (cmdline)
		has_only = tl_cmdline_only(cmdline, only, sizeof(only));
	free(cmdline);

	total = 0;
	for (i = 0; i < tl.nruns; i++)
		total += !has_only || tl_only_has(only, tl.runs[i].id);

	outf("KTAP version 1\n");
	outf("1..%d\n", total + 1);
	if (has_only)
		outf("# pmu-ci: only=%s\n", only);
	kmsg_drain();

	n = 0;
	for (i = 0; i < tl.nruns; i++) {
		if (has_only && !tl_only_has(only, tl.runs[i].id))
			continue;
		run_test(++n, &tl.runs[i]);
	}
	post_checks(n + 1);
	outf("# pmu-ci: end\n");
	tl_free(&tl);
	power_off();
	return 0;
}
