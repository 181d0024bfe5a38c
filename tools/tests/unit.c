// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the CI tools: test-list parser, splat patterns, guest
 * KTAP emitter, console classification, the series matrix and the LAVA
 * results.
 *
 *   pmu-unit-tests <data-dir> <scratch-dir>
 *
 * The last line of the output is "N passed, M failed".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../common/compiler.h"
#include "../common/splat.h"
#include "../common/testlist.h"
#include "../guest/emit.h"
#include "../report/report.h"

static const char *data_dir;
static const char *tmp_dir;
static int cur_failed;
static char stderr_path[4096];

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		printf("  # %s:%d: check failed: %s\n", __FILE__,	\
		       __LINE__, #cond);				\
		cur_failed = 1;						\
	}								\
} while (0)

/* What the current test has written on stderr (to free). */
static char *stderr_text(void)
{
	char *text;

	fflush(stderr);
	text = read_text(stderr_path, NULL);
	return text ? text : xstrdup("");
}

/* Show the current test's stderr, as "  # stderr: " lines. */
static void show_stderr(void)
{
	char *text = stderr_text(), *line, *pos = text;

	while (*pos) {
		line = pos;
		pos += strcspn(pos, "\n");
		if (*pos)
			*pos++ = '\0';
		printf("  # stderr: %s\n", line);
	}
	free(text);
}

/* Does the current test's stderr hold @s? */
static int stderr_has(const char *s)
{
	char *text = stderr_text();
	int found = strstr(text, s) != NULL;

	free(text);
	return found;
}

static const char *tests_txt =
	"# comment\n"
	"\n"
	"run sbi_pmu_test.basic 60 old /sbi_pmu_test -t basic\n"
	"run sbi_pmu_fw 60 new /sbi_pmu_fw_test\n"
	"run arch_timer 120 old /arch_timer -e 50000\n"
	"class sbi_pmu_fw.fw_counter_guard guard\n";

static void load_tl(struct testlist *tl)
{
	char err[128];

	if (tl_parse(tests_txt, tl, 1, err, sizeof(err)) < 0)
		printf("  # tests.txt: %s\n", err);
}

static void classify(const char *console, const char *qs,
		     struct cell_result *cell)
{
	struct testlist tl;

	load_tl(&tl);
	cell_classify(console, qs, &tl, cell);
	tl_free(&tl);
}

static int status_of(struct cell_result *cell, const char *id)
{
	const struct case_result *c = cell_find(cell, id);

	return c ? c->status : -1;
}

static char *data_file(const char *name)
{
	char path[4096];
	char *text;

	snprintf(path, sizeof(path), "%s/%s", data_dir, name);
	text = read_text(path, NULL);
	if (!text) {
		printf("  # cannot read %s\n", path);
		return xstrdup("");
	}
	return text;
}

static void classify_file(const char *name, const char *qs,
			  struct cell_result *cell)
{
	char *log = data_file(name);

	classify(log, qs, cell);
	free(log);
}

/* ---- test list, splat patterns, guest emitter ---- */

static void test_testlist_parse(void)
{
	struct testlist tl;

	load_tl(&tl);
	CHECK(tl.nruns == 3);
	CHECK(tl.novr == 1);
	CHECK(!strcmp(tl.runs[0].id, "sbi_pmu_test.basic"));
	CHECK(tl.runs[0].timeout == 60);
	CHECK(tl.runs[0].argc == 3);
	CHECK(!strcmp(tl.runs[0].argv[2], "basic"));
	CHECK(!tl.runs[0].argv[3]);
	CHECK(!strcmp(tl.runs[1].class, "new"));
	CHECK(tl.runs[2].line == 5);
	CHECK(tl_find(&tl, "arch_timer") == 2);
	CHECK(tl_find(&tl, "nope") == -1);
	tl_free(&tl);
}

static void test_testlist_errors(void)
{
	struct testlist tl;
	char err[128];

	CHECK(tl_parse("run a 10 old /a\nrun a 10 old /b\n", &tl, 1, err,
		       sizeof(err)) == -1);
	CHECK(!strcmp(err, "line 2: run: duplicate id"));
	CHECK(tl_parse("\nrun a 0 old /a\n", &tl, 1, err, sizeof(err)) == -1);
	CHECK(!strcmp(err, "line 2: run: bad timeout"));
	CHECK(tl_parse("run a 5 bogus /a\n", &tl, 1, err, sizeof(err)) == -1);
	CHECK(tl_parse("class a.b\n", &tl, 1, err, sizeof(err)) == -1);
	/* The guest skips what it cannot use and keeps going. */
	CHECK(tl_parse("run a 5\nrunner x\nrun b 5 whatever /b\n", &tl, 0,
		       err, sizeof(err)) == 1);
	CHECK(tl.nruns == 1 && !strcmp(tl.runs[0].id, "b"));
	tl_free(&tl);
}

static void test_cmdline_only(void)
{
	char buf[64];

	CHECK(tl_cmdline_only("console=ttyS0 pmu.only=a,b.c panic=-1\n", buf,
			      sizeof(buf)) == 1);
	CHECK(!strcmp(buf, "a,b.c"));
	CHECK(tl_only_has(buf, "b.c"));
	CHECK(!tl_only_has(buf, "b"));
	CHECK(tl_cmdline_only("console=ttyS0 xpmu.only=a", buf,
			      sizeof(buf)) == 0);
}

static void test_splat_patterns(void)
{
	CHECK(splat_match("[ 1.0] WARNING: CPU: 0 PID: 1 at x.c:1") >= 0);
	CHECK(splat_match("BUG: sleeping function called") >= 0);
	CHECK(splat_match("Unable to handle kernel paging request") >= 0);
	CHECK(splat_match("UBSAN: shift-out-of-bounds in x.c") >= 0);
	CHECK(splat_match("possible circular locking dependency") >= 0);
	CHECK(splat_match("kmemleak: unreferenced object 0x1 (size 8)") >= 0);
	CHECK(splat_match("kmemleak: Kernel memory leak detector") < 0);
	CHECK(splat_match("ok 1 sbi_pmu_test") < 0);
	CHECK(splat_is_panic("Kernel panic - not syncing: x"));
	CHECK(!strcmp(splat_name(splat_match("KASAN: use-after-free")),
		      "kasan"));
}

static void test_emit_result(void)
{
	struct run_outcome o = { .timeout = 30 };
	char buf[256];

	ktap_format_result(buf, sizeof(buf), 1, "a", &o);
	CHECK(!strcmp(buf, "ok 1 a\n"));
	o.code = KSFT_SKIP;
	ktap_format_result(buf, sizeof(buf), 2, "b", &o);
	CHECK(!strcmp(buf, "ok 2 b # SKIP\n"));
	o.code = 1;
	ktap_format_result(buf, sizeof(buf), 3, "c", &o);
	CHECK(!strcmp(buf, "# exit=1\nnot ok 3 c\n"));
	o.signaled = 1;
	o.code = 11;
	ktap_format_result(buf, sizeof(buf), 4, "d", &o);
	CHECK(!strcmp(buf, "# signal=11\nnot ok 4 d\n"));
	o.signaled = 0;
	o.code = 0;
	o.splat = 1;
	ktap_format_result(buf, sizeof(buf), 5, "e", &o);
	CHECK(!strcmp(buf, "not ok 5 e # SPLAT\n"));
	o.timed_out = 1;
	ktap_format_result(buf, sizeof(buf), 6, "f", &o);
	CHECK(!strcmp(buf, "# timeout=30s\nnot ok 6 f # TIMEOUT\n"));
	/* Truncation stays NUL terminated. */
	CHECK(ktap_format_result(buf, 8, 7, "long-name", &o) == 7);
	CHECK(strlen(buf) == 7);
}

struct lines {
	char out[8192];
	int n;
};

struct collected {
	struct lines l;
	struct ktap_out ko;
};

static void collect(void *ctx, const char *line, size_t len)
{
	struct collected *c = ctx;
	char buf[LB_MAX + 8];

	ktap_format_output(&c->ko, buf, sizeof(buf), line, len);
	strncat(c->l.out, buf, sizeof(c->l.out) - strlen(c->l.out) - 1);
	c->l.n++;
}

static void feed_str(struct linebuf *lb, const char *str, struct collected *c)
{
	lb_feed(lb, str, strlen(str), collect, c);
}

static void test_emit_nested(void)
{
	struct linebuf lb = { .len = 0 };
	struct collected c = { .l.n = 0 };
	char big[LB_MAX + 10];

	/* Before a header: diagnostics, as prefix.pl writes them */
	feed_str(&lb, "Random seed: 0x1\r\n1..0 # SKIP x\n\n", &c);
	CHECK(c.l.n == 3);
	CHECK(!strcmp(c.l.out, "# Random seed: 0x1\n# 1..0 # SKIP x\n#\n"));

	/* From a TAP header on: a nested subtest */
	c.l.out[0] = '\0';
	c.l.n = 0;
	feed_str(&lb, "TAP version 13\nok 1 x\r\n1..", &c);
	lb_feed(&lb, "2\n\npartial", 10, collect, &c);
	lb_flush(&lb, collect, &c);
	CHECK(c.l.n == 5);
	CHECK(!strcmp(c.l.out, "  TAP version 13\n  ok 1 x\n  1..2\n\n  partial\n"));

	/* A KTAP header does the same, and only at the start of a line */
	memset(&c, 0, sizeof(c));
	feed_str(&lb, "x KTAP version 1\nKTAP version 1\n", &c);
	CHECK(!strcmp(c.l.out, "# x KTAP version 1\n  KTAP version 1\n"));

	memset(big, 'x', sizeof(big));
	memset(&c, 0, sizeof(c));
	lb_feed(&lb, big, sizeof(big), collect, &c);
	lb_flush(&lb, collect, &c);
	CHECK(c.l.n == 2);
}

static void test_kmsg_text(void)
{
	char rec[] = "4,123,456789,-;WARNING: CPU: 0 at x.c\n SUBSYSTEM=cpu\n";
	char norec[] = "no semicolon";
	char *t;

	t = kmsg_text(rec, strlen(rec));
	CHECK(t && !strcmp(t, "WARNING: CPU: 0 at x.c"));
	CHECK(!kmsg_text(norec, strlen(norec)));
}

/* ---- console classification ---- */

static void test_ktap_flat(void)
{
	struct cell_result c;

	classify("KTAP version 1\n1..4\nok 1 sbi_pmu_test.basic\n"
		 "# exit=1\nnot ok 2 sbi_pmu_fw\nok 3 arch_timer # SKIP no\n"
		 "ok 4 pmu-ci.post-checks\n# pmu-ci: end\n", "exit:0", &c);
	CHECK(c.boot == BOOT_OK);
	CHECK(c.ncases == 4);
	CHECK(status_of(&c, "sbi_pmu_test.basic") == CS_PASS);
	CHECK(status_of(&c, "sbi_pmu_fw") == CS_FAIL);
	CHECK(!strcmp(cell_find(&c, "sbi_pmu_fw")->detail, "exit=1"));
	CHECK(status_of(&c, "arch_timer") == CS_SKIP);
	cell_free(&c);
}

static void test_ktap_nested_two_levels(void)
{
	struct cell_result c;

	classify("KTAP version 1\n1..4\nok 1 sbi_pmu_test.basic\n"
		 "  KTAP version 1\n  1..2\n"
		 "    KTAP version 1\n    1..2\n"
		 "    ok 1 leaf_a\n    not ok 2 leaf_b\n"
		 "  not ok 1 group\n"
		 "  ok 2 global.plain\n"
		 "not ok 2 sbi_pmu_fw\nok 3 arch_timer\n"
		 "ok 4 pmu-ci.post-checks\n# pmu-ci: end\n", "exit:0", &c);
	CHECK(status_of(&c, "sbi_pmu_fw.group.leaf_a") == CS_PASS);
	CHECK(status_of(&c, "sbi_pmu_fw.group.leaf_b") == CS_FAIL);
	CHECK(status_of(&c, "sbi_pmu_fw.plain") == CS_PASS);
	CHECK(status_of(&c, "sbi_pmu_fw.group") == -1);
	CHECK(status_of(&c, "sbi_pmu_fw") == -1);
	cell_free(&c);
}

static void test_ktap_directives(void)
{
	struct cell_result c;

	classify("KTAP version 1\n1..4\n"
		 "  ok 1 a # SKIP no sscofpmf\n"
		 "  not ok 2 b # TODO not yet\n"
		 "  not ok 3 c # SKIP\n"
		 "  ok 4 d # XFAIL expected\n"
		 "ok 1 sbi_pmu_test.basic\n"
		 "ok 2 sbi_pmu_fw # SKIP\nok 3 arch_timer\n"
		 "ok 4 pmu-ci.post-checks\n# pmu-ci: end\n", "exit:0", &c);
	CHECK(status_of(&c, "sbi_pmu_test.basic.a") == CS_SKIP);
	CHECK(!strcmp(cell_find(&c, "sbi_pmu_test.basic.a")->detail,
		      "SKIP no sscofpmf"));
	CHECK(status_of(&c, "sbi_pmu_test.basic.b") == CS_SKIP);
	CHECK(status_of(&c, "sbi_pmu_test.basic.c") == CS_SKIP);
	CHECK(status_of(&c, "sbi_pmu_test.basic.d") == CS_PASS);
	CHECK(status_of(&c, "sbi_pmu_fw") == CS_SKIP);
	cell_free(&c);
}

static void test_ktap_missing_plan(void)
{
	struct cell_result c;

	classify("KTAP version 1\nok 1 sbi_pmu_test.basic\n"
		 "ok 2 sbi_pmu_fw\nok 3 arch_timer\n"
		 "ok 4 pmu-ci.post-checks\n# pmu-ci: end\n", "exit:0", &c);
	CHECK(c.boot == BOOT_OK);
	CHECK(strstr(c.boot_detail, "missing plan") != NULL);
	CHECK(status_of(&c, "arch_timer") == CS_PASS);
	cell_free(&c);
}

static void test_ktap_duplicate_plan(void)
{
	struct cell_result c;

	classify("KTAP version 1\n1..4\n1..9\nok 1 sbi_pmu_test.basic\n"
		 "ok 1 sbi_pmu_test.basic\n"
		 "ok 2 sbi_pmu_fw\nok 3 arch_timer\n"
		 "ok 4 pmu-ci.post-checks\n# pmu-ci: end\n", "exit:0", &c);
	CHECK(strstr(c.boot_detail, "duplicate plan") != NULL);
	CHECK(strstr(c.boot_detail, "duplicate result") != NULL);
	CHECK(c.ncases == 4);
	cell_free(&c);
}

static void test_ktap_garbage(void)
{
	struct cell_result c;
	char garbage[4096];
	int i;

	for (i = 0; i < (int)sizeof(garbage) - 1; i++)
		garbage[i] = (char)(1 + (i * 7919) % 255);
	garbage[sizeof(garbage) - 1] = '\0';
	classify(garbage, "exit:0", &c);
	CHECK(c.boot == BOOT_HANG);
	CHECK(status_of(&c, "sbi_pmu_test.basic") == CS_BOOT_HANG);
	CHECK(c.ncases == 4);
	cell_free(&c);

	classify("", NULL, &c);
	CHECK(c.boot == BOOT_HANG);
	CHECK(strstr(c.boot_detail, "qemu-status unreadable") != NULL);
	cell_free(&c);

	classify("ok\nnot ok\nok x y\n1..\n  ok 99999999999 z\n", "exit:junk",
		 &c);
	CHECK(c.boot == BOOT_HANG);
	CHECK(strstr(c.boot_detail, "bad qemu-status") != NULL);
	cell_free(&c);
}

static void test_ktap_truncated(void)
{
	struct cell_result c;

	classify("KTAP version 1\n1..4\nok 1 sbi_pmu_test.basic\n"
		 "  1..3\n  ok 1 global.a\n  not ok 2 glo", "exit:0", &c);
	CHECK(c.boot == BOOT_HANG);
	CHECK(status_of(&c, "sbi_pmu_fw.a") == CS_PASS);
	CHECK(status_of(&c, "sbi_pmu_fw") == CS_BOOT_HANG);
	CHECK(status_of(&c, "arch_timer") == CS_BOOT_HANG);
	cell_free(&c);
}

static void test_ktap_unterminated_nesting(void)
{
	struct cell_result c;

	/* The guest says it ended, but run 2 never got its result line. */
	classify("KTAP version 1\n1..4\nok 1 sbi_pmu_test.basic\n"
		 "  1..2\n  ok 1 a\n  ok 2 b\n# pmu-ci: end\n", "exit:0", &c);
	CHECK(c.boot == BOOT_OK);
	CHECK(strstr(c.boot_detail, "unterminated nesting") != NULL);
	CHECK(status_of(&c, "sbi_pmu_fw.a") == CS_PASS);
	CHECK(status_of(&c, "sbi_pmu_fw") == CS_FAIL);
	CHECK(status_of(&c, "arch_timer") == CS_FAIL);
	cell_free(&c);
}

static void test_ktap_crlf_and_kernel_lines(void)
{
	struct cell_result c;

	classify("[    0.0] Linux version 6.12\r\nKTAP version 1\r\n1..4\r\n"
		 "[    1.0] kvm [52]: ok 7 not a result\r\n"
		 "ok 1 sbi_pmu_test.basic\r\n"
		 "  ok 1 a\r\n[    1.1] random: crng init done\r\n"
		 "  ok 2 b\r\nok 2 sbi_pmu_fw\r\r\n"
		 "QEMU: Terminated\r\nok 3 arch_timer\r\n"
		 "ok 4 pmu-ci.post-checks\r\n# pmu-ci: end\r\n", "exit:0",
		 &c);
	CHECK(c.boot == BOOT_OK);
	CHECK(status_of(&c, "sbi_pmu_fw.a") == CS_PASS);
	CHECK(status_of(&c, "sbi_pmu_fw.b") == CS_PASS);
	CHECK(status_of(&c, "arch_timer") == CS_PASS);
	CHECK(c.ncases == 5);
	cell_free(&c);
}

static void test_ktap_only(void)
{
	struct cell_result c;

	classify("KTAP version 1\n1..2\n# pmu-ci: only=arch_timer\n"
		 "ok 1 arch_timer\nok 2 pmu-ci.post-checks\n"
		 "# pmu-ci: end\n", "exit:0", &c);
	CHECK(c.ncases == 2);
	CHECK(status_of(&c, "sbi_pmu_fw") == -1);
	CHECK(!strstr(c.boot_detail, "plan"));
	cell_free(&c);
}

static void test_log_pass(void)
{
	struct cell_result c;

	classify_file("pass.log", "exit:0\n", &c);
	CHECK(c.boot == BOOT_OK);
	CHECK(status_of(&c, "sbi_pmu_test.basic.sbi_pmu_test_basic") ==
	      CS_PASS);
	CHECK(status_of(&c, "sbi_pmu_fw.fw_read_unconfigured") == CS_PASS);
	CHECK(status_of(&c, "sbi_pmu_fw.fw_start_stopped") == CS_SKIP);
	CHECK(status_of(&c, "pmu-ci.post-checks") == CS_PASS);
	CHECK(c.ncases == 6);
	cell_free(&c);
}

static void test_log_hang(void)
{
	struct cell_result c;

	classify_file("hang.log", "exit:0", &c);
	CHECK(c.boot == BOOT_HANG);
	CHECK(status_of(&c, "sbi_pmu_fw.fw_read_unconfigured") == CS_PASS);
	CHECK(status_of(&c, "sbi_pmu_fw") == CS_BOOT_HANG);
	CHECK(status_of(&c, "arch_timer") == CS_BOOT_HANG);
	cell_free(&c);

	classify_file("hang.log", "timeout", &c);
	CHECK(c.boot == BOOT_TIMEOUT);
	CHECK(status_of(&c, "arch_timer") == CS_BOOT_HANG);
	cell_free(&c);
}

static void test_log_panic(void)
{
	struct cell_result c;

	classify_file("panic.log", "exit:0", &c);
	CHECK(c.boot == BOOT_PANIC);
	CHECK(strstr(c.boot_detail, "Kernel panic") != NULL);
	CHECK(status_of(&c, "sbi_pmu_test.basic.basic") == CS_PASS);
	CHECK(status_of(&c, "sbi_pmu_fw") == CS_PANIC);
	CHECK(status_of(&c, "pmu-ci.post-checks") == CS_PANIC);
	cell_free(&c);
}

static void test_log_splat(void)
{
	struct cell_result c;

	classify_file("splat.log", "exit:0", &c);
	CHECK(c.boot == BOOT_OK);
	CHECK(status_of(&c, "sbi_pmu_test.basic") == CS_SKIP);
	CHECK(status_of(&c, "sbi_pmu_fw.fw_read_unconfigured") == CS_PASS);
	/* The kernel's copy and the guest's copy count once. */
	CHECK(status_of(&c, "sbi_pmu_fw.fw_counter_guard") == CS_SPLAT);
	CHECK(status_of(&c, "sbi_pmu_fw.fw_start_stopped") == CS_PASS);
	CHECK(status_of(&c, "arch_timer") == CS_PASS);
	CHECK(status_of(&c, "pmu-ci.post-checks") == CS_SPLAT);
	CHECK(strstr(cell_find(&c, "pmu-ci.post-checks")->detail,
		     "unreferenced object") != NULL);
	cell_free(&c);
}

static void test_log_timeout(void)
{
	struct cell_result c;

	classify_file("timeout.log", "exit:0", &c);
	CHECK(c.boot == BOOT_OK);
	CHECK(status_of(&c, "sbi_pmu_test.basic") == CS_FAIL);
	CHECK(status_of(&c, "sbi_pmu_fw.fw_read_unconfigured") == CS_FAIL);
	CHECK(strstr(cell_find(&c, "sbi_pmu_fw.fw_read_unconfigured")->detail,
		     "Expected 0 (0) == ret (-2)") != NULL);
	CHECK(status_of(&c, "sbi_pmu_fw") == CS_TIMEOUT);
	CHECK(status_of(&c, "arch_timer") == CS_TIMEOUT);
	cell_free(&c);
}

static void test_log_garbage(void)
{
	struct cell_result c;

	classify_file("garbage.log", "timeout", &c);
	CHECK(c.boot == BOOT_TIMEOUT);
	CHECK(strstr(c.boot_detail, "unexpected result") != NULL);
	CHECK(status_of(&c, "arch_timer") == CS_BOOT_HANG);
	cell_free(&c);
}

static void test_tsv_roundtrip(void)
{
	struct cell_result c, r;
	char path[4096], err[256];
	FILE *f;

	classify_file("timeout.log", "exit:3", &c);
	snprintf(path, sizeof(path), "%s/roundtrip.tsv", tmp_dir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (!f)
		return;
	cell_write_tsv(f, &c);
	fclose(f);
	CHECK(cell_read_tsv(path, &r, err, sizeof(err)) == 0);
	CHECK(r.ncases == c.ncases);
	CHECK(r.boot == c.boot);
	CHECK(!strcmp(r.boot_detail, "qemu exit 3"));
	CHECK(status_of(&r, "sbi_pmu_fw") == CS_TIMEOUT);
	cell_free(&c);
	cell_free(&r);

	f = fopen(path, "w");
	if (f) {
		fputs("a\tpass\t\nb\tweird\tx\n#boot\tok\t\n", f);
		fclose(f);
	}
	CHECK(cell_read_tsv(path, &r, err, sizeof(err)) == -1);
	CHECK(strstr(err, "roundtrip.tsv:2:") != NULL);
}

/* ---- matrix ---- */

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		printf("  # cannot write %s: %s\n", path, strerror(errno));
		return;
	}
	fputs(text, f);
	fclose(f);
}

struct series {
	char dir[2048];
	int ncells;
	char index[8192];
};

static void series_init(struct series *s, const char *name)
{
	char path[4096];

	snprintf(s->dir, sizeof(s->dir), "%s/%s", tmp_dir, name);
	mkdir(s->dir, 0755);
	s->ncells = 0;
	s->index[0] = '\0';
	snprintf(path, sizeof(path), "%s/tests.txt", s->dir);
	write_text(path, tests_txt);
	snprintf(path, sizeof(path), "%s/known.txt", s->dir);
	write_text(path, "# profile case evidence\n"
		   "plain arch_timer fails 1 in 8 under TCG, see notes\n"
		   "qemu7 sbi_pmu_test.basic overflow irq lost on QEMU 7.2\n");
}

/* Add a cell; @cases is a cases.tsv text or NULL (no boot). */
static void series_cell(struct series *s, const char *kind,
			const char *subject, const char *stages,
			const char *cases)
{
	char dir[4096], path[4200], line[4400];

	snprintf(dir, sizeof(dir), "%s/cell%d", s->dir, s->ncells);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/stages.tsv", dir);
	write_text(path, stages ? stages :
		   "apply\tpass\t1\t\nbuild\tpass\t20\t\nw1\tpass\t3\t\n"
		   "checkpatch\tpass\t2\t\nsparse\tpass\t3\t\n"
		   "selftests-build\tpass\t19\t\n");
	snprintf(path, sizeof(path), "%s/cases.tsv", dir);
	if (cases)
		write_text(path, cases);
	else
		unlink(path);
	snprintf(line, sizeof(line), "%d\t%s\tcell%d\t%s\n", s->ncells, kind,
		 s->ncells, subject);
	strncat(s->index, line, sizeof(s->index) - strlen(s->index) - 1);
	s->ncells++;
}

static int series_run(struct series *s, const char *profile, char **summary)
{
	struct matrix_args a;
	char index[4096], tests[4096], known[4096], out[4096];
	FILE *f;
	int ret;

	snprintf(index, sizeof(index), "%s/index.tsv", s->dir);
	write_text(index, s->index);
	snprintf(tests, sizeof(tests), "%s/tests.txt", s->dir);
	snprintf(known, sizeof(known), "%s/known.txt", s->dir);
	snprintf(out, sizeof(out), "%s/out", s->dir);
	a.index = index;
	a.tests = tests;
	a.known = known;
	a.profile = profile;
	a.revision = "rev-1234";
	a.outdir = out;
	f = fopen("/dev/null", "w");
	ret = matrix_run(&a, f ? f : stdout);
	if (f)
		fclose(f);
	if (summary) {
		snprintf(out, sizeof(out), "%s/out/summary.txt", s->dir);
		*summary = read_text(out, NULL);
		if (!*summary)
			*summary = xstrdup("");
	}
	return ret;
}

#define BASE_CASES \
	"sbi_pmu_test.basic\tpass\t\n" \
	"sbi_pmu_fw.fw_read_unconfigured\tfail\tExpected 0 == -2\n" \
	"sbi_pmu_fw.fw_counter_guard\tpass\t\n" \
	"arch_timer\tpass\t\n" \
	"pmu-ci.post-checks\tpass\t\n" \
	"#boot\tok\t\n"
#define FIXED_CASES \
	"sbi_pmu_test.basic\tpass\t\n" \
	"sbi_pmu_fw.fw_read_unconfigured\tpass\t\n" \
	"sbi_pmu_fw.fw_counter_guard\tpass\t\n" \
	"arch_timer\tpass\t\n" \
	"pmu-ci.post-checks\tpass\t\n" \
	"#boot\tok\t\n"

static void test_matrix_good_series(void)
{
	struct series s;
	char *sum;

	series_init(&s, "good");
	series_cell(&s, "base", "Linux 6.12.117", NULL, BASE_CASES);
	series_cell(&s, "prep", "RISC-V: KVM: Move a helper", NULL,
		    BASE_CASES);
	series_cell(&s, "fix", "RISC-V: KVM: Fix fw counter read", NULL,
		    FIXED_CASES);
	series_cell(&s, "test", "KVM: riscv: selftests: Add fw tests", NULL,
		    FIXED_CASES);
	CHECK(series_run(&s, "aia", &sum) == 0);
	CHECK(strstr(sum, "Result: PASS") != NULL);
	CHECK(strstr(sum, "rev-1234") != NULL);
	CHECK(strstr(sum, "sbi_pmu_fw.fw_read_unconfigured new   2") != NULL);
	CHECK(strstr(sum, " guard 0          yes") != NULL);
	CHECK(strstr(sum, "base  3 pass, 0 fail, 0 skip, 0 known") != NULL);
	CHECK(strstr(sum, "1 pass, 1 fail, 0 skip, 0 known") != NULL);
	CHECK(strstr(sum, "pass 4/5") != NULL);
	free(sum);
}

static void test_matrix_fix_without_case(void)
{
	struct series s;
	char *sum;

	series_init(&s, "nofix");
	series_cell(&s, "base", "Linux", NULL, BASE_CASES);
	series_cell(&s, "fix", "RISC-V: KVM: Fix fw counter read", NULL,
		    FIXED_CASES);
	series_cell(&s, "fix", "RISC-V: KVM: Fix something untested", NULL,
		    FIXED_CASES);
	CHECK(series_run(&s, "aia", &sum) == 1);
	CHECK(strstr(sum, "fix cell 2 (RISC-V: KVM: Fix something untested) is the first-pass point of no new case") != NULL);
	CHECK(!strstr(sum, "fix cell 1"));
	free(sum);
}

static void test_matrix_new_passes_on_base(void)
{
	struct series s;
	char *sum;

	series_init(&s, "newbase");
	series_cell(&s, "base", "Linux", NULL, FIXED_CASES);
	series_cell(&s, "fix", "RISC-V: KVM: Fix", NULL, FIXED_CASES);
	CHECK(series_run(&s, "aia", &sum) == 1);
	CHECK(strstr(sum, "new case sbi_pmu_fw.fw_read_unconfigured passes on the base kernel") != NULL);
	/* A guard may pass on the base kernel. */
	CHECK(!strstr(sum, "fw_counter_guard passes on the base"));
	free(sum);
}

static void test_matrix_old_regression(void)
{
	struct series s;
	char *sum;

	series_init(&s, "regress");
	series_cell(&s, "base", "Linux", NULL, BASE_CASES);
	series_cell(&s, "prep", "RISC-V: KVM: Refactor", NULL,
		    "sbi_pmu_test.basic\tfail\tboom\n"
		    "sbi_pmu_fw.fw_read_unconfigured\tfail\t\n"
		    "sbi_pmu_fw.fw_counter_guard\tpass\t\n"
		    "arch_timer\tpass\t\npmu-ci.post-checks\tpass\t\n"
		    "#boot\tok\t\n");
	series_cell(&s, "fix", "RISC-V: KVM: Fix", NULL, FIXED_CASES);
	CHECK(series_run(&s, "aia", &sum) == 1);
	CHECK(strstr(sum, "old case sbi_pmu_test.basic: fail at cell 1 (RISC-V: KVM: Refactor)") != NULL);
	free(sum);

	/* A new case that stops passing is an error too. */
	series_init(&s, "flap");
	series_cell(&s, "base", "Linux", NULL, BASE_CASES);
	series_cell(&s, "fix", "RISC-V: KVM: Fix", NULL, FIXED_CASES);
	series_cell(&s, "other", "RISC-V: Unrelated", NULL, BASE_CASES);
	series_cell(&s, "test", "KVM: riscv: selftests: x", NULL,
		    FIXED_CASES);
	CHECK(series_run(&s, "aia", &sum) == 1);
	CHECK(strstr(sum, "passes from cell 1 but not at every later cell") !=
	      NULL);
	free(sum);
}

static void test_matrix_known_failures(void)
{
	struct series s;
	char *sum;
	const char *flaky =
		"sbi_pmu_test.basic\tpass\t\n"
		"sbi_pmu_fw.fw_read_unconfigured\tpass\t\n"
		"sbi_pmu_fw.fw_counter_guard\tpass\t\n"
		"arch_timer\tfail\ttimer irq lost\n"
		"pmu-ci.post-checks\tpass\t\n#boot\tok\t\n";

	series_init(&s, "known");
	series_cell(&s, "base", "Linux", NULL,
		    "sbi_pmu_test.basic\tpass\t\n"
		    "sbi_pmu_fw.fw_read_unconfigured\tfail\t\n"
		    "sbi_pmu_fw.fw_counter_guard\tpass\t\n"
		    "arch_timer\tfail\ttimer irq lost\n"
		    "pmu-ci.post-checks\tpass\t\n#boot\tok\t\n");
	series_cell(&s, "fix", "RISC-V: KVM: Fix", NULL, flaky);
	CHECK(series_run(&s, "plain", &sum) == 0);
	CHECK(strstr(sum, "base  2 pass, 0 fail, 0 skip, 1 known") != NULL);
	CHECK(strstr(sum, "tip   2 pass, 0 fail, 0 skip, 1 known") != NULL);
	free(sum);

	/* The same failures are errors for a profile without the entry. */
	CHECK(series_run(&s, "aia", &sum) == 1);
	CHECK(strstr(sum, "arch_timer old case fail at the tip") != NULL);
	free(sum);

	/* A known failure that passes is a warning, not an error. */
	series_init(&s, "known2");
	series_cell(&s, "base", "Linux", NULL, BASE_CASES);
	series_cell(&s, "fix", "RISC-V: KVM: Fix", NULL, FIXED_CASES);
	CHECK(series_run(&s, "plain", &sum) == 0);
	CHECK(strstr(sum, "known failure now passes: arch_timer") != NULL);
	CHECK(strstr(sum, "Warnings: 1") != NULL);
	free(sum);
}

static void test_matrix_stage_and_boot_failures(void)
{
	struct series s;
	char *sum;

	series_init(&s, "stages");
	series_cell(&s, "base", "Linux", NULL, BASE_CASES);
	series_cell(&s, "fix", "RISC-V: KVM: Fix", NULL, FIXED_CASES);
	series_cell(&s, "other", "RISC-V: Broken build",
		    "apply\tpass\t1\t\nbuild\tfail\t30\tvcpu_pmu.c:12: error\n"
		    "w1\tpass\t3\t\ncheckpatch\tpass\t2\t\n"
		    "sparse\tpass\t3\t\nselftests-build\tpass\t19\t\n",
		    NULL);
	series_cell(&s, "test", "KVM: riscv: selftests: x", NULL,
		    "sbi_pmu_test.basic\tboot-hang\tnot reached\n"
		    "sbi_pmu_fw\tboot-hang\tnot reached\n"
		    "arch_timer\tboot-hang\tnot reached\n"
		    "pmu-ci.post-checks\tboot-hang\tnot reached\n"
		    "#boot\tboot-hang\tconsole ended\n");
	CHECK(series_run(&s, "aia", &sum) == 1);
	CHECK(strstr(sum, "stage build fail: vcpu_pmu.c:12: error") != NULL);
	CHECK(strstr(sum, "cell 3 (KVM: riscv: selftests: x): boot boot-hang") != NULL);
	CHECK(strstr(sum, "sbi_pmu_fw.fw_read_unconfigured new case absent at the tip") != NULL);
	CHECK(strstr(sum, "n/a") != NULL);
	free(sum);
}

/* Remove a file of cell @idx of @s. */
static void series_drop(struct series *s, int idx, const char *file)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/cell%d/%s", s->dir, idx, file);
	unlink(path);
}

static void test_matrix_incomplete(void)
{
	struct series s;
	char *sum;

	/* An empty tip cell directory: no stage and no case ran. */
	series_init(&s, "inc-empty");
	series_cell(&s, "base", "Linux", NULL, BASE_CASES);
	series_cell(&s, "other", "RISC-V: Unrelated", NULL, BASE_CASES);
	series_drop(&s, 1, "stages.tsv");
	series_drop(&s, 1, "cases.tsv");
	CHECK(series_run(&s, "aia", &sum) == 2);
	CHECK(strstr(sum, "Result: ERROR") != NULL);
	CHECK(strstr(sum, "inc-empty/cell1/stages.tsv") != NULL);
	CHECK(strstr(sum, "inc-empty/cell1/cases.tsv") != NULL);
	CHECK(!strstr(sum, "Result: PASS"));
	free(sum);

	/* Every stage passed, but the boot left no cases.tsv. */
	series_init(&s, "inc-nocases");
	series_cell(&s, "base", "Linux", NULL, BASE_CASES);
	series_cell(&s, "other", "RISC-V: Unrelated", NULL, NULL);
	CHECK(series_run(&s, "aia", &sum) == 2);
	CHECK(strstr(sum, "Result: ERROR") != NULL);
	CHECK(strstr(sum, "cell 1 (RISC-V: Unrelated): no boot results: ") !=
	      NULL);
	CHECK(strstr(sum, "inc-nocases/cell1/cases.tsv missing") != NULL);
	free(sum);

	/* A missing stages.tsv is not "n/a": it is missing. */
	series_init(&s, "inc-nostages");
	series_cell(&s, "base", "Linux", NULL, BASE_CASES);
	series_drop(&s, 0, "stages.tsv");
	CHECK(series_run(&s, "aia", &sum) == 2);
	CHECK(strstr(sum, "inc-nostages/cell0/stages.tsv missing") != NULL);
	free(sum);

	/* One stage missing from stages.tsv. */
	series_init(&s, "inc-stage");
	series_cell(&s, "base", "Linux",
		    "apply\tpass\t1\t\nbuild\tpass\t20\t\nw1\tpass\t3\t\n"
		    "checkpatch\tpass\t2\t\nselftests-build\tpass\t19\t\n",
		    BASE_CASES);
	CHECK(series_run(&s, "aia", &sum) == 2);
	CHECK(strstr(sum, "stage sparse missing from ") != NULL);
	CHECK(strstr(sum, "inc-stage/cell0/stages.tsv") != NULL);
	free(sum);

	/* A run of the test list that the cell does not report at all. */
	series_init(&s, "inc-case");
	series_cell(&s, "base", "Linux", NULL,
		    "sbi_pmu_test.basic\tpass\t\n"
		    "sbi_pmu_fw.fw_read_unconfigured\tfail\t\n"
		    "sbi_pmu_fw.fw_counter_guard\tpass\t\n"
		    "pmu-ci.post-checks\tpass\t\n#boot\tok\t\n");
	CHECK(series_run(&s, "aia", &sum) == 2);
	CHECK(strstr(sum, "case arch_timer missing from ") != NULL);
	CHECK(strstr(sum, "inc-case/cell0/cases.tsv") != NULL);
	free(sum);

	/* A stage that timed out or could not run has no result. */
	series_init(&s, "inc-timeout");
	series_cell(&s, "base", "Linux", NULL, BASE_CASES);
	series_cell(&s, "other", "RISC-V: Unrelated",
		    "apply\tpass\t1\t\nbuild\ttimeout\t2400\tsee build.log\n"
		    "w1\tpass\t3\t\ncheckpatch\tpass\t2\t\n"
		    "sparse\tpass\t3\t\nselftests-build\tpass\t19\t\n",
		    NULL);
	CHECK(series_run(&s, "aia", &sum) == 2);
	CHECK(strstr(sum, "Result: ERROR") != NULL);
	CHECK(strstr(sum, "stage build timeout: see build.log") != NULL);
	free(sum);
	series_init(&s, "inc-error");
	series_cell(&s, "base", "Linux", NULL, BASE_CASES);
	series_cell(&s, "other", "RISC-V: Unrelated",
		    "apply\tpass\t1\t\nbuild\terror\t9\tNo space left on device\n"
		    "w1\tpass\t3\t\ncheckpatch\tpass\t2\t\n"
		    "sparse\tpass\t3\t\nselftests-build\tpass\t19\t\n",
		    NULL);
	CHECK(series_run(&s, "aia", &sum) == 2);
	CHECK(strstr(sum, "stage build error: No space left on device") !=
	      NULL);
	free(sum);

	/* A build that failed explains the missing boot: FAIL, not ERROR. */
	series_init(&s, "inc-buildfail");
	series_cell(&s, "base", "Linux", NULL, BASE_CASES);
	series_cell(&s, "other", "RISC-V: Unrelated",
		    "apply\tpass\t1\t\nbuild\tfail\t9\tsee build.log\n"
		    "w1\tfail\t3\t\ncheckpatch\tpass\t2\t\n"
		    "sparse\tfail\t3\t\nselftests-build\tpass\t19\t\n",
		    NULL);
	CHECK(series_run(&s, "aia", &sum) == 1);
	CHECK(strstr(sum, "Result: FAIL") != NULL);
	free(sum);

	/* "n/a" is not a stage result anyone may write. */
	series_init(&s, "inc-na");
	series_cell(&s, "base", "Linux",
		    "apply\tn/a\t1\t\nbuild\tn/a\t20\t\nw1\tn/a\t3\t\n"
		    "checkpatch\tn/a\t2\t\nsparse\tn/a\t3\t\n"
		    "selftests-build\tn/a\t19\t\n", BASE_CASES);
	CHECK(series_run(&s, "aia", NULL) == 2);
}

static void test_matrix_bad_input(void)
{
	struct series s;

	series_init(&s, "bad");
	series_cell(&s, "base", "Linux", NULL, BASE_CASES);
	strcat(s.index, "5\tfix\tcell9\tgap\n");
	CHECK(series_run(&s, "aia", NULL) == 2);
	/* Exit status 2 says which input was bad, and where. */
	CHECK(stderr_has("bad/index.tsv:2: cell index out of sequence"));

	series_init(&s, "bad2");
	series_cell(&s, "fix", "not a base", NULL, BASE_CASES);
	CHECK(series_run(&s, "aia", NULL) == 2);
	CHECK(stderr_has("bad2/index.tsv:1: kind must be base"));

	series_init(&s, "bad3");
	series_cell(&s, "base", "Linux", "build\tbroken\t1\t\n", NULL);
	CHECK(series_run(&s, "aia", NULL) == 2);
	CHECK(stderr_has("bad3/cell0/stages.tsv:1: expected <stage>"));
}

/* Does "@a @b @c @d" (a checker, the file last) exit 0?  No stdout. */
static int tool_ok(const char *a, const char *b, const char *c,
		   const char *d)
{
	pid_t pid;
	int st, fd;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return 0;
	if (!pid) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, STDOUT_FILENO);
		execlp(a, a, b, c, d, (char *)NULL);
		fprintf(stderr, "%s: %s\n", a, strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid)
		return 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int xml_ok(const char *path)
{
	return tool_ok("xmllint", "--noout", path, NULL);
}

static int json_ok(const char *path)
{
	return tool_ok("python3", "-m", "json.tool", path);
}

static void test_outputs_escaping(void)
{
	struct series s;
	char path[4096];
	char *xml, *json, *md;

	series_init(&s, "escape");
	series_cell(&s, "base", "Linux <6.12> & \"friends\"", NULL,
		    "sbi_pmu_test.basic\tpass\t\n"
		    "sbi_pmu_fw.fw_read_unconfigured\tfail\ta<b & c>\"d\" \x01\xff\n"
		    "sbi_pmu_fw.fw_counter_guard\tpass\t\n"
		    "arch_timer\tpass\t\npmu-ci.post-checks\tpass\t\n"
		    "#boot\tok\t\n");
	series_cell(&s, "fix", "RISC-V: KVM: Fix a | b \xc3\xa9\xc3", NULL,
		    FIXED_CASES);
	CHECK(series_run(&s, "aia", NULL) == 0);

	snprintf(path, sizeof(path), "%s/out/junit.xml", s.dir);
	CHECK(xml_ok(path));
	xml = read_text(path, NULL);
	CHECK(xml && strstr(xml, "name=\"0 Linux &lt;6.12&gt; &amp; &quot;friends&quot;\""));
	CHECK(xml && strstr(xml, "<failure message=\"fail: a&lt;b &amp; c&gt;&quot;d&quot; ??\"/>"));
	CHECK(xml && strstr(xml, "<testcase classname=\"stage\" name=\"build\" time=\"20\"/>"));
	CHECK(xml && strstr(xml, "name=\"1 RISC-V: KVM: Fix a | b \xc3\xa9?\""));
	free(xml);

	snprintf(path, sizeof(path), "%s/out/results.json", s.dir);
	CHECK(json_ok(path));
	json = read_text(path, NULL);
	CHECK(json && strstr(json, "\"git_branch\": \"kselftest\""));
	CHECK(json && strstr(json, "\"arch\": \"riscv\""));
	CHECK(json && strstr(json, "\"lab_name\": null"));
	CHECK(json && strstr(json, "\"sub_groups\": ["));
	CHECK(json && strstr(json, "\"name\": \"0 Linux <6.12> & \\\"friends\\\"\""));
	CHECK(json && strstr(json, "\"name\": \"1 RISC-V: KVM: Fix a | b \xc3\xa9?\""));
	CHECK(json && strstr(json, "\"name\": \"sbi_pmu_fw.fw_read_unconfigured\",\n"
			     "          \"status\": \"FAIL\""));
	CHECK(json && strstr(json, "\"name\": \"stage.build\",\n"
			     "          \"status\": \"PASS\""));
	free(json);

	/* The checkers themselves. */
	snprintf(path, sizeof(path), "%s/bad.xml", s.dir);
	write_text(path, "<?xml version=\"1.0\"?>\n<a><b></a>\n");
	CHECK(!xml_ok(path));
	snprintf(path, sizeof(path), "%s/bad.json", s.dir);
	write_text(path, "{\"a\": [1, 2,]}\n");
	CHECK(!json_ok(path));

	snprintf(path, sizeof(path), "%s/out/matrix.md", s.dir);
	md = read_text(path, NULL);
	CHECK(md && strstr(md, "| # | kind | patch | apply |"));
	CHECK(md && strstr(md, "RISC-V: KVM: Fix a \\| b"));
	free(md);
}

/* ---- LAVA results ---- */

/* Run lava_run(); its summary and errors are read back into @out, @err. */
static int run_lava(const char *log, const char *monitors, const char *outdir,
		char **out, char **err)
{
	struct lava_args a = { log, monitors, outdir };
	char po[4096], pe[4096];
	FILE *fo, *fe;
	int ret;

	snprintf(po, sizeof(po), "%s/lava.out", tmp_dir);
	snprintf(pe, sizeof(pe), "%s/lava.err", tmp_dir);
	fo = fopen(po, "w");
	fe = fopen(pe, "w");
	if (!fo || !fe) {
		printf("  # cannot write %s\n", po);
		return -1;
	}
	ret = lava_run(&a, fo, fe);
	fclose(fo);
	fclose(fe);
	*out = read_text(po, NULL);
	*err = read_text(pe, NULL);
	if (!*out)
		*out = xstrdup("");
	if (!*err)
		*err = xstrdup("");
	return ret;
}

static char *out_file(const char *dir, const char *name)
{
	char path[4400];
	char *text;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	text = read_text(path, NULL);
	return text ? text : xstrdup("");
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The records as jansson reads them: escapes, repeated keys, junk. */
static void test_lava_json(void)
{
	char log[4096], mon[4096], dir[4096];
	char *out, *err, *text;

	snprintf(log, sizeof(log), "%s/lava-json.log", tmp_dir);
	snprintf(mon, sizeof(mon), "%s/lava-json-monitors.tsv", tmp_dir);
	snprintf(dir, sizeof(dir), "%s/lava-json", tmp_dir);
	write_text(mon, "1\tp\tp\n");
	write_text(log,
		   " {\"lvl\": \"target\", \"a\": [1, -2.5e3, true, null, {}], \"msg\": \"q\\\"\\\\\\/\\t\\u00e9\\ud83d\\ude00\\u0000\"}\n"
		   "{\"lvl\": \"target\", \"msg\": \"first\", \"msg\": \"last\"}\n"
		   "{\"lvl\": \"target\", \"msg\": \"comma\",}\n"
		   "{\"lvl\": \"target\", \"msg\": \"after\"} x\n"
		   "{\"lvl\": \"target\", \"msg\": \"tab\there\"}\n"
		   "{\"lvl\": \"target\", \"msg\": \"zero\", \"n\": 01}\n"
		   "{\"lvl\": \"target\", \"msg\": \"\\x\"}\n"
		   "{\"lvl\": \"target\" \"msg\": \"colon\"}\n"
		   "{\"lvl\": \"results\", \"msg\": {\"definition\": \"p\", \"case\": \"p\", \"result\": \"pass\", \"extra\": {}}}\n"
		   "{\"lvl\": \"results\", \"msg\": {\"definition\": \"lava\", \"case\": \"job\", \"result\": \"pass\"}}\n");
	CHECK(run_lava(log, mon, dir, &out, &err) == 0);
	CHECK(!strcmp(out, "LAVA results: 1 cases: 1 pass, 0 fail, 0 skip, 0 missing (job: pass, 1 LAVA results)\n"));
	CHECK(!*err);
	free(out);
	free(err);
	text = out_file(dir, "console.log");
	CHECK(!strcmp(text, "q\"\\/\t\xc3\xa9\xf0\x9f\x98\x80?\nlast\n"));
	free(text);
	text = out_file(dir, "results.yaml");
	CHECK(!strcmp(text, "- suite: p\n  case: p\n  test_case_id: p\n"
		      "  result: pass\n  run: p\n"));
	free(text);
}

/*
 * A recorded lava-run log (lava-dispatcher 2023.01, profile aia, the
 * series' test list on the base kernel), trimmed to the console's KTAP
 * lines and LAVA's own messages, and the job's monitors.tsv.
 */
static void test_lava_recorded_log(void)
{
	char log[4096], mon[4096], dir[4096];
	char *out, *err, *text;

	snprintf(log, sizeof(log), "%s/lava-run.log", data_dir);
	snprintf(mon, sizeof(mon), "%s/lava-monitors.tsv", data_dir);
	snprintf(dir, sizeof(dir), "%s/lava-recorded", tmp_dir);
	CHECK(run_lava(log, mon, dir, &out, &err) == 0);
	CHECK(strstr(out, "\n    skip    sbi_pmu_emul_test.emul_insn_instret\n"));
	CHECK(strstr(out, "    fail    sbi_pmu_test.basic\n"));
	CHECK(strstr(out, "LAVA results: 32 cases: 10 pass, 21 fail, 1 skip, 0 missing (job: pass, 35 LAVA results)\n"));
	CHECK(!*err);
	free(out);
	free(err);

	text = out_file(dir, "console.log");
	CHECK(!strncmp(text, "\nOpenSBI v1.5\n", 14));
	CHECK(strstr(text, "\nKTAP version 1\n1..11\n# exit=254\n"
		     "not ok 1 sbi_pmu_test.basic\n"));
	CHECK(count_lines(text) == 87);
	free(text);

	text = out_file(dir, "results.tsv");
	CHECK(count_lines(text) == 35);
	CHECK(!strncmp(text, "sbi_pmu_test.basic\tsbi_pmu_test.basic\tfail\n", 43));
	CHECK(strstr(text, "\nsbi_pmu_ctr_test\tglobal.fw_auto_start\tfail\n"));
	CHECK(strstr(text, "\nsbi_pmu_emul_test\tglobal.emul_insn_instret\tskip\n"));
	CHECK(strstr(text, "\npmu-ci.post-checks\tpmu-ci.post-checks\tpass\n"));
	free(text);

	text = out_file(dir, "cases.tsv");
	CHECK(count_lines(text) == 32);
	CHECK(strstr(text, "\nget-reg-list\tpass\n"));
	CHECK(strstr(text, "\nsbi_pmu_ctr_test.fw_auto_start\tfail\n"));
	CHECK(!strstr(text, "global."));
	CHECK(!strstr(text, "\nsbi_pmu_ctr_test\t"));
	free(text);

	text = out_file(dir, "results.yaml");
	CHECK(strstr(text, "- suite: sbi_pmu_ctr_test\n"
		     "  case: global_fw_auto_start\n"
		     "  test_case_id: global.fw_auto_start\n"
		     "  result: fail\n"
		     "  run: sbi_pmu_ctr_test\n"));
	CHECK(strstr(text, "- suite: get-reg-list\n  case: get_reg_list\n"));
	free(text);
}

#define LAVA_REC(lvl, msg) \
	"{\"dt\": \"2026-01-01T00:00:00\", \"lvl\": \"" lvl "\", \"msg\": " msg "}\n"
#define LAVA_RES(suite, lcase, tcid, res) \
	LAVA_REC("results", "{\"case\": \"" lcase "\", \"definition\": \"" \
		 suite "\", \"extra\": {\"test_case_id\": \"" tcid \
		 "\"}, \"result\": \"" res "\"}")

/* Results that are missing or odd, a job that did not finish. */
static void test_lava_failed_job(void)
{
	char log[4096], mon[4096], dir[4096];
	char *out, *err, *text;

	snprintf(log, sizeof(log), "%s/lava-bad.log", tmp_dir);
	snprintf(mon, sizeof(mon), "%s/lava-bad-monitors.tsv", tmp_dir);
	snprintf(dir, sizeof(dir), "%s/lava-bad", tmp_dir);
	write_text(mon, "1\tprog\tprog\n2\tyes\tyes\n3\tgone\tgone\n");
	write_text(log,
		   LAVA_REC("info", "\"start\"")
		   LAVA_REC("target", "\"KTAP version 1\\r\"")
		   "- " LAVA_REC("target", "\"  ok 1 a b\"")
		   LAVA_RES("prog", "global_a_b", "global.a b", "pass")
		   LAVA_RES("prog", "global_x", "global.x: y #z", "skip")
		   LAVA_RES("prog", "prog", "prog", "fail")
		   LAVA_REC("results", "{\"case\": \"file\", \"definition\": \"lava\", \"result\": \"pass\", \"size\": ! \"12\"}")
		   LAVA_RES("yes", "yes", "yes", "pass")
		   LAVA_RES("zz", "c", "c", "pass")
		   LAVA_RES("zz", "d", "d", "pass")
		   LAVA_REC("error", "\"e1\"")
		   LAVA_REC("error", "\"e2\"")
		   "not json\n"
		   LAVA_REC("results", "{\"case\": \"job\", \"definition\": \"lava\", \"result\": \"fail\", \"error_msg\": \"e3\"}"));
	CHECK(run_lava(log, mon, dir, &out, &err) == 1);
	CHECK(!strcmp(out, "    skip    prog.x:_y_#z\n"
		      "    fail    prog\n"
		      "    missing gone\n"
		      "LAVA results: 5 cases: 2 pass, 1 fail, 1 skip, 1 missing (job: fail, 4 LAVA results)\n"));
	CHECK(!strcmp(err, "ERROR [lava]: the LAVA job did not finish (job result fail): e2; e3; results of an unknown suite zz\n"
		      "ERROR [lava]: no LAVA result for 1 run(s): gone\n"));
	free(out);
	free(err);

	text = out_file(dir, "cases.tsv");
	CHECK(!strcmp(text, "prog.a_b\tpass\nprog.x:_y_#z\tskip\nprog\tfail\n"
		      "yes\tpass\ngone\tmissing\n"));
	free(text);
	text = out_file(dir, "console.log");
	CHECK(!strcmp(text, "KTAP version 1\r\n  ok 1 a b\n"));
	free(text);
	text = out_file(dir, "results.yaml");
	CHECK(strstr(text, "  test_case_id: 'global.x: y #z'\n"));
	CHECK(strstr(text, "- suite: 'yes'\n  case: 'yes'\n"));
	free(text);

	/* No log at all; a broken monitor map. */
	CHECK(run_lava("/nonexistent", mon, dir, &out, &err) == 2);
	free(out);
	free(err);
	write_text(mon, "1\tprog\n");
	CHECK(run_lava(log, mon, dir, &out, &err) == 2);
	free(out);
	free(err);
}

struct unit_test {
	const char *name;
	void (*fn)(void);
};

#define T(f)	{ #f, f }

static const struct unit_test tests[] = {
	T(test_testlist_parse),
	T(test_testlist_errors),
	T(test_cmdline_only),
	T(test_splat_patterns),
	T(test_emit_result),
	T(test_emit_nested),
	T(test_kmsg_text),
	T(test_ktap_flat),
	T(test_ktap_nested_two_levels),
	T(test_ktap_directives),
	T(test_ktap_missing_plan),
	T(test_ktap_duplicate_plan),
	T(test_ktap_garbage),
	T(test_ktap_truncated),
	T(test_ktap_unterminated_nesting),
	T(test_ktap_crlf_and_kernel_lines),
	T(test_ktap_only),
	T(test_log_pass),
	T(test_log_hang),
	T(test_log_panic),
	T(test_log_splat),
	T(test_log_timeout),
	T(test_log_garbage),
	T(test_tsv_roundtrip),
	T(test_matrix_good_series),
	T(test_matrix_fix_without_case),
	T(test_matrix_new_passes_on_base),
	T(test_matrix_old_regression),
	T(test_matrix_known_failures),
	T(test_matrix_stage_and_boot_failures),
	T(test_matrix_incomplete),
	T(test_matrix_bad_input),
	T(test_outputs_escaping),
	T(test_lava_json),
	T(test_lava_recorded_log),
	T(test_lava_failed_job),
};

int main(int argc, char **argv)
{
	int i, passed = 0, failed = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: %s <data-dir> <scratch-dir>\n",
			argv[0]);
		return 2;
	}
	data_dir = argv[1];
	tmp_dir = argv[2];
	mkdir(tmp_dir, 0755);
	/*
	 * matrix_run() reports bad input on stderr, as it should: each
	 * test's stderr goes to a file of its own, which the test may check
	 * and which is shown when the test fails.
	 */
	snprintf(stderr_path, sizeof(stderr_path), "%s/stderr.log", tmp_dir);
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (i = 0; i < (int)ARRAY_SIZE(tests); i++) {
		if (!freopen(stderr_path, "w", stderr)) {
			printf("cannot write %s: %s\n", stderr_path,
			       strerror(errno));
			return 2;
		}
		cur_failed = 0;
		tests[i].fn();
		if (cur_failed)
			show_stderr();
		printf("%s %d %s\n", cur_failed ? "not ok" : "ok", i + 1,
		       tests[i].name);
		if (cur_failed)
			failed++;
		else
			passed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
