/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmu-report: console log classification, per-series matrix and LAVA
 * results.
 */
#ifndef PMU_CI_REPORT_H
#define PMU_CI_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "../common/testlist.h"

/* Case id of the final result line the guest init always prints. */
#define POST_CHECKS_ID	"pmu-ci.post-checks"

enum case_status {
	CS_PASS,
	CS_FAIL,
	CS_SKIP,
	CS_TIMEOUT,
	CS_SPLAT,
	CS_BOOT_HANG,
	CS_PANIC,
	/* Only in the matrix: */
	CS_KNOWN,	/* failed, but a known failure for the profile */
	CS_ABSENT,	/* the boot ran, the case was not reported */
	CS_NA,		/* the boot did not run */
	CS_NONE,	/* a program whose cases were reported instead */
	CS_NR
};

enum boot_status {
	BOOT_OK,
	BOOT_HANG,
	BOOT_PANIC,
	BOOT_TIMEOUT,
	BOOT_NR
};

const char *cs_name(int status);
int cs_parse(const char *name);
const char *boot_name(int status);
int boot_parse(const char *name);

/* ---- util.c ---- */

struct sbuf {
	char *s;
	size_t len;
	size_t cap;
};

void sb_addf(struct sbuf *sb, const char *fmt, ...);
void sb_addn(struct sbuf *sb, const char *s, size_t n);
const char *sb_str(struct sbuf *sb);
void sb_free(struct sbuf *sb);

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Read a whole file; NULL (errno set) on error.  @len may be NULL. */
char *read_text(const char *path, size_t *len);

/* Parse a test list strictly; prints "file:line: why" on error. */
int tests_load(const char *path, struct testlist *tl);

/* Make @s a single TSV field: tabs, newlines and CRs become spaces. */
void tsv_clean(char *s);

/*
 * A copy of @s (to free) with '?' for each byte that is not valid UTF-8,
 * and with @xml for each character XML does not allow.
 */
char *text_clean(const char *s, int xml);

/* ---- cell.c ---- */

struct case_result {
	char *id;
	int status;
	char *detail;
};

struct cell_result {
	struct case_result *cases;
	int ncases;
	int boot;
	char *boot_detail;
};

/*
 * cell_classify() - classify one boot.
 * @console: the console log (NUL terminated; may hold anything)
 * @qemu_status: contents of the qemu-status file, or NULL if unreadable
 * @tl: the test list
 */
void cell_classify(const char *console, const char *qemu_status,
		   const struct testlist *tl, struct cell_result *out);
void cell_write_tsv(FILE *f, const struct cell_result *cell);
/* Returns 0, or -1 with "file:line: why" in @err. */
int cell_read_tsv(const char *path, struct cell_result *cell,
		  char *err, size_t errlen);
const struct case_result *cell_find(const struct cell_result *cell,
				    const char *id);
void cell_free(struct cell_result *cell);

/* ---- matrix.c ---- */

struct matrix_args {
	const char *index;
	const char *tests;
	const char *known;
	const char *profile;
	const char *revision;
	const char *outdir;
};

/*
 * Returns the exit status: 0 clean, 1 problems found, 2 bad input or a
 * result missing (ERROR: a cell, stage or case that did not run, a stage
 * that timed out or could not run).
 */
int matrix_run(const struct matrix_args *args, FILE *out);

/* ---- lava.c ---- */

struct lava_args {
	const char *log;	/* the lava-run log */
	const char *monitors;	/* monitors.tsv from ci/lava/lavajob.sh */
	const char *outdir;
};

/*
 * lava_run() - the results of a LAVA job from its lava-run log.
 * Writes console.log, results.yaml, results.tsv and cases.tsv in
 * @args->outdir, the cases that did not pass and a summary line on @out,
 * "ERROR [lava]: ..." lines on @err.  Returns 0 if the job finished and
 * every run has its result, 1 if not, 2 on bad input.
 */
int lava_run(const struct lava_args *args, FILE *out, FILE *err);

#endif
