// SPDX-License-Identifier: GPL-2.0
/*
 * pmu-report: small string and file helpers.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/chvalid.h>
#include <libxml/xmlstring.h>

#include "report.h"

static const char * const cs_names[CS_NR] = {
	[CS_PASS] = "pass",
	[CS_FAIL] = "fail",
	[CS_SKIP] = "skip",
	[CS_TIMEOUT] = "timeout",
	[CS_SPLAT] = "splat",
	[CS_BOOT_HANG] = "boot-hang",
	[CS_PANIC] = "panic",
	[CS_KNOWN] = "known",
	[CS_ABSENT] = "absent",
	[CS_NA] = "n/a",
	[CS_NONE] = "-",
};

static const char * const boot_names[BOOT_NR] = {
	[BOOT_OK] = "ok",
	[BOOT_HANG] = "boot-hang",
	[BOOT_PANIC] = "panic",
	[BOOT_TIMEOUT] = "timeout",
};

const char *cs_name(int status)
{
	if (status < 0 || status >= CS_NR)
		return "?";
	return cs_names[status];
}

/* Only the statuses "pmu-report cell" writes are accepted. */
int cs_parse(const char *name)
{
	int i;

	for (i = 0; i <= CS_PANIC; i++) {
		if (!strcmp(name, cs_names[i]))
			return i;
	}
	return -1;
}

const char *boot_name(int status)
{
	if (status < 0 || status >= BOOT_NR)
		return "?";
	return boot_names[status];
}

int boot_parse(const char *name)
{
	int i;

	for (i = 0; i < BOOT_NR; i++) {
		if (!strcmp(name, boot_names[i]))
			return i;
	}
	return -1;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fputs("pmu-report: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fputs("pmu-report: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

static void sb_grow(struct sbuf *sb, size_t more)
{
	if (sb->len + more + 1 <= sb->cap)
		return;
	sb->cap = (sb->len + more + 1) * 2;
	sb->s = xrealloc(sb->s, sb->cap);
}

void sb_addn(struct sbuf *sb, const char *s, size_t n)
{
	sb_grow(sb, n);
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void sb_addf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_grow(sb, n);
	va_start(ap, fmt);
	vsnprintf(sb->s + sb->len, n + 1, fmt, ap);
	va_end(ap);
	sb->len += n;
}

const char *sb_str(struct sbuf *sb)
{
	if (!sb->s)
		sb_addn(sb, "", 0);
	return sb->s;
}

void sb_free(struct sbuf *sb)
{
	free(sb->s);
	memset(sb, 0, sizeof(*sb));
}

char *read_text(const char *path, size_t *lenp)
{
	struct sbuf sb = { 0 };
	char buf[65536];
	size_t n;
	FILE *f;

	f = fopen(path, "rb");
	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_addn(&sb, buf, n);
	if (ferror(f)) {
		int e = errno;

		fclose(f);
		sb_free(&sb);
		errno = e ? e : EIO;
		return NULL;
	}
	fclose(f);
	sb_str(&sb);
	/* NUL bytes would cut the text short; make them visible. */
	for (n = 0; n < sb.len; n++) {
		if (!sb.s[n])
			sb.s[n] = '?';
	}
	if (lenp)
		*lenp = sb.len;
	return sb.s;
}

void tsv_clean(char *s)
{
	for (; *s; s++) {
		if (*s == '\t' || *s == '\n' || *s == '\r')
			*s = ' ';
	}
}

/*
 * A copy of @s in which every byte that does not start a valid UTF-8
 * character is '?'; with @xml also every character XML does not allow.
 */
char *text_clean(const char *s, int xml)
{
	const unsigned char *p = (const unsigned char *)s;
	struct sbuf sb = { 0 };
	int c, n;

	while (*p) {
		n = strnlen((const char *)p, 4);
		c = xmlGetUTF8Char(p, &n);
		if (c < 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ||
		    (xml && !xmlIsCharQ(c))) {
			sb_addn(&sb, "?", 1);
			p++;
			continue;
		}
		sb_addn(&sb, (const char *)p, n);
		p += n;
	}
	sb_str(&sb);
	return sb.s;
}

int tests_load(const char *path, struct testlist *tl)
{
	char err[256];
	char *text;

	text = read_text(path, NULL);
	if (!text) {
		fprintf(stderr, "pmu-report: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (tl_parse(text, tl, 1, err, sizeof(err)) < 0) {
		fprintf(stderr, "pmu-report: %s:%s\n", path, err + 5);
		free(text);
		return -1;
	}
	free(text);
	return 0;
}
