/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parser for the CI test list (ci/tests.txt), shared by guest and host.
 *
 *   run <id> <timeout-seconds> <class> <argv0> [args...]
 *   class <case-id> <class>
 *
 * Blank lines and lines starting with '#' are ignored, and so is any
 * other line whose first word is neither "run" nor "class".
 */
#ifndef PMU_CI_TESTLIST_H
#define PMU_CI_TESTLIST_H

#include <stddef.h>

struct tl_run {
	char *id;
	int timeout;
	char *class;
	int argc;
	char **argv;		/* NULL terminated */
	int line;
};

struct tl_override {
	char *case_id;
	char *class;
	int line;
};

struct testlist {
	struct tl_run *runs;
	int nruns;
	struct tl_override *ovr;
	int novr;
};

/*
 * tl_parse() - parse the text of a test list into @tl.
 * @strict: reject malformed "run"/"class" lines, unknown classes and
 *          duplicate ids (host).  When zero, such lines are skipped
 *          (guest).
 * @err: receives "line N: why" for the first problem found.
 *
 * Returns the number of malformed lines skipped (0 when clean), or -1
 * in strict mode on the first problem or when out of memory.
 */
int tl_parse(const char *text, struct testlist *tl, int strict,
	     char *err, size_t errlen);
void tl_free(struct testlist *tl);

/* Index of run @id in @tl, or -1. */
int tl_find(const struct testlist *tl, const char *id);

/* True if @class is one of old, new, guard. */
int tl_class_valid(const char *class);

/*
 * tl_cmdline_only() - copy the value of "pmu.only=" from a kernel
 * command line into @buf.  Returns 1 if present, else 0.
 */
int tl_cmdline_only(const char *cmdline, char *buf, size_t len);

/* True if @id is in the comma separated @list. */
int tl_only_has(const char *list, const char *id);

#endif
