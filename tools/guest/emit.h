/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure helpers of the guest init: KTAP formatting, line splitting and
 * /dev/kmsg record parsing.  No system calls, so the host unit tests
 * can link them.
 */
#ifndef PMU_CI_EMIT_H
#define PMU_CI_EMIT_H

#include <stddef.h>

#define KSFT_SKIP	4
#define LB_MAX		4096

struct run_outcome {
	int timed_out;		/* killed at the deadline */
	int splat;		/* a splat was seen while it ran */
	int signaled;		/* killed by signal @code */
	int code;		/* exit code or signal number */
	int timeout;		/* the timeout, seconds */
};

/*
 * ktap_format_result() - format the result of test @n into @buf: an
 * optional "# exit=N" / "# signal=N" / "# timeout" diagnostic line and
 * the "ok"/"not ok" line.  Returns the length written (truncated to fit).
 */
size_t ktap_format_result(char *buf, size_t len, int n, const char *id,
			  const struct run_outcome *o);

/* The state of the output of one test run, for ktap_format_output(). */
struct ktap_out {
	int nested;		/* a KTAP or TAP header was seen */
};

/*
 * ktap_format_output() - format one output line of a test run (@line, no
 * newline) into @buf, with a newline.  Until the run prints a KTAP or TAP
 * header ("KTAP version" or "TAP version" at the start of a line), its
 * lines are diagnostics, "# " and the line, as kselftest's prefix.pl
 * writes them; from the header on they are indented by two spaces, a
 * nested KTAP subtest.  Returns the length written (truncated to fit).
 */
size_t ktap_format_output(struct ktap_out *st, char *buf, size_t len,
			  const char *line, size_t linelen);

typedef void (*lb_emit_fn)(void *ctx, const char *line, size_t len);

/* Splits a byte stream into lines; long lines are cut at LB_MAX - 1. */
struct linebuf {
	char buf[LB_MAX];
	size_t len;
};

void lb_feed(struct linebuf *lb, const char *data, size_t n,
	     lb_emit_fn emit, void *ctx);
/* Emit a final line without its newline, if any. */
void lb_flush(struct linebuf *lb, lb_emit_fn emit, void *ctx);

/*
 * kmsg_text() - the message text of one /dev/kmsg record
 * ("pri,seq,ts,flags;text\n KEY=val...").  Terminates @rec after the
 * first text line, and returns a pointer into it, or NULL.  @rec must
 * have room for @len + 1 bytes.
 */
char *kmsg_text(char *rec, size_t len);

#endif
