/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers the tools share, as in the kernel.
 */
#ifndef PMU_CI_COMPILER_H
#define PMU_CI_COMPILER_H

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#endif
