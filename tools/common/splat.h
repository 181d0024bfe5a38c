/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel splat patterns, shared by the guest init and the host report.
 */
#ifndef PMU_CI_SPLAT_H
#define PMU_CI_SPLAT_H

/*
 * splat_match() - does a kernel log line look like a splat?
 * Returns the index of the first matching pattern, or -1.
 */
int splat_match(const char *line);

/* Short name of pattern @idx, as returned by splat_match(). */
const char *splat_name(int idx);

/* True if @line reports a kernel panic. */
int splat_is_panic(const char *line);

#endif
