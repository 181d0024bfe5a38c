// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel splat patterns, shared by the guest init and the host report.
 *
 * A line is a splat when it contains the first string of an entry and,
 * if the entry has one, the second string as well.
 */
#include <stddef.h>
#include <string.h>

#include "compiler.h"
#include "splat.h"

struct splat_pattern {
	const char *name;
	const char *needle;
	const char *also;
};

static const struct splat_pattern splat_patterns[] = {
	{ "warning", "WARNING:", NULL },
	{ "bug", "BUG:", NULL },
	{ "oops", "Oops", NULL },
	{ "fault", "Unable to handle kernel", NULL },
	{ "panic", "Kernel panic", NULL },
	{ "kasan", "KASAN:", NULL },
	{ "ubsan", "UBSAN:", NULL },
	{ "lockdep", "possible circular locking", NULL },
	{ "lockdep", "possible recursive locking", NULL },
	{ "lockdep", "inconsistent lock state", NULL },
	{ "rcu", "suspicious RCU usage", NULL },
	{ "might-sleep", "sleeping function called from invalid context",
	  NULL },
	{ "kmemleak", "kmemleak:", "unreferenced object" },
	{ "gpf", "general protection", NULL },
	{ "trace", "Call Trace:", NULL },
};

#define NR_SPLAT_PATTERNS	((int)ARRAY_SIZE(splat_patterns))

int splat_match(const char *line)
{
	int i;

	if (!line)
		return -1;
	for (i = 0; i < NR_SPLAT_PATTERNS; i++) {
		const struct splat_pattern *p = &splat_patterns[i];

		if (!strstr(line, p->needle))
			continue;
		if (p->also && !strstr(line, p->also))
			continue;
		return i;
	}
	return -1;
}

const char *splat_name(int idx)
{
	if (idx < 0 || idx >= NR_SPLAT_PATTERNS)
		return "none";
	return splat_patterns[idx].name;
}

int splat_is_panic(const char *line)
{
	return line && strstr(line, "Kernel panic") != NULL;
}
