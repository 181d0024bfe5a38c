// SPDX-License-Identifier: GPL-2.0
/*
 * Pure helpers of the guest init: KTAP formatting, line splitting and
 * /dev/kmsg record parsing.
 */
#include <stdio.h>
#include <string.h>

#include "compiler.h"
#include "emit.h"

static size_t clamp_len(int ret, size_t len)
{
	if (ret < 0)
		return 0;
	if ((size_t)ret >= len)
		return len ? len - 1 : 0;
	return ret;
}

size_t ktap_format_result(char *buf, size_t len, int n, const char *id,
			  const struct run_outcome *o)
{
	char diag[64] = "";
	const char *res = "not ok", *dir = "";
	int ret;

	if (o->timed_out) {
		snprintf(diag, sizeof(diag), "# timeout=%ds\n", o->timeout);
		dir = " # TIMEOUT";
	} else {
		if (o->signaled)
			snprintf(diag, sizeof(diag), "# signal=%d\n", o->code);
		else if (o->code != 0 && (o->code != KSFT_SKIP || o->splat))
			snprintf(diag, sizeof(diag), "# exit=%d\n", o->code);
		if (o->splat) {
			dir = " # SPLAT";
		} else if (!o->signaled && o->code == 0) {
			res = "ok";
		} else if (!o->signaled && o->code == KSFT_SKIP) {
			res = "ok";
			dir = " # SKIP";
		}
	}
	ret = snprintf(buf, len, "%s%s %d %s%s\n", diag, res, n, id, dir);
	return clamp_len(ret, len);
}

static int ktap_is_header(const char *line, size_t len)
{
	static const char *const hdr[] = { "KTAP version ", "TAP version " };
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(hdr); i++) {
		n = strlen(hdr[i]);
		if (len >= n && !memcmp(line, hdr[i], n))
			return 1;
	}
	return 0;
}

size_t ktap_format_output(struct ktap_out *st, char *buf, size_t len,
			  const char *line, size_t linelen)
{
	int ret;

	while (linelen && (line[linelen - 1] == '\r' ||
			   line[linelen - 1] == '\n'))
		linelen--;
	if (!st->nested && ktap_is_header(line, linelen))
		st->nested = 1;
	if (st->nested && !linelen)
		ret = snprintf(buf, len, "\n");
	else if (st->nested)
		ret = snprintf(buf, len, "  %.*s\n", (int)linelen, line);
	else if (!linelen)
		ret = snprintf(buf, len, "#\n");
	else
		ret = snprintf(buf, len, "# %.*s\n", (int)linelen, line);
	return clamp_len(ret, len);
}

void lb_feed(struct linebuf *lb, const char *data, size_t n,
	     lb_emit_fn emit, void *ctx)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (data[i] == '\n') {
			emit(ctx, lb->buf, lb->len);
			lb->len = 0;
			continue;
		}
		if (lb->len == LB_MAX - 1) {
			emit(ctx, lb->buf, lb->len);
			lb->len = 0;
		}
		lb->buf[lb->len++] = data[i];
	}
}

void lb_flush(struct linebuf *lb, lb_emit_fn emit, void *ctx)
{
	if (lb->len)
		emit(ctx, lb->buf, lb->len);
	lb->len = 0;
}

char *kmsg_text(char *rec, size_t len)
{
	char *semi, *nl;

	semi = memchr(rec, ';', len);
	if (!semi)
		return NULL;
	semi++;
	nl = memchr(semi, '\n', len - (semi - rec));
	if (nl)
		*nl = '\0';
	else
		rec[len] = '\0';
	return semi;
}
