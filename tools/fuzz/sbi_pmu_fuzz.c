// SPDX-License-Identifier: GPL-2.0-only
/*
 * Seeded random SBI PMU calls from a KVM guest
 *
 * Two vCPUs issue a bounded, seeded, random stream of SBI PMU calls (every
 * function id, with valid and invalid counter sets, flags, events, initial
 * values and snapshot addresses), read the counter CSRs, trigger firmware
 * events and reset each other through SBI HSM.  After each call the guest
 * checks what the SBI specification makes exact:
 *
 *   - the error code is in the specification's set for the function, and
 *     is SBI_ERR_INVALID_PARAM when the counter set holds an index that is
 *     not below num_counters;
 *   - a stopped firmware counter does not change;
 *   - a firmware counter that is not configured cannot be read;
 *   - every configured counter can be stopped and reset;
 *   - sbi_pmu_snapshot_set_shmem() rejects unaligned, read-only and absent
 *     memory with the documented error.
 *
 * The host side watches /dev/kmsg after every batch of calls and reports
 * any kernel splat (KASAN, UBSAN, lockdep, might_sleep, BUG, WARNING) with
 * the seed and the calls of the batch.  The VM runs in a child process; a
 * page shared with the parent holds the call each vCPU is making, so that
 * a host oops that kills the child is still reported with the seed and the
 * call.  The stream depends only on the seed, never on results, so
 * "-s SEED -n CALLS" replays a run, and "-b 1" attributes a splat to one
 * call.
 *
 * Placement: this program is kept in the CI tooling and copied into
 * tools/testing/selftests/kvm/riscv/ of the kernel under test at build
 * time; it is not part of the patch series.  Its purpose is to run the
 * same program against the unfixed base kernel, where some of its inputs
 * read host memory out of bounds or can oops the host, and a test that can
 * oops an unfixed host must not be a selftest case.  Its results are also
 * random findings, not one exact case per defect, which is what the
 * series' selftests are for.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kvm_util.h"
#include "processor.h"
#include "sbi.h"
#include "ucall_common.h"

/*
 * The guest trap frame: struct ex_regs up to 6.12, struct pt_regs later
 * (stprog.sh defines PMU_GUEST_REGS from the tree it builds against).
 */
#ifndef PMU_GUEST_REGS
#define PMU_GUEST_REGS ex_regs
#endif

#define NR_VCPUS		2
#define MAX_CTRS		64

#define SBI_EXT_TIME		0x54494D45
#define SBI_EXT_RFENCE		0x52464E43
#define SBI_EXT_HSM		0x48534D
#define SBI_ERR_NO_SHMEM	-9

#define EVENT_TYPE_FW		0xfUL
#define FW_SET_TIMER		5
#define FW_FENCE_I_SENT		8
#define NR_PMU_FIDS		8

/* Guest physical layout (identity mapped). */
#define RESET_GPA		(1UL << 30)
#define SNAP_GPA		(RESET_GPA + 0x10000)
#define RO_GPA			(RESET_GPA + 0x20000)
#define LOG_GPA			(RESET_GPA + 0x30000)
#define ABSENT_GPA		(RESET_GPA + 0x800000)
#define RESET_SLOT		10
#define SNAP_SLOT		11
#define RO_SLOT			12
#define LOG_SLOT		13
#define LOG_SIZE		0x4000
#define RESET_ARGS_OFFSET	2048

/* GUEST_SYNC() commands. */
#define CMD_BATCH		1
#define CMD_STOP_OTHER		2

/* Kinds of stream operations, recorded in the call log. */
enum op_kind {
	OP_PMU,		/* an SBI PMU call: fid in the record */
	OP_CSR,		/* read of counter CSR 0xc00 + a0 */
	OP_FW_EVENT,	/* set_timer or remote fence.i */
	OP_RESET,	/* reset of the other vCPU */
	OP_DRAIN,	/* stop and reset every configured counter */
	OP_BAD_FID,	/* an undefined PMU function id */
};

struct call_rec {
	u64 call;
	u32 kind;
	u32 fid;
	u64 a[5];
	long err;
	long val;
};

#define RING		16
#define MAX_RESETS	200

struct vcpu_log {
	u64 calls;			/* calls issued by this vCPU */
	u64 pmu_calls;
	u64 violations;
	u64 deviations;
	u64 resets;			/* resets this vCPU went through */
	u64 csr_traps;
	u64 err_hist[NR_PMU_FIDS + 1][10];
	struct call_rec ring[RING];	/* the last calls, ring[calls % RING] */
};

/* Shared between the parent, the VM process and the guest. */
struct fuzz_log {
	u64 seed;
	u64 ncalls;
	u64 splats;
	u64 resets;
	u32 done[NR_VCPUS];
	struct vcpu_log v[NR_VCPUS];
};

struct reset_args {
	unsigned long satp;
	unsigned long sp;
	unsigned long gp;
	unsigned long entry;
	unsigned long stvec;
};

/* Parameters, copied to the guest. */
static u64 g_seed;
static u64 g_calls[NR_VCPUS];
static u64 g_batch = 64;
static u64 g_nctr;
static u64 g_avoid;
static u64 g_strict;

struct ctr_model {
	u8 cfg;		/* 0: free, 1: configured, 2: unknown */
	u8 started;	/* 0: stopped, 1: started, 2: unknown */
	u8 known;	/* val holds the value of a stopped fw counter */
	u64 val;
	u64 cfg_call;	/* the cfg_match that configured it */
	u64 cfg_event;
	u64 cfg_flags;
};

struct guest_state {
	u64 rng;
	u64 call;		/* next call number of this vCPU */
	u64 since_batch;
	int shmem;
	struct ctr_model m[MAX_CTRS];
	unsigned long info[MAX_CTRS];
	int info_ok[MAX_CTRS];
};

static struct guest_state gs[NR_VCPUS];
static int csr_trapped[NR_VCPUS];

#define LOG	((struct fuzz_log *)LOG_GPA)

/*
 * After a reset (SBI HSM hart_start of a stopped vCPU) the vCPU enters at a
 * guest physical address with translation off: this code, copied to an
 * identity-mapped page, restores satp, sp, gp, stvec and sscratch (the vCPU
 * id, from a0) from the block at a1 and jumps to the C entry point.
 */
#define TRAMPOLINE_SIZE		(11 * 4)

static void __attribute__((naked)) fuzz_trampoline(void)
{
	asm volatile(".option push\n"
		     ".option norvc\n"
		     "ld	t0, 0(a1)\n"
		     "ld	sp, 8(a1)\n"
		     "ld	gp, 16(a1)\n"
		     "ld	t1, 24(a1)\n"
		     "ld	t2, 32(a1)\n"
		     "csrw	satp, t0\n"
		     "sfence.vma\n"
		     "csrw	stvec, t2\n"
		     "csrw	sscratch, a0\n"
		     "jr	t1\n"
		     "unimp\n"
		     ".option pop\n");
}

/* splitmix64: small, fast and the same on every host. */
static u64 rnd(struct guest_state *s)
{
	u64 z = (s->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u64 rnd_below(struct guest_state *s, u64 n)
{
	return n ? rnd(s) % n : 0;
}

static int chance(struct guest_state *s, int percent)
{
	return rnd_below(s, 100) < (u64)percent;
}

static unsigned long csr_read_counter(unsigned long idx)
{
	switch (idx) {
	case 0:
		return csr_read(CSR_CYCLE + 0);
	case 1:
		return csr_read(CSR_CYCLE + 1);
	case 2:
		return csr_read(CSR_CYCLE + 2);
	case 3:
		return csr_read(CSR_CYCLE + 3);
	case 4:
		return csr_read(CSR_CYCLE + 4);
	case 5:
		return csr_read(CSR_CYCLE + 5);
	case 6:
		return csr_read(CSR_CYCLE + 6);
	case 7:
		return csr_read(CSR_CYCLE + 7);
	case 8:
		return csr_read(CSR_CYCLE + 8);
	case 9:
		return csr_read(CSR_CYCLE + 9);
	case 10:
		return csr_read(CSR_CYCLE + 10);
	case 11:
		return csr_read(CSR_CYCLE + 11);
	case 12:
		return csr_read(CSR_CYCLE + 12);
	case 13:
		return csr_read(CSR_CYCLE + 13);
	case 14:
		return csr_read(CSR_CYCLE + 14);
	case 15:
		return csr_read(CSR_CYCLE + 15);
	case 16:
		return csr_read(CSR_CYCLE + 16);
	case 17:
		return csr_read(CSR_CYCLE + 17);
	case 18:
		return csr_read(CSR_CYCLE + 18);
	case 19:
		return csr_read(CSR_CYCLE + 19);
	case 20:
		return csr_read(CSR_CYCLE + 20);
	case 21:
		return csr_read(CSR_CYCLE + 21);
	case 22:
		return csr_read(CSR_CYCLE + 22);
	case 23:
		return csr_read(CSR_CYCLE + 23);
	case 24:
		return csr_read(CSR_CYCLE + 24);
	case 25:
		return csr_read(CSR_CYCLE + 25);
	case 26:
		return csr_read(CSR_CYCLE + 26);
	case 27:
		return csr_read(CSR_CYCLE + 27);
	case 28:
		return csr_read(CSR_CYCLE + 28);
	case 29:
		return csr_read(CSR_CYCLE + 29);
	case 30:
		return csr_read(CSR_CYCLE + 30);
	case 31:
		return csr_read(CSR_CYCLE + 31);
	default:
		return 0;
	}
}

/* One KVM_GET_ONE_REG; vcpu_get_reg()'s signature differs between trees. */
static void get_reg(struct kvm_vcpu *vcpu, u64 id, unsigned long *val)
{
	TEST_ASSERT(!__vcpu_get_reg(vcpu, id, val), "KVM_GET_ONE_REG 0x%llx", (unsigned long long)id);
}

static void guest_illegal_handler(struct PMU_GUEST_REGS *regs)
{
	WRITE_ONCE(csr_trapped[guest_get_vcpuid() % NR_VCPUS], 1);
	/* csrr is never compressed */
	regs->epc += 4;
}

static struct call_rec *rec_begin(int id, u32 kind, u32 fid, unsigned long a0,
				  unsigned long a1, unsigned long a2, unsigned long a3,
				  unsigned long a4)
{
	struct vcpu_log *vl = &LOG->v[id];
	struct call_rec *r = &vl->ring[vl->calls % RING];

	r->call = gs[id].call;
	r->kind = kind;
	r->fid = fid;
	r->a[0] = a0;
	r->a[1] = a1;
	r->a[2] = a2;
	r->a[3] = a3;
	r->a[4] = a4;
	r->err = 0;
	r->val = 0;
	return r;
}

static void rec_end(int id, struct call_rec *r)
{
	LOG->v[id].calls++;
}

static void violation(int id, struct call_rec *r, const char *what)
{
	LOG->v[id].violations++;
	if (LOG->v[id].violations > 20)
		return;
	GUEST_PRINTF("VIOLATION seed=0x%lx vcpu=%d call=%lu kind=%u fid=%u a0=0x%lx a1=0x%lx a2=0x%lx a3=0x%lx a4=0x%lx err=%ld val=0x%lx: %s\n",
		     g_seed, id, r->call, r->kind, r->fid, r->a[0], r->a[1], r->a[2],
		     r->a[3], r->a[4], r->err, r->val, what);
}

/*
 * A known deviation from the specification that the host does not fix
 * yet: counted and shown, a violation only with -S.
 */
static void deviation(int id, struct call_rec *r, const char *what)
{
	if (g_strict) {
		violation(id, r, what);
		return;
	}
	LOG->v[id].deviations++;
	if (LOG->v[id].deviations > 5)
		return;
	GUEST_PRINTF("DEVIATION seed=0x%lx vcpu=%d call=%lu fid=%u a0=0x%lx err=%ld val=0x%lx: %s\n",
		     g_seed, id, r->call, r->fid, r->a[0], r->err, r->val, what);
}

static struct sbiret pmu_ecall(int id, struct call_rec *r)
{
	struct sbiret ret;
	int e;

	ret = sbi_ecall(SBI_EXT_PMU, r->fid, r->a[0], r->a[1], r->a[2], r->a[3],
			r->a[4], 0);
	r->err = ret.error;
	r->val = ret.value;
	LOG->v[id].pmu_calls++;
	e = ret.error <= 0 && ret.error >= -8 ? -ret.error : 9;
	LOG->v[id].err_hist[r->fid < NR_PMU_FIDS ? r->fid : NR_PMU_FIDS][e]++;
	return ret;
}

static int err_in(long err, const long *set, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (err == set[i])
			return 1;
	return 0;
}

#define ERR_IN(err, ...)	({					\
	const long __set[] = { __VA_ARGS__ };				\
	err_in(err, __set, ARRAY_SIZE(__set));				\
})

/* Does the set (base, mask) name an index that is not below num_counters? */
static int set_invalid(unsigned long base, unsigned long mask)
{
	if (!mask || base >= g_nctr)
		return 1;
	return (unsigned long)(63 - __builtin_clzl(mask)) >= g_nctr - base;
}

static int is_fw(struct guest_state *s, unsigned long c)
{
	return c < g_nctr && s->info_ok[c] && (s->info[c] >> (__riscv_xlen - 1));
}

static unsigned long pick_idx(struct guest_state *s)
{
	static const unsigned long odd[] = {
		ULONG_MAX, ULONG_MAX - 1, 64, 63, 1UL << 31, 1UL << 32, LONG_MAX,
	};

	switch (rnd_below(s, 10)) {
	case 0:
		return g_nctr + rnd_below(s, 8);
	case 1:
		return odd[rnd_below(s, ARRAY_SIZE(odd))];
	case 2:
	case 3:
		return rnd_below(s, MAX_CTRS);
	default:
		return rnd_below(s, g_nctr);
	}
}

static void pick_set(struct guest_state *s, unsigned long *base, unsigned long *mask)
{
	unsigned long b, w;

	switch (rnd_below(s, 20)) {
	case 0:
	case 1:
	case 2:
		/* wrap-around: base near ULONG_MAX */
		*base = ULONG_MAX - rnd_below(s, 4);
		*mask = rnd_below(s, 16) | (chance(s, 50) ? 2 : 0);
		if (g_avoid)
			*base = g_nctr + rnd_below(s, 4);
		return;
	case 3:
		*base = rnd_below(s, 72);
		*mask = rnd(s);
		return;
	case 4:
		*base = rnd_below(s, g_nctr);
		*mask = 0;
		return;
	case 5:
		*base = g_nctr - 1 - rnd_below(s, 2);
		*mask = 7;
		return;
	case 6:
	case 7:
	case 8:
	case 9:
		*base = rnd_below(s, g_nctr);
		*mask = 1;
		return;
	default:
		b = rnd_below(s, g_nctr);
		w = g_nctr - b;
		*base = b;
		*mask = w >= 64 ? rnd(s) : rnd(s) & ((1UL << w) - 1);
		if (!*mask)
			*mask = 1;
		return;
	}
}

static unsigned long pick_event(struct guest_state *s, unsigned long *data)
{
	*data = chance(s, 70) ? 0 : rnd(s);
	switch (rnd_below(s, 12)) {
	case 0:
	case 1:
	case 2:
		/* general hardware events, 0 and codes above the last one */
		return rnd_below(s, 13);
	case 3:
		/* cache events: id, op, result, some of them undefined */
		return (1UL << 16) | (rnd_below(s, 9) << 3) | (rnd_below(s, 4) << 1) |
		       rnd_below(s, 2);
	case 4:
		/* raw event, selector in event_data */
		*data = rnd_below(s, 4) ? rnd_below(s, 64) : rnd(s);
		return 2UL << 16;
	case 5:
	case 6:
	case 7:
	case 8:
		/* firmware events, including undefined codes */
		return (EVENT_TYPE_FW << 16) |
		       (rnd_below(s, 8) ? rnd_below(s, 24) : 250 + rnd_below(s, 16));
	case 9:
		/* undefined event types */
		return ((3 + rnd_below(s, 12)) << 16) | rnd_below(s, 8);
	case 10:
		/* bits above the 20-bit event_idx */
		return (rnd(s) & ~0xfffffUL) | rnd_below(s, 3);
	default:
		return rnd(s) & 0xfffff;
	}
}

static unsigned long pick_flags(struct guest_state *s, unsigned long defined)
{
	if (chance(s, 10))
		return rnd(s);
	if (chance(s, 10))
		return (rnd(s) & defined) | (1UL << (8 + rnd_below(s, 56)));
	return rnd(s) & defined;
}

static unsigned long pick_ival(struct guest_state *s)
{
	switch (rnd_below(s, 5)) {
	case 0:
		return 0;
	case 1:
		return ULONG_MAX - rnd_below(s, 16);
	case 2:
		return rnd_below(s, 1000);
	default:
		return rnd(s);
	}
}

/* The set's configured counters moved to state @started (2: unknown). */
static void set_state(struct guest_state *s, unsigned long base, unsigned long mask,
		      int started, int unconfigure)
{
	unsigned long i, c;

	for (i = 0; i < 64; i++) {
		if (!(mask & (1UL << i)))
			continue;
		c = base + i;
		if (c >= g_nctr)
			continue;
		s->m[c].known = 0;
		if (unconfigure == 1) {
			s->m[c].cfg = 0;
			s->m[c].started = 0;
			continue;
		}
		if (unconfigure == 2)
			s->m[c].cfg = s->m[c].cfg ? 2 : 0;
		if (s->m[c].cfg)
			s->m[c].started = started;
	}
}

static void do_get_info(int id, struct guest_state *s)
{
	unsigned long c = pick_idx(s);
	struct call_rec *r = rec_begin(id, OP_PMU, SBI_EXT_PMU_COUNTER_GET_INFO, c, 0, 0, 0, 0);
	struct sbiret ret = pmu_ecall(id, r);

	if (!ERR_IN(ret.error, 0, SBI_ERR_INVALID_PARAM))
		violation(id, r, "counter_get_info: error not in the specified set");
	else if (c >= g_nctr && ret.error != SBI_ERR_INVALID_PARAM)
		violation(id, r, "counter_get_info: accepted an index >= num_counters");
	else if (!ret.error && s->info_ok[c] && (unsigned long)ret.value != s->info[c])
		violation(id, r, "counter_get_info: the counter info changed");
	rec_end(id, r);
}

static void do_cfg_match(int id, struct guest_state *s)
{
	unsigned long base, mask, flags, ev, data, c;
	struct call_rec *r;
	struct sbiret ret;

	pick_set(s, &base, &mask);
	flags = pick_flags(s, 0xff);
	if (chance(s, 70))
		flags &= ~SBI_PMU_CFG_FLAG_SKIP_MATCH;
	ev = pick_event(s, &data);
	r = rec_begin(id, OP_PMU, SBI_EXT_PMU_COUNTER_CFG_MATCH, base, mask, flags, ev, data);
	ret = pmu_ecall(id, r);
	if ((flags & SBI_PMU_CFG_FLAG_SKIP_MATCH) && ret.error == SBI_ERR_FAILURE &&
	    !set_invalid(base, mask) && s->m[base + __builtin_ctzl(mask)].cfg != 1) {
		deviation(id, r, "cfg_match: SKIP_MATCH of a counter without an event gives SBI_ERR_FAILURE");
	} else if (!ERR_IN(ret.error, 0, SBI_ERR_INVALID_PARAM, SBI_ERR_NOT_SUPPORTED)) {
		violation(id, r, "cfg_match: error not in the specified set");
	} else if (set_invalid(base, mask) && ret.error != SBI_ERR_INVALID_PARAM) {
		violation(id, r, "cfg_match: accepted a counter set with an index >= num_counters");
	} else if (!ret.error) {
		c = ret.value;
		if (c >= g_nctr || c < base || c - base >= 64 || !(mask & (1UL << (c - base)))) {
			violation(id, r, "cfg_match: returned a counter outside the set");
		} else {
			s->m[c].cfg = 1;
			s->m[c].started = (flags & SBI_PMU_CFG_FLAG_AUTO_START) ? 1 : 0;
			s->m[c].known = 0;
			s->m[c].cfg_call = s->call;
			s->m[c].cfg_event = ev;
			s->m[c].cfg_flags = flags;
		}
	} else if (flags & SBI_PMU_CFG_FLAG_SKIP_MATCH) {
		/* A failed reconfiguration may have released the counter. */
		set_state(s, base, mask, 2, 2);
	}
	rec_end(id, r);
}

static void do_start(int id, struct guest_state *s)
{
	unsigned long base, mask, flags, ival;
	struct call_rec *r;
	long no_shmem;
	struct sbiret ret;

	pick_set(s, &base, &mask);
	flags = pick_flags(s, 0x3);
	if (!s->shmem && chance(s, 80))
		flags &= ~SBI_PMU_START_FLAG_INIT_SNAPSHOT;
	ival = pick_ival(s);
	/* Two errors apply: the specification does not order them. */
	no_shmem = !s->shmem && (flags & SBI_PMU_START_FLAG_INIT_SNAPSHOT) ?
		   SBI_ERR_NO_SHMEM : SBI_ERR_INVALID_PARAM;
	r = rec_begin(id, OP_PMU, SBI_EXT_PMU_COUNTER_START, base, mask, flags, ival, 0);
	ret = pmu_ecall(id, r);
	if (!ERR_IN(ret.error, 0, SBI_ERR_INVALID_PARAM, SBI_ERR_ALREADY_STARTED,
		    SBI_ERR_NO_SHMEM))
		violation(id, r, "counter_start: error not in the specified set");
	else if (set_invalid(base, mask) && !ERR_IN(ret.error, SBI_ERR_INVALID_PARAM, no_shmem))
		violation(id, r, "counter_start: accepted a counter set with an index >= num_counters");
	if (set_invalid(base, mask))
		; /* nothing may have changed */
	else if (!ret.error || ret.error == SBI_ERR_ALREADY_STARTED)
		set_state(s, base, mask, 1, 0);
	else
		set_state(s, base, mask, 2, 0);
	rec_end(id, r);
}

static void do_stop(int id, struct guest_state *s)
{
	unsigned long base, mask, flags;
	struct call_rec *r;
	long no_shmem;
	struct sbiret ret;

	pick_set(s, &base, &mask);
	flags = pick_flags(s, 0x3);
	no_shmem = !s->shmem && (flags & SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT) ?
		   SBI_ERR_NO_SHMEM : SBI_ERR_INVALID_PARAM;
	r = rec_begin(id, OP_PMU, SBI_EXT_PMU_COUNTER_STOP, base, mask, flags, 0, 0);
	ret = pmu_ecall(id, r);
	if (!ERR_IN(ret.error, 0, SBI_ERR_INVALID_PARAM, SBI_ERR_ALREADY_STOPPED,
		    SBI_ERR_NO_SHMEM))
		violation(id, r, "counter_stop: error not in the specified set");
	else if (set_invalid(base, mask) && !ERR_IN(ret.error, SBI_ERR_INVALID_PARAM, no_shmem))
		violation(id, r, "counter_stop: accepted a counter set with an index >= num_counters");
	if (set_invalid(base, mask))
		;
	else if (!ret.error && (flags & SBI_PMU_STOP_FLAG_RESET))
		set_state(s, base, mask, 0, 1);
	else if (!ret.error || ret.error == SBI_ERR_ALREADY_STOPPED)
		set_state(s, base, mask, 0, (flags & SBI_PMU_STOP_FLAG_RESET) ? 2 : 0);
	else
		set_state(s, base, mask, 2, 2);
	rec_end(id, r);
}

static unsigned long pick_configured(struct guest_state *s)
{
	unsigned long c, start = rnd_below(s, g_nctr);

	for (c = 0; c < g_nctr; c++)
		if (s->m[(start + c) % g_nctr].cfg == 1)
			return (start + c) % g_nctr;
	return start;
}

static void do_fw_read(int id, struct guest_state *s, int hi)
{
	unsigned long c = chance(s, 50) ? pick_configured(s) : pick_idx(s);
	struct ctr_model *m = c < g_nctr ? &s->m[c] : NULL;
	struct call_rec *r;
	struct sbiret ret;

	if (g_avoid && is_fw(s, c) && m->cfg != 1)
		return;
	r = rec_begin(id, OP_PMU, hi ? SBI_EXT_PMU_COUNTER_FW_READ_HI :
		      SBI_EXT_PMU_COUNTER_FW_READ, c, 0, 0, 0, 0);
	ret = pmu_ecall(id, r);
	if (!ERR_IN(ret.error, 0, SBI_ERR_INVALID_PARAM)) {
		violation(id, r, "fw_read: error not in the specified set");
	} else if (hi) {
		/* RV64: the upper half is always zero */
		if (!ret.error && ret.value)
			violation(id, r, "fw_read_hi: non-zero value on RV64");
	} else if (c >= g_nctr) {
		if (ret.error != SBI_ERR_INVALID_PARAM)
			violation(id, r, "fw_read: accepted an index >= num_counters");
	} else if (is_fw(s, c) && !m->cfg && !ret.error) {
		violation(id, r, "fw_read: read a firmware counter that has no event");
	} else if (is_fw(s, c) && m->cfg == 1 && m->started == 0) {
		if (ret.error)
			violation(id, r, "fw_read: failed on a configured firmware counter");
		else if (m->known && (unsigned long)ret.value != m->val)
			violation(id, r, "fw_read: a stopped firmware counter changed");
		if (ret.error || (m->known && (unsigned long)ret.value != m->val))
			GUEST_PRINTF("  counter %lu: configured by call %lu, event 0x%lx, flags 0x%lx; last value 0x%lx\n",
				     c, m->cfg_call, m->cfg_event, m->cfg_flags,
				     m->known ? m->val : 0);
		m->known = !ret.error;
		m->val = ret.value;
	} else if (!is_fw(s, c) && !ret.error && s->info_ok[c]) {
		deviation(id, r, "fw_read: succeeded on a hardware counter");
	}
	rec_end(id, r);
}

static void do_shmem(int id, struct guest_state *s)
{
	unsigned long lo, hi = 0, flags = 0;
	int bad_flags, unaligned, bad_addr, disable = 0;
	struct call_rec *r;
	struct sbiret ret;

	switch (rnd_below(s, 8)) {
	case 0:
	case 1:
		lo = SNAP_GPA;
		break;
	case 2:
		lo = SNAP_GPA + 8 * (1 + rnd_below(s, 511));
		break;
	case 3:
		lo = RO_GPA;
		break;
	case 4:
		lo = rnd_below(s, 2) ? ABSENT_GPA : (rnd(s) & ~0xfffUL);
		break;
	case 5:
		lo = SNAP_GPA;
		hi = 1 + rnd_below(s, 4);
		break;
	case 6:
		lo = ULONG_MAX;
		hi = ULONG_MAX;
		disable = 1;
		break;
	default:
		lo = SNAP_GPA;
		flags = 1UL << rnd_below(s, 64);
		break;
	}
	r = rec_begin(id, OP_PMU, SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, lo, hi, flags, 0, 0);
	ret = pmu_ecall(id, r);
	bad_flags = flags != 0;
	unaligned = !disable && (lo & 0xfff);
	bad_addr = !disable && (hi || lo == RO_GPA || lo == ABSENT_GPA ||
				(lo & ~0xfffUL) != SNAP_GPA);
	/* A random address may hit guest memory: only known ones are exact. */
	if (!ERR_IN(ret.error, 0, SBI_ERR_FAILURE, SBI_ERR_NOT_SUPPORTED,
		    SBI_ERR_INVALID_PARAM, SBI_ERR_INVALID_ADDRESS))
		violation(id, r, "snapshot_set_shmem: error not in the specified set");
	else if ((bad_flags || unaligned) && !bad_addr && ret.error != SBI_ERR_INVALID_PARAM)
		violation(id, r, "snapshot_set_shmem: flags or alignment not rejected with INVALID_PARAM");
	else if (!disable && !bad_flags && !unaligned && (lo == RO_GPA || lo == ABSENT_GPA || hi) &&
		 ret.error != SBI_ERR_INVALID_ADDRESS)
		violation(id, r, "snapshot_set_shmem: unusable memory not rejected with INVALID_ADDRESS");
	else if (bad_addr && (bad_flags || unaligned) &&
		 !ERR_IN(ret.error, SBI_ERR_INVALID_PARAM, SBI_ERR_INVALID_ADDRESS))
		violation(id, r, "snapshot_set_shmem: an invalid request was accepted");
	if (!ret.error)
		s->shmem = !disable;
	rec_end(id, r);
}

static void do_csr(int id, struct guest_state *s)
{
	unsigned long idx = rnd_below(s, 32);
	struct call_rec *r;

	if (g_avoid && is_fw(s, idx) && s->m[idx].cfg != 1)
		return;
	r = rec_begin(id, OP_CSR, 0, idx, 0, 0, 0, 0);

	WRITE_ONCE(csr_trapped[id], 0);
	r->val = csr_read_counter(idx);
	r->err = READ_ONCE(csr_trapped[id]);
	LOG->v[id].csr_traps += r->err;
	rec_end(id, r);
}

static void do_fw_event(int id, struct guest_state *s)
{
	struct call_rec *r;
	struct sbiret ret;

	if (chance(s, 50)) {
		r = rec_begin(id, OP_FW_EVENT, FW_SET_TIMER, ULONG_MAX, 0, 0, 0, 0);
		ret = sbi_ecall(SBI_EXT_TIME, 0, ULONG_MAX, 0, 0, 0, 0, 0);
	} else {
		r = rec_begin(id, OP_FW_EVENT, FW_FENCE_I_SENT, 1, id, 0, 0, 0);
		ret = sbi_ecall(SBI_EXT_RFENCE, 0, 1, id, 0, 0, 0, 0);
	}
	r->err = ret.error;
	rec_end(id, r);
}

static void do_bad_fid(int id, struct guest_state *s)
{
	u32 fid = chance(s, 50) ? NR_PMU_FIDS + rnd_below(s, 8) : (u32)rnd(s);
	struct call_rec *r = rec_begin(id, OP_BAD_FID, fid, rnd(s), rnd(s), 0, 0, 0);
	struct sbiret ret = pmu_ecall(id, r);

	/* Function ids above the ones this guest knows may exist (SBI 3.0). */
	if (fid >= 16 && ret.error != SBI_ERR_NOT_SUPPORTED)
		violation(id, r, "undefined PMU function id not rejected with NOT_SUPPORTED");
	rec_end(id, r);
}

/* Every configured counter can be stopped and reset. */
static void do_drain(int id, struct guest_state *s)
{
	struct call_rec *r;
	struct sbiret ret;
	unsigned long c;

	for (c = 0; c < g_nctr; c++) {
		if (!s->m[c].cfg)
			continue;
		r = rec_begin(id, OP_DRAIN, SBI_EXT_PMU_COUNTER_STOP, c, 1,
			      SBI_PMU_STOP_FLAG_RESET, 0, 0);
		ret = pmu_ecall(id, r);
		if (s->m[c].cfg == 1 && !ERR_IN(ret.error, 0, SBI_ERR_ALREADY_STOPPED))
			violation(id, r, "a configured counter cannot be stopped and reset");
		if (!ret.error || ret.error == SBI_ERR_ALREADY_STOPPED) {
			s->m[c].cfg = 0;
			s->m[c].started = 0;
			s->m[c].known = 0;
		}
		rec_end(id, r);
		s->call++;
	}
}

static void do_reset_other(int id, struct guest_state *s)
{
	int other = !id;
	struct call_rec *r;
	struct sbiret ret;

	/* Each reset may leave one ucall slot of the reset vCPU in use. */
	if (LOG->done[other] || LOG->resets >= MAX_RESETS)
		return;
	LOG->resets++;
	r = rec_begin(id, OP_RESET, 0, other, RESET_GPA,
		      RESET_GPA + RESET_ARGS_OFFSET + other * sizeof(struct reset_args), 0, 0);
	GUEST_SYNC(CMD_STOP_OTHER);
	ret = sbi_ecall(SBI_EXT_HSM, 0, other, RESET_GPA,
			RESET_GPA + RESET_ARGS_OFFSET + other * sizeof(struct reset_args),
			0, 0, 0);
	r->err = ret.error;
	if (ret.error)
		violation(id, r, "hart_start of the stopped vCPU failed");
	rec_end(id, r);
}

static void guest_init_model(int id, struct guest_state *s)
{
	struct sbiret ret;
	unsigned long c;

	ret = sbi_ecall(SBI_EXT_PMU, SBI_EXT_PMU_NUM_COUNTERS, 0, 0, 0, 0, 0, 0);
	GUEST_ASSERT_EQ(ret.error, 0);
	GUEST_ASSERT(ret.value > 0 && ret.value <= MAX_CTRS);
	if (!g_nctr)
		g_nctr = ret.value;
	GUEST_ASSERT_EQ((unsigned long)ret.value, g_nctr);
	for (c = 0; c < g_nctr; c++) {
		s->m[c].cfg = 0;
		s->m[c].started = 0;
		s->m[c].known = 0;
		ret = sbi_ecall(SBI_EXT_PMU, SBI_EXT_PMU_COUNTER_GET_INFO, c, 0, 0, 0, 0, 0);
		s->info_ok[c] = !ret.error;
		s->info[c] = ret.value;
	}
	s->shmem = 0;
}

static void guest_entry(unsigned long id)
{
	struct guest_state *s = &gs[id];
	struct call_rec *r;
	struct sbiret ret;
	u64 op;

	if (s->rng) {
		/* Entered again after a reset: the PMU state is gone. */
		LOG->v[id].resets++;
	} else {
		s->rng = g_seed ^ (0x5851f42d4c957f2dULL * (id + 1));
	}
	guest_init_model(id, s);

	while (s->call < g_calls[id]) {
		op = rnd_below(s, 1000);
		if (op < 60) {
			r = rec_begin(id, OP_PMU, SBI_EXT_PMU_NUM_COUNTERS, 0, 0, 0, 0, 0);
			ret = pmu_ecall(id, r);
			if (ret.error || (unsigned long)ret.value != g_nctr)
				violation(id, r, "num_counters failed or changed");
			rec_end(id, r);
		} else if (op < 140) {
			do_get_info(id, s);
		} else if (op < 330) {
			do_cfg_match(id, s);
		} else if (op < 500) {
			do_start(id, s);
		} else if (op < 670) {
			do_stop(id, s);
		} else if (op < 800) {
			do_fw_read(id, s, 0);
		} else if (op < 830) {
			do_fw_read(id, s, 1);
		} else if (op < 870) {
			do_shmem(id, s);
		} else if (op < 920) {
			do_csr(id, s);
		} else if (op < 970) {
			do_fw_event(id, s);
		} else if (op < 980) {
			do_bad_fid(id, s);
		} else if (op < 996) {
			do_drain(id, s);
		} else {
			/* Advance first: the reset may happen at any later time. */
			s->call++;
			if (++s->since_batch >= g_batch) {
				s->since_batch = 0;
				GUEST_SYNC(CMD_BATCH);
			}
			do_reset_other(id, s);
			continue;
		}
		s->call++;
		if (++s->since_batch >= g_batch) {
			s->since_batch = 0;
			GUEST_SYNC(CMD_BATCH);
		}
	}
	do_drain(id, s);
	GUEST_DONE();
}

/* Host side. */

static const char * const splat_needles[] = {
	"BUG:", "WARNING:", "Oops", "Unable to handle kernel", "Kernel panic",
	"KASAN:", "UBSAN:", "possible circular locking", "possible recursive locking",
	"inconsistent lock state", "suspicious RCU usage",
	"sleeping function called from invalid context", "general protection",
	"kernel BUG",
};

static const char * const kind_names[] = {
	"pmu", "csr", "fw-event", "reset-other", "drain", "bad-fid",
};

static const char * const fid_names[] = {
	"num_counters", "counter_get_info", "cfg_match", "counter_start",
	"counter_stop", "fw_read", "fw_read_hi", "snapshot_set_shmem", "undefined",
};

static struct fuzz_log *hlog;
static int kmsg_fd = -1;

static void kmsg_open(void)
{
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
	else
		printf("# warning: /dev/kmsg: %s: host splats are not watched\n",
		       strerror(errno));
}

static void print_rec(const char *pfx, int id, const struct call_rec *r)
{
	printf("# %s vcpu=%d call=%llu %s fid=%u(%s) a0=0x%llx a1=0x%llx a2=0x%llx a3=0x%llx a4=0x%llx err=%ld val=0x%lx\n",
	       pfx, id, (unsigned long long)r->call,
	       r->kind < ARRAY_SIZE(kind_names) ? kind_names[r->kind] : "?", r->fid,
	       r->kind == OP_PMU || r->kind == OP_DRAIN ?
	       fid_names[r->fid < NR_PMU_FIDS ? r->fid : NR_PMU_FIDS] : "-",
	       (unsigned long long)r->a[0], (unsigned long long)r->a[1],
	       (unsigned long long)r->a[2], (unsigned long long)r->a[3],
	       (unsigned long long)r->a[4], r->err, r->val);
}

static void print_last_calls(int id, int n)
{
	struct vcpu_log *vl = &hlog->v[id];
	u64 k, total = vl->calls;

	for (k = total > (u64)n ? total - n : 0; k < total; k++)
		print_rec("  last", id, &vl->ring[k % RING]);
}

/* The call a vCPU had begun but not finished when its process died. */
static void print_in_flight(int id)
{
	struct vcpu_log *vl = &hlog->v[id];
	struct call_rec *r = &vl->ring[vl->calls % RING];

	if (vl->calls && r->call > vl->ring[(vl->calls - 1) % RING].call)
		print_rec("in flight", id, r);
}

/* Report new kernel splats; returns how many lines matched. */
static int kmsg_check(int cur, int batch_calls)
{
	char rec[2048], *text;
	int found = 0;
	ssize_t n;
	size_t i;

	if (kmsg_fd < 0)
		return 0;
	for (;;) {
		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && (errno == EINTR || errno == EPIPE))
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		text = strchr(rec, ';');
		text = text ? text + 1 : rec;
		text[strcspn(text, "\n")] = '\0';
		for (i = 0; i < ARRAY_SIZE(splat_needles); i++)
			if (strstr(text, splat_needles[i]))
				break;
		if (i == ARRAY_SIZE(splat_needles))
			continue;
		hlog->splats++;
		found++;
		if (cur >= 0)
			printf("# FINDING host splat seed=0x%llx vcpu=%d after call %llu: %s\n",
			       (unsigned long long)hlog->seed, cur,
			       (unsigned long long)hlog->v[cur].calls, text);
		else
			printf("# FINDING host splat seed=0x%llx after calls %llu+%llu: %s\n",
			       (unsigned long long)hlog->seed,
			       (unsigned long long)hlog->v[0].calls,
			       (unsigned long long)hlog->v[1].calls, text);
		if (hlog->splats <= 3 && cur >= 0 && batch_calls > 0)
			print_last_calls(cur, batch_calls < RING ? batch_calls : RING);
	}
	fflush(stdout);
	return found;
}

static void setup_vm(struct kvm_vm **vmp, struct kvm_vcpu **vcpus)
{
	struct reset_args *args;
	struct kvm_vm *vm;
	void *hva;
	int i;

	vm = vm_create_with_vcpus(NR_VCPUS, guest_entry, vcpus);
	__TEST_REQUIRE(__vcpu_has_sbi_ext(vcpus[0], KVM_RISCV_SBI_EXT_PMU),
		       "SBI PMU not available, skipping test");
	vm_init_vector_tables(vm);
	vm_install_exception_handler(vm, EXC_INST_ILLEGAL, guest_illegal_handler);

	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, RESET_GPA, RESET_SLOT, 1, 0);
	virt_map(vm, RESET_GPA, RESET_GPA, 1);
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, SNAP_GPA, SNAP_SLOT, 1, 0);
	virt_map(vm, SNAP_GPA, SNAP_GPA, 1);
	vm_userspace_mem_region_add(vm, VM_MEM_SRC_ANONYMOUS, RO_GPA, RO_SLOT, 1,
				    KVM_MEM_READONLY);
	virt_map(vm, RO_GPA, RO_GPA, 1);
	vm_set_user_memory_region(vm, LOG_SLOT, 0, LOG_GPA, LOG_SIZE, hlog);
	virt_map(vm, LOG_GPA, LOG_GPA, LOG_SIZE / vm->page_size);

	hva = addr_gpa2hva(vm, RESET_GPA);
	memcpy(hva, (void *)fuzz_trampoline, TRAMPOLINE_SIZE);
	for (i = 0; i < NR_VCPUS; i++) {
		vcpu_init_vector_tables(vcpus[i]);
		vcpu_args_set(vcpus[i], 1, i);
		args = hva + RESET_ARGS_OFFSET + i * sizeof(*args);
		get_reg(vcpus[i], RISCV_GENERAL_CSR_REG(satp), &args->satp);
		get_reg(vcpus[i], RISCV_CORE_REG(regs.sp), &args->sp);
		get_reg(vcpus[i], RISCV_CORE_REG(regs.gp), &args->gp);
		args->entry = (unsigned long)guest_entry;
		get_reg(vcpus[i], RISCV_GENERAL_CSR_REG(stvec), &args->stvec);
	}

	*vmp = vm;
}

static int run_vcpus(struct kvm_vm *vm, struct kvm_vcpu **vcpus)
{
	struct kvm_mp_state stopped = { .mp_state = KVM_MP_STATE_STOPPED };
	u64 before;
	struct ucall uc;
	int cur = 0, ndone = 0, batch = 0;

	while (ndone < NR_VCPUS) {
		before = hlog->v[cur].calls;
		vcpu_run(vcpus[cur]);
		switch (get_ucall(vcpus[cur], &uc)) {
		case UCALL_SYNC:
			if (uc.args[1] == CMD_STOP_OTHER) {
				vcpu_mp_state_set(vcpus[!cur], &stopped);
				continue;
			}
			batch = hlog->v[cur].calls - before;
			kmsg_check(cur, batch);
			if (!hlog->done[!cur])
				cur = !cur;
			break;
		case UCALL_PRINTF:
			printf("# %s", uc.buffer);
			continue;
		case UCALL_DONE:
			kmsg_check(cur, hlog->v[cur].calls - before);
			hlog->done[cur] = 1;
			ndone++;
			cur = !cur;
			break;
		case UCALL_ABORT:
			kmsg_check(cur, 0);
			printf("# FINDING guest assertion seed=0x%llx vcpu=%d after call %llu: %s\n",
			       (unsigned long long)hlog->seed, cur,
			       (unsigned long long)hlog->v[cur].calls, uc.buffer);
			print_last_calls(cur, 4);
			return -1;
		default:
			TEST_FAIL("unexpected ucall %lu", uc.cmd);
		}
		fflush(stdout);
	}
	return 0;
}

static void vm_child(void)
{
	struct kvm_vcpu *vcpus[NR_VCPUS];
	struct kvm_vm *vm;

	setup_vm(&vm, vcpus);
	g_seed = hlog->seed;
	g_calls[0] = (hlog->ncalls + 1) / 2;
	g_calls[1] = hlog->ncalls / 2;
	sync_global_to_guest(vm, g_seed);
	sync_global_to_guest(vm, g_calls);
	sync_global_to_guest(vm, g_batch);
	sync_global_to_guest(vm, g_avoid);
	sync_global_to_guest(vm, g_strict);
	exit(run_vcpus(vm, vcpus) ? 3 : 0);
}

static void usage(const char *name)
{
	printf("Usage: %s [-s seed] [-n calls] [-b batch] [-t timeout-s] [-a] [-S]\n", name);
	printf("  -s: seed of the call stream (default: from the clock; printed)\n");
	printf("  -n: number of calls, shared by the two vCPUs (default 10000)\n");
	printf("  -b: calls between two checks of the host log (default 64; 1 = exact)\n");
	printf("  -t: give up on a VM process that does not finish (default 600)\n");
	printf("  -a: avoid the inputs known to crash unfixed hosts (reads of firmware\n");
	printf("      counters without an event, counter sets that wrap around)\n");
	printf("  -S: strict: known deviations from the specification are violations\n");
}

int main(int argc, char *argv[])
{
	u64 seed = 0, ncalls = 10000, pmu_calls = 0, viol = 0, deviations = 0;
	int opt, have_seed = 0, status = 0, crashed = 0, reaped = 0, i, j;
	struct timespec t0, t1;
	long timeout_s = 600;
	double dt;
	pid_t pid;

	while ((opt = getopt(argc, argv, "s:n:b:t:aSh")) != -1) {
		switch (opt) {
		case 'S':
			g_strict = 1;
			break;
		case 'a':
			g_avoid = 1;
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			have_seed = 1;
			break;
		case 'n':
			ncalls = strtoull(optarg, NULL, 0);
			break;
		case 'b':
			g_batch = strtoull(optarg, NULL, 0);
			if (!g_batch)
				g_batch = 1;
			break;
		case 't':
			timeout_s = strtol(optarg, NULL, 0);
			break;
		default:
			usage(argv[0]);
			exit(KSFT_SKIP);
		}
	}
	if (!have_seed) {
		clock_gettime(CLOCK_REALTIME, &t0);
		seed = (u64)t0.tv_sec * 1000000007ULL ^ t0.tv_nsec ^ getpid();
	}

	hlog = mmap(NULL, LOG_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(hlog != MAP_FAILED, "mmap of the shared log failed");
	TEST_ASSERT(sizeof(*hlog) <= LOG_SIZE, "shared log too large");
	memset(hlog, 0, LOG_SIZE);
	hlog->seed = seed;
	hlog->ncalls = ncalls;

	ksft_print_header();
	ksft_set_plan(3);
	printf("# sbi_pmu_fuzz: seed=0x%llx calls=%llu vcpus=%d batch=%llu avoid=%llu\n",
	       (unsigned long long)seed, (unsigned long long)ncalls, NR_VCPUS,
	       (unsigned long long)g_batch, (unsigned long long)g_avoid);
	printf("# replay: %s -s 0x%llx -n %llu -b 1%s\n", argv[0],
	       (unsigned long long)seed, (unsigned long long)ncalls, g_avoid ? " -a" : "");
	fflush(stdout);
	kmsg_open();

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	TEST_ASSERT(pid >= 0, "fork failed");
	if (!pid)
		vm_child();

	/* Wait for the VM process, watching the host log for a crash. */
	for (i = 0; i < timeout_s * 10; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			reaped = 1;
			break;
		}
		usleep(100 * 1000);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	kmsg_check(-1, 0);
	if (!reaped) {
		crashed = 1;
		printf("# FINDING VM process did not finish in %lds seed=0x%llx\n", timeout_s,
		       (unsigned long long)seed);
		kill(pid, SIGKILL);
	} else if (WIFSIGNALED(status)) {
		crashed = 1;
		printf("# FINDING VM process killed by signal %d seed=0x%llx (a host oops kills the task in KVM_RUN)\n",
		       WTERMSIG(status), (unsigned long long)seed);
	} else if (WEXITSTATUS(status) == KSFT_SKIP) {
		ksft_exit_skip("SBI PMU not available\n");
	} else if (WEXITSTATUS(status)) {
		printf("# VM process exit status %d\n", WEXITSTATUS(status));
	}
	if (crashed) {
		for (j = 0; j < NR_VCPUS; j++) {
			printf("# the calls vCPU %d was making (seed=0x%llx):\n", j,
			       (unsigned long long)seed);
			print_last_calls(j, 4);
			print_in_flight(j);
		}
	}

	for (j = 0; j < NR_VCPUS; j++) {
		struct vcpu_log *vl = &hlog->v[j];

		pmu_calls += vl->pmu_calls;
		viol += vl->violations;
		deviations += vl->deviations;
		printf("# vcpu%d: calls=%llu pmu_calls=%llu resets=%llu csr_traps=%llu violations=%llu deviations=%llu\n",
		       j, (unsigned long long)vl->calls, (unsigned long long)vl->pmu_calls,
		       (unsigned long long)vl->resets, (unsigned long long)vl->csr_traps,
		       (unsigned long long)vl->violations, (unsigned long long)vl->deviations);
	}
	for (i = 0; i <= NR_PMU_FIDS; i++) {
		u64 e[10];

		for (j = 0; j < 10; j++)
			e[j] = hlog->v[0].err_hist[i][j] + hlog->v[1].err_hist[i][j];
		printf("# %-18s ok=%llu failed=%llu not_supported=%llu invalid_param=%llu invalid_address=%llu already_started=%llu already_stopped=%llu other=%llu\n",
		       fid_names[i], (unsigned long long)e[0], (unsigned long long)e[1],
		       (unsigned long long)e[2], (unsigned long long)e[3],
		       (unsigned long long)e[5], (unsigned long long)e[7],
		       (unsigned long long)e[8],
		       (unsigned long long)(e[4] + e[6] + e[9]));
	}
	dt = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("# totals: seed=0x%llx calls=%llu pmu_calls=%llu time=%.1fs calls/s=%.0f violations=%llu splats=%llu deviations=%llu crashed=%d\n",
	       (unsigned long long)seed,
	       (unsigned long long)(hlog->v[0].calls + hlog->v[1].calls),
	       (unsigned long long)pmu_calls, dt,
	       dt > 0 ? (hlog->v[0].calls + hlog->v[1].calls) / dt : 0.0,
	       (unsigned long long)viol, (unsigned long long)hlog->splats,
	       (unsigned long long)deviations, crashed);

	ksft_test_result(!viol && reaped && !crashed && WIFEXITED(status) &&
			 !WEXITSTATUS(status), "invariants\n");
	ksft_test_result(!hlog->splats, "host_splats\n");
	ksft_test_result(!crashed, "host_alive\n");
	ksft_finished();
}
